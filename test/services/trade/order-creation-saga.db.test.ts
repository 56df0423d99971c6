import { Kysely, PostgresDialect } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { SagaRunner } from '../../../services/kit/saga/saga-runner.ts';
import { provisionTradeDatabase } from '../../../services/trade/db/provision.ts';
import { orderCreationSaga } from '../../../services/trade/domain/order-creation-saga.ts';
import { NO_RESERVATION } from '../../../services/trade/saga/finance-not-migrated.ts';
import { orderCreationPorts } from '../../../services/trade/saga/order-creation-ports.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';

// No sync (no replication slot): the saga's owners are the legacy users table and trade's own
// database, as after M04's cutover; a health service is copied in as the backfill would.
describe('OrderCreationSaga against its real owners', () => {
  let legacy: TestDatabase;
  let trade: TestDatabase;
  let runner: SagaRunner;
  let db: Kysely<any>;
  let onBoundary: (point: { step: string; at: string }) => Promise<void> = async () => undefined;
  const saga = () => orderCreationSaga(orderCreationPorts({ legacyPool: legacy.pool, pool: trade.pool }));
  const input = (customerId: number, serviceId = 8) => ({ customerId, serviceId, amount: '99', currency: 'CNY' });

  beforeAll(async () => {
    legacy = await legacyDatabase();
    trade = await emptyDatabase('svc_trade');
    await provisionTradeDatabase(trade.url);
    const { rows } = await legacy.pool.query('SELECT id, currency_id, name, category, price, active FROM health_services WHERE id = 8');
    const s = rows[0];
    await trade.pool.query('INSERT INTO health_services (id, currency_id, name, category, price, active) VALUES ($1, $2, $3, $4, $5, $6)', [s.id, s.currency_id, s.name ?? 'service', s.category, s.price, s.active]);
    await trade.pool.query(`INSERT INTO health_services (id, currency_id, name, category, price, active) VALUES (9001, $1, 'archived', $2, 10, true)`, [s.currency_id, s.category]);
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool: trade.pool }) });
    runner = new SagaRunner({
      service: 'trade', db, pool: trade.pool, sagas: [saga()], logger: createLogger({ level: 'silent', format: 'json' }), metrics: kitMetrics(new Registry()), maxActionAttempts: 2,
      onBoundary: (point) => onBoundary(point),
    });
  });
  afterAll(async () => {
    await runner?.stop();
    await trade?.drop();
    await legacy?.drop();
  });

  const orderOf = async (key: string) =>
    (await trade.pool.query('SELECT o.id, o.state, o.name, o.customer_id, o.create_uid, o.amount::text AS amount FROM order_creation_keys k JOIN service_orders o ON o.id = k.order_id WHERE k.key = $1', [`order_creation:${key}:create_order:action`])).rows[0];
  const stepLog = async (key: string) =>
    (await trade.pool.query(`SELECT l.step, l.phase, l.outcome FROM saga_step_log l JOIN saga_instances i ON i.id = l.saga_id WHERE i.key = $1 ORDER BY l.id`, [key])).rows.map((r) => `${r.step}:${r.phase}:${r.outcome}`);
  const holdsOf = async (userId: number) => (await trade.pool.query('SELECT idempotency_key FROM customer_holds WHERE user_id = $1 ORDER BY created_at', [userId])).rows.map((r) => r.idempotency_key);

  it('verifies the user in the monolith, creates the order (and its order_created event) in trade, and records that finance reserves nothing yet', async () => {
    const payments = async () => (await legacy.pool.query('SELECT count(*)::int AS n FROM payments')).rows[0].n;
    const paymentsBefore = await payments();
    expect(await runner.startAndRun(saga(), 'ok-1', input(6))).toBe('completed');
    const order = await orderOf('ok-1');
    expect(order).toMatchObject({ state: 'draft', customer_id: 6, create_uid: 6, amount: '99' });
    expect(order.name).toMatch(/^SO\/\d{4}\/\d{5,}$/);
    const events = await trade.pool.query(`SELECT type FROM outbox WHERE aggregate_id = $1`, [`hp.service.order/${order.id}`]);
    expect(events.rows.map((r) => r.type)).toEqual(['order_created']);
    // No hp.payment: an order created over RPC writes none either, and finance (M13) is still the monolith's.
    expect(await payments()).toBe(paymentsBefore);
    const recorded = await trade.pool.query(`SELECT status, outputs->'reserve_payment' AS reserve FROM saga_instances WHERE key = 'ok-1'`);
    expect(recorded.rows[0]).toEqual({ status: 'completed', reserve: { reservationId: null, note: NO_RESERVATION } });
    expect(await stepLog('ok-1')).toEqual(['verify_user:action:done', 'create_order:action:done', 'reserve_payment:action:done']);
    // The same key again: the saga is found, nothing is made twice.
    expect(await runner.startAndRun(saga(), 'ok-1', input(6))).toBe('completed');
    expect((await trade.pool.query('SELECT count(*)::int AS n FROM service_orders WHERE customer_id = 6')).rows[0].n).toBe(1);
  });

  it('a user held for review between verification and creation: the create refuses, the verification is compensated, no order exists', async () => {
    onBoundary = async ({ step, at }) => {
      if (step === 'verify_user' && at === 'after-record') await trade.pool.query(`INSERT INTO customer_holds (idempotency_key, user_id, reason) VALUES ('elsewhere', 7, 'another order failed')`);
    };
    try {
      expect(await runner.startAndRun(saga(), 'held-between-1', input(7))).toBe('compensated');
    } finally {
      onBoundary = async () => undefined;
    }
    expect(await orderOf('held-between-1')).toBeUndefined();
    expect(await stepLog('held-between-1')).toEqual(['verify_user:action:done', 'create_order:action:rejected', 'verify_user:compensation:done']);
    expect(await holdsOf(7)).toEqual(['elsewhere', 'order_creation:held-between-1:verify_user:compensation']);
    // Held: the next order of that customer is refused at verification, before anything is made.
    expect(await runner.startAndRun(saga(), 'held-1', input(7))).toBe('compensated');
    expect(await orderOf('held-1')).toBeUndefined();
    expect(await stepLog('held-1')).toEqual(['verify_user:action:rejected']);
  });

  it('a create that fails (the service archived after the order was asked for) compensates: no order, the customer held for review', async () => {
    await trade.pool.query('UPDATE health_services SET active = false WHERE id = 9001');
    expect(await runner.startAndRun(saga(), 'archived-1', input(11, 9001))).toBe('compensated');
    expect(await orderOf('archived-1')).toBeUndefined();
    expect(await stepLog('archived-1')).toEqual(['verify_user:action:done', 'create_order:action:rejected', 'verify_user:compensation:done']);
    expect(await holdsOf(11)).toEqual(['order_creation:archived-1:verify_user:compensation']);
  });

  it('a user the monolith does not know, or has archived, is refused before anything is made', async () => {
    expect(await runner.startAndRun(saga(), 'nobody-1', input(999_999))).toBe('compensated');
    expect(await orderOf('nobody-1')).toBeUndefined();
    expect(await holdsOf(999_999)).toEqual([]);
    const { rows: [archived] } = await legacy.pool.query<{ id: number }>('SELECT id FROM res_users WHERE NOT active ORDER BY id LIMIT 1');
    expect(await runner.startAndRun(saga(), 'archived-user-1', input(archived!.id))).toBe('compensated');
    expect(await orderOf('archived-user-1')).toBeUndefined();
    expect(await stepLog('archived-user-1')).toEqual(['verify_user:action:rejected']);
  });
});
