import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallHandler } from '../../../odoo-bridge/call.ts';
import type { CallContext, ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import { completionAwardJob } from '../../../services/trade/legacy/completion-award.ts';
import { forgetFinanceForLegacy, ledgerOwnerFor, rememberFinanceForLegacy } from '../../../services/trade/legacy/ledger-owner.ts';
import { financeOnPool } from '../../../services/trade/saga/finance-reach.ts';
import { closeCommittedLedgerReaders } from '../../../services/finance/db/committed-ledger-heads.ts';
import { startFinanceCutoverStack, type FinanceCutoverStack } from './support/finance-cutover-stack.ts';

/**
 * M13–M15 cut over to finance, M04 still legacy: an order completed over the gateway is answered
 * by the gateway's engine over the monolith's tables, and its points are awarded where the
 * ledger lives now — finance's next id, visible to the next call, exactly once — not in the
 * monolith's table (an id from the legacy block that reaches finance only later).
 */
const LEGACY_ID_BLOCK = 10_000_000;
const ADMIN = { uid: 2, login: 'admin' };
const MEMBER = { uid: 6, login: 'member001@hp.example' };
const COACH = { uid: 246, login: 'coach001@hp.example' };

let finance: FinanceCutoverStack;
let dispatch: CallHandler;

/** execute_kw over the gateway's JSON-RPC, as a client calls it (golden users' passwords are their logins). */
async function rpc(user: { uid: number; login: string }, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<unknown> {
  const response = await fetch(`${finance.stack.gatewayUrl}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { service: 'object', method: 'execute_kw', args: ['hp_legacy', user.uid, user.login, model, method, args, kwargs] } }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { data?: { name?: string; message?: string } } };
  if (body.error) throw new Error(`${model}.${method}: ${body.error.data?.name}: ${body.error.data?.message}`);
  return body.result;
}

/** Finance's next ledger id (nextval's answer, without taking it). */
async function financeNextLedgerId(): Promise<number> {
  const { rows } = await finance.service.pool.query<{ last: string; called: boolean }>('SELECT last_value::text AS last, is_called AS called FROM points_transactions_id_seq');
  return Number(rows[0]!.last) + (rows[0]!.called ? 1 : 0);
}

/** An order of `customer` brought to in_service with coach001, by the admin and the coach. */
async function inServiceOrder(amount: number): Promise<number> {
  const id = (await rpc(ADMIN, 'hp.service.order', 'create', [{ customer_id: MEMBER.uid, service_id: 17, amount }])) as number;
  await rpc(ADMIN, 'hp.service.order', 'action_submit', [[id]]);
  await rpc(ADMIN, 'hp.service.order', 'action_mark_paid', [[id]]);
  await rpc(ADMIN, 'hp.service.order', 'action_assign', [[id], COACH.uid]);
  await rpc(COACH, 'hp.service.order', 'action_start', [[id]]);
  return id;
}

const awardsOf = async (orderId: number) =>
  (await rpc(MEMBER, 'hp.points.transaction', 'search_read', [[['ref_model', '=', 'hp.service.order'], ['ref_id', '=', orderId]]], { fields: ['user_id', 'delta', 'balance_after', 'reason', 'ref_id'] })) as Array<{ id: number; delta: number; balance_after: number; reason: string }>;

beforeAll(async () => {
  finance = await startFinanceCutoverStack();
  // What `ficus start` finds beside the monolith (svc_finance); the test's finance database has another name.
  rememberFinanceForLegacy(finance.stack.legacyPool, financeOnPool(finance.service.pool));
  dispatch = finance.stack.runtime.handlerFor({ name: 'hp_legacy', pool: finance.stack.legacyPool });
}, 240_000);

afterAll(async () => {
  if (!finance) return;
  forgetFinanceForLegacy(finance.stack.legacyPool);
  await finance.stop();
  await closeCommittedLedgerReaders();
});

/** The dispatch as the legacy side's behaviours receive it (ports.callModel). */
const callModel: ModelCaller = (ctx, model, method, args, kwargs = {}) =>
  dispatch({ database: 'hp_legacy', uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context } });
const callOf = (uid: number) => ({ uid, context: {} }) as unknown as CallContext;

describe('an order completed on the legacy side once finance owns the ledger', () => {
  it('reads finance as the ledger owner from the monolith connection', async () => {
    expect(finance.stack.runtime.book.get('M04').phase).toBe('legacy');
    expect(await ledgerOwnerFor(finance.stack.legacyPool)).toBe('finance');
  });

  it('awards floor(amount) under finance\'s next id, visible to the next call, exactly once', async () => {
    const order = await inServiceOrder(188.8);
    const before = (await rpc(ADMIN, 'res.users', 'read', [[MEMBER.uid]], { fields: ['points_balance'] })) as Array<{ points_balance: number }>;
    const expectedId = await financeNextLedgerId();
    expect(await rpc(COACH, 'hp.service.order', 'action_complete', [[order]])).toBe(true);

    const awards = await awardsOf(order);
    expect(awards).toHaveLength(1);
    expect(awards[0]).toMatchObject({ id: expectedId, delta: 188, reason: 'order', balance_after: before[0]!.points_balance + 188 });
    expect(awards[0]!.id).toBeLessThan(LEGACY_ID_BLOCK);
    const inFinance = await finance.service.pool.query('SELECT id FROM points_transactions WHERE ref_model = $1 AND ref_id = $2', ['hp.service.order', order]);
    expect(inFinance.rows).toEqual([{ id: expectedId }]);
    // Nothing was written into the monolith's table on the side: the reverse sync brings finance's row there, with finance's id.
    const inLegacyBlock = await finance.legacy.pool.query('SELECT id FROM points_transactions WHERE ref_model = $1 AND ref_id = $2 AND id > $3', ['hp.service.order', order, LEGACY_ID_BLOCK]);
    expect(inLegacyBlock.rows).toEqual([]);
  });

  it('a retried after-commit job adds no second award (idempotent by the ledger reference)', async () => {
    const order = await inServiceOrder(42.5);
    await rpc(COACH, 'hp.service.order', 'action_complete', [[order]]);
    const metrics = new Registry();
    const job = completionAwardJob(callModel, { metrics });
    const award = { orderId: order, customerId: MEMBER.uid, delta: 42 };
    await job(callOf(COACH.uid), [award]).work();
    await Promise.all([job(callOf(COACH.uid), [award]).work(), job(callOf(ADMIN.uid), [award]).work()].map((p) => p.catch(() => undefined)));
    expect((await awardsOf(order)).map((a) => a.delta)).toEqual([42]);
    const counted = (await metrics.getSingleMetric('ficus_trade_legacy_side_effects_total')!.get()).values;
    expect(counted.find((v) => v.labels.outcome === 'duplicate')?.value).toBeGreaterThanOrEqual(1);
    expect(counted.find((v) => v.labels.outcome === 'done')).toBeUndefined();
  });

  it('a job that cannot reach the ledger is counted and logged, never thrown at the client', async () => {
    const metrics = new Registry();
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }));
    const unreachable: ModelCaller = async () => { throw new Error('finance is unreachable'); };
    const job = completionAwardJob(unreachable, { metrics, logger })(callOf(COACH.uid), [{ orderId: 999_999, customerId: MEMBER.uid, delta: 5 }]);
    const error = await job.work().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    job.onFailure(error);
    const counted = (await metrics.getSingleMetric('ficus_trade_legacy_side_effects_total')!.get()).values;
    expect(counted).toEqual([expect.objectContaining({ labels: { effect: 'points_award', outcome: 'failed' }, value: 1 })]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ uid: COACH.uid, orders: [999_999] });
    expect(lines[0]).toContain('order-points-awarded-once');
  });
});
