import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureControlSchema } from '../../migration/control/store/control-schema.ts';
import { recordTransition } from '../../migration/control/store/phase-store.ts';
import { runFicus } from '../support/ficus-process.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../support/databases.ts';

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

describe('ficus reconcile by phase (the issue-18 drill findings)', () => {
  let control: TestDatabase;
  let blank: TestDatabase;
  const missing = () => testClusterUrl('t_no_such_service_database');

  beforeAll(async () => {
    [control, blank] = await Promise.all([emptyDatabase('control'), legacyDatabase()]);
    await ensureControlSchema(control.pool);
    // A service database whose migrations ran but that was never backfilled: the M19 tables, empty.
    await blank.pool.query('TRUNCATE activities, user_feeds, recommendations CASCADE');
    const client = await control.pool.connect();
    try {
      for (const [step, from, to] of [['shadow', 'legacy', 'shadow'], ['rollback', 'shadow', 'legacy']] as const) {
        await recordTransition(client, { module: 'M19', step, from, to, actor: 'test', reason: null, forced: false, gates: [] });
      }
      for (const module of ['M04', 'M20']) await recordTransition(client, { module, step: 'shadow', from: 'legacy', to: 'shadow', actor: 'test', reason: null, forced: false, gates: [] });
    } finally {
      client.release();
    }
  });
  afterAll(async () => {
    await Promise.all([control?.drop(), blank?.drop()]);
  });

  it('M19 rolled back to legacy with no service copy: says there is nothing to reconcile and why, exit 0 (was "missing in target", exit 1)', async () => {
    const run = await reconcile('M19', '--source', source.url, '--control-url', control.url, '--service-url', `dynamic=${blank.url}`);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('NOTHING TO COMPARE');
    expect(run.output).toMatch(/M19 hp_feed \(dynamic\) — phase legacy, last step rollback shadow → legacy .*: no service copy to compare with — the module's tables in t_legacy_\w+ were never backfilled/);
    expect(run.output).not.toMatch(/missing in target \(/);
  }, 60_000);

  it('M04 M20 while finance has no database: compared, the payment rules skip the service side with the reason, exit 0 (was exit 2, svc_finance does not exist)', async () => {
    const run = await reconcile('M04', 'M20', '--source', source.url, '--control-url', control.url, '--service-url', `trade=${target.url}`, '--service-url', `finance=${missing()}`);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('[skipped] target Every paid service order has exactly one succeeded payment of its amount — payments belongs to M13 hp_payment, which has no service copy yet');
    expect(run.output).toMatch(/Verdict: clean — 2 modules compared \(5 tables/);
  }, 60_000);

  it('a module in shadow whose service copy is gone is a difference: exit 1, said in words', async () => {
    const run = await reconcile('M04', '--source', source.url, '--control-url', control.url, '--service-url', `trade=${missing()}`, '--format', 'json');
    expect(run.code, run.output).toBe(1);
    const report = JSON.parse(run.output.slice(run.output.indexOf('{')));
    expect(report.scope[0]).toMatchObject({ code: 'M04', compared: false, copy: 'no-database', finding: expect.stringContaining('phase shadow, last step shadow legacy → shadow') });
    expect(report.summary.missingCopies).toBe(1);
  }, 60_000);
});
