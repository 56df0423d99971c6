import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/support/free-port.ts';
import { PROJECT_ROOT, waitForHttp } from '../support/ficus-process.ts';
import { processesWithEnvironment, waitForExit } from '../support/leftover-processes.ts';

/**
 * The README's commands, run as written against a fresh `npm start` (its own data folder and
 * ports: the only change is the gateway's port in URLs, 8069 → the test's). Every `npx ficus …`
 * the README shows is found here by the text itself, so a command added to the README without
 * working fails this test. Left out, with the reason: `npm ci` and `npm test` (CI runs them),
 * the golden replay block (test/odoo-bridge/gateway/golden-http.test.ts runs that replay).
 */
const README = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

interface Ran {
  command: string;
  code: number;
  output: string;
}

let env: Record<string, string>;
let ficus: ReturnType<typeof spawn> | undefined;
let ficusOutput = '';

function shell(script: string): Promise<Ran> {
  const forTest = script.replaceAll('127.0.0.1:8069', `127.0.0.1:${env.FICUS_PORT}`);
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', forTest], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ command: script, code: code ?? -1, output }));
  });
}

/** Fenced bash blocks, and `npx ficus …` commands anywhere in the text without placeholders. */
function bashBlocks(): string[] {
  return [...README.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}
function ficusCommands(): string[] {
  const found = [...README.matchAll(/npx ficus [a-z-][^`'\n#<…]*/g)].map((m) => m[0].trim().replace(/\)$/, ''));
  return [...new Set(found)];
}

beforeAll(async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ficus-readme-'));
  // A free port can be taken by a parallel test file before Ficus binds it: Ficus then stops with
  // one line naming the setting, and this start is retried on other ports.
  for (let attempt = 1; ; attempt++) {
    env = { FICUS_DATA_DIR: dataDir, FICUS_PG_PORT: String(await freePort()), FICUS_PORT: String(await freePort()), LOG_FORMAT: 'json' };
    ficusOutput = '';
    ficus = spawn('npm', ['start', '--silent'], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    ficus.stdout!.on('data', (chunk: Buffer) => (ficusOutput += chunk.toString()));
    ficus.stderr!.on('data', (chunk: Buffer) => (ficusOutput += chunk.toString()));
    const exited = new Promise<'exited'>((r) => ficus!.once('exit', () => r('exited')));
    const ready = waitForHttp(`http://127.0.0.1:${env.FICUS_PORT}/readyz`, 170_000).then(() => 'ready' as const);
    const outcome = await Promise.race([ready, exited]).catch((error: Error) => {
      throw new Error(`${error.message}\n${ficusOutput.slice(-3000)}`);
    });
    // Ready means this Ficus answers on its port, not another process that took it.
    if (outcome === 'ready' && ficus.exitCode === null && ficusOutput.includes('Ficus is ready')) return;
    if (attempt < 3 && /is in use/.test(ficusOutput)) continue;
    throw new Error(`Ficus did not start (${outcome}, exit ${ficus.exitCode}):\n${ficusOutput.slice(-3000)}`);
  }
}, 600_000);

/** What Ficus printed last and whether it still runs, for a failing step's message. */
function ficusState(): string {
  return `\n-- Ficus ${ficus?.exitCode === null ? 'running' : `exited ${ficus?.exitCode}`}; its last output:\n${ficusOutput.slice(-2000)}`;
}

afterAll(async () => {
  if (ficus && ficus.exitCode === null) {
    const exited = new Promise((r) => ficus!.once('exit', r));
    ficus.kill('SIGTERM');
    await exited;
  }
  if (env) {
    const left = processesWithEnvironment('FICUS_DATA_DIR', env.FICUS_DATA_DIR!);
    await waitForExit(left.map((p) => p.pid), 10_000);
    await rm(env.FICUS_DATA_DIR!, { recursive: true, force: true });
  }
  await rm(path.join(PROJECT_ROOT, 'reconcile.html'), { force: true });
});

describe("the README's commands, on a fresh start", () => {
  it('the blocks and commands this test knows are the ones the README shows', () => {
    const blocks = bashBlocks();
    expect(blocks).toContain('npm ci && npm start');
    expect(blocks).toContain('npm test');
    expect(ficusCommands().sort()).toEqual(
      [
        'npx ficus token --user 6',
        'npx ficus migrate backfill M04',
        'npx ficus db reset',
        'npx ficus config',
        'npx ficus config --markdown',
        'npx ficus --version',
        'npx ficus migrate status',
        'npx ficus migrate status M04',
        'npx ficus reconcile --all --format html --out reconcile.html',
      ].sort(),
    );
  });

  it('each runs as written and does what the README says', async () => {
    // Settings and version first; `db reset` before anything has replication slots on the legacy database.
    const config = await shell('npx ficus config');
    expect(config.code, config.output + ficusState()).toBe(0);
    expect(JSON.parse(config.output).gatewayPort).toBe(Number(env.FICUS_PORT));

    const table = await shell('npx ficus config --markdown');
    expect(table.code).toBe(0);
    expect(README).toContain(table.output.trim()); // the README's settings table is the command's output

    const version = await shell('npx ficus --version');
    expect(version.output.trim()).toBe(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version);

    const reset = await shell('npx ficus db reset');
    expect(reset.code, reset.output + ficusState()).toBe(0);
    expect(reset.output).toMatch(/legacy database legacy reset in \d+ ms/);

    // "Calling REST": signing in works, the token is accepted, and before a backfill trade says its copy is not ready.
    const rest = bashBlocks().find((b) => b.includes('/auth/login'))!;
    const called = await shell(rest);
    expect(called.code, called.output + ficusState()).toBe(0);
    expect(called.output).toContain('service-copy-not-ready');

    const backfill = await shell('npx ficus migrate backfill M04');
    expect(backfill.code, backfill.output + ficusState()).toBe(0);
    expect(backfill.output).toContain('M04 backfilled into trade');

    // The block of migrate status and reconcile, as one script, with each command's exit code.
    const block = bashBlocks().find((b) => b.includes('npx ficus migrate status'))!;
    const ran = await shell(block.split('\n').map((line) => `${line}\necho "exit=$?"`).join('\n'));
    const codes = [...ran.output.matchAll(/^exit=(\d+)$/gm)].map((m) => Number(m[1]));
    expect(codes.slice(0, 2), ran.output).toEqual([0, 0]);
    // reconcile: 1 while some module's copy differs (M19 was never backfilled), 0 when clean.
    expect([0, 1]).toContain(codes[2]);
    for (let n = 1; n <= 20; n++) expect(ran.output).toContain(`M${String(n).padStart(2, '0')} `);
    expect(ran.output).toContain('M04 Health Service Marketplace → service trade');
    expect(ran.output).not.toMatch(/FAIL/);
    expect(existsSync(path.join(PROJECT_ROOT, 'reconcile.html'))).toBe(true);
    const html = readFileSync(path.join(PROJECT_ROOT, 'reconcile.html'), 'utf8');
    // M01 moved to a built service (auth) without a backfill: reported, whatever the wording of "nothing copied yet".
    expect(html).toMatch(/M01 hp_account/);
    // M19 was never backfilled: reported as not compared, with the reason (issue 18: nothing to compare is not a difference).
    expect(html).toMatch(/M19 hp_feed[^<]*(never backfilled|not compared|no copy)/);
    expect(html).not.toMatch(/M04 hp_marketplace: the service copy/);
  }, 600_000);
});
