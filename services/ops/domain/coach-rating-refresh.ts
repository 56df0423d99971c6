import type { SqlRunner } from '../db/sql-runner.ts';
import { coachRatingAvg } from './coach-rating-average.ts';
import type { CoachAverage, CoachRatingOwner } from './coach-rating-owner.ts';

/** The advisory-lock class of a coach's average (two-key form: this, the coach's id). */
const COACH_AVERAGE_LOCK = 0x4f505352; // 'OPSR'

/**
 * Holds each coach's average lock until the caller's transaction ends, in id order (two writers
 * of the same coaches never wait on each other crosswise). Whoever changes a coach's ratings
 * takes it before reading them: the next writer reads only once this one committed, so the last
 * average written is computed from every rating committed before it (order-safe), whichever
 * write's call finishes first.
 */
export async function lockCoachAverages(sql: SqlRunner, coachIds: readonly number[]): Promise<void> {
  for (const coach of [...new Set(coachIds)].sort((a, b) => a - b)) await sql.raw('SELECT pg_advisory_xact_lock($1::int4, $2::int4)', [COACH_AVERAGE_LOCK, coach]);
}

export interface RatingTotals {
  coachId: number;
  count: number;
  sum: number;
}

/** Each coach's ratings as the rows hold them now (a coach without any: 0 and 0), leaving out ratings about to be deleted. */
export async function ratingTotals(sql: SqlRunner, coachIds: readonly number[], leaving: readonly number[] = []): Promise<RatingTotals[]> {
  const coaches = [...new Set(coachIds)];
  if (!coaches.length) return [];
  const rows = await sql.raw<{ coach_id: number; n: string; total: string }>(
    `SELECT c.coach_id, count(r.id)::text AS n, coalesce(sum(r.score), 0)::text AS total
       FROM unnest($1::int4[]) AS c(coach_id) LEFT JOIN ratings r ON r.coach_id = c.coach_id AND r.id <> ALL($2::int4[])
      GROUP BY c.coach_id ORDER BY c.coach_id`,
    [coaches, [...leaving]],
  );
  return rows.map((r) => ({ coachId: r.coach_id, count: Number(r.n), sum: Number(r.total) }));
}

/**
 * Keeps svc_ops's per-coach figures (coach_rating_stats) equal to the ratings just read. On
 * svc_ops's own engine, whose calls run REPEATABLE READ as Odoo's do, this write is also what
 * keeps the average order-safe: a call whose snapshot predates another call's committed change
 * of the same coach fails here with a serialization failure (that call updated this row) and is
 * tried again on a fresh snapshot by the engine's retry, before it wrote anything anywhere else,
 * exactly as Odoo's concurrent recomputes of one res_users row do.
 */
export async function recordCoachTotals(projection: SqlRunner, totals: readonly RatingTotals[]): Promise<void> {
  if (!totals.length) return;
  await projection.raw(
    `INSERT INTO coach_rating_stats AS s (coach_id, ratings_count, ratings_sum, rating_avg, updated_at)
     SELECT t.coach_id, t.n, t.total, t.average, now() FROM unnest($1::int4[], $2::int4[], $3::int4[], $4::numeric[]) AS t(coach_id, n, total, average)
     ON CONFLICT (coach_id) DO UPDATE SET ratings_count = EXCLUDED.ratings_count, ratings_sum = EXCLUDED.ratings_sum, rating_avg = EXCLUDED.rating_avg, updated_at = now()`,
    [totals.map((t) => t.coachId), totals.map((t) => t.count), totals.map((t) => t.sum), totals.map((t) => coachRatingAvg(t.sum, t.count))],
  );
}

/**
 * hp_growth's `_compute_coach_rating_avg` for `coachIds`, recomputed from the rows (never an
 * increment: a repeated refresh writes the same value) and stored through res.users's owner.
 * Runs in the transaction that changed the ratings, after taking the coaches' locks; with
 * `projection` (svc_ops), the coach's figures there first (recordCoachTotals).
 */
export async function refreshCoachAverages(sql: SqlRunner, owner: CoachRatingOwner, coachIds: readonly number[], options: { leaving?: readonly number[]; projection?: SqlRunner } = {}): Promise<CoachAverage[]> {
  const totals = await ratingTotals(sql, coachIds, options.leaving ?? []);
  if (options.projection) await recordCoachTotals(options.projection, totals);
  const averages = totals.map((t) => ({ coachId: t.coachId, average: coachRatingAvg(t.sum, t.count) }));
  await owner.store(averages);
  return averages;
}
