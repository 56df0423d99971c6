/**
 * Coaches ranked for one service order: a weighted sum of five features, each in [0, 1], every
 * term shown (a ranking with stated weights, not a model):
 *
 * - specialty     1 when the coach offers an active service of the order's category, else 0;
 * - rating        Bayesian average / 5, (C·m + Σ scores) / (C + n), m = the platform's mean score,
 *                 C = RATING_PRIOR_WEIGHT: a coach with few ratings is pulled towards the mean;
 * - availability  1 − open / CAPACITY (at least 0), open = the coach's orders assigned or in service;
 * - time          exp(−hours / TIME_SCALE_HOURS), hours from the requested time to the start of the
 *                 coach's first free slot of the service's length between scheduled appointments;
 * - certification expert 1, senior 2/3, junior 1/3, none 0 (the best valid hp.certification).
 *
 * score = Σ weight × value; ties by the Bayesian rating, then the lower coach id.
 */
export const MATCHING_WEIGHTS = { specialty: 0.35, rating: 0.25, availability: 0.2, time: 0.15, certification: 0.05 } as const;
export const RATING_PRIOR_WEIGHT = 5;
export const CAPACITY = 5;
export const TIME_SCALE_HOURS = 48;
const CERTIFICATION_VALUE = { expert: 1, senior: 2 / 3, junior: 1 / 3 } as const;
const HOUR_MS = 3_600_000;

export type MatchingFeature = keyof typeof MATCHING_WEIGHTS;

export interface CoachFacts {
  id: number;
  name: string;
  categories: ReadonlySet<string>;
  /** The coach's rating scores (hp.rating). */
  scores: readonly number[];
  /** coach_rating_avg as Odoo stores it. */
  legacyAverage: number | null;
  openOrders: number;
  /** Scheduled appointments still to come, as [start, end) in ms. */
  busy: ReadonlyArray<readonly [number, number]>;
  certification: keyof typeof CERTIFICATION_VALUE | null;
}

export interface OrderFacts {
  id: number;
  category: string;
  durationMinutes: number;
  /** When the member would like the service to start (ms). */
  at: number;
}

export interface Contribution {
  feature: MatchingFeature;
  weight: number;
  value: number;
  points: number;
  detail: Record<string, unknown>;
}

export interface RankedCoach {
  coachId: number;
  name: string;
  score: number;
  contributions: Contribution[];
  explanation: string;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** The start of the first gap of `durationMs` at or after `from` between busy intervals. */
export function firstFreeStart(busy: ReadonlyArray<readonly [number, number]>, from: number, durationMs: number): number {
  let start = from;
  for (const [s, e] of [...busy].sort((a, b) => a[0] - b[0])) {
    if (e <= start) continue;
    if (s >= start + durationMs) break;
    start = Math.max(start, e);
  }
  return start;
}

export function bayesianRating(scores: readonly number[], platformMean: number): number {
  const sum = scores.reduce((a, b) => a + b, 0);
  return (RATING_PRIOR_WEIGHT * platformMean + sum) / (RATING_PRIOR_WEIGHT + scores.length);
}

export function rankCoaches(order: OrderFacts, coaches: readonly CoachFacts[], platformMean: number): RankedCoach[] {
  const ranked = coaches.map((coach) => {
    const bayes = bayesianRating(coach.scores, platformMean);
    const free = firstFreeStart(coach.busy, order.at, order.durationMinutes * 60_000);
    const hours = (free - order.at) / HOUR_MS;
    const values: Record<MatchingFeature, { value: number; detail: Record<string, unknown> }> = {
      specialty: { value: coach.categories.has(order.category) ? 1 : 0, detail: { orderCategory: order.category, coachCategories: [...coach.categories].sort() } },
      rating: { value: Math.min(1, Math.max(0, bayes / 5)), detail: { bayesianAverage: round(bayes), ratings: coach.scores.length, platformMean: round(platformMean), priorWeight: RATING_PRIOR_WEIGHT, coachRatingAvg: coach.legacyAverage } },
      availability: { value: Math.max(0, 1 - coach.openOrders / CAPACITY), detail: { openOrders: coach.openOrders, capacity: CAPACITY } },
      time: { value: Math.exp(-hours / TIME_SCALE_HOURS), detail: { requestedAt: new Date(order.at).toISOString(), firstFreeAt: new Date(free).toISOString(), hoursAway: round(hours), scaleHours: TIME_SCALE_HOURS } },
      certification: { value: coach.certification ? CERTIFICATION_VALUE[coach.certification] : 0, detail: { level: coach.certification } },
    };
    const contributions = (Object.keys(MATCHING_WEIGHTS) as MatchingFeature[]).map((feature) => ({
      feature, weight: MATCHING_WEIGHTS[feature], value: round(values[feature].value), points: round(MATCHING_WEIGHTS[feature] * values[feature].value), detail: values[feature].detail,
    }));
    const score = round(contributions.reduce((s, c) => s + c.points, 0));
    const top = [...contributions].sort((a, b) => b.points - a.points).slice(0, 2).map((c) => `${c.feature} ${c.points}`).join(', ');
    return { coachId: coach.id, name: coach.name, score, contributions, explanation: `score ${score} = Σ weight × value; largest terms: ${top}`, bayes };
  });
  ranked.sort((a, b) => b.score - a.score || b.bayes - a.bayes || a.coachId - b.coachId);
  return ranked.map(({ bayes: _bayes, ...rest }) => rest);
}
