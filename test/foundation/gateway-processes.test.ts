/**
 * `ficus start` with FICUS_GATEWAY_PROCESSES=2 (runtime/multi-process-gateway.ts): two gateway
 * processes answer on FICUS_PORT, and what must hold across them does: both serve calls, a
 * password changed in the database is refused by both, `/metrics` counts the calls of both,
 * service routes (JWKS) are answered through the main process, one login cooldown counts the
 * failures made in either, and SIGTERM stops everything.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/support/free-port.ts';
import { hashOdooPassword } from '../../odoo-bridge/auth/odoo-password.ts';
import { processCpuMs } from '../../bench/support/cpu-time.ts';
import { runFicus, waitForHttp } from '../support/ficus-process.ts';
import { processesWithEnvironment, waitForExit } from '../support/leftover-processes.ts';

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) {
    for (const { pid } of processesWithEnvironment('FICUS_DATA_DIR', dir)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

const MEMBER = { uid: 6, password: 'member001@hp.example' };
const MEMBER2 = { uid: 7, password: 'member002@hp.example' };

describe('ficus start with two gateway processes', () => {
  it('serves from both, agrees across them, and stops cleanly', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ficus-processes-'));
    made.push(dataDir);
    const env = { FICUS_DATA_DIR: dataDir, FICUS_PG_PORT: String(await freePort()), FICUS_PORT: String(await freePort()), FICUS_GATEWAY_PROCESSES: '2', LOG_LEVEL: 'warn' };
    const base = `http://127.0.0.1:${env.FICUS_PORT}`;
    const ficus = runFicus(['start'], env);
    await waitForHttp(`${base}/readyz`, 240_000);

    const workers = processesWithEnvironment('FICUS_DATA_DIR', dataDir).filter((p) => p.command.includes('gateway-worker-entry'));
    expect(workers).toHaveLength(2);
    expect(workers.every((w) => parentOf(w.pid) === ficus.child.pid)).toBe(true);

    /** One JSON-RPC execute_kw on a connection of its own: new connections are handed out in turn. */
    const execute = async (uid: number, password: string, clientAddress?: string) => {
      const answer = await request(`${base}/jsonrpc`, {
        method: 'POST',
        reset: true,
        // The gateway trusts a loopback proxy's X-Forwarded-For, as behind a reverse proxy.
        headers: { 'content-type': 'application/json', ...(clientAddress ? { 'x-forwarded-for': clientAddress } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'object', method: 'execute_kw', args: ['hp_legacy', uid, password, 'res.partner', 'search_count', [[]]] } }),
      });
      return (await answer.body.json()) as { result?: unknown; error?: { data: { name: string; message: string } } };
    };

    // Both processes answer calls.
    const cpuBefore = workers.map((w) => processCpuMs(w.pid));
    for (let i = 0; i < 30; i++) expect((await execute(MEMBER.uid, MEMBER.password)).result).toEqual(expect.any(Number));
    const cpuAfter = workers.map((w) => processCpuMs(w.pid));
    expect(cpuAfter.every((ms, i) => ms > cpuBefore[i]!)).toBe(true);

    // /metrics, whichever process is asked, counts the calls of both.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const counted = metrics.split('\n').find((line) => line.startsWith('ficus_odoo_calls_total{') && line.includes('method="search_count"') && line.includes('outcome="ok"'));
    expect(Number(counted?.split(' ').at(-1))).toBe(30);

    // Service routes live in the main process: answered through it.
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys.length).toBeGreaterThan(0);

    // A password changed in the database (as the monolith would) is refused by every process.
    const legacy = new pg.Client({ connectionString: `postgres://postgres:ficus@127.0.0.1:${env.FICUS_PG_PORT}/legacy` });
    await legacy.connect();
    try {
      await legacy.query('UPDATE res_users SET password = $2 WHERE id = $1', [MEMBER.uid, await hashOdooPassword('changed')]);
      const started = Date.now();
      let stillLetIn = true;
      while (stillLetIn && Date.now() - started < 30_000) {
        const answers = await Promise.all([1, 2, 3, 4].map(() => execute(MEMBER.uid, MEMBER.password)));
        stillLetIn = answers.some((a) => a.result !== undefined);
      }
      expect(stillLetIn).toBe(false);
      for (let i = 0; i < 4; i++) expect((await execute(MEMBER.uid, 'changed')).result).toEqual(expect.any(Number));
    } finally {
      await legacy.end();
    }

    // One cooldown: hp_legacy allows 10 failures; made from one client over new connections, they
    // fall on both processes (5 each), and the next attempt is refused, right password or not, by
    // either. Counted per process, neither would have reached 10.
    const guesser = '10.9.9.9';
    for (let i = 0; i < 10; i++) expect((await execute(MEMBER2.uid, `wrong ${i}`, guesser)).error?.data.message).toBe('Access Denied');
    const after = await Promise.all([1, 2, 3, 4].map(() => execute(MEMBER2.uid, MEMBER2.password, guesser)));
    for (const answer of after) expect(answer.error?.data.message).toMatch(/Too many login failures/);

    ficus.child.kill('SIGTERM');
    expect(await ficus.exited).toBe(0);
    expect(await waitForExit(workers.map((w) => w.pid), 10_000)).toEqual([]);
    expect(processesWithEnvironment('FICUS_DATA_DIR', dataDir)).toEqual([]);
  }, 480_000);
});

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
