import { defineRoute } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { FinanceDatabase } from '../db/tables.ts';
import { ledgerPage, pointsBalances } from '../domain/points-ledger.ts';
import { readerOfHome, subjectUser } from './rest-access.ts';

/**
 * GET /points/balance: res.users.points_balance (domain/points-ledger.ts `pointsBalances`: the
 * last balance_after of the user's ledger, 0 without one). The caller's own; an operator may
 * name anyone (`?user_id`), as hp.points.transaction's operator rule lets them read every ledger.
 */
export const getPointsBalance = defineRoute<FinanceDatabase, unknown, { user_id?: number }>({
  method: 'get',
  path: '/points/balance',
  summary: 'The caller\'s points balance (operators: any user\'s with ?user_id), the last balance_after of the ledger',
  auth: 'bearer',
  query: 'rest/finance/points-balance-query.json',
  responses: { 200: 'rest/finance/points-balance.json' },
  async handler(ctx) {
    const { query, access } = ctx;
    await access!.check('hp.points.transaction', 'read');
    const userId = await subjectUser(access!, query.user_id, 'points');
    const balances = await pointsBalances(onKysely(await readerOfHome(ctx)), [userId]);
    return { status: 200, body: { userId, balance: balances.get(userId) ?? 0 } };
  },
});

/**
 * GET /points/transactions: a user's ledger, newest first (hp.points.transaction's `id desc`),
 * a page at a time: `before_id` = the previous page's nextBeforeId. Ids only grow, so a page
 * boundary never shifts when entries are appended meanwhile (an offset would repeat rows).
 */
export const listPointsTransactions = defineRoute<FinanceDatabase, unknown, { user_id?: number; limit: number; before_id?: number }>({
  method: 'get',
  path: '/points/transactions',
  summary: 'The caller\'s points ledger (operators: any user\'s with ?user_id), newest first, paged by before_id',
  auth: 'bearer',
  query: 'rest/finance/points-transactions-query.json',
  responses: { 200: 'rest/finance/points-transaction-page.json' },
  async handler(ctx) {
    const { query, access } = ctx;
    await access!.check('hp.points.transaction', 'read');
    const userId = await subjectUser(access!, query.user_id, 'points');
    const db = await readerOfHome(ctx);
    // One more than asked: whether a next page exists, without counting the ledger.
    const rows = await ledgerPage(onKysely(db), userId, { limit: query.limit + 1, ...(query.before_id ? { beforeId: query.before_id } : {}) });
    const items = rows.slice(0, query.limit);
    return { status: 200, body: { userId, items, nextBeforeId: rows.length > query.limit ? items[items.length - 1]!.id : null } };
  },
});
