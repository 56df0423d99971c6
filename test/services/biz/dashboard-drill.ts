import fc from 'fast-check';
import type pg from 'pg';
import { toCloudEvent, type CloudEvent, type NewEvent } from '../../../services/kit/index.ts';

/**
 * A drill-like sequence for the workbench: what coaches, members and hosts do in a month (orders
 * completed, ratings, streams started and ended, members joining and leaving groups, gifts in
 * streams), each applied to the monolith's tables as the owning module writes them, and the
 * event its publisher announces, as that publisher builds it (trade, ops, biz, finance).
 */
export type DrillStep =
  | { t: 'complete'; coach: number; customer: number; amount: string; day: number; month: 0 | 1 }
  | { t: 'rate'; order: number; score: 1 | 2 | 3 | 4 | 5 }
  | { t: 'live'; host: number; day: number; month: 0 | 1; revenue: string; ends: boolean }
  | { t: 'end'; stream: number; revenue: string }
  | { t: 'join'; group: number; member: number; day: number; month: 0 | 1 }
  | { t: 'quit'; membership: number; state: 'left' | 'banned' }
  | { t: 'gift'; stream: number; sender: number; quantity: number; day: number };

const COACHES = fc.integer({ min: 246, max: 255 });
const MEMBERS = fc.integer({ min: 6, max: 245 });
const DAY = fc.integer({ min: 1, max: 28 });
const MONTH = fc.constantFrom(0 as const, 1 as const);
const MONEY = fc.integer({ min: 0, max: 500_000 }).map((cents) => (cents / 100).toFixed(2));

export const drillSteps: fc.Arbitrary<DrillStep[]> = fc.array(fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('complete' as const), coach: COACHES, customer: MEMBERS, amount: MONEY, day: DAY, month: MONTH }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('rate' as const), order: fc.nat(), score: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const, 5 as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('live' as const), host: COACHES, day: DAY, month: MONTH, revenue: MONEY, ends: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('end' as const), stream: fc.nat(), revenue: MONEY }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('join' as const), group: fc.integer({ min: 0, max: 19 }), member: MEMBERS, day: DAY, month: MONTH }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('quit' as const), membership: fc.nat(), state: fc.constantFrom('left' as const, 'banned' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('gift' as const), stream: fc.nat(), sender: MEMBERS, quantity: fc.integer({ min: 1, max: 5 }), day: DAY }) },
), { minLength: 5, maxLength: 60 });

interface Applied {
  events: CloudEvent[];
  /** Every (owner, period) the steps touched. */
  keys: { ownerId: number; period: string }[];
}

/** Two months no seed row covers: the drill's months (the seeded ones end in November 2026). */
export function drillMonths(run: number): [string, string] {
  const year = 2030 + run;
  return [`${year}-03-01`, `${year}-04-01`];
}

const at = (period: string, day: number, hour = 10) => new Date(`${period.slice(0, 8)}${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:15:00Z`);
const odooTime = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);
const event = <T extends NewEvent['type']>(service: string, e: NewEvent<T>, time?: Date) => toCloudEvent(service, e as NewEvent, undefined, time) as CloudEvent;

/** Applies the steps to the monolith (`legacy`) and returns the events their publishers would send, in the order they happened. */
export async function applyDrill(legacy: pg.Pool, steps: DrillStep[], run: number): Promise<Applied> {
  const months = drillMonths(run);
  const events: CloudEvent[] = [];
  const keys = new Map<string, { ownerId: number; period: string }>();
  const touch = (ownerId: number, period: string) => keys.set(`${ownerId}/${period}`, { ownerId, period });
  const orders: { id: number; coach: number; customer: number }[] = [];
  const streams: { id: number; host: number; startedAt: Date; ended: boolean; period: string }[] = [];
  const memberships: { id: number; group: number; user: number; owner: number | null; joinedAt: Date; period: string; state: string }[] = [];
  const groups = (await legacy.query<{ id: number; owner_id: number | null }>('SELECT id, owner_id FROM community_groups ORDER BY id')).rows;
  for (const [index, step] of steps.entries()) {
    switch (step.t) {
      case 'complete': {
        const period = months[step.month];
        const completedAt = at(period, step.day);
        const { rows: [o] } = await legacy.query<{ id: number }>(
          `INSERT INTO service_orders (name, customer_id, health_worker_id, currency_id, amount, state, ordered_at, completed_at)
           VALUES ($1, $2, $3, 6, $4, 'completed', $5, $5) RETURNING id`,
          [`SO/DRILL/${run}/${index}`, step.customer, step.coach, step.amount, odooTime(completedAt)],
        );
        orders.push({ id: o!.id, coach: step.coach, customer: step.customer });
        touch(step.coach, period);
        events.push(event('trade', { type: 'service_completed', subject: `hp.service.order/${o!.id}`, data: { orderId: o!.id, customerId: step.customer, healthWorkerId: step.coach, serviceId: null, amount: String(Number(step.amount)), currency: 'CNY', completedAt: completedAt.toISOString() } }));
        break;
      }
      case 'rate': {
        if (!orders.length) break;
        const order = orders[step.order % orders.length]!;
        const { rows: [r] } = await legacy.query<{ id: number }>('INSERT INTO ratings (coach_id, order_id, rater_id, score) VALUES ($1, $2, $3, $4) RETURNING id', [order.coach, order.id, order.customer, step.score]);
        events.push(event('ops', { type: 'service_rated', subject: `hp.rating/${r!.id}`, data: { ratingId: r!.id, coachId: order.coach, orderId: order.id, raterId: order.customer, score: step.score, ratedAt: new Date().toISOString() } }));
        break;
      }
      case 'live': {
        const period = months[step.month];
        const startedAt = at(period, step.day, 19);
        const { rows: [s] } = await legacy.query<{ id: number }>(
          `INSERT INTO live_streams (host_id, title, stream_key, state, currency_id, scheduled_at, started_at) VALUES ($1, 'Drill live', $2, 'live', 6, $3, $3) RETURNING id`,
          [step.host, `drill_${run}_${index}`, odooTime(startedAt)],
        );
        streams.push({ id: s!.id, host: step.host, startedAt, ended: false, period });
        touch(step.host, period);
        events.push(event('biz', { type: 'live_started', subject: `hp.live.stream/${s!.id}`, data: { streamId: s!.id, hostId: step.host, title: 'Drill live', startedAt: startedAt.toISOString() } }));
        if (step.ends) await endStream(streams.at(-1)!, step.revenue);
        break;
      }
      case 'end': {
        const open = streams.filter((s) => !s.ended);
        if (open.length) await endStream(open[step.stream % open.length]!, step.revenue);
        break;
      }
      case 'join': {
        const group = groups[step.group % groups.length]!;
        const period = months[step.month];
        const joinedAt = at(period, step.day, 8);
        const { rows } = await legacy.query<{ id: number }>(
          `INSERT INTO members (group_id, user_id, role, state, joined_at) VALUES ($1, $2, 'member', 'active', $3) ON CONFLICT (group_id, user_id) DO NOTHING RETURNING id`,
          [group.id, step.member, odooTime(joinedAt)],
        );
        if (!rows.length) break; // already a member (seeded, or an earlier step): the join is refused
        const membership = { id: rows[0]!.id, group: group.id, user: step.member, owner: group.owner_id, joinedAt, period, state: 'active' };
        memberships.push(membership);
        if (group.owner_id !== null) touch(group.owner_id, period);
        events.push(memberEvent(membership));
        break;
      }
      case 'quit': {
        const active = memberships.filter((m) => m.state === 'active');
        if (!active.length) break;
        const membership = active[step.membership % active.length]!;
        membership.state = step.state;
        await legacy.query('UPDATE members SET state = $2 WHERE id = $1', [membership.id, step.state]);
        events.push(memberEvent(membership));
        break;
      }
      case 'gift': {
        if (!streams.length) break;
        const stream = streams[step.stream % streams.length]!;
        if (stream.host === step.sender) break;
        const sentAt = at(stream.period, step.day, 20);
        const points = 10 * step.quantity;
        const { rows: [g] } = await legacy.query<{ id: number }>(
          `INSERT INTO gift_orders (sender_id, receiver_id, gift_id, quantity, points_spent, live_stream_id, sent_at)
           VALUES ($1, $2, (SELECT id FROM gifts WHERE price_points = 10), $3, $4, $5, $6) RETURNING id`,
          [step.sender, stream.host, step.quantity, points, stream.id, odooTime(sentAt)],
        );
        touch(stream.host, stream.period);
        events.push(event('finance', { type: 'gift_sent', subject: `hp.gift.order/${g!.id}`, data: { giftOrderId: g!.id, giftId: 1, senderId: step.sender, receiverId: stream.host, streamId: stream.id, quantity: step.quantity, pointsSpent: points } }, sentAt));
        break;
      }
    }
  }
  return { events, keys: [...keys.values()] };

  async function endStream(stream: (typeof streams)[number], revenue: string) {
    stream.ended = true;
    const endedAt = new Date(stream.startedAt.getTime() + 3_600_000);
    await legacy.query(`UPDATE live_streams SET state = 'ended', ended_at = $2, revenue = $3 WHERE id = $1`, [stream.id, odooTime(endedAt), revenue]);
    events.push(event('biz', { type: 'live_ended', subject: `hp.live.stream/${stream.id}`, data: { streamId: stream.id, hostId: stream.host, startedAt: stream.startedAt.toISOString(), endedAt: endedAt.toISOString(), revenue: String(Number(revenue)), currency: 'CNY', viewerPeak: 10 } }));
  }

  function memberEvent(m: (typeof memberships)[number]): CloudEvent {
    return event('biz', {
      type: 'community_member_changed', subject: `hp.community.member/${m.id}`,
      data: { memberId: m.id, groupId: m.group, userId: m.user, groupOwnerId: m.owner, role: 'member', state: m.state as 'active', joinedAt: m.joinedAt.toISOString() },
    });
  }
}

/**
 * The events as a bus may deliver them: the order of each subject kept (the kit orders events of
 * one key), subjects interleaved at random, and some events delivered again (a redelivery after
 * a crash), in batches.
 */
export function deliveryOf(events: CloudEvent[]): fc.Arbitrary<CloudEvent[][]> {
  return fc.tuple(fc.array(fc.nat(), { minLength: events.length, maxLength: events.length }), fc.array(fc.nat({ max: Math.max(0, events.length - 1) }), { maxLength: 8 }), fc.integer({ min: 1, max: 20 }))
    .map(([choices, repeats, batchSize]) => {
      const queues = new Map<string, CloudEvent[]>();
      for (const e of events) queues.set(e.subject ?? e.id, [...(queues.get(e.subject ?? e.id) ?? []), e]);
      const order: CloudEvent[] = [];
      for (const choice of choices) {
        const open = [...queues.values()].filter((q) => q.length);
        if (!open.length) break;
        order.push(open[choice % open.length]!.shift()!);
      }
      // A redelivery comes after the first delivery (a crash replays what was handled), a few places later.
      for (const index of repeats) {
        const first = order.indexOf(events[index]!);
        if (first >= 0) order.splice(Math.min(order.length, first + 1 + (index % 4)), 0, events[index]!);
      }
      const batches: CloudEvent[][] = [];
      for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
      return batches;
    });
}
