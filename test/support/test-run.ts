import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isAlive, processesWithEnvironment, waitForExit } from './leftover-processes.ts';

/**
 * One folder per test run, made the run's TMPDIR. Test files create their temporary folders with
 * os.tmpdir(), so all of them land inside it; every process a test starts inherits TMPDIR, so the
 * teardown finds what a failed or timed-out test left running without touching other runs on a
 * shared machine. .ci/run checks the same two things after the suite.
 */
export async function startTestRun(): Promise<string> {
  const runDir = await mkdtemp(path.join(tmpdir(), 'ficus-run-'));
  // As root, embedded PostgreSQL runs as `postgres` and must reach its data folders in here.
  await chmod(runDir, 0o1777);
  process.env.TMPDIR = runDir;
  return runDir;
}

export async function endTestRun(runDir: string): Promise<void> {
  await stopPostgresServersUnder(runDir);
  const left = processesWithEnvironment('TMPDIR', runDir);
  for (const { pid } of left) signal(pid, 'SIGTERM');
  const stubborn = await waitForExit(left.map((p) => p.pid), 10_000);
  for (const pid of stubborn) signal(pid, 'SIGKILL');
  await waitForExit(stubborn, 5_000);
  if (left.length) console.warn(`test teardown stopped ${left.length} process(es) left running:\n  ${left.map((p) => `${p.pid} ${p.command}`).join('\n  ')}`);
  await rm(runDir, { recursive: true, force: true });
}

/**
 * PostgreSQL servers with a data folder in the run (found by their postmaster.pid), stopped with a
 * fast shutdown first so they do not leave shared memory behind.
 */
async function stopPostgresServersUnder(runDir: string): Promise<void> {
  const pids = postmasterPids(runDir).filter(isAlive);
  for (const pid of pids) signal(pid, 'SIGINT');
  const stubborn = await waitForExit(pids, 15_000);
  for (const pid of stubborn) signal(pid, 'SIGQUIT');
  await waitForExit(stubborn, 5_000);
}

function postmasterPids(dir: string, depth = 0): number[] {
  if (depth > 4 || !existsSync(dir)) return [];
  const found: number[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === 'postmaster.pid') {
      const pid = Number(readFileSync(full, 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0) found.push(pid);
    } else if (entry.isDirectory() && !entry.isSymbolicLink()) {
      found.push(...postmasterPids(full, depth + 1));
    }
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
