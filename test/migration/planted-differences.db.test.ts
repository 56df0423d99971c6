import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconciliation, type TableResult } from '../../migration/reconcile/index.ts';
import { legacyDatabase, type TestDatabase } from '../support/databases.ts';

let source: TestDatabase;
let target: TestDatabase;

/** Every planted difference, by table: key → kind (and the changed columns). */
const planted = {
  health_records: {
    missingInTarget: [...range(2001, 2400), 17, 1234, 4567],
    missingInSource: [] as number[],
    different: { 5: ['value'], 999: ['note'], 3000: ['record_type', 'unit'], 5999: ['measured_at'] } as Record<number, string[]>,
  },
  service_orders: {
    missingInTarget: [3],
    missingInSource: [...range(10_000, 10_049), 20_000],
    different: { 10: ['state'], 11: ['amount'], 250: ['note'], 251: ['note'], 252: ['note'] } as Record<number, string[]>,
  },
};

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

beforeAll(async () => {
  [source, target] = await Promise.all([legacyDatabase(), legacyDatabase()]);
  const t = target.pool;
  // health_records: one clustered block and scattered rows missing, scattered changes of different columns
  await t.query(`DELETE FROM health_records WHERE id = ANY($1::int[])`, [planted.health_records.missingInTarget]);
  await t.query(`UPDATE health_records SET value = value + 0.5 WHERE id = 5`);
  await t.query(`UPDATE health_records SET note = coalesce(note, '') || ' (edited)' WHERE id = 999`);
  await t.query(`UPDATE health_records SET record_type = 'other', unit = 'x' WHERE id = 3000`);
  await t.query(`UPDATE health_records SET measured_at = measured_at + interval '1 second' WHERE id = 5999`);
  // service_orders: extra rows in the target (a cluster beyond the legacy ids and one far away), one missing, changes
  await t.query(`DELETE FROM appointments WHERE order_id = 3`);
  await t.query(`DELETE FROM grab_orders WHERE service_order_id = 3`);
  await t.query(`DELETE FROM service_orders WHERE id = 3`);
  await t.query(
    `INSERT INTO service_orders (id, name, customer_id, service_id, currency_id, amount, state, ordered_at)
     SELECT g, 'SO/TEST/' || g, 6, 1, 6, 10, 'draft', now() FROM unnest($1::int[]) g`,
    [planted.service_orders.missingInSource],
  );
  await t.query(`UPDATE service_orders SET state = 'cancelled' WHERE id = 10`);
  await t.query(`UPDATE service_orders SET amount = amount + 1 WHERE id = 11`);
  await t.query(`UPDATE service_orders SET note = 'changed in the service' WHERE id IN (250, 251, 252)`);
});
afterAll(async () => {
  await Promise.all([source?.drop(), target?.drop()]);
});

async function reconcile(tuning: Record<string, number>): Promise<Map<string, TableResult>> {
  const report = await runReconciliation({
    tables: [{ table: 'health_records' }, { table: 'service_orders' }, { table: 'payments' }],
    source: { pool: source.pool, label: 'legacy' },
    targetFor: () => ({ pool: target.pool, label: 'copy' }),
    tuning,
    rules: false,
  });
  return new Map(report.tables.map((t) => [t.table, t]));
}

function expectExactly(result: TableResult, expected: (typeof planted)['health_records']): void {
  const keys = (kind: string) => result.differences.filter((d) => d.kind === kind).map((d) => Number(d.key)).sort((a, b) => a - b);
  expect(keys('missing-in-target')).toEqual([...expected.missingInTarget].sort((a, b) => a - b));
  expect(keys('missing-in-source')).toEqual([...expected.missingInSource].sort((a, b) => a - b));
  const different = Object.fromEntries(result.differences.filter((d) => d.kind === 'different').map((d) => [d.key, [...(d.columns ?? [])].sort()]));
  expect(different).toEqual(Object.fromEntries(Object.entries(expected.different).map(([k, v]) => [k, [...v].sort()])));
}

describe('planted differences', () => {
  for (const [name, tuning] of [
    ['fine first-level chunks (no bisection needed)', { chunkRows: 32 }],
    ['wide chunks, bisected down to small leaves', { chunkRows: 4096, leafRows: 4, fanOut: 4 }],
    ['many small page slices, chunks spread over several of them', { chunkRows: 64, sliceRows: 50 }],
  ] as const) {
    it(`finds every planted difference with the right classification: ${name}`, async () => {
      const tables = await reconcile(tuning);
      expectExactly(tables.get('health_records')!, planted.health_records);
      expectExactly(tables.get('service_orders')!, planted.service_orders);
      expect(tables.get('payments')!.status).toBe('clean');
      expect(tables.get('health_records')!.rowsSource - tables.get('health_records')!.rowsTarget).toBe(planted.health_records.missingInTarget.length);
      if (tuning.chunkRows === 4096) expect(tables.get('health_records')!.bisectionLevels).toBeGreaterThan(0);
    });
  }

  it('shows values of ordinary columns but never of health columns', async () => {
    const tables = await reconcile({ chunkRows: 32 });
    const orders = tables.get('service_orders')!;
    expect(orders.differences.find((d) => d.key === '10')!.values).toEqual({ state: { source: expect.any(String), target: 'cancelled' } });
    const records = tables.get('health_records')!;
    // value, note, record_type and unit are health columns (platform/redaction.ts): names only
    for (const key of ['5', '999', '3000']) expect(records.differences.find((d) => d.key === key)!.values).toBeUndefined();
    expect(records.differences.find((d) => d.key === '5999')!.values).toEqual({ measured_at: { source: expect.any(String), target: expect.any(String) } });
    expect(JSON.stringify(records)).not.toContain('(edited)');
  });
});
