import type { Kysely } from 'kysely';
import type { CloudEvent, EventDataMap, EventType, HandlerContext, SubscriptionDefinition } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { BizDatabase } from '../db/tables.ts';
import { recordFact, type DashboardFact } from './dashboard-facts.ts';
import { periodOf } from './dashboard-period.ts';
import { projectDirtyDashboards } from './dashboard-projection.ts';

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

/** Handling transactions that already asked for a projection after their commit (one per transaction, whatever its number of events). */
const projectionAsked = new WeakSet<object>();

/**
 * One event, handled once (the kit's inbox, in the transaction `db`): its facts kept in svc_biz
 * with the months they change marked dirty, both committing with the inbox record. The months
 * are projected into biz_dashboards once the transaction committed (domain/dashboard-projection.ts,
 * one projection for all the events of the transaction, any marks left by an earlier failure
 * included); a failed projection leaves its marks for the next one. Handlers take no lock, so
 * the bus's concurrent partitions never wait on each other; called directly (no `database`), the
 * handler projects in its own transaction.
 */
export async function handleDashboardEvent(
  event: Pick<CloudEvent, 'type' | 'data' | 'time'>,
  ctx: Pick<HandlerContext<BizDatabase>, 'db' | 'legacyPool' | 'database' | 'afterCommit' | 'log'>,
): Promise<void> {
  const facts = dashboardFactsOf(event);
  if (!facts.length) return;
  const run = onKysely(ctx.db);
  for (const fact of facts) await recordFact(run, fact);
  const { database, legacyPool } = ctx;
  if (!database) {
    await projectDirtyDashboards(ctx.db, legacyPool, ctx.db);
    return;
  }
  if (projectionAsked.has(ctx.db)) return;
  projectionAsked.add(ctx.db);
  ctx.afterCommit(() => projectAfterCommit(database, legacyPool, ctx.log));
}

/** The projection after a handling commit; on failure (the monolith unreachable, say) tried again a little later, the marks waiting meanwhile. */
async function projectAfterCommit(database: Kysely<any>, legacyPool: import('pg').Pool | null, log: { warn(o: object, m: string): void }, attempt = 1): Promise<void> {
  try {
    await projectDirtyDashboards(database, legacyPool);
  } catch (error) {
    log.warn({ err: error, attempt }, 'projecting the workbench dashboards failed; the months stay marked and are projected again');
    if (attempt < 5) setTimeout(() => void projectAfterCommit(database, legacyPool, log, attempt + 1), 500 * attempt).unref();
  }
}

/** The workbench's subscriptions (events.ts lists them in BIZ_SUBSCRIPTIONS), one consumer group: each owner's facts in one place. */
export const DASHBOARD_SUBSCRIPTIONS: SubscriptionDefinition<BizDatabase>[] = DASHBOARD_EVENT_TYPES.map((type) => ({
  type,
  group: 'biz-dashboard',
  handler: (event, ctx) => handleDashboardEvent(event, ctx),
}));
