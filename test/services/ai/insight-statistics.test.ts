import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anomalyCutoff } from '../../../services/ai/domain/insight-detection.ts';
import { dailyMeans, seriesOf } from '../../../services/ai/domain/series-readings.ts';
import {
  bestSplit, cusumChange, kolmogorovSurvival, leastSquares, localRobustZ, mad, mannKendall, median, normalCdf, normalQuantile, studentTwoSidedP, theilSen,
} from '../../../services/ai/domain/series-statistics.ts';

/** The statistics against values from tables and textbook examples (no database). */
describe('series statistics', () => {
  it('median and MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
  });

  it('normal CDF and its inverse match the tables', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(1 - 0.01 / (2 * 8760))).toBeCloseTo(4.865522, 5);
    fc.assert(fc.property(fc.double({ min: -6, max: 6, noNaN: true }), (z) => Math.abs(normalQuantile(normalCdf(z)) - z) < 1e-5));
  });

  it("Student's t two-sided p-values match the tables", () => {
    expect(studentTwoSidedP(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(studentTwoSidedP(2.0, 10)).toBeCloseTo(0.07339, 4);
    expect(studentTwoSidedP(0, 5)).toBeCloseTo(1, 9);
  });

  it('the Kolmogorov distribution: P(sup|bridge| > 1.358) = 0.05, > 1.628 = 0.01', () => {
    expect(kolmogorovSurvival(1.358)).toBeCloseTo(0.05, 3);
    expect(kolmogorovSurvival(1.628)).toBeCloseTo(0.01, 3);
    expect(kolmogorovSurvival(0.1)).toBe(1);
  });

  it('least squares recovers an exact line, Theil–Sen ignores a minority of outliers', () => {
    const xs = Array.from({ length: 30 }, (_, i) => i);
    const line = xs.map((x) => 2 + 0.5 * x);
    const fit = leastSquares(xs, line);
    expect(fit.slope).toBeCloseTo(0.5, 12);
    expect(fit.rss).toBeCloseTo(0, 9);
    const dirty = line.map((y, i) => (i % 7 === 3 ? y + 100 : y));
    expect(theilSen(xs, dirty).slope).toBeCloseTo(0.5, 12);
    expect(leastSquares(xs, dirty).slope).not.toBeCloseTo(0.5, 2);
  });

  it('Mann–Kendall: S and its variance by hand, ties corrected', () => {
    // 1 2 3 4 5: every pair rises, S = 10, Var = 5·4·15/18.
    const up = mannKendall([1, 2, 3, 4, 5]);
    expect(up.s).toBe(10);
    expect(up.variance).toBeCloseTo((5 * 4 * 15) / 18, 12);
    expect(up.z).toBeCloseTo(9 / Math.sqrt(up.variance), 12);
    expect(up.tau).toBe(1);
    // one tie of two among four: Var = (4·3·13 − 2·1·9)/18.
    expect(mannKendall([1, 2, 2, 3]).variance).toBeCloseTo((4 * 3 * 13 - 2 * 1 * 9) / 18, 12);
    expect(mannKendall([5, 4, 3, 2, 1]).s).toBe(-10);
  });

  it('CUSUM and the least-squares split find a clean step where it is', () => {
    const ys = Array.from({ length: 40 }, (_, i) => (i < 25 ? 10 : 14) + ((i * 7) % 5) * 0.1);
    const change = cusumChange(ys)!;
    expect(change.index).toBe(25);
    expect(change.p).toBeLessThan(1e-6);
    expect(bestSplit(ys, 5)!.index).toBe(25);
  });

  it('the robust z of a lone spike is large, its neighbours are not', () => {
    const values = Array.from({ length: 50 }, (_, i) => 100 + Math.sin(i) * 2 + (i === 20 ? 40 : 0));
    const { z } = localRobustZ(values, 5);
    expect(Math.abs(z[20]!)).toBeGreaterThan(8);
    expect(z.filter((v, i) => i !== 20 && Math.abs(v) > 3.5)).toEqual([]);
  });

  it('the anomaly cut-off is 3.5 for short series and rises with the number of readings', () => {
    expect(anomalyCutoff(10)).toBe(3.5);
    expect(anomalyCutoff(30)).toBeCloseTo(3.587915, 5);
    expect(anomalyCutoff(8760)).toBeGreaterThan(4.8);
    expect(anomalyCutoff(8760)).toBeLessThan(5);
  });

  it('daily means group by UTC day, blood pressure splits in two series', () => {
    const at = Date.UTC(2026, 5, 1);
    const series = seriesOf([
      { id: 1, userId: 1, recordType: 'blood_pressure', value: 120, value2: 80, unit: 'mmHg', measuredAt: at + 3_600_000 },
      { id: 2, userId: 1, recordType: 'blood_pressure', value: 130, value2: 90, unit: 'mmHg', measuredAt: at + 7_200_000 },
      { id: 3, userId: 1, recordType: 'blood_pressure', value: 110, value2: 70, unit: 'mmHg', measuredAt: at + 86_400_000 },
    ]);
    expect(series.map((s) => s.metric)).toEqual(['blood_pressure_diastolic', 'blood_pressure_systolic']);
    expect(dailyMeans(series[1]!.points).map((d) => [d.value, d.readings])).toEqual([[125, 2], [110, 1]]);
  });
});
