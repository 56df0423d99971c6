import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ops from '../../../services/ops/index.ts';
import type { OpsDatabase } from '../../../services/ops/db/tables.ts';
import { onKysely } from '../../../services/ops/db/sql-runner.ts';
import { ChannelFailure, type ChannelMessage, type ChannelSender, type ChannelSenders, type DeliveryChannel } from '../../../services/ops/domain/channel.ts';
import { DeliveryDispatcher, dispatchDueDeliveries, type DispatchPolicy } from '../../../services/ops/domain/channel-dispatcher.ts';
import { LOCAL_CHANNELS } from '../../../services/ops/domain/channel-local.ts';
import { recordSend } from '../../../services/ops/domain/notification-sends.ts';
import { Registry } from 'prom-client';
import { createLogger } from '../../../platform/logger.ts';
import { localKeyLookup } from '../../../services/kit/auth/key-sources.ts';
import { newSigningKeySet } from '../../../services/kit/auth/keys.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { MemoryCache } from '../../../services/kit/cache/memory-cache.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { startServiceRuntime } from '../../../services/kit/runner/service-runtime.ts';
import { startServiceRestStack, type ServiceRestStack } from '../../support/service-rest-stack.ts';
import { OPS_TABLES } from './risk-sides.ts';

const ADMIN = 2; // an e-mail, no phone
const MEMBER = 6; // member001@hp.example, +86 152 1679 8935
const OTHER = 7;
const SECRET_BODY = 'Your lab result: HbA1c 9.1%';
const SECRET_TITLE = 'Private result for member001';

/** A logger that keeps every line it is given. */
function recordingLog() {
  const lines: unknown[] = [];
  return { lines, warn: (...args: unknown[]) => void lines.push(args), error: (...args: unknown[]) => void lines.push(args) };
}

/** Senders whose every channel runs `send`, counting calls per delivery. */
function senders(send: (message: ChannelMessage, attempt: number) => Promise<{ providerMessageId: string }>): { senders: ChannelSenders; calls: Map<number, number>; messages: ChannelMessage[] } {
  const calls = new Map<number, number>();
  const messages: ChannelMessage[] = [];
  const sender = (channel: DeliveryChannel): ChannelSender => ({
    channel,
    send: async (message) => {
      const attempt = (calls.get(message.deliveryId) ?? 0) + 1;
      calls.set(message.deliveryId, attempt);
      messages.push(message);
      return send(message, attempt);
    },
  });
  return { senders: { email: sender('email'), sms: sender('sms'), push: sender('push') }, calls, messages };
}

const policy = (overrides: Partial<DispatchPolicy> = {}): DispatchPolicy => ({ maxAttempts: 3, backoffMs: () => 0, leaseMs: 60_000, batch: 100, ...overrides });

/**
 * The channel outbox and its dispatcher on a real svc_ops (addresses from its copy of the users
 * and partners): what a sender gets, retries with backoff until delivered or dead, permanent
 * failures dead at once, a crashed attempt's lease, concurrent rounds sending each delivery
 * once, and logs that never carry an address, a title or a body.
 */
describe('notification deliveries: channels, retries, dead state', () => {
  let stack: ServiceRestStack<OpsDatabase>;
  let db: Kysely<any>;
  const deliveries = async (sendId: number) =>
    (await stack.service.pool.query('SELECT id::int AS id, user_id, channel, state, attempts, last_error, provider_message_id, next_attempt_at FROM notification_deliveries WHERE send_id = $1 ORDER BY id', [sendId])).rows;
  const queue = async (userIds: number[], channels: ('email' | 'sms' | 'push')[]) =>
    (await recordSend(onKysely(db), { userIds, channels, title: SECRET_TITLE, body: SECRET_BODY }, [], ADMIN)).sendId;
  /** Only this test's deliveries are due: earlier tests' leftovers are parked. */
  const parkOthers = (sendId: number) => stack.service.pool.query(`UPDATE notification_deliveries SET next_attempt_at = now() + interval '1 day' WHERE send_id <> $1 AND state = 'pending'`, [sendId]);

  beforeAll(async () => {
    stack = await startServiceRestStack<OpsDatabase>({ definition: ops, tables: OPS_TABLES, owner: 'service' });
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool: stack.service.pool }) });
  }, 300_000);
  afterAll(async () => stack?.stop());

  it('a sender gets each message with the recipient\'s address on its channel; the local channels mark them delivered', async () => {
    const sendId = await queue([MEMBER, ADMIN], ['email', 'sms', 'push']);
    await parkOthers(sendId);
    const seen = senders(async (m) => LOCAL_CHANNELS[m.channel].send(m));
    const log = recordingLog();
    expect(await dispatchDueDeliveries(db, seen.senders, policy(), log)).toEqual({ delivered: 5, retried: 0, dead: 1 });
    expect(seen.messages.map((m) => [m.userId, m.channel, m.address]).sort()).toEqual([
      [ADMIN, 'email', 'admin@example.com'], [ADMIN, 'push', `user:${ADMIN}`],
      [MEMBER, 'email', 'member001@hp.example'], [MEMBER, 'push', `user:${MEMBER}`], [MEMBER, 'sms', '+86 152 1679 8935'],
    ].sort());
    expect(seen.messages.every((m) => m.title === SECRET_TITLE && m.body === SECRET_BODY)).toBe(true);
    const rows = await deliveries(sendId);
    expect(rows.map((r) => [r.user_id, r.channel, r.state, r.last_error])).toEqual([
      [MEMBER, 'email', 'delivered', null], [MEMBER, 'sms', 'delivered', null], [MEMBER, 'push', 'delivered', null],
      [ADMIN, 'email', 'delivered', null], [ADMIN, 'sms', 'dead', 'no_address'], [ADMIN, 'push', 'delivered', null],
    ]);
    expect(rows.filter((r) => r.state === 'delivered').every((r) => r.provider_message_id === `local:${r.channel}:${r.id}`)).toBe(true);
  });

  it('transient failures are retried after the backoff until delivered; after the last attempt the delivery is dead; a permanent failure is dead at once', async () => {
    const sendId = await queue([MEMBER, OTHER], ['email', 'push']);
    await parkOthers(sendId);
    const [memberEmail, memberPush, otherEmail, otherPush] = (await deliveries(sendId)).map((r) => r.id as number) as [number, number, number, number];
    const flaky = senders(async (m, attempt) => {
      if (m.deliveryId === memberEmail && attempt < 3) throw new Error(`SMTP 451 for ${m.address}: ${m.body}`);
      if (m.deliveryId === memberPush) throw new ChannelFailure('rate_limited', false);
      if (m.deliveryId === otherEmail) throw new ChannelFailure('invalid_address', true);
      return { providerMessageId: `p-${m.deliveryId}` };
    });
    const log = recordingLog();
    const rounds = [];
    for (let i = 0; i < 4; i++) rounds.push(await dispatchDueDeliveries(db, flaky.senders, policy(), log));
    expect(rounds).toEqual([
      { delivered: 1, retried: 2, dead: 1 }, // otherPush delivered; memberEmail, memberPush retried; otherEmail dead
      { delivered: 0, retried: 2, dead: 0 },
      { delivered: 1, retried: 0, dead: 1 }, // memberEmail's third attempt succeeds; memberPush's third is its last
      { delivered: 0, retried: 0, dead: 0 },
    ]);
    const rows = new Map((await deliveries(sendId)).map((r) => [r.id, r]));
    expect(rows.get(memberEmail)).toMatchObject({ state: 'delivered', attempts: 3, last_error: null, provider_message_id: `p-${memberEmail}` });
    expect(rows.get(memberPush)).toMatchObject({ state: 'dead', attempts: 3, last_error: 'rate_limited' });
    expect(rows.get(otherEmail)).toMatchObject({ state: 'dead', attempts: 1, last_error: 'invalid_address' });
    expect(rows.get(otherPush)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(flaky.calls.get(otherEmail)).toBe(1);
    // The log names deliveries and error codes; never an address, a title or a body (not even the provider's own error text).
    expect(log.lines).toHaveLength(2 + 2 + 1 + 1);
    const logged = JSON.stringify(log.lines);
    for (const secret of [SECRET_BODY, SECRET_TITLE, 'member001@hp.example', '+86', 'SMTP 451']) expect(logged).not.toContain(secret);
    expect(logged).toContain('rate_limited');
  });

  it('the backoff: a failed delivery is not due before its wait ends, and the waits grow', async () => {
    const sendId = await queue([MEMBER], ['push']);
    await parkOthers(sendId);
    const failing = senders(async () => {
      throw new ChannelFailure('unavailable', false);
    });
    const waits = policy({ maxAttempts: 5, backoffMs: (attempt) => 60_000 * attempt });
    const started = Date.now();
    expect(await dispatchDueDeliveries(db, failing.senders, waits, recordingLog())).toEqual({ delivered: 0, retried: 1, dead: 0 });
    const [after] = await deliveries(sendId);
    expect(after.next_attempt_at.getTime() - started).toBeGreaterThanOrEqual(59_000);
    expect(await dispatchDueDeliveries(db, failing.senders, waits, recordingLog())).toEqual({ delivered: 0, retried: 0, dead: 0 });
    await stack.service.pool.query('UPDATE notification_deliveries SET next_attempt_at = now() WHERE send_id = $1', [sendId]);
    const second = Date.now();
    await dispatchDueDeliveries(db, failing.senders, waits, recordingLog());
    const [later] = await deliveries(sendId);
    expect(later).toMatchObject({ attempts: 2, state: 'pending' });
    expect(later.next_attempt_at.getTime() - second).toBeGreaterThanOrEqual(119_000);
  });

  it('a claim outlives a crashed sender only until its lease ends; concurrent rounds send every delivery once', async () => {
    const crashed = await queue([MEMBER], ['push']);
    await parkOthers(crashed);
    // A round that claims and then dies before recording the outcome.
    const hanging = senders(() => new Promise(() => undefined));
    void dispatchDueDeliveries(db, hanging.senders, policy({ leaseMs: 300 }), recordingLog());
    await new Promise((r) => setTimeout(r, 100));
    const local = senders(async (m) => ({ providerMessageId: `p-${m.deliveryId}` }));
    expect(await dispatchDueDeliveries(db, local.senders, policy(), recordingLog())).toEqual({ delivered: 0, retried: 0, dead: 0 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await dispatchDueDeliveries(db, local.senders, policy(), recordingLog())).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect((await deliveries(crashed))[0]).toMatchObject({ state: 'delivered', attempts: 2 });

    const many = await queue([MEMBER, OTHER, ADMIN, 8, 9, 10, 11, 12, 13, 14], ['email', 'push']);
    await parkOthers(many);
    const counted = senders(async (m) => {
      await new Promise((r) => setTimeout(r, 5));
      return { providerMessageId: `p-${m.deliveryId}` };
    });
    const small = policy({ batch: 3 });
    await Promise.all(Array.from({ length: 4 }, async () => {
      while ((await dispatchDueDeliveries(db, counted.senders, small, recordingLog())).delivered > 0);
    }));
    const rows = await deliveries(many);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.state === 'delivered' && r.attempts === 1)).toBe(true);
    expect([...counted.calls.values()].every((n) => n === 1)).toBe(true);
    expect(counted.calls.size).toBe(20);
  });

  it('a start of the ops service delivers what an earlier process left pending (its background work), and its stop waits for the round', async () => {
    const sendId = await queue([MEMBER, OTHER, ADMIN], ['email', 'push']);
    await parkOthers(sendId);
    const logger = createLogger({ level: 'silent', format: 'json' });
    const transport = new EmbeddedTransport(logger, kitMetrics(new Registry()));
    const keys = newSigningKeySet();
    const runtime = await startServiceRuntime(ops, {
      databaseUrl: stack.service.url, transport, cache: new MemoryCache('ficus:ops-restart:'), keys: localKeyLookup(() => keys), logger, metrics: new Registry(), legacyPool: stack.legacy.pool,
    });
    try {
      for (let i = 0; i < 100 && (await deliveries(sendId)).some((r) => r.state === 'pending'); i++) await new Promise((r) => setTimeout(r, 50));
      expect((await deliveries(sendId)).map((r) => [r.channel, r.state, r.attempts])).toEqual([MEMBER, OTHER, ADMIN].flatMap(() => [['email', 'delivered', 1], ['push', 'delivered', 1]]));
    } finally {
      await runtime.stop();
      await transport.close();
    }
  });

  it('the dispatcher: a kick delivers what is due, and its timer comes back for a retry when the backoff ends', async () => {
    const sendId = await queue([MEMBER, OTHER], ['push']);
    await parkOthers(sendId);
    const [first] = (await deliveries(sendId)).map((r) => r.id as number);
    const once = senders(async (m, attempt) => {
      if (m.deliveryId === first && attempt === 1) throw new ChannelFailure('unavailable', false);
      return { providerMessageId: `p-${m.deliveryId}` };
    });
    const dispatcher = new DeliveryDispatcher(db, recordingLog(), once.senders, policy({ backoffMs: () => 300 }));
    try {
      dispatcher.kick();
      dispatcher.kick(); // while a round runs: one more round after it, not a second concurrent one
      await dispatcher.idle();
      expect((await deliveries(sendId)).map((r) => r.state)).toEqual(['pending', 'delivered']);
      for (let i = 0; i < 50 && (await deliveries(sendId))[0].state === 'pending'; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await deliveries(sendId)).map((r) => [r.state, r.attempts])).toEqual([['delivered', 2], ['delivered', 1]]);
    } finally {
      dispatcher.stop();
    }
  });
});
