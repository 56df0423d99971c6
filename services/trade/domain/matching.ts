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

export function scoreOrder(order: OpenOrder, rule: MatchingRule, coach: Coach): RankedOrder {
  const rating = Math.min(Math.max(coach.rating ?? 0, 0), 5) / 5;
  const distance = order.distanceKm === null || rule.maxDistanceKm <= 0 ? 0 : Math.max(0, 1 - order.distanceKm / rule.maxDistanceKm);
  const terms: ScoreTerm[] = [
    { factor: 'category', weight: CATEGORY_WEIGHT, value: coach.categories.has(order.category) ? 1 : 0 },
    { factor: 'rating', weight: rule.weightRating, value: rating },
    { factor: 'distance', weight: rule.weightDistance, value: distance },
  ].map((t) => ({ ...t, value: round(t.value), points: round(t.weight * t.value) }));
  const score = round(terms.reduce((sum, t) => sum + t.points, 0));
  const explanation =
    `rule "${rule.name}" (min level ${rule.minLevel}, coach ${coach.level}): ` +
    terms.map((t) => `${t.factor} ${t.weight} × ${t.value} = ${t.points}`).join(' + ') +
    ` → ${score}` +
    (order.distanceKm === null ? ' (distance unknown)' : '');
  return { orderId: order.id, name: order.name, category: order.category, score, rule: { id: rule.id, name: rule.name, minLevel: rule.minLevel }, terms, explanation };
}

export function rankOrders(orders: readonly OpenOrder[], rules: readonly MatchingRule[], coach: Coach): RankedOrder[] {
  const ranked: RankedOrder[] = [];
  for (const order of orders) {
    const rule = ruleFor(rules, order.category, coach.level);
    if (rule) ranked.push(scoreOrder(order, rule, coach));
  }
  return ranked.sort((a, b) => b.score - a.score || a.orderId - b.orderId);
}
