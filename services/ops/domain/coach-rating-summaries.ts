import type { RulesSql } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { bayesianAverage, coachRatingAvg, platformPrior, RATING_PRIOR_WEIGHT, type RatingPrior } from './coach-rating-average.ts';

/** A coach's public rating figures. */
export interface CoachRatingSummary {
  coachId: number;
  ratingsCount: number;
  /** res.users.coach_rating_avg as Odoo computes it: round(mean, 2), 0.0 without ratings. */
  coachRatingAvg: number;
  /** (C·m + Σ scores) / (C + n), the prior stated beside the page. */
  bayesianAvg: number;
  /** Service orders of the coach completed since ops counts them (service_completed events), and the last one's time. */
  completedServices: number;
  lastCompletedAt: string | null;
}

export type CoachRatingSort = 'bayesian' | 'average' | 'count' | 'coach';

export interface CoachRatingQuery {
  coachIds?: readonly number[];
  minRatings?: number;
  sort: CoachRatingSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** The caller's read rules on hp.rating as SQL over alias `r` (the access port's), with their parameters: only ratings they let through count. */
  visible?: RulesSql;
}

export interface CoachRatingPage {
  prior: RatingPrior;
  items: CoachRatingSummary[];
  total: number;
}

export interface CompletionCounts {
  /** completed services per coach, from the projection in svc_ops. */
  of(coachIds: readonly number[]): Promise<Map<number, { completed: number; lastCompletedAt: string | null }>>;
}

const sortKey: Record<CoachRatingSort, (s: CoachRatingSummary) => number> = {
  bayesian: (s) => s.bayesianAvg,
  average: (s) => s.coachRatingAvg,
  count: (s) => s.ratingsCount,
  coach: (s) => s.coachId,
};

/**
 * The coaches' rating figures from the ratings where M05's rows live now: every coach with a
 * rating (or the coaches asked for, rated or not), the prior from every rating on the platform.
 * Sorted by the figure asked for, ties by coach id, then paged. One pass over the per-coach
 * totals (a few thousand coaches at most): the two averages are computed in TypeScript so the
 * legacy one rounds exactly as Python does.
 */
export async function coachRatingPage(ratings: SqlRunner, completions: CompletionCounts, query: CoachRatingQuery): Promise<CoachRatingPage> {
  const totals = await ratings.raw<{ coach_id: number; n: string; total: string }>(
    `SELECT r.coach_id, count(*)::text AS n, sum(r.score)::text AS total FROM ratings r
      WHERE r.coach_id IS NOT NULL${query.visible ? ` AND (${query.visible.sql})` : ''} GROUP BY r.coach_id`,
    query.visible?.parameters ?? [],
  );
  const platform = totals.reduce((acc, t) => ({ sum: acc.sum + Number(t.total), count: acc.count + Number(t.n) }), { sum: 0, count: 0 });
  const prior = platformPrior(platform.sum, platform.count, RATING_PRIOR_WEIGHT);
  const byCoach = new Map(totals.map((t) => [t.coach_id, { count: Number(t.n), sum: Number(t.total) }]));
  const coaches = query.coachIds ? [...new Set(query.coachIds)] : [...byCoach.keys()];
  let summaries = coaches.map((coachId) => {
    const { count, sum } = byCoach.get(coachId) ?? { count: 0, sum: 0 };
    return { coachId, ratingsCount: count, coachRatingAvg: coachRatingAvg(sum, count), bayesianAvg: bayesianAverage(sum, count, prior), completedServices: 0, lastCompletedAt: null } as CoachRatingSummary;
  });
  if (query.minRatings !== undefined) summaries = summaries.filter((s) => s.ratingsCount >= query.minRatings!);
  const key = sortKey[query.sort];
  const direction = query.order === 'asc' ? 1 : -1;
  summaries.sort((a, b) => direction * (key(a) - key(b)) || a.coachId - b.coachId);
  const page = summaries.slice(query.offset, query.offset + query.limit);
  const counts = await completions.of(page.map((s) => s.coachId));
  for (const s of page) {
    const c = counts.get(s.coachId);
    if (c) Object.assign(s, { completedServices: c.completed, lastCompletedAt: c.lastCompletedAt });
  }
  return { prior: { mean: Math.round(prior.mean * 10_000) / 10_000, weight: prior.weight }, items: page, total: summaries.length };
}
