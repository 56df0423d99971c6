import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextByCode } from '../../../odoo-bridge/orm/write/sequences.ts';
import { LEGACY_ID_BLOCK, splitIdSpaces } from '../../../migration/control/sync/id-split.ts';
import { provisionTradeDatabase } from '../../../services/trade/db/provision.ts';
import { nextOrderName } from '../../../services/trade/db/order-names.ts';
import { onQueryable } from '../../../services/trade/db/sql-runner.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';

// No sync runs here (no slot): the split is called as the cutover calls it, inside the freeze,
// on a legacy copy and a provisioned trade database that holds the orders trade named.
describe('order names are split at cutover like ids', () => {
  let legacy: TestDatabase;
  let service: TestDatabase;
  const year = new Date().getUTCFullYear();
  const numberOf = (name: string | false) => Number(String(name).split('/').pop());
  const insertOrder = (db: TestDatabase, name: string) =>
    db.pool.query(`INSERT INTO service_orders (customer_id, currency_id, name, state) VALUES (6, 6, $1, 'draft')`, [name]);

  beforeAll(async () => {
    legacy = await legacyDatabase();
    service = await emptyDatabase('svc_trade');
    await provisionTradeDatabase(service.url);
  });
  afterAll(async () => {
    await service?.drop();
    await legacy?.drop();
  });

  it('after a rollback the legacy sequence continues past every name trade gave out; trade never draws from the legacy block', async () => {
    const legacyNext = numberOf(await nextByCode(legacy.pool, 'hp.service.order'));
    // Trade, cut over, handed out names well past where legacy stood (its counter started after legacy's names).
    await service.pool.query(`SELECT setval('service_order_name_seq', $1, true)`, [legacyNext + 40]);
    const traded: string[] = [];
    for (let i = 0; i < 3; i++) {
      const name = await nextOrderName(onQueryable(service.pool));
      await insertOrder(service, name);
      traded.push(name);
    }
    expect(traded.map(numberOf)).toEqual([legacyNext + 41, legacyNext + 42, legacyNext + 43]);

    const split = await splitIdSpaces(legacy.pool, service.pool, ['service_orders']);
    const names = split.find((s) => s.sequence === 'hp.service.order');
    expect(names).toMatchObject({ boundary: legacyNext + 43, legacyStart: LEGACY_ID_BLOCK + 1, serviceMax: LEGACY_ID_BLOCK });

    // Rolled back: the legacy engine's next_by_code draws above every trade name (the bug: it drew legacyNext + 1, a name trade had already given out).
    const afterRollback = await nextByCode(legacy.pool, 'hp.service.order');
    expect(afterRollback).toBe(`SO/${year}/${LEGACY_ID_BLOCK + 1}`);
    expect(traded.map(numberOf).every((n) => n < numberOf(afterRollback))).toBe(true);

    // That legacy order reaches trade's table (forward sync), and a name trade would draw next is taken:
    // trade catches up among its own numbers, not into the legacy block (whose numbers are above its cap).
    await insertOrder(service, String(afterRollback));
    await insertOrder(service, `SO/${year}/${String(legacyNext + 44).padStart(5, '0')}`);
    expect(numberOf(await nextOrderName(onQueryable(service.pool)))).toBe(legacyNext + 45);

    // The next cutover moves both past everything again.
    const again = (await splitIdSpaces(legacy.pool, service.pool, ['service_orders'])).find((s) => s.sequence === 'hp.service.order');
    expect(again).toMatchObject({ boundary: LEGACY_ID_BLOCK + 1, legacyStart: 2 * LEGACY_ID_BLOCK + 1 });
    expect(numberOf(await nextOrderName(onQueryable(service.pool)))).toBe(LEGACY_ID_BLOCK + 2);
    expect(await nextByCode(legacy.pool, 'hp.service.order')).toBe(`SO/${year}/${2 * LEGACY_ID_BLOCK + 1}`);
  });
});
