import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/support/free-port.ts';
import { newSigningKeySet, publicJwks } from '../../services/kit/auth/keys.ts';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';
import { PROJECT_ROOT, waitForHttp } from '../support/ficus-process.ts';

const run = promisify(execFile);
const BIN = path.join(PROJECT_ROOT, 'bin/ficus.js');
const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };

/** Runs a command to its end: exit code and everything it printed. */
async function outcome(file: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return run(file, args, { cwd }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
}

describe('bin/ficus.js, the package\'s `ficus` command', () => {
  it('`npx ficus --version` and `--help` work from the checkout', async () => {
    const shown = await outcome('npx', ['--no-install', 'ficus', '--version'], PROJECT_ROOT);
    expect(shown).toEqual({ code: 0, output: `${version}\n` });
    const help = await outcome('npx', ['--no-install', 'ficus', '--help'], PROJECT_ROOT);
    expect(help.code).toBe(0);
    for (const command of ['start', 'serve', 'migrate', 'reconcile', 'config', 'db']) expect(help.output).toContain(`  ${command}`);
  });

  it('runs from any directory and keeps the CLI\'s exit codes (2 for bad usage)', async () => {
    expect(await outcome(BIN, ['--version'], os.tmpdir())).toEqual({ code: 0, output: `${version}\n` });
    const unknown = await outcome(BIN, ['no-such-command'], os.tmpdir());
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain("unknown command 'no-such-command'");
  });

  describe('signals reach the CLI itself (no wrapper process in between)', () => {
    let database: TestDatabase | undefined;
    let jwks: Server | undefined;
    afterAll(async () => {
      await new Promise((r) => (jwks ? jwks.close(r) : r(undefined)));
      await database?.drop();
    });

    it('Ctrl-C on `ficus serve trade` shuts the service down cleanly and exits 0', async () => {
      database = await emptyDatabase('bin_ficus');
      const keys = newSigningKeySet();
      jwks = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(publicJwks(keys))));
      await new Promise<void>((r) => jwks!.listen(0, '127.0.0.1', r));
      const port = await freePort();
      const child = spawn(BIN, ['serve', 'trade'], {
        cwd: os.tmpdir(),
        env: {
          ...process.env,
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'info',
          FICUS_SERVICE_DB_TRADE: database.url,
          FICUS_JWKS_URL: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`,
          FICUS_SERVICE_PORT: String(port),
          FICUS_BUS: 'embedded',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
      try {
        await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
      } catch (error) {
        child.kill('SIGKILL');
        throw new Error(`${(error as Error).message}\n${output}`);
      }
      child.kill('SIGINT');
      expect(await exited, output).toBe(0);
      expect(output).toMatch(/"msg":"shutting down"/);
      expect(output).toMatch(/"msg":"stopped"/);
    }, 90_000);
  });
});
