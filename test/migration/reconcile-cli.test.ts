import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFicus } from '../support/ficus-process.ts';
import { legacyDatabase, testClusterUrl, type TestDatabase } from '../support/databases.ts';

let source: TestDatabase;
let target: TestDatabase;

beforeAll(async () => {
  [source, target] = await Promise.all([legacyDatabase(), legacyDatabase()]);
});
afterAll(async () => {
  await Promise.all([source?.drop(), target?.drop()]);
});

async function reconcile(...args: string[]): Promise<{ code: number | string; output: string }> {
  const run = runFicus(['reconcile', ...args], {});
  const code = await run.exited;
  return { code, output: run.output() };
}

describe('ficus reconcile exit codes', () => {
  it('0 when clean, 1 when differences remain, 0 again after --repair --apply, 2 on error', async () => {
    const clean = await reconcile('M04', 'M13', '--source', source.url, '--target', target.url, '--format', 'json');
    expect(clean.code, clean.output).toBe(0);
    expect(JSON.parse(clean.output.slice(clean.output.indexOf('{'))).status).toBe('clean');

    await target.pool.query(`UPDATE service_orders SET note = 'drift' WHERE id = 7`);
    await target.pool.query(`DELETE FROM payments WHERE id = 9`);
    const drift = await reconcile('hp_marketplace', 'M13', '--source', source.url, '--target', target.url);
    expect(drift.code, drift.output).toBe(1);
    expect(drift.output).toMatch(/service_orders .*\n[\s\S]*7\s+different\s+note: NULL → 'drift'/);

    const plan = await reconcile('M04', 'M13', '--source', source.url, '--target', target.url, '--repair');
    expect(plan.code).toBe(1);
    expect(plan.output).toContain('re-sync 1 row(s): 7');

    const repaired = await reconcile('M04', 'M13', '--source', source.url, '--target', target.url, '--repair', '--apply');
    expect(repaired.code, repaired.output).toBe(0);
    expect(repaired.output).toContain('after repair: clean');

    const unknown = await reconcile('M42', '--source', source.url, '--target', target.url);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain("unknown module 'M42'");

    const unreachable = await reconcile('M04', '--source', source.url, '--target', testClusterUrl('no_such_database'));
    expect(unreachable.code).toBe(2);
    expect(unreachable.output).not.toContain('ficus@'); // no credentials in the error

    const usage = await reconcile('--source', source.url, '--target', target.url);
    expect(usage.code).toBe(2);
  }, 120_000);
});
