import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  const parent = tmpdir();
  await sweepAbandonedRuns(parent);
  const runDir = await mkdtemp(path.join(parent, 'ficus-run-'));
  await writeFile(path.join(runDir, OWNER_FILE), String(process.pid));
  // As root, embedded PostgreSQL runs as `postgres` and must reach its data folders in here.
  await chmod(runDir, 0o1777);
  process.env.TMPDIR = runDir;
  return runDir;
}

const OWNER_FILE = '.owner-pid';

/**
 * A run whose vitest was killed (SIGKILL, a CI job's timeout) never reached its teardown: the next
 * run cleans up after it. A run folder belongs to a dead run when the process that made it is gone
 * (a folder without its owner file is given a minute, the time between its making and the write).
 */
async function sweepAbandonedRuns(parent: string): Promise<void> {
  let entries: string[];
  try {
    entries = readdirSync(parent).filter((name) => name.startsWith('ficus-run-'));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = path.join(parent, name);
    try {
      const ownerFile = path.join(dir, OWNER_FILE);
      if (existsSync(ownerFile)) {
        const owner = Number(readFileSync(ownerFile, 'utf8'));
        if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) continue;
      } else if (Date.now() - statSync(dir).mtimeMs < 60_000 || processesWithEnvironment('TMPDIR', dir).length) {
        // Being made right now, or a run of a version without owner files that still has processes.
        continue;
      }
      await endTestRun(dir);
    } catch {
      // another run is sweeping it at the same moment
    }
  }
}

export async function endTestRun(runDir: string): Promise<void> {
  await stopPostgresServersUnder(runDir);
  const left = processesWithEnvironment('TMPDIR', runDir);
  for (const { pid } of left) signal(pid, 'SIGTERM');
  const stubborn = await waitForExit(left.map((p) => p.pid), 10_000);
  for (const pid of stubborn) signal(pid, 'SIGKILL');
  await waitForExit(stubborn, 5_000);
  if (left.length) console.warn(`test run cleanup stopped ${left.length} process(es) left running:\n  ${left.map((p) => `${p.pid} ${p.command}`).join('\n  ')}`);
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
