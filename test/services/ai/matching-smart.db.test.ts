import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bayesianRating, firstFreeStart, rankCoaches, MATCHING_WEIGHTS, type CoachFacts } from '../../../services/ai/domain/matching-smart.ts';
import { startAiAnalysisSide, type AiAnalysisSide } from './insight-sides.ts';

const H = 3_600_000;

describe('smart matching: the ranking', () => {
  it('finds the first free slot between scheduled appointments', () => {
    const busy: Array<[number, number]> = [[1 * H, 2 * H], [2.5 * H, 4 * H], [4 * H, 5 * H]];
    expect(firstFreeStart(busy, 0, H)).toBe(0);
    expect(firstFreeStart(busy, 0.5 * H, H)).toBe(5 * H);
    expect(firstFreeStart(busy, 1.5 * H, 0.5 * H)).toBe(2 * H);
  });

  it('pulls a coach with few ratings towards the platform mean (Bayesian average)', () => {
    expect(bayesianRating([5], 4)).toBeCloseTo((5 * 4 + 5) / 6, 12);
    expect(bayesianRating([], 3.7)).toBeCloseTo(3.7, 12);
    expect(bayesianRating(Array(50).fill(4.8), 4)).toBeGreaterThan(bayesianRating([5], 4));
  });

  it('scores are the sum of their contributions, in [0, 1], and the list is sorted by score', () => {
    const coach = fc.record({
      id: fc.integer({ min: 1, max: 10_000 }), name: fc.string(),
      categories: fc.uniqueArray(fc.constantFrom('nutrition', 'fitness', 'rehab', 'mental'), { maxLength: 3 }).map((c) => new Set(c)),
      scores: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 20 }), legacyAverage: fc.constant(null), openOrders: fc.integer({ min: 0, max: 9 }),
      busy: fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 5 })).map(([s, d]) => [s * H, (s + d) * H] as const), { maxLength: 5 }),
      certification: fc.constantFrom(null, 'junior', 'senior', 'expert'),
    });
    fc.assert(fc.property(fc.uniqueArray(coach, { selector: (c) => c.id, minLength: 1, maxLength: 12 }), (coaches) => {
      const ranked = rankCoaches({ id: 1, category: 'fitness', durationMinutes: 60, at: 0 }, coaches as CoachFacts[], 4);
      for (const r of ranked) {
        expect(r.contributions.map((c) => c.feature)).toEqual(Object.keys(MATCHING_WEIGHTS));
        expect(r.score).toBeCloseTo(r.contributions.reduce((s, c) => s + c.points, 0), 5);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(1 + 1e-9);
      }
      for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
    }), { numRuns: 100 });
  });
});

describe('POST /ai/matching/smart (everything in phase legacy)', () => {
  let side: AiAnalysisSide;
  let order: { id: number; customer_id: number; category: string };

  beforeAll(async () => {
    side = await startAiAnalysisSide('legacy');
    order = (await side.legacy.query<{ id: number; customer_id: number; category: string }>(
      `SELECT o.id, o.customer_id, s.category FROM service_orders o JOIN health_services s ON s.id = o.service_id WHERE o.state = 'paid' AND o.health_worker_id IS NULL ORDER BY o.id LIMIT 1`)).rows[0]!;
  }, 240_000);
  afterAll(async () => side?.stop());

  it("ranks every coach for the customer's order with per-feature contributions", async () => {
    const answer = await side.rest('POST', '/ai/matching/smart', order.customer_id, { orderId: order.id, at: '2026-11-26T09:00:00Z', limit: 40 });
    expect(answer.status, answer.text).toBe(200);
    const { body } = answer;
    expect(body.category).toBe(order.category);
    const { rows: [coaches] } = await side.legacy.query<{ n: string }>(`SELECT count(*) AS n FROM res_users WHERE hp_user_type = 'coach'`);
    expect(body.coachesConsidered).toBe(Number(coaches!.n));
    const specialists = new Set((await side.legacy.query<{ coach_id: number }>('SELECT DISTINCT coach_id FROM health_services WHERE active AND category = $1', [order.category])).rows.map((r) => r.coach_id));
    for (const coach of body.coaches) {
      const specialty = coach.contributions.find((c: any) => c.feature === 'specialty');
      expect(specialty.value).toBe(specialists.has(coach.coachId) ? 1 : 0);
      const rating = coach.contributions.find((c: any) => c.feature === 'rating');
      const { rows } = await side.legacy.query<{ score: number }>('SELECT score FROM ratings WHERE coach_id = $1', [coach.coachId]);
      expect(rating.detail.ratings).toBe(rows.length);
    }
    const scores = body.coaches.map((c: any) => c.score);
    expect([...scores].sort((a: number, b: number) => b - a)).toEqual(scores);
    if (specialists.size) expect(specialists.has(body.coaches[0].coachId)).toBe(true);
  });

  it('answers 404 to a member who cannot read the order, and the operator the same ranking as the customer', async () => {
    const stranger = order.customer_id === 6 ? 7 : 6;
    const refused = await side.rest('POST', '/ai/matching/smart', stranger, { orderId: order.id });
    expect(refused.status).toBe(404);
    const at = '2026-11-26T09:00:00Z';
    const byCustomer = await side.rest('POST', '/ai/matching/smart', order.customer_id, { orderId: order.id, at });
    const byOperator = await side.rest('POST', '/ai/matching/smart', 302, { orderId: order.id, at });
    expect(byOperator.status).toBe(200);
    expect(byOperator.body.coaches).toEqual(byCustomer.body.coaches);
  });
});
