import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onKysely } from '../../../services/finance/db/sql-runner.ts';
import { FinanceRefused } from '../../../services/finance/domain/finance-refusal.ts';
import { appendLedgerEntries, pointsBalances } from '../../../services/finance/domain/points-ledger.ts';
import { ledgerChain, ledgerHead, odooErrorOf, startFinanceSide, startLegacySide, type FinanceSide } from './support/finance-sides.ts';

const ADMIN = 2;
const MEMBER = 6; // member001

/**
 * hp_points' ledger rules (hp_points/models/hp_points_transaction.py) on both sides of the cut:
 * the monolith's tables answered by finance's legacy behaviours (phase legacy, embedded mode),
 * and svc_finance after M13–M15's cutover. The concurrency cases mix Odoo RPC creates (the
 * engine's REPEATABLE READ transactions) with the domain's appends in READ COMMITTED (what REST
 * and event handlers run) on one user's ledger.
 */
for (const sideName of ['legacy', 'finance'] as const) {
  describe(`points ledger rules, ${sideName === 'legacy' ? 'phase legacy (monolith tables)' : 'after cutover to finance (svc_finance)'}`, () => {
    let side: FinanceSide;
    let rest: Kysely<any>;
    const call = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.call(uid, model, method, args, kwargs);
    /** A ledger append as REST and event handlers run it: the domain function in a READ COMMITTED transaction. */
    const restAppend = (userId: number, delta: number) =>
      rest.transaction().execute((tx) => appendLedgerEntries({ sql: onKysely(tx) }, [{ userId, delta, reason: 'adjust', refModel: null, refId: null }], ADMIN));

    beforeAll(async () => {
      side = sideName === 'legacy' ? await startLegacySide() : await startFinanceSide();
      rest = new Kysely({ dialect: new PostgresDialect({ pool: side.rows }) });
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
    });

    it('create: balance_after = the last balance + delta, reason defaults to adjust, the balance is the last balance_after', async () => {
      const before = await ledgerHead(side.rows, MEMBER);
      const id = (await call(ADMIN, 'hp.points.transaction', 'create', [{ user_id: MEMBER, delta: 7 }])) as number;
      expect(await call(ADMIN, 'hp.points.transaction', 'read', [[id], ['user_id', 'delta', 'balance_after', 'reason']])).toEqual([
        { id, user_id: [MEMBER, expect.any(String)], delta: 7, balance_after: before.balance + 7, reason: 'adjust' },
      ]);
      // A balance_after the client sends is replaced by the ledger's own.
      const forged = (await call(ADMIN, 'hp.points.transaction', 'create', [{ user_id: MEMBER, delta: -2, balance_after: 1_000_000, reason: 'redeem' }])) as number;
      expect((await side.rows.query('SELECT balance_after FROM points_transactions WHERE id = $1', [forged])).rows[0].balance_after).toBe(before.balance + 5);
      expect((await pointsBalances(onKysely(rest), [MEMBER])).get(MEMBER)).toBe(before.balance + 5);
      if (sideName === 'legacy') {
        // res.users.points_balance (computed on read) over RPC, where the ledger is the monolith's.
        expect(await call(ADMIN, 'res.users', 'read', [[MEMBER], ['points_balance']])).toEqual([{ id: MEMBER, points_balance: before.balance + 5 }]);
      }
      expect((await ledgerChain(side.rows, MEMBER, before)).broken).toEqual([]);
    });

    it("refuses a balance below zero with the addon's ValidationError, and a refused entry refuses the whole create", async () => {
      const before = await ledgerHead(side.rows, MEMBER);
      const overdraw = -(before.balance + 1);
      expect(await odooErrorOf(call(ADMIN, 'hp.points.transaction', 'create', [{ user_id: MEMBER, delta: overdraw, reason: 'redeem' }]))).toEqual({
        name: 'odoo.exceptions.ValidationError',
        message: `Insufficient points: user ${MEMBER} has ${before.balance} points, ${overdraw} requested.`,
      });
      // Entries of one create are applied in order: the credit first, then a debit of more than balance + credit.
      expect(await odooErrorOf(call(ADMIN, 'hp.points.transaction', 'create', [[{ user_id: MEMBER, delta: 3 }, { user_id: MEMBER, delta: -(before.balance + 4) }]]))).toEqual({
        name: 'odoo.exceptions.ValidationError',
        message: `Insufficient points: user ${MEMBER} has ${before.balance + 3} points, ${-(before.balance + 4)} requested.`,
      });
      expect(await ledgerHead(side.rows, MEMBER)).toEqual(before);
      // The domain refuses the same way on a READ COMMITTED connection (REST, events).
      await expect(restAppend(MEMBER, overdraw)).rejects.toEqual(new FinanceRefused('validation', `Insufficient points: user ${MEMBER} has ${before.balance} points, ${overdraw} requested.`));
      expect(await ledgerHead(side.rows, MEMBER)).toEqual(before);
    });

    it("is append-only: writing user_id, delta or balance_after is the addon's UserError; other fields may change", async () => {
      const id = (await call(ADMIN, 'hp.points.transaction', 'create', [{ user_id: MEMBER, delta: 1 }])) as number;
      for (const vals of [{ delta: 100 }, { user_id: 7 }, { balance_after: 0 }, { delta: 1, ref_model: 'x' }]) {
        expect(await odooErrorOf(call(ADMIN, 'hp.points.transaction', 'write', [[id], vals]))).toEqual({
          name: 'odoo.exceptions.UserError',
          message: 'Points transactions are append-only; create an adjustment instead.',
        });
      }
      expect(await call(ADMIN, 'hp.points.transaction', 'write', [[id], { ref_model: 'hp.service.order', ref_id: 1 }])).toBe(true);
      expect((await side.rows.query('SELECT delta, ref_model, ref_id FROM points_transactions WHERE id = $1', [id])).rows[0]).toEqual({ delta: 1, ref_model: 'hp.service.order', ref_id: 1 });
    });

    it('members may not create ledger entries (ACL) and read only their own (record rule)', async () => {
      expect((await odooErrorOf(call(MEMBER, 'hp.points.transaction', 'create', [{ user_id: MEMBER, delta: 1000 }]))).name).toBe('odoo.exceptions.AccessError');
      const seen = (await call(MEMBER, 'hp.points.transaction', 'search_read', [[], ['user_id']], { limit: 50 })) as Array<{ user_id: [number, string] }>;
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((r) => r.user_id[0] === MEMBER)).toBe(true);
    });

    it('80 concurrent credits and debits on one user (RPC and the domain mixed), some overdrawing: one chain, never negative, balance = start + accepted deltas', { timeout: 120_000 }, async () => {
      const user = 7; // member002
      // Bring the balance to 100 first, so that the debits below outweigh it and the credits.
      const seeded = await ledgerHead(side.rows, user);
      if (seeded.balance !== 100) await restAppend(user, 100 - seeded.balance);
      const start = await ledgerHead(side.rows, user);
      expect(start.balance).toBe(100);
      // Debits large enough that some must be refused whatever the order, credits to let others through.
      const deltas = Array.from({ length: 80 }, (_, i) => (i % 4 === 0 ? 25 : -(10 + (i % 7))));
      const outcomes = await Promise.all(
        deltas.map(async (delta, i) => {
          try {
            if (i % 3 === 2) await restAppend(user, delta);
            else await call(ADMIN, 'hp.points.transaction', 'create', [{ user_id: user, delta, reason: delta > 0 ? 'adjust' : 'redeem' }]);
            return { delta, accepted: true, message: '' };
          } catch (error) {
            return { delta, accepted: false, message: (error as Error).message };
          }
        }),
      );
      const refused = outcomes.filter((o) => !o.accepted);
      for (const r of refused) expect(r.message).toMatch(new RegExp(`^Insufficient points: user ${user} has \\d+ points, ${r.delta} requested\\.$`));
      expect(refused.every((r) => r.delta < 0)).toBe(true);
      const chain = await ledgerChain(side.rows, user, start);
      expect(chain.broken).toEqual([]);
      expect(chain.entries).toHaveLength(outcomes.length - refused.length);
      const accepted = outcomes.filter((o) => o.accepted).reduce((sum, o) => sum + o.delta, 0);
      expect((await ledgerHead(side.rows, user)).balance).toBe(start.balance + accepted);
      // 100 + 20 × 25 = 600 points against about 780 of debits: some are refused whatever the order.
      expect(refused.length).toBeGreaterThan(0);
    });

    if (sideName === 'finance') {
      it('each entry created over RPC is announced once as points_awarded, in the same transaction', async () => {
        const id = (await call(ADMIN, 'hp.points.transaction', 'create', [{ user_id: MEMBER, delta: 4, reason: 'checkin' }])) as number;
        const events = (await side.rows.query(`SELECT payload FROM outbox WHERE type = 'points_awarded' AND payload->'data'->>'transactionId' = $1`, [String(id)])).rows;
        expect(events).toHaveLength(1);
        expect(events[0].payload.data).toMatchObject({ transactionId: id, userId: MEMBER, delta: 4, reason: 'checkin' });
        // A refused create leaves no event behind.
        const count = async () => Number((await side.rows.query(`SELECT count(*) FROM outbox WHERE type = 'points_awarded'`)).rows[0].count);
        const n = await count();
        await odooErrorOf(call(ADMIN, 'hp.points.transaction', 'create', [{ user_id: MEMBER, delta: -10_000_000 }]));
        expect(await count()).toBe(n);
      });
    }
  });
}
