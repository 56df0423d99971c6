import { pyRound2 } from '../../../odoo-bridge/orm/index.ts';

/**
 * A coach's rating figures, from the scores they received.
 *
 * - `coachRatingAvg`: hp_growth's stored res.users.coach_rating_avg exactly as Odoo computes it
 *   (`round(sum(scores) / len(scores), 2) if scores else 0.0`): Python's round of the float mean
 *   to two decimals, ties to even on the float's exact value.
 * - `bayesianAverage`: for ranking coaches with few ratings. A coach's mean is pulled towards the
 *   platform's mean score `m` by a prior worth `C` ratings:
 *       bayesian = (C·m + Σ scores) / (C + n)
 *   so one 5-star rating does not outrank forty ratings averaging 4.8. C = RATING_PRIOR_WEIGHT (5);
 *   m = the mean of every rating on the platform (3 when there is none, the middle of 1…5).
 */
export const RATING_PRIOR_WEIGHT = 5;
/** The prior's mean when the platform has no rating yet: the middle of the 1…5 scale. */
export const EMPTY_PLATFORM_MEAN = 3;

/** Python's `round(x, 2)` (the ORM's pyRound2), under the name this module's callers know. */
export const pythonRound2 = pyRound2;

/** res.users.coach_rating_avg of a coach with `count` ratings summing to `sum`. */
export function coachRatingAvg(sum: number, count: number): number {
  return count ? pyRound2(sum / count) : 0;
}

export interface RatingPrior {
  /** m: the platform's mean score. */
  mean: number;
  /** C: how many ratings the prior is worth. */
  weight: number;
}

/** The prior from the platform's totals (every rating of every coach). */
export function platformPrior(totalSum: number, totalCount: number, weight = RATING_PRIOR_WEIGHT): RatingPrior {
  return { mean: totalCount ? totalSum / totalCount : EMPTY_PLATFORM_MEAN, weight };
}

/** (C·m + Σ) / (C + n), to four decimals (enough to rank; the legacy average keeps two). */
export function bayesianAverage(sum: number, count: number, prior: RatingPrior): number {
  return Math.round(((prior.weight * prior.mean + sum) / (prior.weight + count)) * 10_000) / 10_000;
}
