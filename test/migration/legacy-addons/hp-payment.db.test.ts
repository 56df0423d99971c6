import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallHandler, OdooCall } from '../../../odoo-bridge/call.ts';
import { OdooError } from '../../../odoo-bridge/errors.ts';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import type { ModelCaller } from '../../../odoo-bridge/orm/write/behaviour-registry.ts';
import { coreBehaviours } from '../../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { registerLegacyAddons } from '../../../migration/legacy-addons/index.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import finance from '../../../services/finance/index.ts';
import trade from '../../../services/trade/index.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { replayGolden } from '../../support/golden/replay.ts';

const ADMIN = 2;
const OPERATOR = 302;
const MEMBER = 6; // member001, no orders in the dump
const CNY = 6;

/** What a JSON-RPC client receives (floats arrive as numbers). */
const wire = (value: unknown): unknown => JSON.parse(stringifyPythonJson(value));

const errorOf = async (work: Promise<unknown>): Promise<{ name: string; message: string }> => {
  try {
    await work;
  } catch (error) {
    if (error instanceof OdooError) return { name: error.exceptionName, message: error.message };
    throw error;
  }
  throw new Error('expected an Odoo error');
};

/**
 * hp_payment (M13) on the legacy side, before any cutover: the migration runtime as `ficus
 * start` builds it (no syncs: every module is in phase legacy), behind a real gateway.
 */
describe('hp.payment and hp.settlement in phase legacy (migration runtime)', () => {
  let legacy: TestDatabase;
  let control: TestDatabase;
  let runtime: MigrationRuntime;
  let gateway: TestGateway;
  let call: CallHandler;
  const as = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
    call({ database: 'hp_legacy', uid, model, method, args, kwargs });
  const row = async (table: string, id: number) => (await legacy.pool.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0];

  beforeAll(async () => {
    legacy = await legacyDatabase();
    control = await emptyDatabase('control');
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
    // No service database exists: in phase legacy the runtime never opens one.
    const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: legacy.url, serviceUrls: { trade: 'postgres://unused.invalid/none' } });
    runtime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: legacy.pool, logger, metrics: createMetricsRegistry(), runSync: false });
    gateway = await startTestGateway({ serve: [{ name: 'hp_legacy', database: legacy }], handlerFor: runtime.handlerFor, router: runtime.router, loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 } });
    call = runtime.handlerFor({ name: 'hp_legacy', pool: legacy.pool });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await runtime?.stop();
    await control?.drop();
    await legacy?.drop();
  });

  it('replays the golden order life cycle, payment steps included, as the monolith answered', { timeout: 120_000 }, async () => {
    const report = await replayGolden(gateway.url, { db: 'hp_legacy', file: path.join(PROJECT_ROOT, 'fixtures/hp-legacy-golden.jsonl'), only: 'seq_lifecycle#', resetCmd: 'true', show: 8 });
    console.log(`golden seq_lifecycle in phase legacy\n${report.printed}`);
    expect(report.outcomes).toHaveLength(39);
    expect(report.outcomes.filter((o) => o.outcome !== 'pass').map((o) => o.id)).toEqual([]);
    // The payment (1096) paid order 602 in the legacy table: action_mark_paid ran on the legacy side.
    expect(await row('payments', 1096)).toMatchObject({ state: 'refunded', currency_id: CNY, method: 'alipay' });
    expect((await row('service_orders', 602)).state).toBe('completed');
  });

  it('defaults, and action_succeed marking a pending_payment order paid, only such an order', async () => {
    const submitted = (await as(MEMBER, 'hp.service.order', 'create', [{ customer_id: MEMBER, service_id: 8 }])) as number;
    await as(MEMBER, 'hp.service.order', 'action_submit', [[submitted]]);
    const draft = (await as(MEMBER, 'hp.service.order', 'create', [{ customer_id: MEMBER, service_id: 8 }])) as number;
    const pay = (await as(MEMBER, 'hp.payment', 'create', [[
      { reference: 'T-PAY-1', payer_id: MEMBER, amount: 99, source_model: 'hp.service.order', source_id: submitted },
      { reference: 'T-PAY-2', payer_id: MEMBER, amount: 99, source_model: 'hp.service.order', source_id: draft },
      { reference: 'T-PAY-3', payer_id: MEMBER, amount: 5, source_model: 'hp.service.order', source_id: 999_999 },
      { reference: 'T-PAY-4', payer_id: MEMBER, amount: 5, source_model: 'no.such.model', source_id: 1 },
    ]])) as number[];
    expect(await as(MEMBER, 'hp.payment', 'read', [pay.slice(0, 1), ['currency_id', 'method', 'state', 'paid_at']])).toEqual([
      { id: pay[0], currency_id: [CNY, 'CNY'], method: 'wechat', state: 'pending', paid_at: false },
    ]);
    const denied = await errorOf(as(MEMBER, 'hp.payment', 'action_succeed', [pay]));
    expect(denied.name).toBe('odoo.exceptions.AccessError');
    expect(denied.message).toMatch(/^You are not allowed to modify 'Payment' \(hp\.payment\) records\./);
    expect(await as(ADMIN, 'hp.payment', 'action_succeed', [pay])).toBe(true);
    const states = (await legacy.pool.query(`SELECT state, paid_at IS NOT NULL AS paid FROM payments WHERE id = ANY($1) ORDER BY id`, [pay])).rows;
    expect(states).toEqual(pay.map(() => ({ state: 'succeeded', paid: true })));
    expect((await row('service_orders', submitted)).state).toBe('paid');
    expect((await row('service_orders', draft)).state).toBe('draft');
  });

  it("refuses what hp_payment refuses, with Odoo's texts, and leaves the rows as they were", async () => {
    const order = (await as(MEMBER, 'hp.service.order', 'create', [{ customer_id: MEMBER, service_id: 8 }])) as number;
    await as(MEMBER, 'hp.service.order', 'action_submit', [[order]]);
    const [a, b] = (await as(ADMIN, 'hp.payment', 'create', [[
      { reference: 'T-DUP-A', payer_id: MEMBER, amount: 1, source_model: 'hp.service.order', source_id: order },
      { reference: 'T-DUP-B', payer_id: MEMBER, amount: 1 },
    ]])) as number[];
    // `for payment in self` with a duplicate: its second visit finds it succeeded; all rolled back.
    expect(await errorOf(as(ADMIN, 'hp.payment', 'action_succeed', [[a, a]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Payment T-DUP-A is succeeded, not pending.' });
    expect((await row('payments', a!)).state).toBe('pending');
    expect((await row('service_orders', order)).state).toBe('pending_payment');
    expect(await errorOf(as(ADMIN, 'hp.payment', 'action_refund', [[a]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only succeeded payments can be refunded.' });
    expect(await as(ADMIN, 'hp.payment', 'action_fail', [[b]])).toBe(true);
    expect(await errorOf(as(ADMIN, 'hp.payment', 'action_fail', [[a, b]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only pending payments can fail.' });
    expect((await row('payments', a!)).state).toBe('pending');
    expect(await errorOf(as(ADMIN, 'hp.payment', 'action_succeed', [[b]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Payment T-DUP-B is failed, not pending.' });
    const missing = await errorOf(as(ADMIN, 'hp.payment', 'action_succeed', [[987_654]]));
    expect(missing).toEqual({ name: 'odoo.exceptions.MissingError', message: 'Record does not exist or has been deleted.\n(Record: hp.payment(987654,), User: 2)' });
    // Another payer's payment is outside member001's read rule (payer_id = user).
    const other = (await legacy.pool.query<{ id: number }>(`SELECT id FROM payments WHERE payer_id <> $1 ORDER BY id LIMIT 1`, [MEMBER])).rows[0]!;
    expect((await errorOf(as(MEMBER, 'hp.payment', 'action_fail', [[other.id]]))).name).toBe('odoo.exceptions.AccessError');
  });

  it("a payment of a draft mall order pays it (hp_mall's action_pay, migration/legacy-addons/hp-mall.ts); an order without lines refuses, and nothing is half done", async () => {
    const mall = (await legacy.pool.query<{ id: number }>(`SELECT o.id FROM orders o WHERE o.state = 'draft' AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id) ORDER BY o.id LIMIT 1`)).rows[0];
    expect(mall).toBeDefined();
    const pay = (await as(ADMIN, 'hp.payment', 'create', [{ reference: 'T-MALL', payer_id: MEMBER, amount: 1, source_model: 'hp.mall.order', source_id: mall!.id }])) as number;
    expect(await as(ADMIN, 'hp.payment', 'action_succeed', [[pay]])).toBe(true);
    expect(await row('orders', mall!.id)).toMatchObject({ state: 'paid', paid_at: expect.any(Date) });
    // An order without lines (written directly: creating one over RPC needs hp_mall's create, which Ficus does not serve).
    const empty = (await legacy.pool.query<{ id: number }>(`INSERT INTO orders (name, buyer_id, currency_id, state, amount_total) VALUES ('T-MO-EMPTY', $1, $2, 'draft', 0) RETURNING id`, [MEMBER, CNY])).rows[0]!.id;
    const unpaid = (await as(ADMIN, 'hp.payment', 'create', [{ reference: 'T-MALL-EMPTY', payer_id: MEMBER, amount: 1, source_model: 'hp.mall.order', source_id: empty }])) as number;
    expect(await errorOf(as(ADMIN, 'hp.payment', 'action_succeed', [[unpaid]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'An order without lines cannot be paid.' });
    expect((await row('payments', unpaid)).state).toBe('pending');
    expect((await row('orders', empty)).state).toBe('draft');
    // The order's own state machine, with hp_mall's words.
    expect(await errorOf(as(ADMIN, 'hp.mall.order', 'action_deliver', [[mall!.id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Order ${(await row('orders', mall!.id)).name}: cannot deliver from state 'paid'.` });
    expect(await as(ADMIN, 'hp.mall.order', 'action_ship', [[mall!.id]])).toBe(true);
    expect(await as(ADMIN, 'hp.mall.order', 'action_deliver', [[mall!.id]])).toBe(true);
    expect(await errorOf(as(ADMIN, 'hp.mall.order', 'action_cancel', [[mall!.id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Order ${(await row('orders', mall!.id)).name}: cannot cancel from state 'delivered'.` });
  });

  it('hp.settlement: defaults, stored net = gross - fee in the currency decimals, draft → confirmed → paid', async () => {
    const id = (await as(OPERATOR, 'hp.settlement', 'create', [{ payee_id: 246, period_start: '2026-12-01', period_end: '2026-12-31', gross: 1000.5, fee: 200.123 }])) as number;
    expect(wire(await as(OPERATOR, 'hp.settlement', 'read', [[id], ['currency_id', 'state', 'net']]))).toEqual([{ id, currency_id: [CNY, 'CNY'], state: 'draft', net: 800.38 }]);
    await as(OPERATOR, 'hp.settlement', 'write', [[id], { fee: 0.5 }]);
    expect(wire(await as(OPERATOR, 'hp.settlement', 'read', [[id], ['net']]))).toEqual([{ id, net: 1000 }]);
    expect(await errorOf(as(OPERATOR, 'hp.settlement', 'action_pay', [[id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only confirmed settlements can be paid.' });
    expect(await as(OPERATOR, 'hp.settlement', 'action_confirm', [[id]])).toBe(true);
    expect(await errorOf(as(OPERATOR, 'hp.settlement', 'action_confirm', [[id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only draft settlements can be confirmed.' });
    expect(await as(OPERATOR, 'hp.settlement', 'action_pay', [[id]])).toBe(true);
    expect(await row('settlements', id)).toMatchObject({ state: 'paid', net: '1000.00' });
    // Coaches read their own settlements only (ACL read, no write).
    expect((await errorOf(as(246, 'hp.settlement', 'action_confirm', [[1]]))).name).toBe('odoo.exceptions.AccessError');
  });
});

/**
 * The seam itself, with a `callModel` the test controls: what action_succeed asks of the paid
 * document's owner, as whom, and what a failure over there does to the payment.
 */
describe('action_succeed across the cut (callModel)', () => {
  let legacy: TestDatabase;
  beforeAll(async () => {
    legacy = await legacyDatabase();
  });
  afterAll(async () => {
    await legacy?.drop();
  });

  const engineWith = (callModel: ModelCaller) => {
    const behaviours = registerLegacyAddons(coreBehaviours(), { callModel });
    trade.odoo!.legacyBehaviours(behaviours);
    // hp_payment's legacy behaviour is finance's (services/finance/legacy), given the same model caller.
    finance.odoo!.legacyBehaviours(behaviours, { callModel });
    return createFullOrmEngine({ database: { name: 'hp_legacy', pool: legacy.pool }, behaviours });
  };
  const payment = async (reference: string, sourceId: number) =>
    (await legacy.pool.query<{ id: number }>(
      `INSERT INTO payments (reference, payer_id, currency_id, amount, method, state, source_model, source_id) VALUES ($1, $2, $3, 10, 'card', 'pending', 'hp.service.order', $4) RETURNING id`,
      [reference, MEMBER, CNY, sourceId],
    )).rows[0]!.id;

  it('reads the order, then calls action_mark_paid, as the caller with its context, while the payment is not yet committed', async () => {
    const calls: Array<Omit<OdooCall, 'database' | 'uid'> & { uid: number; paymentVisible: string }> = [];
    const pay = await payment('T-SEAM-1', 602);
    const engine = engineWith(async (ctx, model, method, args, kwargs = {}) => {
      const seen = (await legacy.pool.query<{ state: string }>('SELECT state FROM payments WHERE id = $1', [pay])).rows[0]!.state;
      calls.push({ uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context }, paymentVisible: seen });
      return method === 'read' ? [{ id: 602, state: 'pending_payment' }] : true;
    });
    const context = { lang: 'en_US', tz: 'Asia/Shanghai' };
    expect(await engine.call({ database: 'hp_legacy', uid: ADMIN, model: 'hp.payment', method: 'action_succeed', args: [[pay]], kwargs: { context } })).toBe(true);
    expect(calls).toEqual([
      { uid: ADMIN, model: 'hp.service.order', method: 'read', args: [[602], ['state']], kwargs: { context }, paymentVisible: 'pending' },
      { uid: ADMIN, model: 'hp.service.order', method: 'action_mark_paid', args: [[602]], kwargs: { context }, paymentVisible: 'pending' },
    ]);
    expect((await legacy.pool.query('SELECT state FROM payments WHERE id = $1', [pay])).rows[0].state).toBe('succeeded');
  });

  it('a refusal on the other side reaches the client and rolls the payment back', async () => {
    const pay = await payment('T-SEAM-2', 603);
    const engine = engineWith(async (_ctx, _model, method) => {
      if (method === 'read') return [{ id: 603, state: 'pending_payment' }];
      throw new OdooError('odoo.exceptions.UserError', "Order SO/2026/00603: cannot mark as paid from state 'cancelled'.");
    });
    const refused = await errorOf(engine.call({ database: 'hp_legacy', uid: ADMIN, model: 'hp.payment', method: 'action_succeed', args: [[pay]], kwargs: {} }));
    expect(refused).toEqual({ name: 'odoo.exceptions.UserError', message: "Order SO/2026/00603: cannot mark as paid from state 'cancelled'." });
    expect((await legacy.pool.query('SELECT state, paid_at FROM payments WHERE id = $1', [pay])).rows[0]).toEqual({ state: 'pending', paid_at: null });
  });

  it('asks nothing when the order is gone (exists() is empty) or no longer pending_payment', async () => {
    const gone = await payment('T-SEAM-3', 604);
    const paid = await payment('T-SEAM-4', 605);
    const methods: string[] = [];
    const engine = engineWith(async (_ctx, _model, method, args) => {
      methods.push(method);
      return (args[0] as number[])[0] === 604 ? [] : [{ id: 605, state: 'paid' }];
    });
    expect(await engine.call({ database: 'hp_legacy', uid: ADMIN, model: 'hp.payment', method: 'action_succeed', args: [[gone, paid]], kwargs: {} })).toBe(true);
    expect(methods).toEqual(['read', 'read']);
  });
});
