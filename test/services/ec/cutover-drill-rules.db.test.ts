import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabasePools, EC_RULES, reconcileModules, type BusinessRule, type ReconcileReport, type RuleResult } from '../../../migration/reconcile/index.ts';
import { EC_MIGRATIONS } from '../../../services/ec/db/migrations.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from '../../support/databases.ts';

/**
 * The reconcile rules of M09 and M10 the ec drill ends on (migration/reconcile/ec-rules.ts): a
 * line's subtotal is quantity × price, an order's total its lines' sum, no negative reservation,
 * a campaign's spend its impressions' costs (within the rounding Odoo's compute allows), no line
 * or impression without its order or campaign. Checked against generated tables with planted
 * faults (exactly those reported), and against the monolith's data (clean on both sides, its
 * seed's spends included) with breaches planted in it.
 */
const rule = (id: string): BusinessRule => EC_RULES.find((r) => r.id === id)!;

describe('M09/M10 rules on generated tables', () => {
  let db: TestDatabase;
  const sides = { source: () => db.pool, target: () => db.pool };

  beforeAll(async () => {
    db = await emptyDatabase('ec_rules');
    for (const m of EC_MIGRATIONS.filter((x) => x.id.startsWith('0001'))) await db.pool.query(m.sql);
    await db.pool.query(`CREATE TABLE res_currency (id serial PRIMARY KEY, decimal_places int4); INSERT INTO res_currency (decimal_places) VALUES (2), (0)`);
  });
  afterAll(async () => db?.drop());

  // Whole cents and a planted fault of at least a cent, or none.
  const cents = (max: number) => fc.integer({ min: 0, max }).map((c) => c / 100);
  const fault = fc.option(fc.integer({ min: -500, max: 500 }).filter((d) => d !== 0).map((d) => d / 100), { nil: undefined });
  const orderArb = fc.record({
    lines: fc.array(fc.record({ quantity: fc.integer({ min: 0, max: 9 }), price: cents(10_000), subtotalFault: fault }), { maxLength: 5 }),
    totalFault: fault,
    orphanLine: fc.boolean(),
  });

  it('report exactly the lines whose subtotal is not quantity × price, the orders whose total is not their lines, and lines of missing orders', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(orderArb, { minLength: 1, maxLength: 6 }), async (orders) => {
        await db.pool.query('TRUNCATE orders, order_lines RESTART IDENTITY');
        const badLines: number[] = [];
        const badOrders: number[] = [];
        const orphans: number[] = [];
        let lineId = 0;
        for (const [i, o] of orders.entries()) {
          const orderId = i + 1;
          let total = 0;
          for (const l of o.lines) {
            lineId++;
            const subtotal = Math.round((l.quantity * l.price + (l.subtotalFault ?? 0)) * 100) / 100;
            if (l.subtotalFault !== undefined) badLines.push(lineId);
            total += subtotal;
            await db.pool.query('INSERT INTO order_lines (order_id, product_id, currency_id, quantity, price_unit, subtotal) VALUES ($1, 1, 1, $2, $3, $4)', [orderId, l.quantity, l.price, subtotal]);
          }
          const stored = Math.round((total + (o.totalFault ?? 0)) * 100) / 100;
          if (o.totalFault !== undefined) badOrders.push(orderId);
          await db.pool.query(`INSERT INTO orders (buyer_id, currency_id, name, state, amount_total) VALUES (6, 1, $1, 'draft', $2)`, [`MO/${orderId}`, stored]);
          if (o.orphanLine) {
            lineId++;
            orphans.push(lineId);
            await db.pool.query('INSERT INTO order_lines (order_id, product_id, currency_id, quantity, price_unit, subtotal) VALUES ($1, 1, 1, 1, 1, 1)', [1000 + orderId]);
          }
        }
        expect((await rule('mall-line-subtotal-computed').check(sides, 'source')).map((b) => b.ids.order_lines![0])).toEqual(badLines);
        expect((await rule('mall-order-amount-computed').check(sides, 'source')).map((b) => b.ids.orders![0])).toEqual(badOrders);
        expect((await rule('mall-line-order-exists').check(sides, 'source')).map((b) => b.ids.order_lines![0])).toEqual(orphans);
      }),
      { numRuns: 30 },
    );
  });

  it('report exactly the campaigns whose spend is further from their costs than rounding allows, and impressions of missing campaigns', async () => {
    const campaignArb = fc.record({
      // What Odoo summed (four places, as the seed's CPM / 1000), stored rounded to the cent.
      costs: fc.array(fc.integer({ min: 0, max: 900 }).map((c) => c / 10_000), { maxLength: 12 }),
      // An impression the spend does not count, or a spend off: each by more than the rounding of every impression allows.
      fault: fc.option(fc.constantFrom('uncounted', 'off'), { nil: undefined }),
      orphan: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(campaignArb, { minLength: 1, maxLength: 6 }), async (campaigns) => {
        await db.pool.query('TRUNCATE ad_campaigns, ad_impressions RESTART IDENTITY');
        const bad: number[] = [];
        const orphans: number[] = [];
        for (const [i, c] of campaigns.entries()) {
          const id = i + 1;
          // Odoo's compute: the sum of the costs as summed, rounded to the cent; each cost stored rounded to the cent.
          const spent = Math.round(c.costs.reduce((a, b) => a + b, 0) * 100) / 100;
          const stored = c.costs.map((x) => Math.round(x * 100) / 100);
          const n = stored.length;
          // Rounding moves the stored sum at most half a cent per impression and half a cent more: these faults are beyond that.
          if (c.fault === 'uncounted') stored.push(Math.round((0.01 * (n + 2) + 0.02) * 100) / 100);
          const planted = c.fault === 'off' ? Math.round((spent + 0.01 * (n + 1) + 0.02) * 100) / 100 : spent;
          if (c.fault) bad.push(id);
          await db.pool.query(`INSERT INTO ad_campaigns (currency_id, name, state, budget, spent) VALUES (1, $1, 'running', 1000, $2)`, [`C${id}`, planted]);
          for (const cost of stored) await db.pool.query('INSERT INTO ad_impressions (campaign_id, currency_id, cost) VALUES ($1, 1, $2)', [id, cost]);
          if (c.orphan) {
            await db.pool.query('INSERT INTO ad_impressions (campaign_id, currency_id, cost) VALUES ($1, 1, 0.01)', [500 + id]);
            orphans.push(500 + id);
          }
        }
        expect((await rule('ad-campaign-spent-computed').check(sides, 'source')).map((b) => b.ids.ad_campaigns![0])).toEqual(bad);
        expect((await rule('ad-impression-campaign-exists').check(sides, 'source')).map((b) => b.ids.ad_campaigns![0])).toEqual(orphans);
      }),
      { numRuns: 30 },
    );
  });

  it('report exactly the negative reservations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ quantity: fc.integer({ min: 0, max: 50 }), reserved: fc.option(fc.integer({ min: -5, max: 50 }), { nil: null }) }), { maxLength: 12 }), async (rows) => {
        await db.pool.query('TRUNCATE inventories RESTART IDENTITY');
        const negative: number[] = [];
        for (const [i, r] of rows.entries()) {
          const reserved = r.reserved === null ? null : Math.min(r.reserved, r.quantity);
          await db.pool.query('INSERT INTO inventories (product_id, warehouse, quantity, reserved) VALUES ($1, $2, $3, $4)', [i + 1, 'MAIN', r.quantity, reserved]);
          if (reserved !== null && reserved < 0) negative.push(i + 1);
        }
        expect((await rule('inventory-reserved-not-negative').check(sides, 'source')).map((b) => b.ids.inventories![0])).toEqual(negative);
      }),
      { numRuns: 30 },
    );
  });
});

describe('ficus reconcile M09 M10: the monolith keeps the rules; planted breaches are reported on the side they are on', () => {
  let legacy: TestDatabase;
  let service: TestDatabase;
  const pools = new DatabasePools('ec-rules-test');
  const reconcile = () => reconcileModules({
    sourceUrl: legacy.url, modules: ['M09', 'M10'], pools,
    serviceUrlFor: (name) => (name === 'ec' ? service.url : testClusterUrl('t_no_such_service_database')),
  });
  const breaches = (report: ReconcileReport, id: string, side: RuleResult['side']) => report.rules.find((r) => r.id === id && r.side === side)!.breaches;

  beforeAll(async () => {
    // svc_ec stands as a backfilled copy: the monolith's rows under the same names.
    [legacy, service] = await Promise.all([legacyDatabase(), legacyDatabase()]);
  }, 120_000);
  afterAll(async () => {
    await pools.closeAll();
    await Promise.all([legacy?.drop(), service?.drop()]);
  });

  it("the monolith's data keeps every ec rule on both sides (its seed's spends summed before rounding included)", async () => {
    const report = await reconcile();
    expect(report.rules.filter((r) => EC_RULES.some((b) => b.id === r.id)).map((r) => `${r.id}/${r.side}: ${r.status}`).sort()).toEqual(
      EC_RULES.flatMap((r) => [`${r.id}/source: ok`, `${r.id}/target: ok`]).sort(),
    );
  });

  it('a batch of impressions the service applied twice, a line it lost and a reservation released twice are reported on the service side only', async () => {
    // A batch of impressions applied twice: every impression of the campaign that spent most, copied once more. (Odoo's
    // rounding lets a campaign's spend sit half a cent per impression from its costs: a doubled batch of 1-cent
    // impressions can hide in that, which is why the drill checks its own campaigns' spend exactly.)
    const { rows: [impression] } = await service.pool.query<{ campaign_id: number }>('SELECT campaign_id FROM ad_impressions GROUP BY campaign_id ORDER BY sum(cost) DESC, campaign_id LIMIT 1');
    await service.pool.query('INSERT INTO ad_impressions (campaign_id, user_id, currency_id, cost, clicked, shown_at) SELECT campaign_id, user_id, currency_id, cost, clicked, shown_at FROM ad_impressions WHERE campaign_id = $1', [impression!.campaign_id]);
    const { rows: [line] } = await service.pool.query<{ id: number; order_id: number }>(`SELECT l.id, l.order_id FROM order_lines l WHERE l.subtotal > 0 AND (SELECT count(*) FROM order_lines x WHERE x.order_id = l.order_id) > 1 ORDER BY l.id LIMIT 1`);
    await service.pool.query('DELETE FROM order_lines WHERE id = $1', [line!.id]);
    const { rows: [inventory] } = await service.pool.query<{ id: number }>('UPDATE inventories SET reserved = -1 WHERE id = (SELECT min(id) FROM inventories) RETURNING id');
    const report = await reconcile();
    for (const id of ['ad-campaign-spent-computed', 'mall-order-amount-computed', 'inventory-reserved-not-negative']) expect(breaches(report, id, 'source'), id).toEqual([]);
    expect(breaches(report, 'ad-campaign-spent-computed', 'target').map((b) => b.ids.ad_campaigns)).toEqual([[impression!.campaign_id]]);
    expect(breaches(report, 'mall-order-amount-computed', 'target').map((b) => b.ids.orders)).toEqual([[line!.order_id]]);
    expect(breaches(report, 'inventory-reserved-not-negative', 'target').map((b) => b.ids.inventories)).toEqual([[inventory!.id]]);
    expect(report.status).not.toBe('clean');
  });
});
