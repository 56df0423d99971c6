/**
 * Ranking of open orders for a coach by hp.matching.rule (hp_grab/models/hp_matching_rule.py).
 * The legacy addon stores the rules but never evaluates them, so the evaluation is trade's,
 * stated here once:
 * - the rule of an order is the first active rule of its service's category, in the model's
 *   order (priority desc, id), whose `min_level` the coach reaches; an order whose category has
 *   no such rule is not offered to that coach (category and level gate);
 * - score = CATEGORY_WEIGHT × (coach offers a service of that category)
 *         + weight_rating × coach rating / 5
 *         + weight_distance × max(0, 1 − distance / max_distance_km)   (0 when the distance is unknown);
 * - ties: higher score first, then the older order (lower id).
 * Coach level from `res_users.hp_level`: expert from 8, senior from 5, junior below.
 */
export const LEVELS = ['junior', 'senior', 'expert'] as const;
export type Level = (typeof LEVELS)[number];
export const CATEGORY_WEIGHT = 1;

export function levelOf(hpLevel: number | null): Level {
  const n = hpLevel ?? 1;
  return n >= 8 ? 'expert' : n >= 5 ? 'senior' : 'junior';
}

export interface MatchingRule {
  id: number;
  name: string;
  category: string;
  minLevel: Level;
  maxDistanceKm: number;
  priority: number;
  weightRating: number;
  weightDistance: number;
}

export interface Coach {
  id: number;
  level: Level;
  /** 0–5; null when the coach has no ratings yet (counts as 0). */
  rating: number | null;
  categories: ReadonlySet<string>;
}

export interface OpenOrder {
  id: number;
  name: string;
  category: string;
  /** Kilometres between coach and customer when the caller knows them. */
  distanceKm: number | null;
}

export interface ScoreTerm {
  factor: string;
  weight: number;
  value: number;
  points: number;
}

export interface RankedOrder {
  orderId: number;
  name: string;
  category: string;
  score: number;
  rule: { id: number; name: string; minLevel: Level };
  terms: ScoreTerm[];
  explanation: string;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function ruleFor(rules: readonly MatchingRule[], category: string, level: Level): MatchingRule | undefined {
  const reached = LEVELS.indexOf(level);
  return [...rules]
    .filter((r) => r.category === category && LEVELS.indexOf(r.minLevel) <= reached)
    .sort((a, b) => b.priority - a.priority || a.id - b.id)[0];
}

/** The three weighted terms of an order's score for a coach under `rule`, rounded as shown. */
function scoreTerms(order: OpenOrder, rule: MatchingRule, coach: Coach): ScoreTerm[] {
  const rating = Math.min(Math.max(coach.rating ?? 0, 0), 5) / 5;
  const distance = order.distanceKm === null || rule.maxDistanceKm <= 0 ? 0 : Math.max(0, 1 - order.distanceKm / rule.maxDistanceKm);
  return [
    { factor: 'category', weight: CATEGORY_WEIGHT, value: coach.categories.has(order.category) ? 1 : 0 },
    { factor: 'rating', weight: rule.weightRating, value: rating },
    { factor: 'distance', weight: rule.weightDistance, value: distance },
  ].map((t) => ({ ...t, value: round(t.value), points: round(t.weight * t.value) }));
}

const totalOf = (terms: readonly ScoreTerm[]) => round(terms.reduce((sum, t) => sum + t.points, 0));

export function scoreOrder(order: OpenOrder, rule: MatchingRule, coach: Coach): RankedOrder {
  const terms = scoreTerms(order, rule, coach);
  const score = totalOf(terms);
  const explanation =
    `rule "${rule.name}" (min level ${rule.minLevel}, coach ${coach.level}): ` +
    terms.map((t) => `${t.factor} ${t.weight} × ${t.value} = ${t.points}`).join(' + ') +
    ` → ${score}` +
    (order.distanceKm === null ? ' (distance unknown)' : '');
  return { orderId: order.id, name: order.name, category: order.category, score, rule: { id: rule.id, name: rule.name, minLevel: rule.minLevel }, terms, explanation };
}

/**
 * The orders ranked for the coach, the best `limit` of them (all by default). Every order is
 * scored, but only those returned are explained: open orders pile up while coaches are slow to
 * grab them, and wording every one of them (and picking its rule again for each) was most of
 * the work of a request that shows ten.
 */
export function rankOrders(orders: readonly OpenOrder[], rules: readonly MatchingRule[], coach: Coach, limit = Infinity): RankedOrder[] {
  const ruleByCategory = new Map<string, MatchingRule | undefined>();
  const scored: { order: OpenOrder; rule: MatchingRule; score: number }[] = [];
  for (const order of orders) {
    if (!ruleByCategory.has(order.category)) ruleByCategory.set(order.category, ruleFor(rules, order.category, coach.level));
    const rule = ruleByCategory.get(order.category);
    if (rule) scored.push({ order, rule, score: totalOf(scoreTerms(order, rule, coach)) });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.order.id - b.order.id)
    .slice(0, limit)
    .map(({ order, rule }) => scoreOrder(order, rule, coach));
}
