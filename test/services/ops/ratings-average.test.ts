import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pythonRound2 as legacyRound2 } from '../../../migration/legacy-addons/hp-growth.ts';
import { bayesianAverage, coachRatingAvg, platformPrior, pythonRound2 } from '../../../services/ops/domain/coach-rating-average.ts';
import { pythonAverages } from './ratings-sides.ts';

/**
 * coach_rating_avg is Python's `round(sum(scores) / len(scores), 2)`: checked against python3
 * itself over random score lists (ties on odd eighths included), for ops's port and for the
 * legacy side's, which must agree (the column is written by one before cutover, the other after).
 */
describe('coach_rating_avg as Python rounds it', () => {
  it('equals python3 for random lists of 1…5 scores, on both sides of the cut', () => {
    const lists = fc.sample(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 400 }), 3000);
    // Every mean of up to 80 ratings: the odd eighths (true ties in the hundredths) and the
    // near-ties such as 43/40 = 1.075, which is 1.07499… as a float, so Python gives 1.07.
    const scoresSumming = (n: number, sum: number) => Array.from({ length: n }, (_, i) => 1 + Math.min(4, Math.max(0, sum - n - 4 * i)));
    for (let n = 1; n <= 80; n++) for (let sum = n; sum <= 5 * n; sum++) lists.push(scoresSumming(n, sum));
    const sums = lists.map((l) => l.reduce((a, b) => a + b, 0));
    const python = pythonAverages(lists);
    lists.forEach((list, i) => {
      expect(coachRatingAvg(sums[i]!, list.length), `${sums[i]}/${list.length}`).toBe(python[i]);
      if (list.length) expect(legacyRound2(sums[i]! / list.length), `legacy ${sums[i]}/${list.length}`).toBe(python[i]);
    });
  });

  it('rounds ties to even and keeps everything else nearest', () => {
    expect([pythonRound2(0.125), pythonRound2(0.375), pythonRound2(33 / 8), pythonRound2(35 / 8), pythonRound2(13 / 3), pythonRound2(5)]).toEqual([0.12, 0.38, 4.12, 4.38, 4.33, 5]);
    expect(coachRatingAvg(0, 0)).toBe(0);
  });

  it('the Bayesian average pulls few ratings towards the platform mean and many towards their own', () => {
    const prior = platformPrior(400, 100, 5); // m = 4
    expect(prior).toEqual({ mean: 4, weight: 5 });
    expect(bayesianAverage(5, 1, prior)).toBeCloseTo((5 * 4 + 5) / 6, 4);
    expect(bayesianAverage(0, 0, prior)).toBe(4);
    // One 5 ranks below forty ratings averaging 4.8.
    expect(bayesianAverage(5, 1, prior)).toBeLessThan(bayesianAverage(192, 40, prior));
    expect(platformPrior(0, 0).mean).toBe(3);
  });
});
