import { Kysely, PostgresDialect } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { SagaRunner } from '../../../services/kit/saga/saga-runner.ts';
import { provisionTradeDatabase } from '../../../services/trade/db/provision.ts';
import { orderCreationSaga } from '../../../services/trade/domain/order-creation-saga.ts';
import { reservationReference } from '../../../services/trade/legacy/legacy-payment-reservation.ts';
import { orderCreationPorts } from '../../../services/trade/saga/order-creation-ports.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';

// No sync (no replication slot): the saga's owners are the legacy tables (users, payments) and
// trade's own database, as after M04's cutover; a health service is copied in as the backfill would.
describe('OrderCreationSaga against its real owners', () => {
  let legacy: TestDatabase;
  let trade: TestDatabase;
  let runner: SagaRunner;
  let db: Kysely<any>;
  const saga = () => orderCreationSaga(orderCreationPorts({ legacy: legacy.pool, trade: trade.pool }));

  beforeAll(async () => {
    legacy = await legacyDatabase();
    trade = await emptyDatabase('svc_trade');
    await provisionTradeDatabase(trade.url);
    const { rows } = await legacy.pool.query('SELECT id, currency_id, name, category, price, active FROM health_services WHERE id = 8');
    const s = rows[0];
    await trade.pool.query('INSERT INTO health_services (id, currency_id, name, category, price, active) VALUES ($1, $2, $3, $4, $5, $6)', [s.id, s.currency_id, s.name ?? 'service', s.category, s.price, s.active]);
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool: trade.pool }) });
    const definition = saga();
    runner = new SagaRunner({ service: 'trade', db, pool: trade.pool, sagas: [definition], logger: createLogger({ level: 'silent', format: 'json' }), metrics: kitMetrics(new Registry()), maxActionAttempts: 2 });
  });
  afterAll(async () => {
    await runner?.stop();
    await trade?.drop();
    await legacy?.drop();
  });

  const orderOf = async (key: string) =>
    (await trade.pool.query('SELECT o.id, o.state, o.name, o.customer_id, o.amount::text AS amount FROM order_creation_keys k JOIN service_orders o ON o.id = k.order_id WHERE k.key = $1', [`order_creation:${key}:create_order:action`])).rows[0];
  const paymentOf = async (key: string) =>
    (await legacy.pool.query('SELECT state, payer_id, amount::text AS amount, source_model, source_id FROM payments WHERE reference = $1', [reservationReference(`order_creation:${key}:reserve_payment:action`)])).rows[0];

  it('verifies the user in the monolith, creates the order in trade, reserves a pending payment in the monolith', async () => {
    expect(await runner.startAndRun(saga(), 'ok-1', { customerId: 6, serviceId: 8, amount: '99', currency: 'CNY' })).toBe('completed');
    const order = await orderOf('ok-1');
    expect(order).toMatchObject({ state: 'draft', customer_id: 6, amount: '99' });
    expect(order.name).toMatch(/^SO\/\d{4}\/\d{5,}$/);
    expect(await paymentOf('ok-1')).toEqual({ state: 'pending', payer_id: 6, amount: '99', source_model: 'hp.service.order', source_id: order.id });
    // The same key again: the saga is found, nothing is made twice.
    expect(await runner.startAndRun(saga(), 'ok-1', { customerId: 6, serviceId: 8, amount: '99', currency: 'CNY' })).toBe('completed');
    expect((await trade.pool.query('SELECT count(*)::int AS n FROM service_orders WHERE customer_id = 6')).rows[0].n).toBe(1);
  });

  it('a reserve the payment side refuses compensates: the order is cancelled, no payment stays, the customer is held for review', async () => {
    expect(await runner.startAndRun(saga(), 'declined-1', { customerId: 7, serviceId: 8, amount: '99', currency: 'XYZ' })).toBe('compensated');
    expect(await orderOf('declined-1')).toMatchObject({ state: 'cancelled', customer_id: 7 });
    expect(await paymentOf('declined-1')).toBeUndefined();
    expect((await trade.pool.query('SELECT user_id FROM customer_holds')).rows).toEqual([{ user_id: 7 }]);
    const log = await trade.pool.query(`SELECT l.step, l.phase, l.outcome FROM saga_step_log l JOIN saga_instances i ON i.id = l.saga_id WHERE i.key = 'declined-1' ORDER BY l.id`);
    expect(log.rows.map((r) => `${r.step}:${r.phase}:${r.outcome}`)).toEqual([
      // The refused step did nothing, so only the steps before it are compensated, backwards.
      'verify_user:action:done', 'create_order:action:done', 'reserve_payment:action:rejected',
      'create_order:compensation:done', 'verify_user:compensation:done',
    ]);
    // Held: the next order of that customer is refused at verification, before any order exists.
    expect(await runner.startAndRun(saga(), 'held-1', { customerId: 7, serviceId: 8, amount: '99', currency: 'CNY' })).toBe('compensated');
    expect(await orderOf('held-1')).toBeUndefined();
  });

  it('a user the monolith does not know is refused before anything is made', async () => {
    expect(await runner.startAndRun(saga(), 'nobody-1', { customerId: 999_999, serviceId: 8, amount: '99', currency: 'CNY' })).toBe('compensated');
    expect(await orderOf('nobody-1')).toBeUndefined();
    expect((await trade.pool.query('SELECT count(*)::int AS n FROM customer_holds WHERE user_id = 999999')).rows[0].n).toBe(0);
  });
});
