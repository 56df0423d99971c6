import type { CloudEvent, EventDataMap, EventType, HandlerContext, SubscriptionDefinition } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { BizDatabase } from '../db/tables.ts';
import { lockOwnerDashboards, previousOwnerOf, recordFact, type DashboardFact, type DashboardKey } from './dashboard-facts.ts';
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
 * then the dashboards they change projected where M03's rows live, under the owners' lock.
 */
export async function handleDashboardEvent(event: Pick<CloudEvent, 'type' | 'data' | 'time'>, { db, legacyPool }: Pick<HandlerContext<BizDatabase>, 'db' | 'legacyPool'>): Promise<void> {
  const facts = dashboardFactsOf(event);
  if (!facts.length) return;
  const run = onKysely(db);
  const owners = facts.map((f) => f.ownerId);
  for (const fact of facts) {
    const before = await previousOwnerOf(run, fact);
    if (before !== null) owners.push(before);
  }
  // A rating counts in its order's month, whose owner is the order's worker: lock that one too.
  for (const fact of facts) {
    if (fact.fact !== 'rating' || !fact.orderId) continue;
    const [order] = await run.raw<{ owner_id: number }>(`SELECT owner_id FROM dashboard_facts WHERE fact = 'order' AND ref_model = 'hp.service.order' AND ref_id = $1`, [fact.orderId]);
    if (order) owners.push(order.owner_id);
  }
  await lockOwnerDashboards(run, owners);
  const keys: DashboardKey[] = [];
  for (const fact of facts) {
    for (const key of await recordFact(run, fact)) if (!keys.some((k) => k.ownerId === key.ownerId && k.period === key.period)) keys.push(key);
  }
  await projectDashboards(run, db, legacyPool, keys);
}

/** The workbench's subscriptions (events.ts lists them in BIZ_SUBSCRIPTIONS), one consumer group: each owner's facts in one place. */
export const DASHBOARD_SUBSCRIPTIONS: SubscriptionDefinition<BizDatabase>[] = DASHBOARD_EVENT_TYPES.map((type) => ({
  type,
  group: 'biz-dashboard',
  handler: (event, ctx) => handleDashboardEvent(event, ctx),
}));
