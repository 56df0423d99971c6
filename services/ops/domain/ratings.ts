import type { NewEvent } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { CoachRatingOwner } from './coach-rating-owner.ts';
import { lockCoachAverages, refreshCoachAverages } from './coach-rating-refresh.ts';
import type { OpsEventSink } from './ops-events.ts';
import { isoUtc } from './ops-events.ts';
import { OpsRefused } from './ops-refusal.ts';

/** One hp.rating row as REST shows it. */
export interface RatingRecord {
  id: number;
  coachId: number;
  orderId: number | null;
  raterId: number | null;
  score: number;
  comment: string | null;
  createdAt: string;
}

interface RatingRow {
  id: number; coach_id: number; order_id: number | null; rater_id: number | null; score: number; comment: string | null; create_date: string | Date | null;
}

const COLUMNS = 'id, coach_id, order_id, rater_id, score, comment, create_date';

const recordOf = (r: RatingRow): RatingRecord => ({
  id: r.id, coachId: r.coach_id, orderId: r.order_id, raterId: r.rater_id, score: r.score, comment: r.comment, createdAt: isoUtc(r.create_date ?? new Date(0)),
});

export async function readRatings(sql: SqlRunner, ids: readonly number[]): Promise<RatingRecord[]> {
  if (!ids.length) return [];
  const rows = await sql.raw<RatingRow>(`SELECT ${COLUMNS} FROM ratings WHERE id = ANY($1::int4[]) ORDER BY id`, [[...ids]]);
  return rows.map(recordOf);
}

export async function readRating(sql: SqlRunner, id: number): Promise<RatingRecord | undefined> {
  return (await readRatings(sql, [id]))[0];
}

/** service_rated for a rating (the contract in schemas/events/service_rated.json), keyed by the coach so a coach's ratings stay in order. */
export function ratedEvent(rating: RatingRecord): NewEvent<'service_rated'> {
  return {
    type: 'service_rated',
    subject: `hp.rating/${rating.id}`,
    key: `coach/${rating.coachId}`,
    data: { ratingId: rating.id, coachId: rating.coachId, orderId: rating.orderId, raterId: rating.raterId, score: rating.score as 1 | 2 | 3 | 4 | 5, ratedAt: rating.createdAt },
  };
}

/** A service order as the rating rule needs it, read as its customer would read it (their own orders only). */
export interface RatedOrder {
  id: number;
  customerId: number;
  coachId: number | null;
  state: string;
}

/** hp.service.order, wherever M04 lives: read through its owner as the rater (undefined when the rater cannot see it). */
export interface ServiceOrders {
  asCustomer(uid: number, orderId: number): Promise<RatedOrder | undefined>;
}

export interface RateOrderInput {
  orderId: number;
  raterId: number;
  score: number;
  comment: string | null;
}

export interface RatingDependencies {
  /** Where M05's rows live now (svc_ops after its cutover, the monolith before), in the request's transaction there. */
  rows: SqlRunner;
  /** Where res.users.coach_rating_avg is written. */
  users: CoachRatingOwner;
  /** svc_ops's transaction, for the coach's figures there (coach_rating_stats). */
  projection: SqlRunner;
  events: OpsEventSink;
  orders: ServiceOrders;
}

/**
 * A member rates a service order they received: it must be theirs (its customer), completed,
 * have a coach, and not be rated by them yet. The rating is stored, the coach's
 * coach_rating_avg recomputed from their ratings and written through res.users's owner, and
 * service_rated published, all before the caller commits. The coach's lock is taken before the
 * "rated yet" check, so two requests rating one order at once make one rating.
 */
export async function rateOrder(deps: RatingDependencies, input: RateOrderInput): Promise<RatingRecord> {
  const order = await deps.orders.asCustomer(input.raterId, input.orderId);
  if (!order) throw new OpsRefused('invalid', `Service order ${input.orderId} does not exist or is not yours.`);
  if (order.customerId !== input.raterId) throw new OpsRefused('access', `Only the customer of service order ${input.orderId} rates it.`);
  if (order.state !== 'completed') throw new OpsRefused('state', `Service order ${input.orderId} is ${order.state}: only a completed service order can be rated.`);
  if (!order.coachId) throw new OpsRefused('invalid', `Service order ${input.orderId} has no coach to rate.`);
  await lockCoachAverages(deps.rows, [order.coachId]);
  const [earlier] = await deps.rows.raw<{ id: number }>('SELECT id FROM ratings WHERE order_id = $1 AND rater_id = $2 ORDER BY id LIMIT 1', [input.orderId, input.raterId]);
  if (earlier) throw new OpsRefused('state', `You have already rated service order ${input.orderId} (rating ${earlier.id}).`);
  const [row] = await deps.rows.raw<RatingRow>(
    `INSERT INTO ratings (coach_id, order_id, rater_id, score, comment, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, $4, $5, $3, $3, (now() at time zone 'UTC'), (now() at time zone 'UTC')) RETURNING ${COLUMNS}`,
    [order.coachId, input.orderId, input.raterId, input.score, input.comment],
  );
  const rating = recordOf(row!);
  await refreshCoachAverages(deps.rows, deps.users, [rating.coachId], { projection: deps.projection });
  await deps.events.publish([ratedEvent(rating)]);
  return rating;
}
