import { Kysely, PostgresDialect } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { onKysely } from '../../../services/finance/db/sql-runner.ts';
import { readPaymentRows, succeedPayments } from '../../../services/finance/domain/payments.ts';
import { FINANCE_PUBLISHES, handlerEventSink } from '../../../services/finance/events.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { ServiceBus } from '../../../services/kit/bus/service-bus.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../../services/kit/db/database.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { SagaRunner } from '../../../services/kit/saga/saga-runner.ts';
import { TRADE_MIGRATIONS } from '../../../services/trade/db/migrations.ts';
import { orderCreationSaga, type PaymentPort } from '../../../services/trade/domain/order-creation-saga.ts';
import { TRADE_SUBSCRIPTIONS } from '../../../services/trade/events.ts';
import { NO_RESERVATION } from '../../../services/trade/saga/finance-not-migrated.ts';
import { orderCreationPorts } from '../../../services/trade/saga/order-creation-ports.ts';
import { legacyDatabase, emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { financeDatabase, financeModulesOwnedBy } from './events-fixture.ts';

const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

/**
 * The order-creation saga's payment step against finance (test/services/trade/order-creation-saga
 * is the pattern): users in the monolith, orders in trade, payments reserved in finance's
 * database through finance's reservation functions once finance owns M13–M15, nothing reserved
 * while the monolith does. Then the reserved payment succeeds through finance's action_succeed
 * and trade's payment_success subscription marks the order paid, over the real bus.
 */
describe('the order-creation saga reserves and releases the payment in finance', () => {
  let legacy: TestDatabase;
  let tradeDb: TestDatabase;
  let trade: ServiceDatabase<any>;
  let finance: { test: TestDatabase; service: ServiceDatabase<any> };
  let runner: SagaRunner;
  let lossyRunner: SagaRunner;

  const input = (customerId: number) => ({ customerId, serviceId: 8, currency: 'CNY' });
  const ports = () => orderCreationPorts({ legacyPool: legacy.pool, pool: trade.pool }, { finance: finance.service.pool });

  beforeAll(async () => {
    legacy = await legacyDatabase();
    tradeDb = await emptyDatabase('svc_trade');
    trade = await openServiceDatabase<any>({ url: tradeDb.url, service: 'trade', logger, migrations: TRADE_MIGRATIONS });
    finance = await financeDatabase(logger);
    const { rows } = await legacy.pool.query('SELECT id, currency_id, name, category, price, active FROM health_services WHERE id = 8');
    const s = rows[0];
    await trade.pool.query('INSERT INTO health_services (id, currency_id, name, category, price, active) VALUES ($1, $2, $3, $4, $5, $6)', [s.id, s.currency_id, s.name ?? 'service', s.category, s.price, s.active]);
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: trade.pool }) });
    const metrics = kitMetrics(new Registry());
    runner = new SagaRunner({ service: 'trade', db, pool: trade.pool, sagas: [orderCreationSaga(ports())], logger, metrics, maxActionAttempts: 2 });
    // The reserve acts, then its answer is lost (a timeout after finance committed): the runner retries with the same key, gives up, compensates.
    const real = ports();
    const lossy: PaymentPort = {
      reserve: async (reservation, key) => {
        await real.payments.reserve(reservation, key);
        throw new Error('the answer of finance was lost');
      },
      release: (reservation, key) => real.payments.release(reservation, key),
    };
    lossyRunner = new SagaRunner({ service: 'trade', db, pool: trade.pool, sagas: [orderCreationSaga({ ...real, payments: lossy })], logger, metrics, maxActionAttempts: 2 });
  });
  afterAll(async () => {
    await runner?.stop();
    await lossyRunner?.stop();
    await trade?.close();
    await finance?.service.close();
    await Promise.all([tradeDb?.drop(), finance?.test.drop(), legacy?.drop()]);
  });

  const orderOf = async (key: string) =>
    (await trade.pool.query('SELECT o.id, o.state, o.customer_id, o.amount::text AS amount FROM order_creation_keys k JOIN service_orders o ON o.id = k.order_id WHERE k.key = $1', [`order_creation:${key}:create_order:action`])).rows[0];
  const reservedOutput = async (key: string) => (await trade.pool.query(`SELECT status, outputs->'reserve_payment' AS reserve FROM saga_instances WHERE key = $1`, [key])).rows[0];
  const paymentsOf = async (orderId: number) =>
    (await finance.service.pool.query(`SELECT id, payer_id, amount::text AS amount, currency_id, method, state, source_model, source_id, create_uid, reference FROM payments WHERE source_model = 'hp.service.order' AND source_id = $1`, [orderId])).rows;
  const stepLog = async (key: string) =>
    (await trade.pool.query(`SELECT l.step, l.phase, l.outcome FROM saga_step_log l JOIN saga_instances i ON i.id = l.saga_id WHERE i.key = $1 ORDER BY l.id`, [key])).rows.map((r) => `${r.step}:${r.phase}:${r.outcome}`);

  it('while the monolith owns M13: the step records that nothing was reserved, and no payment is written anywhere', async () => {
    const legacyPayments = async () => Number((await legacy.pool.query('SELECT count(*) AS n FROM payments')).rows[0].n);
    const before = await legacyPayments();
    // No owner rows at all (no migration touched finance's database), a monolith beside it: the monolith's.
    expect(await runner.startAndRun(orderCreationSaga(ports()), 'legacy-1', input(6))).toBe('completed');
    expect((await reservedOutput('legacy-1')).reserve).toEqual({ reservationId: null, note: NO_RESERVATION });
    await financeModulesOwnedBy(finance.service.pool, 'legacy');
    expect(await runner.startAndRun(orderCreationSaga(ports()), 'legacy-2', input(6))).toBe('completed');
    expect((await reservedOutput('legacy-2')).reserve).toEqual({ reservationId: null, note: NO_RESERVATION });
    expect(Number((await finance.service.pool.query('SELECT count(*) AS n FROM payments')).rows[0].n)).toBe(0);
    expect(await legacyPayments()).toBe(before);
  });

  it('once finance owns M13–M15: a pending payment of the order\'s amount, payer the customer, once per key', async () => {
    await financeModulesOwnedBy(finance.service.pool, 'service');
    expect(await runner.startAndRun(orderCreationSaga(ports()), 'fin-1', input(6))).toBe('completed');
    const order = await orderOf('fin-1');
    const [payment, ...more] = await paymentsOf(order.id);
    expect(more).toEqual([]);
    expect(payment).toMatchObject({ payer_id: 6, amount: order.amount, currency_id: 6, method: 'wechat', state: 'pending', source_model: 'hp.service.order', source_id: order.id, create_uid: 6 });
    expect(payment.reference).toMatch(new RegExp(`^RSV/SO/${order.id}/[0-9a-f]{10}$`));
    expect((await reservedOutput('fin-1')).reserve).toEqual({ reservationId: payment.id });
    expect(await stepLog('fin-1')).toEqual(['verify_user:action:done', 'create_order:action:done', 'reserve_payment:action:done']);

    // The same key again (a replayed request): the saga is found, nothing is reserved twice.
    expect(await runner.startAndRun(orderCreationSaga(ports()), 'fin-1', input(6))).toBe('completed');
    expect(await paymentsOf(order.id)).toHaveLength(1);
    // The port itself, called concurrently with one key (a retry racing a slow first attempt): one payment.
    const port = ports().payments;
    const key = 'order_creation:fin-1:reserve_payment:action';
    const answers = await Promise.all(Array.from({ length: 6 }, () => port.reserve({ orderId: order.id, customerId: 6, amount: order.amount, currency: 'CNY' }, key)));
    expect(new Set(answers.map((a) => a.reservationId))).toEqual(new Set([payment.id]));
    expect(await paymentsOf(order.id)).toHaveLength(1);
  });

  it('a reserve that gave up is compensated: its payment fails, the order is cancelled, the customer held', async () => {
    await financeModulesOwnedBy(finance.service.pool, 'service');
    expect(await lossyRunner.startAndRun(orderCreationSaga(ports()), 'lost-1', input(7))).toBe('compensated');
    const order = await orderOf('lost-1');
    expect(order.state).toBe('cancelled');
    // Two attempts with one key made one payment; the release failed it.
    expect((await paymentsOf(order.id)).map((p) => p.state)).toEqual(['failed']);
    expect(await stepLog('lost-1')).toEqual([
      'verify_user:action:done', 'create_order:action:done', 'reserve_payment:action:error',
      'reserve_payment:compensation:done', 'create_order:compensation:done', 'verify_user:compensation:done',
    ]);
    expect((await trade.pool.query('SELECT idempotency_key FROM customer_holds WHERE user_id = 7')).rows.map((r) => r.idempotency_key)).toEqual(['order_creation:lost-1:verify_user:compensation']);
    // Released again (a compensation retried): nothing changes.
    await ports().payments.release({ reserveKey: 'order_creation:lost-1:reserve_payment:action' }, 'order_creation:lost-1:reserve_payment:compensation');
    expect((await paymentsOf(order.id)).map((p) => p.state)).toEqual(['failed']);
  });

  it('a release that comes before its reserve leaves the key unable to reserve; a payment already paid is not failed', async () => {
    await financeModulesOwnedBy(finance.service.pool, 'service');
    const port = ports().payments;
    await port.release({ reserveKey: 'early-key' }, 'early-key:compensation');
    expect(await port.reserve({ orderId: 990_001, customerId: 6, amount: '10', currency: 'CNY' }, 'early-key')).toEqual({ reservationId: null, note: 'no reservation: this step was released before it reserved' });
    expect(await paymentsOf(990_001)).toEqual([]);

    const paid = await port.reserve({ orderId: 990_002, customerId: 6, amount: '10', currency: 'CNY' }, 'paid-key');
    await finance.service.pool.query(`UPDATE payments SET state = 'succeeded' WHERE id = $1`, [paid.reservationId]);
    await port.release({ reserveKey: 'paid-key' }, 'paid-key:compensation');
    expect((await paymentsOf(990_002)).map((p) => p.state)).toEqual(['succeeded']);
  });

  it('a release after M13 went back to the monolith (a rollback) fails the payment where it lives now, pending only', async () => {
    await financeModulesOwnedBy(finance.service.pool, 'service');
    // Ids from the block the cutover's id split gives the service, so the reverse sync's copy keeps them.
    await finance.service.pool.query(`SELECT setval('payments_id_seq', 950000)`);
    const port = ports().payments;
    const reserved = await port.reserve({ orderId: 990_003, customerId: 6, amount: '20', currency: 'CNY' }, 'rolled-back-key');
    const columns = 'id, reference, payer_id, currency_id, amount, method, state, source_model, source_id, create_uid, write_uid, create_date, write_date';
    const { rows: [copy] } = await finance.service.pool.query(`SELECT ${columns} FROM payments WHERE id = $1`, [reserved.reservationId]);
    await legacy.pool.query(`INSERT INTO payments (${columns}) VALUES (${columns.split(', ').map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(copy));
    await financeModulesOwnedBy(finance.service.pool, 'legacy');
    try {
      await port.release({ reserveKey: 'rolled-back-key' }, 'rolled-back-key:compensation');
      expect((await legacy.pool.query('SELECT state FROM payments WHERE id = $1', [reserved.reservationId])).rows).toEqual([{ state: 'failed' }]);
      // Finance's copy is the monolith's to overwrite now (forward sync); the release did not write it.
      expect((await paymentsOf(990_003)).map((p) => p.state)).toEqual(['pending']);
    } finally {
      await legacy.pool.query('DELETE FROM payments WHERE id = $1', [reserved.reservationId]);
    }
  });

  it('the reserved payment succeeds in finance (action_succeed publishes payment_success) and trade marks the order paid from the event', async () => {
    await financeModulesOwnedBy(finance.service.pool, 'service');
    expect(await runner.startAndRun(orderCreationSaga(ports()), 'pay-1', input(6))).toBe('completed');
    const order = await orderOf('pay-1');
    const [payment] = await paymentsOf(order.id);
    // The customer submits the order (action_submit: draft → pending_payment).
    await trade.pool.query(`UPDATE service_orders SET state = 'pending_payment' WHERE id = $1`, [order.id]);

    const metrics = kitMetrics(new Registry());
    const transport = new EmbeddedTransport(logger, metrics);
    const financeBus = new ServiceBus({ service: 'finance', database: finance.service, publishes: FINANCE_PUBLISHES, transport, logger, metrics });
    const tradeBus = new ServiceBus({ service: 'trade', database: trade, publishes: [], transport, logger, metrics });
    for (const s of TRADE_SUBSCRIPTIONS) tradeBus.subscribe(s.type, s.group ?? 'trade', s.handler);
    await financeBus.startPublishing();
    await tradeBus.startConsuming();
    try {
      // action_succeed in finance: the source's own reaction is left out here (the engine's
      // ModelCaller would call trade); the event alone must get the order paid.
      await finance.service.db.transaction().execute(async (tx) => {
        const run = onKysely(tx);
        await succeedPayments(
          {
            read: (ids) => readPaymentRows(run, ids),
            write: async (ids, vals) => void (await run.raw(`UPDATE payments SET state = $2, paid_at = $3 WHERE id = ANY($1::int4[])`, [[...ids], vals.state, vals.paid_at ?? null])),
          },
          { knows: () => false, stateOf: async () => undefined, call: async () => undefined },
          handlerEventSink(tx),
          { ids: [payment.id], now: '2026-12-06 08:00:00' },
        );
      });
      const event = (await finance.service.pool.query(`SELECT payload FROM outbox WHERE type = 'payment_success'`)).rows.map((r) => r.payload.data);
      expect(event).toEqual([{ paymentId: payment.id, reference: payment.reference, payerId: 6, amount: String(Number(order.amount)), currency: 'CNY', method: 'wechat', sourceModel: 'hp.service.order', sourceId: order.id, paidAt: '2026-12-06T08:00:00Z' }]);
      const started = Date.now();
      while ((await trade.pool.query('SELECT state FROM service_orders WHERE id = $1', [order.id])).rows[0].state !== 'paid') {
        if (Date.now() - started > 20_000) throw new Error('trade did not mark the order paid');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await tradeBus.stop();
      await financeBus.stop();
      await transport.close();
    }
  });
});
