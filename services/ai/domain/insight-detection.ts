import type { InsightSeverity, InsightType } from '../db/tables.ts';
import { dailyMeans, isoDay, type MetricName, type MetricSeries } from './series-readings.ts';
import { bestSplit, cusumChange, leastSquares, localRobustZ, mannKendall, mean, median, normalQuantile, theilSen } from './series-statistics.ts';

/**
 * Which statistical findings a member's series carry, by stated rules (no model, no training):
 *
 * - trend: on the daily means, Mann–Kendall two-sided p < TREND_ALPHA, slope by Theil–Sen;
 * - change-point: on the daily means, CUSUM p < CHANGE_ALPHA (Kolmogorov; stricter than the
 *   trend's because σ̂ is estimated and every split point is tried), placed at the least-squares
 *   split with at least MIN_SEGMENT_DAYS on each side;
 * - when both tests fire (a step makes a series monotone, a slope makes the CUSUM large), the
 *   shape the Bayesian information criterion prefers wins: a straight line (2 parameters) or two
 *   levels (3: both means and the split), n·ln(RSS/n) + k·ln(n);
 * - anomaly: each reading's robust z against the median of its NEIGHBOURS readings around it,
 *   scaled by 1.4826·MAD of all such residuals; |z| above max(3.5, Φ⁻¹(1 − ANOMALY_FAMILY_ALPHA/2n))
 *   (Iglewicz & Hoaglin's 3.5, raised with the number of readings n so that a long Gaussian
 *   series raises a false alarm with probability ≤ ANOMALY_FAMILY_ALPHA), the
 *   MAX_ANOMALIES_PER_METRIC largest per metric.
 *
 * Severity: trend and change-point `warning` when the change is at least 10% of the metric's
 * median level (else `info`); anomaly `critical` from |z| ≥ CRITICAL_Z, else `warning`.
 */
export const TREND_ALPHA = 0.01;
export const CHANGE_ALPHA = 0.001;
export const ANOMALY_FAMILY_ALPHA = 0.01;
export const MIN_DAYS = 14;
export const MIN_SEGMENT_DAYS = 5;
export const ANOMALY_Z = 3.5;
export const CRITICAL_Z = 6;
export const NEIGHBOURS = 10;
export const MIN_ANOMALY_READINGS = 12;
export const MAX_ANOMALIES_PER_METRIC = 10;
export const NOTABLE_RELATIVE_CHANGE = 0.1;

export const INSIGHT_METHODS = {
  trend: `Theil–Sen slope of the daily means; Mann–Kendall test (tie-corrected, normal approximation), reported when two-sided p < ${TREND_ALPHA} and BIC prefers a line to two levels; least-squares slope and its t-test p given beside`,
  changePoint: `CUSUM of the daily means' deviations, standardised by σ̂ = 1.4826·MAD(first differences)/√2, p from the Kolmogorov distribution (sup of a Brownian bridge); reported when p < ${CHANGE_ALPHA} and BIC prefers two levels to a line; placed at the least-squares split, ≥ ${MIN_SEGMENT_DAYS} days each side`,
  anomaly: `robust z = (reading − median of its ${NEIGHBOURS} neighbouring readings) / (1.4826·MAD of all such residuals); reported when |z| > max(${ANOMALY_Z}, Φ⁻¹(1 − ${ANOMALY_FAMILY_ALPHA}/2n)) for n readings (critical from ${CRITICAL_Z}), at most ${MAX_ANOMALIES_PER_METRIC} per metric`,
} as const;

export type InsightKind = 'trend' | 'change_point' | 'anomaly';

export interface DetectedInsight {
  kind: InsightKind;
  /** hp.ai.insight.insight_type: a change-point is a trend of the step kind. */
  insightType: InsightType;
  severity: InsightSeverity;
  metric: MetricName;
  summary: string;
  /** The numbers the finding rests on (stored in insights.data). */
  data: Record<string, unknown>;
}

const round = (n: number, digits = 6) => (Number.isFinite(n) ? Number(n.toPrecision(digits)) : n);
const words = (metric: MetricName) => metric.replace(/_/g, ' ');
const pText = (p: number) => (p < 1e-6 ? '< 1e-6' : `= ${round(p, 2)}`);

/**
 * Every finding of one metric's series. The level tests (trend, change-point) run on the daily
 * means of the readings that are not anomalies, so one wild reading neither makes nor moves a
 * step.
 */
export function analyseSeries(series: MetricSeries): DetectedInsight[] {
  const flagged = anomalies(series);
  const outliers = new Set(flagged.map((f) => f.data.recordId as number));
  return [...levelFindings(series, outliers), ...flagged.slice(0, MAX_ANOMALIES_PER_METRIC)];
}

function levelFindings(series: MetricSeries, outliers: ReadonlySet<number>): DetectedInsight[] {
  const days = dailyMeans(outliers.size ? series.points.filter((p) => !outliers.has(p.id)) : series.points);
  if (days.length < MIN_DAYS) return [];
  const xs = days.map((d) => d.day - days[0]!.day);
  const ys = days.map((d) => d.value);
  const window = { from: isoDay(days[0]!.day), to: isoDay(days.at(-1)!.day), days: days.length, readings: series.points.length, anomaliesLeftOut: outliers.size };
  const level = median(ys);
  const unit = series.unit;

  const n = ys.length;
  const mk = mannKendall(ys);
  const ols = leastSquares(xs, ys);
  const cusum = cusumChange(ys);
  const split = bestSplit(ys, MIN_SEGMENT_DAYS);
  const trendFires = mk.p < TREND_ALPHA;
  const stepFires = !!cusum && !!split && cusum.p < CHANGE_ALPHA;
  // BIC up to a constant: n·ln(RSS/n) + k·ln(n); a perfect fit (RSS 0) is the best possible.
  const bic = (rss: number, k: number) => n * Math.log(Math.max(rss, 1e-300) / n) + k * Math.log(n);
  const bicLine = bic(ols.rss, 2);
  const bicTwoLevels = split ? bic(split.rss, 3) : Number.POSITIVE_INFINITY;
  const shapes = { rssLine: round(ols.rss), rssTwoLevels: split ? round(split.rss) : null, bicLine: round(bicLine), bicTwoLevels: split ? round(bicTwoLevels) : null };

  if (trendFires && (!stepFires || bicLine <= bicTwoLevels)) {
    const ts = theilSen(xs, ys);
    const change = ts.slope * (xs.at(-1)! - xs[0]!);
    const relative = level !== 0 ? change / Math.abs(level) : 0;
    const direction = ts.slope > 0 ? 'rose' : 'fell';
    return [{
      kind: 'trend', insightType: 'trend', metric: series.metric,
      severity: Math.abs(relative) >= NOTABLE_RELATIVE_CHANGE ? 'warning' : 'info',
      summary: `${words(series.metric)} ${direction} by ${round(Math.abs(ts.slope), 3)}${unit ? ` ${unit}` : ''} a day from ${window.from} to ${window.to} (Theil–Sen slope; Mann–Kendall p ${pText(mk.p)}, n = ${days.length} days)`,
      data: {
        kind: 'trend', method: INSIGHT_METHODS.trend, metric: series.metric, unit, window, n: days.length, alpha: TREND_ALPHA,
        slopePerDay: round(ts.slope), intercept: round(ts.intercept), changeOverWindow: round(change), relativeChange: round(relative), medianLevel: round(level),
        mannKendall: { s: mk.s, z: round(mk.z), p: round(mk.p), tau: round(mk.tau) },
        leastSquares: { slopePerDay: round(ols.slope), t: round(ols.t), p: round(ols.p) },
        shapes,
      },
    }];
  }
  if (stepFires && cusum && split && bicTwoLevels < bicLine) {
    const meanBefore = mean(ys.slice(0, split.index));
    const meanAfter = mean(ys.slice(split.index));
    const shift = meanAfter - meanBefore;
    const relative = level !== 0 ? shift / Math.abs(level) : 0;
    const at = isoDay(days[split.index]!.day);
    return [{
      kind: 'change_point', insightType: 'trend', metric: series.metric,
      severity: Math.abs(relative) >= NOTABLE_RELATIVE_CHANGE ? 'warning' : 'info',
      summary: `${words(series.metric)} moved from a mean of ${round(meanBefore, 4)} to ${round(meanAfter, 4)}${unit ? ` ${unit}` : ''} from ${at} (CUSUM change-point; p ${pText(cusum.p)}, n = ${days.length} days)`,
      data: {
        kind: 'change_point', method: INSIGHT_METHODS.changePoint, metric: series.metric, unit, window, n: days.length, alpha: CHANGE_ALPHA,
        changeAt: at, daysBefore: split.index, daysAfter: days.length - split.index, cusumPeakAt: isoDay(days[cusum.index]!.day),
        meanBefore: round(meanBefore), meanAfter: round(meanAfter), shift: round(shift), relativeChange: round(relative),
        sigma: round(cusum.sigma), shiftInSigma: round(shift / cusum.sigma), statistic: round(cusum.statistic), p: round(cusum.p),
        shapes,
      },
    }];
  }
  return [];
}

/** Every reading over the cut-off, the most extreme first. */
function anomalies(series: MetricSeries): DetectedInsight[] {
  const { points } = series;
  if (points.length < MIN_ANOMALY_READINGS) return [];
  const values = points.map((p) => p.value);
  const { z, expected, scale } = localRobustZ(values, NEIGHBOURS / 2);
  if (!(scale > 0)) return [];
  const cutoff = anomalyCutoff(points.length);
  const flagged = points.map((p, i) => ({ p, z: z[i]!, expected: expected[i]! })).filter((f) => Math.abs(f.z) > cutoff);
  flagged.sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.p.at - b.p.at);
  const window = { from: new Date(points[0]!.at).toISOString(), to: new Date(points.at(-1)!.at).toISOString(), readings: points.length };
  return flagged.map(({ p, z: score, expected: around }) => {
    const at = new Date(p.at).toISOString();
    return {
      kind: 'anomaly' as const, insightType: 'anomaly' as const, metric: series.metric,
      severity: Math.abs(score) >= CRITICAL_Z ? 'critical' as const : 'warning' as const,
      summary: `${words(series.metric)} of ${round(p.value, 6)}${series.unit ? ` ${series.unit}` : ''} at ${at} is far ${score > 0 ? 'above' : 'below'} the ${round(around, 6)} around it (robust z = ${round(score, 3)}, cut-off ${round(cutoff, 3)})`,
      data: {
        kind: 'anomaly', method: INSIGHT_METHODS.anomaly, metric: series.metric, unit: series.unit, window, n: points.length,
        recordId: p.id, measuredAt: at, value: p.value, expected: round(around), z: round(score), scale: round(scale), cutoff: round(cutoff),
      },
    };
  });
}

/** The |z| above which one of `n` readings is an anomaly: 3.5, or the Bonferroni bound for n two-sided Gaussian tests at ANOMALY_FAMILY_ALPHA if higher. */
export function anomalyCutoff(n: number): number {
  return Math.max(ANOMALY_Z, normalQuantile(1 - ANOMALY_FAMILY_ALPHA / (2 * n)));
}
