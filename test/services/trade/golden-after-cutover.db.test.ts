import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import trade from '../../../services/trade/index.ts';
import { serveForTest, type ServiceUnderTest } from '../../../bench/support/service-app.ts';
import { preparePaidOrders, runGrabRace } from '../../../bench/support/grab-race.ts';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { startTradeCutoverStack, TRADE_MODULES, type TradeCutoverStack } from './support/trade-cutover-stack.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { categoryOf, replayGolden, type ReplayOutcome } from '../../support/golden/replay.ts';

// Everything that runs the M04/M20 syncs lives in this one file (slots are per cluster), run in order.

/**
 * The monolith's recorded answers (fixtures/hp-legacy-golden.jsonl, copied from
 * ../shared/legacy-odoo/golden) replayed over HTTP by the judging replayer against a gateway
 * whose M04 and M20 have been cut over to trade: each M04/M20 sequence against a fresh stack (the
 * sequences' ids assume a freshly restored database), the pristine reads before the first one.
 */
const GOLDEN = path.join(PROJECT_ROOT, 'fixtures/hp-legacy-golden.jsonl');
const BLOCKS = [
  // The pristine cases only read, and the replayer runs them before any sequence: they share the
  // first sequence's fresh stack (one stack fewer, about 8 s of the suite).
  { name: 'pristine, then seq_lifecycle', keep: (c: { id: string; db_state: string }) => c.db_state === 'pristine' || c.id.startsWith('seq_lifecycle#') },
  { name: 'seq_errors', keep: (c: { id: string }) => c.id.startsWith('seq_errors#') },
  { name: 'seq_grab', keep: (c: { id: string }) => c.id.startsWith('seq_grab#') },
];
const TRADE_CATEGORIES = ['market', 'grab', 'seq_lifecycle', 'seq_errors', 'seq_grab'];

const outcomes: ReplayOutcome[] = [];
const printed: string[] = [];

afterAll(() => {
  const byCategory = new Map<string, { pass: number; total: number }>();
  for (const o of outcomes) {
    const row = byCategory.get(categoryOf(o.id)) ?? { pass: 0, total: 0 };
    row.total += 1;
    if (o.outcome === 'pass') row.pass += 1;
    byCategory.set(categoryOf(o.id), row);
  }
  console.log(['golden after cutover of M04+M20 (category: matched/total)', ...[...byCategory].map(([c, r]) => `  ${c.padEnd(15)} ${r.pass}/${r.total}`), ...printed].join('\n'));
});

describe('legacy golden cases after trade took over M04 and M20', () => {
  const lines = readFileSync(GOLDEN, 'utf8').split('\n').filter((l) => l.trim());
  for (const block of BLOCKS) {
    it(`replays ${block.name}`, { timeout: 100_000 }, async () => {
      const file = path.join(tmpdir(), `hp-golden-${block.name.replace(/\W+/g, '-')}-${process.pid}.jsonl`);
      writeFileSync(file, lines.filter((l) => block.keep(JSON.parse(l))).join('\n') + '\n');
      const trade = await startTradeCutoverStack();
      try {
        // Each block gets its own fresh stack, so the replayer's reset before its sequence is a no-op.
        const report = await replayGolden(trade.stack.gatewayUrl, { db: 'hp_legacy', file, resetCmd: 'true', show: 8 });
        outcomes.push(...report.outcomes);
        printed.push(`--- ${block.name}\n${report.printed}`);
        expect(report.outcomes.length).toBeGreaterThan(0);
      } finally {
        await trade.stop();
      }
    });
  }

  it('matches the recorded answers of the M04/M20 categories', () => {
    const trade = outcomes.filter((o) => TRADE_CATEGORIES.includes(categoryOf(o.id)));
    const failing = trade.filter((o) => o.outcome !== 'pass').map((o) => o.id);
    expect(trade.length).toBe(34 + 13 + 39 + 41 + 23);
    console.log(`M04/M20 golden cases after cutover: ${trade.length - failing.length}/${trade.length} match`);
    expect(failing).toEqual([]);
  });
});

describe('trade after cutover: REST and the grab race', () => {
  let trade_: TradeCutoverStack;
  let rest: ServiceUnderTest;
  const token = (uid: number) => issueToken(rest.keys.current, { userId: uid });
  const svc = () => trade_.stack.servicePool;

  beforeAll(async () => {
    trade_ = await startTradeCutoverStack();
    rest = await serveForTest(trade, trade_.service.url);
  }, 100_000);
  afterAll(async () => {
    await rest?.stop();
    await trade_?.stop();
  });

  it('ranks available orders by the matching rules, as computed by hand', async () => {
    // Three open orders, rules of two categories, coach003 (uid 248: hp_level 10 = expert, rating 4.50) offering chronic care only.
    await svc().query(`UPDATE service_orders SET state = 'draft' WHERE state = 'paid' AND health_worker_id IS NULL`);
    await svc().query(`UPDATE service_orders SET state = 'paid', health_worker_id = NULL, service_id = CASE id WHEN 101 THEN 13 ELSE 6 END WHERE id IN (101, 102, 103)`);
    await svc().query(`UPDATE health_services SET coach_id = NULL WHERE coach_id = 248`);
    await svc().query(`UPDATE health_services SET coach_id = 248 WHERE id = 13`);
    await svc().query(`UPDATE matching_rules SET active = false`);
    await svc().query(`INSERT INTO matching_rules (name, category, min_level, max_distance_km, priority, weight_rating, weight_distance, active) VALUES
      ('chronic expert', 'chronic_care', 'expert', 10, 10, 0.5, 0.5, true),
      ('fitness anyone', 'fitness', 'junior', 20, 5, 0.2, 0.8, true),
      ('fitness experts first', 'fitness', 'expert', 20, 50, 1.0, 0.0, true)`);
    const response = await fetch(`${rest.baseUrl}/trade/matching/available-orders?distance=101:2&distance=102:5`, { headers: { authorization: `Bearer ${token(248)}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { coach: { level: string }; items: { orderId: number; score: number; rule: { name: string }; terms: { factor: string; points: number }[]; explanation: string }[] };
    expect(body.coach.level).toBe('expert');
    // 101: category 1×1 + rating 0.5×0.9 + distance 0.5×(1 − 2/10) = 1 + 0.45 + 0.4 = 1.85
    // 102, 103: rule "fitness experts first" (priority 50 beats 5): 1×0 + 1.0×0.9 + 0×… = 0.9; tie → lower id first
    expect(body.items.map((i) => [i.orderId, i.score, i.rule.name])).toEqual([
      [101, 1.85, 'chronic expert'],
      [102, 0.9, 'fitness experts first'],
      [103, 0.9, 'fitness experts first'],
    ]);
    expect(body.items[0]!.terms).toEqual([
      { factor: 'category', weight: 1, value: 1, points: 1 },
      { factor: 'rating', weight: 0.5, value: 0.9, points: 0.45 },
      { factor: 'distance', weight: 0.5, value: 0.8, points: 0.4 },
    ]);
    expect(body.items[2]!.explanation).toContain('distance unknown');
    // A junior coach (hp_level below 5) gets no fitness-expert rule: the junior fitness rule applies instead.
    await svc().query(`UPDATE res_users SET hp_level = 2 WHERE id = 249`);
    await svc().query(`UPDATE health_services SET coach_id = NULL WHERE coach_id = 249`);
    const junior = (await (await fetch(`${rest.baseUrl}/trade/matching/available-orders?distance=102:5`, { headers: { authorization: `Bearer ${token(249)}` } })).json()) as typeof body;
    // 102: 0 + 0.2×(4.43/5 = 0.886) + 0.8×(1 − 5/20) = 0.1772 + 0.6 = 0.7772; 103: 0.1772; 101 needs an expert: not offered
    expect(junior.items.map((i) => [i.orderId, i.score])).toEqual([[102, 0.7772], [103, 0.1772]]);
    const member = await fetch(`${rest.baseUrl}/trade/matching/available-orders`, { headers: { authorization: `Bearer ${token(7)}` } });
    expect(member.status).toBe(403);
  });

  it('REST order life cycle with the legacy rules and words, events in the outbox', async () => {
    const post = (path: string, uid: number, body: unknown, method = 'POST') =>
      fetch(`${rest.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token(uid)}` }, body: JSON.stringify(body) });
    const created = await post('/trade/service-orders', 6, { serviceId: 8 });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { id: number; name: string; amount: string; state: string };
    expect(order).toMatchObject({ state: 'draft', amount: '99' });
    expect(order.name).toMatch(/^SO\/\d{4}\/00601$/);
    const early = await post(`/trade/orders/${order.id}/status`, 6, { action: 'mark_paid' }, 'PUT');
    expect(early.status).toBe(409);
    expect(((await early.json()) as { detail: string }).detail).toBe(`Order ${order.name}: cannot mark as paid from state 'draft'.`);
    expect((await post(`/trade/orders/${order.id}/status`, 6, { action: 'submit' }, 'PUT')).status).toBe(200);
    const notOperator = await post(`/trade/orders/${order.id}/status`, 6, { action: 'mark_paid' }, 'PUT');
    expect(notOperator.status).toBe(403);
    expect((await post(`/trade/orders/${order.id}/status`, 302, { action: 'mark_paid' }, 'PUT')).status).toBe(200);
    const bad = await post(`/trade/orders/${order.id}/status`, 302, { action: 'assign' }, 'PUT');
    expect(bad.status).toBe(400);
    const grab = await post('/trade/grab-orders', 246, { serviceOrderId: order.id });
    expect(((await grab.json()) as { state: string }).state).toBe('won');
    expect(((await (await post('/trade/grab-orders', 247, { serviceOrderId: order.id })).json()) as { state: string }).state).toBe('lost');
    expect((await post('/trade/grab-orders', 246, { serviceOrderId: order.id })).status).toBe(409);
    expect((await post(`/trade/orders/${order.id}/status`, 247, { action: 'start' }, 'PUT')).status).toBe(404);
    expect((await post(`/trade/orders/${order.id}/status`, 246, { action: 'start' }, 'PUT')).status).toBe(200);
    const done = await post(`/trade/orders/${order.id}/status`, 246, { action: 'complete' }, 'PUT');
    expect(((await done.json()) as { state: string }).state).toBe('completed');
    const events = await svc().query(`SELECT type FROM outbox WHERE aggregate_id = $1 ORDER BY seq`, [`hp.service.order/${order.id}`]);
    expect(events.rows.map((r) => r.type)).toEqual(['order_created', 'order_assigned', 'service_completed']);
  });

  it('500 concurrent grabs (Odoo RPC through the gateway and REST) on 50 paid orders: exactly one winner each', { timeout: 110_000 }, async () => {
    const orders = await preparePaidOrders(svc(), 50);
    expect(orders).toHaveLength(50);
    const result = await runGrabRace({ gatewayUrl: trade_.stack.gatewayUrl, restUrl: rest.baseUrl, tokenFor: token, orders, perOrder: 10 });
    console.log(`grab race: ${result.requests} requests (${result.rpc} RPC, ${result.rest} REST) in ${result.ms} ms: ${result.won} won, ${result.lost} lost, ${result.failures.length} failed`);
    expect(result.failures).toEqual([]);
    expect(result.won).toBe(50);
    expect(result.lost).toBe(450);
    const perOrder = await svc().query<{ id: number; won: number; worker_is_winner: boolean }>(
      `SELECT o.id, count(g.id) FILTER (WHERE g.state = 'won')::int AS won,
              bool_and(g.state <> 'won' OR g.coach_id = o.health_worker_id) AS worker_is_winner
         FROM service_orders o JOIN grab_orders g ON g.service_order_id = o.id
        WHERE o.id = ANY($1) GROUP BY o.id, o.health_worker_id, o.state`,
      [orders],
    );
    expect(perOrder.rows).toHaveLength(50);
    expect(perOrder.rows.every((r) => r.won === 1 && r.worker_is_winner)).toBe(true);
    const states = await svc().query(`SELECT DISTINCT state FROM service_orders WHERE id = ANY($1)`, [orders]);
    expect(states.rows).toEqual([{ state: 'assigned' }]);
  });
});

/**
 * hp.payment stays legacy (M13), the order it pays moved to trade: action_succeed reaches the
 * order through the phase-aware dispatch, synchronously, and a failure over there undoes the
 * payment. After a rollback the same call pays the order in the legacy table.
 */
describe('hp.payment paying a trade order across the cut, and after a rollback', () => {
  let trade_: TradeCutoverStack;
  const ADMIN = 2;
  const MEMBER = 6;
  let reference = 0;
  const call = (uid: number, model: string, method: string, args: unknown[]) =>
    trade_.stack.runtime.handlerFor({ name: 'hp_legacy', pool: trade_.stack.legacyPool })({ database: 'hp_legacy', uid, model, method, args, kwargs: {} });
  const pendingPaymentOrder = async () => {
    const order = (await call(MEMBER, 'hp.service.order', 'create', [{ customer_id: MEMBER, service_id: 8 }])) as number;
    await call(MEMBER, 'hp.service.order', 'action_submit', [[order]]);
    const payment = (await call(ADMIN, 'hp.payment', 'create', [{ reference: `CUT-${(reference += 1)}`, payer_id: MEMBER, amount: 99, source_model: 'hp.service.order', source_id: order }])) as number;
    return { order, payment };
  };
  const stateOf = async (pool: pg.Pool, table: string, id: number) =>
    (await pool.query<{ state: string }>(`SELECT state FROM ${table} WHERE id = $1`, [id])).rows[0]?.state;

  beforeAll(async () => {
    trade_ = await startTradeCutoverStack();
  }, 100_000);
  afterAll(async () => {
    await trade_?.stop();
  });

  it('after cutover: the order is paid in trade when action_succeed returns; a refusal in trade leaves the payment pending', async () => {
    const { order, payment } = await pendingPaymentOrder();
    expect(await stateOf(trade_.stack.servicePool, 'service_orders', order)).toBe('pending_payment');
    expect(await call(ADMIN, 'hp.payment', 'action_succeed', [[payment]])).toBe(true);
    expect(await stateOf(trade_.stack.servicePool, 'service_orders', order)).toBe('paid');
    expect(await call(MEMBER, 'hp.service.order', 'read', [[order], ['state']])).toEqual([{ id: order, state: 'paid' }]);
    expect(await stateOf(trade_.stack.legacyPool, 'payments', payment)).toBe('succeeded');

    // trade's database refuses the order's write: the legacy payment transaction must not commit.
    const refused = await pendingPaymentOrder();
    await trade_.stack.servicePool.query(`CREATE FUNCTION test_refuse_paid() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'trade is refusing writes'; END $$`);
    await trade_.stack.servicePool.query(`CREATE TRIGGER test_refuse_paid BEFORE UPDATE ON service_orders FOR EACH ROW WHEN (NEW.state = 'paid') EXECUTE FUNCTION test_refuse_paid()`);
    try {
      await expect(call(ADMIN, 'hp.payment', 'action_succeed', [[refused.payment]])).rejects.toBeInstanceOf(OdooError);
    } finally {
      await trade_.stack.servicePool.query(`DROP TRIGGER test_refuse_paid ON service_orders; DROP FUNCTION test_refuse_paid()`);
    }
    expect(await stateOf(trade_.stack.legacyPool, 'payments', refused.payment)).toBe('pending');
    expect(await stateOf(trade_.stack.servicePool, 'service_orders', refused.order)).toBe('pending_payment');
    // Once trade accepts again, the same call goes through.
    expect(await call(ADMIN, 'hp.payment', 'action_succeed', [[refused.payment]])).toBe(true);
    expect(await stateOf(trade_.stack.servicePool, 'service_orders', refused.order)).toBe('paid');
  });

  it('after rolling M04 and M20 back to legacy: action_succeed pays the order in the legacy table', { timeout: 60_000 }, async () => {
    const force = { force: true, reason: 'test: back to the monolith', actor: 'test' };
    await trade_.stack.controller.together('rollback', [...TRADE_MODULES].reverse(), force);
    for (const module of [...TRADE_MODULES].reverse()) await trade_.stack.controller.rollback(module, force);
    const started = Date.now();
    while (TRADE_MODULES.some((m) => trade_.stack.runtime.book.get(m).phase !== 'legacy')) {
      if (Date.now() - started > 5000) throw new Error('the gateway did not learn the rollback');
      await new Promise((r) => setTimeout(r, 20));
    }
    const { order, payment } = await pendingPaymentOrder();
    expect(await stateOf(trade_.stack.legacyPool, 'service_orders', order)).toBe('pending_payment');
    expect(await call(ADMIN, 'hp.payment', 'action_succeed', [[payment]])).toBe(true);
    expect(await stateOf(trade_.stack.legacyPool, 'service_orders', order)).toBe('paid');
    expect(await call(MEMBER, 'hp.service.order', 'read', [[order], ['state']])).toEqual([{ id: order, state: 'paid' }]);
  });
});
