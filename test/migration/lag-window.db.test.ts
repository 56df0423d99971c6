import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconciliation } from '../../migration/reconcile/index.ts';
import { legacyDatabase, type TestDatabase } from '../support/databases.ts';

let source: TestDatabase;
let target: TestDatabase;

beforeAll(async () => {
  [source, target] = await Promise.all([legacyDatabase(), legacyDatabase()]);
});
afterAll(async () => {
  await Promise.all([source?.drop(), target?.drop()]);
});

describe('replication lag window', () => {
  it('re-checks rows written inside the window after it has passed instead of reporting them', async () => {
    const now = `(now() AT TIME ZONE 'UTC')`;
    // 20: written just now in legacy; replication delivers it while reconcile waits
    await source.pool.query(`UPDATE service_orders SET note = 'in flight', write_date = ${now} WHERE id = 20`);
    // 21: written just now and written again during the wait: still settling, not reported
    await source.pool.query(`UPDATE service_orders SET note = 'busy', write_date = ${now} WHERE id = 21`);
    // 22: an old difference: reported
    await target.pool.query(`UPDATE service_orders SET note = 'stale copy' WHERE id = 22`);
    // 23: inserted just now in legacy, not yet replicated
    await source.pool.query(`INSERT INTO service_orders (id, name, customer_id, currency_id, state, write_date) VALUES (9000, 'SO/LAG/1', 6, 6, 'draft', ${now})`);

    let waited = 0;
    const report = await runReconciliation({
      tables: [{ table: 'service_orders' }],
      source: { pool: source.pool, label: 'legacy' },
      targetFor: () => ({ pool: target.pool, label: 'service' }),
      lag: { lagWindowMs: 1500 },
      rules: false,
      sleep: async (ms) => {
        waited = ms;
        // what replication does meanwhile: copies rows 20 and 9000 as they are in legacy
        const { rows } = await source.pool.query(`SELECT id, write_date::text AS w FROM service_orders WHERE id IN (20, 9000) ORDER BY id`);
        await target.pool.query(`UPDATE service_orders SET note = 'in flight', write_date = $1 WHERE id = 20`, [rows[0].w]);
        await target.pool.query(`INSERT INTO service_orders (id, name, customer_id, currency_id, state, write_date) VALUES (9000, 'SO/LAG/1', 6, 6, 'draft', $1)`, [rows[1].w]);
        await source.pool.query(`UPDATE service_orders SET note = 'busier', write_date = ${now} WHERE id = 21`);
      },
    });
    const table = report.tables[0]!;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(1500);
    expect(table.differences.map((d) => [d.key, d.kind])).toEqual([['22', 'different']]);
    expect(table.unsettled).toEqual(['21']);
    expect(report.summary.unsettled).toBe(1);
    expect(report.status).toBe('differences');
  });

  it('without a window, fresh rows are reported at once', async () => {
    const report = await runReconciliation({
      tables: [{ table: 'service_orders' }],
      source: { pool: source.pool, label: 'legacy' },
      targetFor: () => ({ pool: target.pool, label: 'service' }),
      rules: false,
      sleep: async () => {
        throw new Error('must not wait');
      },
    });
    expect(report.tables[0]!.differences.map((d) => d.key)).toEqual(['21', '22']);
  });
});
