import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import dynamic from '../../../services/dynamic/index.ts';
import { GroupConsumer } from '../../../services/kit/bus/consumer.ts';
import { deadLetterTable } from '../../../services/kit/bus/dead-letters.ts';
import type { EventHandler } from '../../../services/kit/bus/types.ts';
import { toCloudEvent, type CloudEvent, type EventType, type NewEvent } from '../../../services/kit/index.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { restClient, startDynamicStack, type DynamicStack } from './support/dynamic-stack.ts';

// Users of the legacy database: members 30..33, coach 250, coach 251.
const logger = createLogger({ level: 'silent', format: 'json' });
let stack: DynamicStack;
let handled = 0;

beforeAll(async () => {
  stack = await startDynamicStack(); // no write_owner row: the monolith owns M19
}, 180_000);
afterAll(async () => stack?.stop());

/** Publishes through the stand-in services' outboxes and waits until the feed handled them. */
async function deliver(...events: NewEvent[]): Promise<void> {
  await stack.publish(events);
  handled += events.length;
  await stack.waitHandled(handled);
}

const activitiesOf = async (pool: 'legacy' | 'service', where: string, values: unknown[]) =>
  (await stack.home(pool).query(`SELECT id, actor_id, verb, object_model, object_id, visibility, summary, create_uid FROM activities WHERE ${where} ORDER BY id`, values)).rows;
const feedOf = async (pool: 'legacy' | 'service', activityIds: number[]) =>
  (await stack.home(pool).query('SELECT user_id, activity_id, score, seen FROM user_feeds WHERE activity_id = ANY($1) ORDER BY activity_id, user_id', [activityIds])).rows;

/** A consumer group over the service database with dynamic's own handlers: the kit's inbox path, driven by the test. */
function feedConsumer(group: string): GroupConsumer {
  const handlers = new Map(dynamic.subscriptions.map((s) => [s.type, s.handler as EventHandler<EventType, unknown>]));
  return new GroupConsumer({
    service: 'dynamic', group, db: stack.runtime.database.db as unknown as Kysely<any>, handlers, deadLetters: deadLetterTable, logger,
    metrics: kitMetrics(new Registry()), stopping: new AbortController().signal, legacyPool: stack.copy.legacy.pool, cache: stack.cache,
  });
}

describe('while the monolith owns M19 (phase legacy)', () => {
  it('an order event becomes the customer\'s private activity in the monolith\'s tables, where Odoo sees it at once, and none in svc_dynamic', async () => {
    await deliver({ type: 'order_created', subject: 'hp.service.order/900001', data: { orderId: 900001, name: 'SO/2026/90001', customerId: 30, serviceId: 8, amount: '120.00', currency: 'CNY', state: 'draft', orderedAt: new Date().toISOString() } });
    const legacy = await activitiesOf('legacy', 'object_id = $1', [900001]);
    expect(legacy).toEqual([expect.objectContaining({ actor_id: 30, verb: 'ordered', object_model: 'hp.service.order', visibility: 'private', summary: 'ordered SO/2026/90001', create_uid: 1 })]);
    expect(await feedOf('legacy', [legacy[0].id])).toEqual([{ user_id: 30, activity_id: legacy[0].id, score: 1, seen: false }]);
    expect(await activitiesOf('service', 'object_id = $1', [900001])).toEqual([]);
    // The monolith's engine (Odoo RPC with no upstream) shows it to the customer and to nobody else.
    const asCustomer = await stack.legacyEngine.call({ database: 'hp_legacy', uid: 30, model: 'hp.activity', method: 'search', args: [[['object_id', '=', 900001]]], kwargs: {} });
    const asOther = await stack.legacyEngine.call({ database: 'hp_legacy', uid: 31, model: 'hp.activity', method: 'search', args: [[['object_id', '=', 900001]]], kwargs: {} });
    expect(asCustomer).toEqual([legacy[0].id]);
    expect(asOther).toEqual([]);
    // And REST reads it from there too.
    const page = await restClient(stack.baseUrl)('GET', '/users/30/feed?limit=1', stack.token(30));
    expect(page.body.items[0].activity).toMatchObject({ id: legacy[0].id, verb: 'ordered', visibility: 'private' });
  });

  it('an event whose svc_dynamic transaction died after the monolith committed its activities is recorded once when it comes again', async () => {
    const event = toCloudEvent('trade', { type: 'service_completed', subject: 'hp.service.order/900002', data: { orderId: 900002, customerId: 31, healthWorkerId: 250, amount: '80.00', currency: 'CNY', completedAt: new Date().toISOString() } }, undefined) as CloudEvent;
    const handler = dynamic.subscriptions.find((s) => s.type === 'service_completed')!.handler;
    const crash = new Error('the process died before the inbox row committed');
    await expect(stack.runtime.database.db.transaction().execute(async (trx) => {
      await handler(event as CloudEvent<'service_completed'>, { db: trx, log: logger, legacyPool: stack.copy.legacy.pool, afterCommit: () => undefined, cache: stack.cache });
      throw crash;
    })).rejects.toBe(crash);
    expect(await activitiesOf('legacy', 'object_id = $1', [900002])).toHaveLength(2);
    // Redelivered through the kit's inbox (twice, as a replay after a crash would): no second pair.
    const consumer = feedConsumer('dynamic-redelivery');
    await consumer.deliver([{ raw: event, source: 'trade' }]);
    await consumer.deliver([{ raw: JSON.stringify(event), source: 'trade' }]);
    const rows = await activitiesOf('legacy', 'object_id = $1', [900002]);
    expect(rows.map((r) => [r.actor_id, r.verb, r.visibility])).toEqual([[31, 'completed_order', 'private'], [250, 'delivered_service', 'private']]);
    expect((await feedOf('legacy', rows.map((r) => r.id))).map((f) => [f.user_id, f.activity_id])).toEqual([[31, rows[0].id], [250, rows[1].id]]);
    const inbox = await stack.copy.service.pool.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer_group = 'dynamic-redelivery' AND event_id = $1`, [event.id]);
    expect(inbox.rows[0].n).toBe(1);
  });
});

describe('once dynamic owns M19 (phase service)', () => {
  beforeAll(async () => stack.setOwner('service'));

  it('activities go to svc_dynamic, in the inbox\'s transaction, and nothing new to the monolith', async () => {
    const before = (await stack.copy.legacy.pool.query('SELECT max(id) AS id FROM activities')).rows[0].id;
    await deliver({ type: 'user_registered', subject: 'res.users/33', data: { userId: 33, partnerId: 40, userType: 'member', registeredAt: new Date().toISOString() } });
    const rows = await activitiesOf('service', 'verb = $1 AND actor_id = $2', ['joined', 33]);
    expect(rows).toEqual([expect.objectContaining({ object_model: 'res.users', object_id: 33, visibility: 'public', summary: 'joined the platform' })]);
    expect((await stack.copy.legacy.pool.query('SELECT max(id) AS id FROM activities')).rows[0].id).toBe(before);
  });

  it('the same event delivered twice through the inbox makes one activity', async () => {
    const event = toCloudEvent('auth', { type: 'user_registered', subject: 'res.users/32', data: { userId: 32, partnerId: 39, userType: 'member', registeredAt: new Date().toISOString() } }, undefined);
    const consumer = feedConsumer('dynamic-twice');
    await consumer.deliver([{ raw: event, source: 'auth' }, { raw: event, source: 'auth' }]);
    await consumer.deliver([{ raw: event, source: 'auth' }]);
    expect(await activitiesOf('service', 'verb = $1 AND actor_id = $2', ['joined', 32])).toHaveLength(1);
  });

  it('an assignment makes customer and coach follow each other; the coach\'s public activities then reach the customer, weighted, and their orders never anyone else', async () => {
    await deliver({ type: 'order_assigned', subject: 'hp.service.order/900003', data: { orderId: 900003, customerId: 32, healthWorkerId: 251, assignedVia: 'operator', grabOrderId: null } });
    const follows = await stack.copy.service.pool.query('SELECT follower_id, followee_id, reason FROM feed_follows WHERE 251 IN (follower_id, followee_id) ORDER BY reason');
    expect(follows.rows).toEqual([{ follower_id: 251, followee_id: 32, reason: 'client' }, { follower_id: 32, followee_id: 251, reason: 'coach' }]);
    const order = await activitiesOf('service', 'object_id = $1', [900003]);
    expect((await feedOf('service', order.map((a) => a.id))).map((f) => [f.user_id, f.activity_id])).toEqual([[251, order[0].id], [32, order[1].id]]);

    await deliver({ type: 'live_started', subject: 'hp.live.stream/900077', data: { streamId: 900077, hostId: 251, title: 'Morning stretch', startedAt: new Date().toISOString() } });
    const live = await activitiesOf('service', 'verb = $1 AND object_id = $2', ['went_live', 900077]);
    expect(live).toEqual([expect.objectContaining({ visibility: 'public', summary: 'went live: Morning stretch' })]);
    expect((await feedOf('service', [live[0].id])).map((f) => [f.user_id, f.score])).toEqual([[32, 0.8], [251, 1]]);

    await deliver({ type: 'goal_achieved', subject: 'hp.health.goal/900009', data: { goalId: 900009, userId: 32, goalType: 'steps', targetValue: 10000, currentValue: 10400, achievedAt: new Date().toISOString() } });
    const goal = await activitiesOf('service', 'verb = $1 AND object_id = $2', ['achieved_goal', 900009]);
    expect(goal[0].visibility).toBe('private');
    // The coach follows the member, but a private activity reaches its actor only.
    expect((await feedOf('service', [goal[0].id])).map((f) => f.user_id)).toEqual([32]);
  });

  it('a like reaches the post\'s author and puts both in the community; the community then hears each other\'s public news', async () => {
    await deliver({ type: 'post_liked', subject: 'hp.community.post/900012', data: { postId: 900012, authorId: 30, likerId: 31, groupId: 4, likeCount: 3 } });
    const like = await activitiesOf('service', 'verb = $1 AND object_id = $2 AND actor_id = $3', ['liked', 900012, 31]);
    expect((await feedOf('service', [like[0].id])).map((f) => [f.user_id, f.score])).toEqual([[30, 1], [31, 1]]);
    await deliver({ type: 'content_published', subject: 'hp.knowledge.content/900005', data: { contentId: 900005, authorId: 30, contentType: 'article', title: 'Sleep better', price: '0', currency: 'CNY', publishedAt: new Date().toISOString() } });
    const post = await activitiesOf('service', 'verb = $1 AND object_id = $2', ['posted', 900005]);
    expect((await feedOf('service', [post[0].id])).map((f) => [f.user_id, f.score])).toEqual([[30, 1], [31, 0.4]]);
  });

  it('a new entry shows on the recipient\'s very next read, although their previous page was cached', async () => {
    const call = restClient(stack.baseUrl);
    const token = stack.token(33);
    const first = await call('GET', '/users/33/feed?limit=5', token);
    expect(await call('GET', '/users/33/feed?limit=5', token)).toMatchObject({ body: first.body }); // served from the cache
    await deliver({ type: 'question_answered', subject: 'hp.qa.answer/900700', data: { questionId: 70, answerId: 900700, answererId: 250, askerId: 33, accepted: false } });
    const next = await call('GET', '/users/33/feed?limit=5', token);
    expect(next.body.items[0].activity).toMatchObject({ actorId: 250, verb: 'answered', objectId: 900700, visibility: 'public' });
    expect(next.body.items[0].seen).toBe(false);
  });
});
