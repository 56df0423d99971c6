import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger, checkPayments, ledgerBaseline, paymentBaseline, unpaidSources, type LedgerBaseline } from '../../../bench/drill/finance-drill-checks.ts';
import type { AcceptedDelta, DrillPayment } from '../../../bench/drill/finance-load.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';

// The finance drill passes only if these checks find nothing: each must find what is planted.
describe('finance drill checks catch lost, extra, wrong and unbalanced rows', () => {
  let db: TestDatabase;
  let before: LedgerBaseline;
  const users = [6, 7];
  const accepted: AcceptedDelta[] = [];

  /** A ledger row as the addon writes it: balance_after = the user's previous + delta. */
  const write = async (userId: number, delta: number, ref?: { model: string; id: number }) => {
    const { rows: [row] } = await db.pool.query<{ id: number }>(
      `INSERT INTO points_transactions (user_id, delta, balance_after, reason, ref_model, ref_id)
       SELECT $1, $2, coalesce((SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1), 0) + $2, 'adjust', $3, $4
       RETURNING id`,
      [userId, delta, ref?.model ?? null, ref?.id ?? null],
    );
    return row!.id;
  };

  beforeAll(async () => {
    db = await legacyDatabase();
    before = await ledgerBaseline(db.pool, users);
    accepted.push({ id: await write(6, 50), userId: 6, delta: 50, via: 'rpc credit' });
    accepted.push({ id: await write(7, -5), userId: 7, delta: -5, via: 'rpc debit' });
    const { rows: [gift] } = await db.pool.query<{ id: number }>(
      `INSERT INTO gift_orders (sender_id, receiver_id, gift_id, quantity, points_spent, sent_at) VALUES (6, 7, 1, 1, 10, now()) RETURNING id`,
    );
    await write(6, -10, { model: 'hp.gift.order', id: gift!.id });
    accepted.push({ id: 0, userId: 6, delta: -10, giftOrderId: gift!.id, via: 'rpc gift' });
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  const clean = { side: 'legacy', missing: [], extra: [], wrong: [], brokenChains: [], balanceMismatches: [] };

  it('finds nothing when every row is the one answered and balances add up', async () => {
    expect(before.balances.get(6)).toBe(25);
    expect(await checkLedger('legacy', db.pool, before, accepted)).toEqual(clean);
  });

  it('a row answered but absent is missing, and the balance no longer adds up', async () => {
    const check = await checkLedger('legacy', db.pool, before, [...accepted, { id: 2_000_000_000, userId: 7, delta: 3, via: 'rpc credit' }]);
    expect(check.missing).toEqual(['row 2000000000 (rpc credit)']);
    expect(check.balanceMismatches).toEqual([`user 7: ${before.balances.get(7)! - 5}, expected ${before.balances.get(7)! - 2}`]);
  });

  it('a row answered to nobody is extra; an answered delta that differs is wrong', async () => {
    const stray = await write(7, 4);
    try {
      const check = await checkLedger('legacy', db.pool, before, accepted);
      expect(check.extra).toEqual([`row ${stray} (user 7, delta 4, -/-) answered to no client`]);
      expect(check.balanceMismatches).toHaveLength(1);
    } finally {
      await db.pool.query('DELETE FROM points_transactions WHERE id = $1', [stray]);
    }
    const wrong = await checkLedger('legacy', db.pool, before, accepted.map((a) => (a.userId === 6 && a.delta === 50 ? { ...a, delta: 40 } : a)));
    expect(wrong.wrong).toEqual([`row ${accepted[0]!.id} (rpc credit): user 6 delta 50, answered user 6 delta 40`]);
  });

  it('a gift debit written twice, and a chain that breaks or goes below zero, are caught', async () => {
    const gift = accepted[2]!;
    const twice = await write(6, -10, { model: 'hp.gift.order', id: gift.giftOrderId! });
    try {
      expect((await checkLedger('legacy', db.pool, before, accepted)).extra).toContain(`gift order ${gift.giftOrderId}: 2 ledger rows`);
    } finally {
      await db.pool.query('DELETE FROM points_transactions WHERE id = $1', [twice]);
    }
    await db.pool.query('UPDATE points_transactions SET balance_after = balance_after + 1 WHERE id = $1', [accepted[0]!.id]);
    try {
      expect((await checkLedger('legacy', db.pool, before, accepted)).brokenChains).toEqual([`user 6 row ${accepted[0]!.id}: 25 + 50 → balance_after 76`]);
    } finally {
      await db.pool.query('UPDATE points_transactions SET balance_after = balance_after - 1 WHERE id = $1', [accepted[0]!.id]);
    }
    const overdraft = await write(6, -100);
    try {
      const check = await checkLedger('legacy', db.pool, before, [...accepted, { id: overdraft, userId: 6, delta: -100, via: 'rpc debit' }]);
      expect(check.brokenChains).toEqual([`user 6 row ${overdraft}: 65 − 100 → balance_after -35`]);
    } finally {
      await db.pool.query('DELETE FROM points_transactions WHERE id = $1', [overdraft]);
    }
    expect(await checkLedger('legacy', db.pool, before, accepted)).toEqual(clean);
  });

  it('payments: missing, answered to nobody, in the wrong state; orders not paid as their payment says', async () => {
    const paymentsBefore = await paymentBaseline(db.pool, users);
    const { rows: [order] } = await db.pool.query<{ id: number }>(`SELECT id FROM service_orders WHERE state = 'pending_payment' ORDER BY id LIMIT 1`);
    const insert = async (reference: string, state: string, sourceId?: number) =>
      (await db.pool.query<{ id: number }>(
        `INSERT INTO payments (reference, payer_id, currency_id, amount, method, state, source_model, source_id) VALUES ($1, 6, 6, 10, 'wechat', $2, $3, $4) RETURNING id`,
        [reference, state, sourceId ? 'hp.service.order' : null, sourceId ?? null],
      )).rows[0]!.id;
    const paid: DrillPayment = { id: await insert('T-1', 'succeeded', order!.id), reference: 'T-1', payerId: 6, amount: 10, state: 'succeeded', sourceOrderId: order!.id, via: 'rpc' };
    const stray = await insert('T-2', 'pending');
    const check = await checkPayments('legacy', db.pool, paymentsBefore, [
      { ...paid, state: 'refunded' },
      { id: 2_000_000_000, reference: 'T-3', payerId: 7, amount: 1, state: 'pending', via: 'rest' },
    ]);
    expect(check).toEqual({
      side: 'legacy',
      missing: ['T-3 id 2000000000 (rest)'],
      duplicated: [`T-2 (id ${stray}): created, answered to no client`],
      wrongState: ['T-1: succeeded, expected refunded'],
    });
    // The payment succeeded but nothing marked its order paid (a direct INSERT runs no action_succeed).
    expect(await unpaidSources(db.pool, [paid])).toEqual([`order ${order!.id} (T-1, payment succeeded): pending_payment, expected paid`]);
    expect(await unpaidSources(db.pool, [{ ...paid, state: 'failed' }])).toEqual([]);
  });
});
