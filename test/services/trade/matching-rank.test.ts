import { describe, expect, it } from 'vitest';
import { rankOrders, scoreOrder, type Coach, type MatchingRule, type OpenOrder } from '../../../services/trade/domain/matching.ts';

const rule = (id: number, category: string, o: Partial<MatchingRule> = {}): MatchingRule => ({
  id, name: `rule ${id}`, category, minLevel: 'junior', maxDistanceKm: 10, priority: 10, weightRating: 0.5, weightDistance: 0.5, ...o,
});

const rules: MatchingRule[] = [
  rule(1, 'yoga'),
  rule(2, 'yoga', { priority: 20, minLevel: 'expert', weightRating: 2 }), // out of a senior's reach
  rule(3, 'diet', { weightDistance: 1 }),
  rule(4, 'rehab', { minLevel: 'expert' }), // no rule a senior reaches: rehab orders are not offered
];
const coach: Coach = { id: 246, level: 'senior', rating: 4, categories: new Set(['diet']) };

// 60 orders over three categories, some with a known distance, several with equal scores.
const orders: OpenOrder[] = Array.from({ length: 60 }, (_, i) => ({
  id: 1000 - i * 7,
  name: `SO${i}`,
  category: ['yoga', 'diet', 'rehab'][i % 3]!,
  distanceKm: i % 4 === 0 ? (i % 11) * 1.5 : null,
}));

describe('rankOrders', () => {
  it('ranks every order a reachable rule covers: higher score first, then the older order, each explained', () => {
    const ranked = rankOrders(orders, rules, coach);
    expect(ranked).toHaveLength(40);
    expect(ranked.every((r) => r.category !== 'rehab')).toBe(true);
    for (let i = 1; i < ranked.length; i++) {
      const [a, b] = [ranked[i - 1]!, ranked[i]!];
      expect(a.score > b.score || (a.score === b.score && a.orderId < b.orderId)).toBe(true);
    }
    // Each entry is exactly what scoreOrder says of that order under the first reachable rule of its category.
    for (const r of ranked) {
      const order = orders.find((o) => o.id === r.orderId)!;
      expect(r).toEqual(scoreOrder(order, rules.find((x) => x.id === (order.category === 'yoga' ? 1 : 3))!, coach));
    }
    expect(ranked[0]!.explanation).toContain('rule "rule 3" (min level junior, coach senior): category 1 × 1 = 1');
  });

  it('a limit returns the head of the full ranking', () => {
    const all = rankOrders(orders, rules, coach);
    for (const limit of [1, 10, 39, 40, 200]) expect(rankOrders(orders, rules, coach, limit)).toEqual(all.slice(0, limit));
  });
});
