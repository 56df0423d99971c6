import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconciliation, type ReconcileReport, type RuleResult } from '../../migration/reconcile/index.ts';
import { legacyDatabase, type TestDatabase } from '../support/databases.ts';

let legacy: TestDatabase;
let breached: TestDatabase;
const planted: Record<string, number> = {};

const one = async (db: TestDatabase, sql: string): Promise<number> => Number((await db.pool.query(sql)).rows[0].id);

beforeAll(async () => {
  [legacy, breached] = await Promise.all([legacyDatabase(), legacyDatabase()]);
  const b = breached;
  // service_orders: a draft order marked paid without any payment
  planted.paidWithoutPayment = await one(b, `UPDATE service_orders SET state = 'paid' WHERE id = (SELECT min(id) FROM service_orders WHERE state = 'draft') RETURNING id`);
  // payments: a second succeeded payment for a completed order
  planted.doublePaidOrder = await one(b, `SELECT min(id) AS id FROM service_orders WHERE state = 'completed'`);
  planted.duplicatePayment = await one(b, `
    INSERT INTO payments (payer_id, currency_id, source_model, source_id, reference, method, state, amount, paid_at)
    SELECT payer_id, currency_id, source_model, source_id, reference || '-dup', method, 'succeeded', amount, paid_at
      FROM payments WHERE source_model = 'hp.service.order' AND source_id = ${planted.doublePaidOrder} AND state = 'succeeded'
    RETURNING id`);
  // payments: the amount of an assigned order's payment changed
  planted.wrongAmountOrder = await one(b, `SELECT min(id) AS id FROM service_orders WHERE state = 'assigned'`);
  planted.wrongAmountPayment = await one(b, `UPDATE payments SET amount = amount + 1 WHERE source_model = 'hp.service.order' AND source_id = ${planted.wrongAmountOrder} RETURNING id`);
  // payments: one points at an order that does not exist
  planted.orphanPayment = await one(b, `UPDATE payments SET source_id = 999999 WHERE id = (SELECT max(id) FROM payments WHERE source_model = 'hp.service.order' AND state = 'failed') RETURNING id`);
  // points_transactions: a balance in the middle of a chain, and the last balance of another user
  planted.chainBreak = await one(b, `UPDATE points_transactions SET balance_after = balance_after + 7 WHERE id = 360 RETURNING id`);
  planted.chainBreakUser = await one(b, `SELECT user_id AS id FROM points_transactions WHERE id = 360`);
  // points_transactions: a consistent extra adjustment for user 6 on the finance side only
  planted.extraAdjustment = await one(b, `
    INSERT INTO points_transactions (user_id, delta, balance_after, reason)
    SELECT 6, 100, balance_after + 100, 'adjust' FROM points_transactions WHERE user_id = 6 ORDER BY id DESC LIMIT 1
    RETURNING id`);
  // points_transactions: the gift debit of a gift order changed to the wrong amount
  planted.giftOrder = await one(b, `SELECT min(id) AS id FROM gift_orders`);
  planted.giftDebit = await one(b, `UPDATE points_transactions SET delta = delta + 1, balance_after = balance_after + 1 WHERE reason = 'gift' AND ref_id = ${planted.giftOrder} RETURNING id`);
});
afterAll(async () => {
  await Promise.all([legacy?.drop(), breached?.drop()]);
});

async function check(target: TestDatabase): Promise<ReconcileReport> {
  return runReconciliation({
    tables: ['service_orders', 'payments', 'points_transactions', 'gift_orders', 'inventories'].map((table) => ({ table })),
    source: { pool: legacy.pool, label: 'legacy' },
    targetFor: () => ({ pool: target.pool, label: 'target' }),
  });
}

const rule = (report: ReconcileReport, id: string, side: RuleResult['side']) => report.rules.find((r) => r.id === id && r.side === side)!;

describe('business rules', () => {
  it('the pristine legacy database breaches none of them', async () => {
    const pristine = await legacyDatabase();
    try {
      const report = await check(pristine);
      expect(report.rules.map((r) => `${r.id}/${r.side}: ${r.status}`)).toEqual([
        'service-order-paid-once/source: ok', 'service-order-paid-once/target: ok',
        'payment-order-exists/source: ok', 'payment-order-exists/target: ok',
        'points-ledger-chain/source: ok', 'points-ledger-chain/target: ok',
        'points-balance-agrees/across: ok',
        'inventory-reserved-within-quantity/source: ok', 'inventory-reserved-within-quantity/target: ok',
        'gift-order-debited-once/source: ok', 'gift-order-debited-once/target: ok',
        'payment-marks-order-paid/source: ok', 'payment-marks-order-paid/target: ok',
        'order-points-awarded-once/source: ok', 'order-points-awarded-once/target: ok',
        'points-balance-is-sum/source: ok', 'points-balance-is-sum/target: ok',
        'inventory-reserved-not-negative/source: ok', 'inventory-reserved-not-negative/target: ok',
      ]);
      expect(report.status).toBe('clean');
      for (const r of report.rules) expect(r.description.length).toBeGreaterThan(40); // stated in plain words
    } finally {
      await pristine.drop();
    }
  });

  it('reports every planted breach with the ids involved, on the side where it was planted', async () => {
    const report = await check(breached);
    for (const r of report.rules.filter((x) => x.side === 'source')) expect(r.breaches, r.id).toEqual([]);

    const paid = rule(report, 'service-order-paid-once', 'target').breaches;
    expect(paid).toEqual(expect.arrayContaining([
      expect.objectContaining({ ids: { service_orders: [planted.paidWithoutPayment], payments: [] }, detail: expect.stringContaining('no succeeded payment') }),
      expect.objectContaining({ ids: { service_orders: [planted.doublePaidOrder], payments: expect.arrayContaining([planted.duplicatePayment]) } }),
      expect.objectContaining({ ids: { service_orders: [planted.wrongAmountOrder], payments: [planted.wrongAmountPayment] }, detail: expect.stringContaining('amount') }),
    ]));
    expect(paid).toHaveLength(3);

    expect(rule(report, 'payment-order-exists', 'target').breaches).toEqual([
      { ids: { payments: [planted.orphanPayment], service_orders: [999999] }, detail: expect.stringContaining('does not exist') },
    ]);

    // balance_after + 7 breaks the chain at that transaction and again at the next one
    const chain = rule(report, 'points-ledger-chain', 'target').breaches;
    expect(chain.map((b) => b.ids.points_transactions!.at(-1))).toEqual([planted.chainBreak, expect.any(Number)]);
    expect(chain[1]!.ids.points_transactions![0]).toBe(planted.chainBreak);
    expect(new Set(chain.flatMap((b) => b.ids.res_users!))).toEqual(new Set([planted.chainBreakUser]));

    const balances = rule(report, 'points-balance-agrees', 'across').breaches;
    // user 6's last transaction and the gift sender's debit moved their balances; the mid-chain break did not
    const giftSender = await one(breached, `SELECT sender_id AS id FROM gift_orders WHERE id = ${planted.giftOrder}`);
    expect(balances.map((b) => b.ids.res_users![0])).toEqual([6, giftSender].sort((a, b) => a - b));

    expect(rule(report, 'gift-order-debited-once', 'target').breaches).toEqual([
      { ids: { gift_orders: [planted.giftOrder], points_transactions: [planted.giftDebit] }, detail: expect.stringContaining(`gift order ${planted.giftOrder}`) },
    ]);
    expect(report.status).toBe('differences');
  });

  it('reserved stock above quantity is a breach once the CHECK constraint is gone (as in a service table)', async () => {
    await breached.pool.query(`ALTER TABLE inventories DROP CONSTRAINT inventories_reserved_le_quantity`);
    const id = await one(breached, `UPDATE inventories SET reserved = quantity + 3 WHERE id = (SELECT min(id) FROM inventories) RETURNING id`);
    const report = await check(breached);
    expect(rule(report, 'inventory-reserved-within-quantity', 'target').breaches).toEqual([
      { ids: { inventories: [id] }, detail: expect.stringMatching(/reserved .* > quantity/) },
    ]);
  });

  it('skips a rule, visibly, on a side that lacks one of its tables', async () => {
    await breached.pool.query(`ALTER TABLE gift_orders RENAME TO gift_orders_elsewhere`);
    try {
      const report = await check(breached);
      expect(rule(report, 'gift-order-debited-once', 'target')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('gift_orders (target)') });
    } finally {
      await breached.pool.query(`ALTER TABLE gift_orders_elsewhere RENAME TO gift_orders`);
    }
  });
});
