import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature, webhookSignature, webhookSignatureHeader } from '../../../services/finance/domain/webhook-signature.ts';
import { embeddedEndpoints } from '../../../migration/control/endpoints.ts';
import { startMigrationRuntime, type MigrationRuntime } from '../../../migration/control/migration-runtime.ts';
import { createLogger } from '../../../platform/logger.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import type { OdooCalls } from '../../../services/kit/index.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { startFinanceRestStack, type FinanceRestStack } from './finance-rest-stack.ts';

const SECRET = 'whsec_test_4f9d2c1b8a7e6d5c';
const PREVIOUS = 'whsec_previous_0a1b2c3d4e5f';
const MEMBER = 6;

describe('the webhook signature (HMAC-SHA256 over "<t>.<body>")', () => {
  const body = Buffer.from('{"id":"evt_1","type":"payment.succeeded"}');
  const now = 1_790_000_000_000;
  const t = now / 1000;
  it('accepts the provider\'s header, one of several v1s, and the previous secret', () => {
    expect(verifyWebhookSignature(webhookSignatureHeader(SECRET, t, body), body, [SECRET], now)).toEqual({ ok: true, signedAt: new Date(now) });
    expect(verifyWebhookSignature(`t=${t},v1=${'0'.repeat(64)},v1=${webhookSignature(SECRET, t, body)}`, body, [SECRET], now).ok).toBe(true);
    expect(verifyWebhookSignature(webhookSignatureHeader(PREVIOUS, t, body), body, [SECRET, PREVIOUS], now).ok).toBe(true);
    expect(verifyWebhookSignature(`${webhookSignatureHeader(SECRET, t, body)},v2=whatever`, body, [SECRET], now).ok).toBe(true);
  });
  it('refuses a changed body, timestamp or secret, an old or future timestamp, and malformed headers', () => {
    const header = webhookSignatureHeader(SECRET, t, body);
    expect(verifyWebhookSignature(header, Buffer.from(`${body} `), [SECRET], now)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(header.replace(`t=${t}`, `t=${t + 1}`), body, [SECRET], now)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(header, body, [PREVIOUS], now)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(header, body, [SECRET], now + 300_000).ok).toBe(true);
    expect(verifyWebhookSignature(header, body, [SECRET], now + 301_000)).toMatchObject({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature(header, body, [SECRET], now - 301_000)).toMatchObject({ ok: false, reason: 'stale' });
    for (const bad of [undefined, '', 'v1=abc', `t=${t}`, `t=x,v1=${'a'.repeat(64)}`, `t=${t},v1=short`, `t=${t},t=${t},v1=${'a'.repeat(64)}`, 'garbage']) {
      expect(verifyWebhookSignature(bad, body, [SECRET], now)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });
});

let stack: FinanceRestStack;
const svc = () => stack.service.pool;
let seq = 0;

beforeAll(async () => {
  process.env.FICUS_PAYMENT_WEBHOOK_SECRET = SECRET;
  process.env.FICUS_PAYMENT_WEBHOOK_SECRET_PREVIOUS = PREVIOUS;
  stack = await startFinanceRestStack({ owner: 'service' });
}, 180_000);
afterAll(async () => {
  delete process.env.FICUS_PAYMENT_WEBHOOK_SECRET;
  delete process.env.FICUS_PAYMENT_WEBHOOK_SECRET_PREVIOUS;
  await stack?.stop();
});

/** Delivers an event as the provider does: the JSON's bytes, signed with a timestamp (now unless given). */
async function deliver(event: unknown, options: { secret?: string; at?: number; header?: string | null; text?: string } = {}) {
  const text = options.text ?? JSON.stringify(event);
  const at = options.at ?? Math.floor(Date.now() / 1000);
  const header = options.header === undefined ? webhookSignatureHeader(options.secret ?? SECRET, at, text) : options.header;
  const response = await fetch(`${stack.baseUrl}/payments/webhook`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'payment-signature': header }) }, body: text,
  });
  const raw = await response.text();
  expect(raw).not.toContain(SECRET);
  return { status: response.status, headers: response.headers, body: raw ? JSON.parse(raw) : undefined };
}

async function pendingPayment(sourceModel = 'hp.service.order', sourceId = 3) {
  const created = await stack.call('POST', '/payments', stack.token(MEMBER), { sourceModel, sourceId, amount: '88.00' }, { 'idempotency-key': `webhook-${Date.now()}-${seq++}` });
  expect(created.status).toBe(201);
  return created.body as { id: number; reference: string };
}

const paymentRow = async (id: number) => (await svc().query('SELECT state, write_uid, provider_txn_id, paid_at IS NOT NULL AS paid FROM payments WHERE id = $1', [id])).rows[0];
const successEvents = async (id: number) => (await svc().query(`SELECT payload FROM outbox WHERE type = 'payment_success' AND payload->>'subject' = $1`, [`hp.payment/${id}`])).rows.map((r) => r.payload);
const eventId = () => `evt_${Date.now()}_${seq++}`;

describe('POST /payments/webhook', () => {
  it('payment.succeeded runs action_succeed once: the payment succeeds as OdooBot, payment_success names its source; a redelivery, re-signed later, answers the same and does nothing', async () => {
    const payment = await pendingPayment();
    const event = { id: eventId(), type: 'payment.succeeded', data: { reference: payment.reference, providerTxnId: 'TXN42' } };
    const first = await deliver(event);
    expect(first).toMatchObject({ status: 200, body: { eventId: event.id, type: 'payment.succeeded', paymentId: payment.id, outcome: 'succeeded', duplicate: false } });
    expect(await paymentRow(payment.id)).toEqual({ state: 'succeeded', write_uid: 1, provider_txn_id: 'TXN42', paid: true });
    const published = await successEvents(payment.id);
    expect(published).toHaveLength(1);
    expect(published[0].data).toMatchObject({ paymentId: payment.id, reference: payment.reference, payerId: MEMBER, amount: '88', sourceModel: 'hp.service.order', sourceId: 3 });

    const again = await deliver(event, { at: Math.floor(Date.now() / 1000) + 2 });
    expect(again).toMatchObject({ status: 200, body: { paymentId: payment.id, outcome: 'succeeded', duplicate: true } });
    expect(await successEvents(payment.id)).toHaveLength(1);

    // Another event id saying the same thing changes nothing either.
    const other = await deliver({ ...event, id: eventId() });
    expect(other.body).toMatchObject({ outcome: 'already-succeeded', duplicate: false });
    expect(await successEvents(payment.id)).toHaveLength(1);
    expect(await paymentRow(payment.id)).toMatchObject({ state: 'succeeded', provider_txn_id: 'TXN42' });
  });

  it('payment.failed fails a pending payment; contradicting the payment\'s state is 409 with the addon\'s text and is not recorded', async () => {
    const payment = await pendingPayment('hp.mall.order', 12);
    const failed = await deliver({ id: eventId(), type: 'payment.failed', data: { reference: payment.reference } });
    expect(failed.body).toMatchObject({ outcome: 'failed', paymentId: payment.id });
    expect((await paymentRow(payment.id)).state).toBe('failed');
    const late = { id: eventId(), type: 'payment.succeeded', data: { reference: payment.reference } };
    const contradicting = await deliver(late);
    expect(contradicting).toMatchObject({ status: 409, body: { detail: `Payment ${payment.reference} is failed, not pending.` } });
    expect((await svc().query('SELECT 1 FROM payment_webhook_events WHERE event_id = $1', [late.id])).rowCount).toBe(0);
    expect((await deliver(late)).status).toBe(409);
    const succeeded = await pendingPayment();
    await deliver({ id: eventId(), type: 'payment.succeeded', data: { reference: succeeded.reference } });
    expect((await deliver({ id: eventId(), type: 'payment.failed', data: { reference: succeeded.reference } })).body.detail).toBe('Only pending payments can fail.');
  });

  it('refuses unsigned, wrongly signed, tampered and stale deliveries before touching anything (400 / 401)', async () => {
    const payment = await pendingPayment();
    const event = { id: eventId(), type: 'payment.succeeded', data: { reference: payment.reference } };
    const now = Math.floor(Date.now() / 1000);
    const cases: [Parameters<typeof deliver>[1], number, RegExp][] = [
      [{ header: null }, 400, /header is missing/],
      [{ header: 'sha256=abc' }, 400, /needs t= and at least one v1=/],
      [{ header: 't=1,v1=a=b' }, 400, /not t=<unix seconds>,v1=<hex>/],
      [{ secret: 'not-the-secret' }, 401, /does not match/],
      [{ header: webhookSignatureHeader(SECRET, now, JSON.stringify(event)), text: JSON.stringify({ ...event, type: 'payment.failed' }) }, 401, /does not match/],
      // Well past the 300 s window either way: the test's second and the server's may differ by one.
      [{ at: now - 330 }, 401, /at most 300 s/],
      [{ at: now + 330 }, 401, /ahead of this server's clock/],
    ];
    for (const [options, status, detail] of cases) {
      const refused = await deliver(event, options);
      expect(refused.status, JSON.stringify(options)).toBe(status);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body.detail).toMatch(detail);
      if (status === 401) expect(refused.headers.get('www-authenticate')).toBe('Payment-Signature realm="payments"');
    }
    expect((await paymentRow(payment.id)).state).toBe('pending');
    expect((await svc().query('SELECT 1 FROM payment_webhook_events WHERE event_id = $1', [event.id])).rowCount).toBe(0);
    // The previous secret still signs while it is being rolled.
    expect((await deliver(event, { secret: PREVIOUS })).body.outcome).toBe('succeeded');
  });

  it('acknowledges event types it does not act on, refuses an unknown reference without recording it, 400 for a body that is not an event', async () => {
    const ignored = await deliver({ id: eventId(), type: 'payout.created', data: {} });
    expect(ignored).toMatchObject({ status: 200, body: { outcome: 'ignored', paymentId: null } });
    const unknown = { id: eventId(), type: 'payment.succeeded', data: { reference: 'PAY-NOBODY' } };
    expect(await deliver(unknown)).toMatchObject({ status: 422, body: { detail: 'no payment has the reference PAY-NOBODY' } });
    expect((await svc().query('SELECT 1 FROM payment_webhook_events WHERE event_id = $1', [unknown.id])).rowCount).toBe(0);
    expect((await deliver({ id: eventId(), type: 'payment.succeeded' })).status).toBe(422);
    expect((await deliver({ type: 'payment.succeeded' })).status).toBe(400);
    expect((await deliver(null, { text: 'not json' })).status).toBe(400);
  });

  it('concurrent deliveries of one event act once', async () => {
    const payment = await pendingPayment();
    const event = { id: eventId(), type: 'payment.succeeded', data: { reference: payment.reference } };
    const answers = await Promise.all(Array.from({ length: 6 }, () => deliver(event)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
    expect(answers.every((a) => a.body.outcome === 'succeeded')).toBe(true);
    expect(await successEvents(payment.id)).toHaveLength(1);
  });

  it('without a configured secret the webhook is 503, never open', async () => {
    const payment = await pendingPayment();
    delete process.env.FICUS_PAYMENT_WEBHOOK_SECRET;
    delete process.env.FICUS_PAYMENT_WEBHOOK_SECRET_PREVIOUS;
    try {
      const refused = await deliver({ id: eventId(), type: 'payment.succeeded', data: { reference: payment.reference } }, { header: null });
      expect(refused.status).toBe(503);
      expect((await paymentRow(payment.id)).state).toBe('pending');
    } finally {
      process.env.FICUS_PAYMENT_WEBHOOK_SECRET = SECRET;
      process.env.FICUS_PAYMENT_WEBHOOK_SECRET_PREVIOUS = PREVIOUS;
    }
  });

  it('before cutover the payment is the monolith\'s: it succeeds there, the event id is still acted on once', async () => {
    await stack.setOwner('legacy');
    try {
      const created = await stack.call('POST', '/payments', stack.token(MEMBER), { sourceModel: 'hp.service.order', sourceId: 4, amount: '10' }, { 'idempotency-key': `legacy-webhook-${Date.now()}` });
      const event = { id: eventId(), type: 'payment.succeeded', data: { reference: created.body.reference } };
      expect((await deliver(event)).body).toMatchObject({ outcome: 'succeeded', duplicate: false });
      expect((await stack.legacy.pool.query('SELECT state, write_uid FROM payments WHERE id = $1', [created.body.id])).rows[0]).toEqual({ state: 'succeeded', write_uid: 1 });
      expect((await deliver(event)).body).toMatchObject({ outcome: 'succeeded', duplicate: true });
    } finally {
      await stack.setOwner('service');
    }
  });
});

/**
 * Where the gateway runs beside the service (`ficus start`), the webhook tells the paid document
 * as hp.payment.action_succeed over RPC does: through the gateway's phase-aware dispatch
 * (PlatformPorts.odoo), here the migration runtime with every module in phase legacy.
 */
describe('POST /payments/webhook with the gateway beside it', () => {
  let paying: FinanceRestStack;
  let control: TestDatabase;
  let runtime: MigrationRuntime;
  let dispatch: OdooCalls | undefined;

  beforeAll(async () => {
    process.env.FICUS_PAYMENT_WEBHOOK_SECRET = SECRET;
    paying = await startFinanceRestStack({ owner: 'legacy', odoo: (call) => dispatch!(call) });
    control = await emptyDatabase('control');
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
    const endpoints = embeddedEndpoints({ controlUrl: control.url, legacyUrl: paying.legacy.url, serviceUrls: {} });
    runtime = await startMigrationRuntime({ endpoints, odooDatabaseName: 'hp_legacy', legacyPool: paying.legacy.pool, logger, metrics: createMetricsRegistry(), runSync: false });
    const served = { name: 'hp_legacy', pool: paying.legacy.pool };
    dispatch = (call) => runtime.handlerFor(served)({ database: 'hp_legacy', kwargs: {}, ...call });
  }, 180_000);
  afterAll(async () => {
    await runtime?.stop();
    await paying?.stop();
    await control?.drop();
  });

  it('a succeeded payment of a service order awaiting payment marks the order paid, as action_succeed does', async () => {
    const order = (await dispatch!({ uid: MEMBER, model: 'hp.service.order', method: 'create', args: [{ service_id: 1, customer_id: MEMBER }] })) as number;
    await dispatch!({ uid: MEMBER, model: 'hp.service.order', method: 'action_submit', args: [[order]] });
    const created = await paying.call('POST', '/payments', paying.token(MEMBER), { sourceModel: 'hp.service.order', sourceId: order, amount: '10' }, { 'idempotency-key': `paid-by-webhook-${order}` });
    expect(created.status).toBe(201);
    const event = { id: `evt_pays_${order}`, type: 'payment.succeeded', data: { reference: created.body.reference } };
    const text = JSON.stringify(event);
    const response = await fetch(`${paying.baseUrl}/payments/webhook`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'payment-signature': webhookSignatureHeader(SECRET, Math.floor(Date.now() / 1000), text) }, body: text,
    });
    expect(response.status).toBe(200);
    const state = async (table: string, id: number) => (await paying.legacy.pool.query(`SELECT state FROM ${table} WHERE id = $1`, [id])).rows[0]?.state;
    expect([await state('payments', created.body.id), await state('service_orders', order)]).toEqual(['succeeded', 'paid']);
  });
});
