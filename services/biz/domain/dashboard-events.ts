import type { CloudEvent, EventDataMap, EventType, HandlerContext, SubscriptionDefinition } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { BizDatabase } from '../db/tables.ts';
import { knownFact, lockOwnerDashboards, orderMonth, recordFact, type DashboardFact, type DashboardKey } from './dashboard-facts.ts';
import { periodOf } from './dashboard-period.ts';
import { projectDashboards } from './dashboard-projection.ts';

/**
 * The workbench's events: what each says about a coach's or merchant's month, as a fact
 * (domain/dashboard-facts.ts). None is read from another service's database: the figures are
 * what the events told. Events that carry nothing a figure needs are not subscribed:
 * order_created and order_assigned (an order counts once completed, and service_completed
 * carries its worker, customer and amount), payment_success (a payment names no coach or
 * merchant; what it pays for reaches the workbench as service_completed or biz_activity),
 * community_created (community_member_changed carries the group's owner).
 */
const FACTS_OF = {
  service_completed: (d: EventDataMap['service_completed']): DashboardFact[] => [{
    fact: 'order', refModel: 'hp.service.order', refId: d.orderId, ownerId: d.healthWorkerId, period: periodOf(d.completedAt),
    occurredAt: d.completedAt, amount: d.amount, partyId: d.customerId,
  }],
  service_rated: (d: EventDataMap['service_rated']): DashboardFact[] => d.orderId === null ? [] : [{
    fact: 'rating', refModel: 'hp.rating', refId: d.ratingId, ownerId: d.coachId, period: null, occurredAt: d.ratedAt, score: d.score, orderId: d.orderId,
  }],
  live_started: (d: EventDataMap['live_started']): DashboardFact[] => [{
    fact: 'live', refModel: 'hp.live.stream', refId: d.streamId, ownerId: d.hostId, period: periodOf(d.startedAt), occurredAt: d.startedAt, counted: false, onlyIfNew: true,
  }],
  live_ended: (d: EventDataMap['live_ended']): DashboardFact[] => [{
    fact: 'live', refModel: 'hp.live.stream', refId: d.streamId, ownerId: d.hostId, period: periodOf(d.startedAt), occurredAt: d.startedAt, amount: d.revenue, counted: true,
  }],
  community_member_changed: (d: EventDataMap['community_member_changed']): DashboardFact[] => d.groupOwnerId === null ? [] : [{
    fact: 'member', refModel: 'hp.community.member', refId: d.memberId, ownerId: d.groupOwnerId, period: periodOf(d.joinedAt), occurredAt: d.joinedAt,
    partyId: d.userId, counted: d.state === 'active' && d.userId !== d.groupOwnerId,
  }],
  gift_sent: (d: EventDataMap['gift_sent'], time: string): DashboardFact[] => d.streamId == null ? [] : [{
    fact: 'gift', refModel: 'hp.gift.order', refId: d.giftOrderId, ownerId: d.receiverId, period: periodOf(time), occurredAt: time, amount: String(d.pointsSpent), partyId: d.senderId,
  }],
  biz_activity: (d: EventDataMap['biz_activity']): DashboardFact[] => [{
    fact: `reported:${d.kind}`, refModel: d.refModel, refId: d.refId, ownerId: d.ownerId, period: periodOf(d.occurredAt), occurredAt: d.occurredAt, amount: d.amount ?? null,
  }],
} satisfies { [T in EventType]?: (data: EventDataMap[T], time: string) => DashboardFact[] };

export type DashboardEventType = keyof typeof FACTS_OF;
export const DASHBOARD_EVENT_TYPES = Object.keys(FACTS_OF) as DashboardEventType[];

/** The facts an event tells (none when it concerns no dashboard: a gift outside a stream, a rating of no order, a group without owner). */
export function dashboardFactsOf(event: Pick<CloudEvent, 'type' | 'data' | 'time'>): DashboardFact[] {
  const of = (FACTS_OF as Record<string, ((data: unknown, time: string) => DashboardFact[]) | undefined>)[event.type];
  if (!of) throw new Error(`the workbench does not consume ${event.type}`);
  return of(event.data, event.time ?? new Date().toISOString());
}

/**
 * One event, handled once (the kit's inbox, in the transaction `db`): its facts kept in svc_biz,
 * then the dashboards they change projected where M03's rows live, under the owners' lock. The
 * owners the event names are locked first (in id order); what the facts held before is read
 * under that lock, and an owner only that tells (a fact moving to another owner, a rating whose
 * order counts for someone else) is locked after (a rare deadlock with such a move is retried
 * by the consumer).
 */
export async function handleDashboardEvent(event: Pick<CloudEvent, 'type' | 'data' | 'time'>, { db, legacyPool }: Pick<HandlerContext<BizDatabase>, 'db' | 'legacyPool'>): Promise<void> {
  const facts = dashboardFactsOf(event);
  if (!facts.length) return;
  const run = onKysely(db);
  const locked = new Set(facts.map((f) => f.ownerId));
  await lockOwnerDashboards(run, [...locked]);
  const plans = [];
  for (const fact of facts) {
    const before = await knownFact(run, fact);
    const ratedOrders = fact.fact === 'rating' ? [await orderMonth(run, fact.orderId), before?.orderId !== fact.orderId ? await orderMonth(run, before?.orderId) : null] : [];
    plans.push({ fact, before, ratedOrders });
  }
  const more = plans.flatMap((p) => [p.before?.ownerId, ...p.ratedOrders.map((k) => k?.ownerId)]).filter((id): id is number => id !== undefined && !locked.has(id));
  await lockOwnerDashboards(run, more);
  const keys: DashboardKey[] = [];
  for (const { fact, before, ratedOrders } of plans) {
    for (const key of await recordFact(run, fact, before, ratedOrders)) if (!keys.some((k) => k.ownerId === key.ownerId && k.period === key.period)) keys.push(key);
  }
  await projectDashboards(run, db, legacyPool, keys);
}

/** The workbench's subscriptions (events.ts lists them in BIZ_SUBSCRIPTIONS), one consumer group: each owner's facts in one place. */
export const DASHBOARD_SUBSCRIPTIONS: SubscriptionDefinition<BizDatabase>[] = DASHBOARD_EVENT_TYPES.map((type) => ({
  type,
  group: 'biz-dashboard',
  handler: (event, ctx) => handleDashboardEvent(event, ctx),
}));
