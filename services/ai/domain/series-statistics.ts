/**
 * The statistics the health insights rest on: plain, textbook methods (no model, no training),
 * each returning the numbers a reader needs to check it. Pure functions over arrays.
 *
 * - Trend: Theil–Sen slope (median of pairwise slopes, robust to outliers) with the
 *   Mann–Kendall test (normal approximation, tie-corrected variance), two-sided p-value; the
 *   ordinary least-squares slope with its t-test beside it.
 * - Change-point: CUSUM of deviations from the mean, standardised by a noise estimate that a
 *   step does not inflate (MAD of first differences / √2); under "no change" its maximum
 *   follows the Kolmogorov distribution (sup of a Brownian bridge), which gives the p-value.
 * - Anomaly: robust z-score 0.6745·(x − median)/MAD (Iglewicz & Hoaglin's modified z).
 */

/** 1/Φ⁻¹(3/4): the MAD of a normal sample times this estimates its standard deviation. */
export const MAD_TO_SIGMA = 1.482602218505602;

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median (unscaled). */
export function mad(values: readonly number[], centre = median(values)): number {
  return median(values.map((v) => Math.abs(v - centre)));
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : Number.NaN;
}

/** Standard normal cumulative distribution (W. J. Cody's erfc rational approximation via erf, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes' erfc (Chebyshev fit), fractional error < 1.2e-7 everywhere.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~15 digits for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes' betacf). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
  return (front * betaContinuedFraction(x, a, b)) / a;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-14) break;
  }
  return h;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** P(sup|B(t)| > d) for a Brownian bridge B: the Kolmogorov distribution's survival function. */
export function kolmogorovSurvival(d: number): number {
  if (d <= 0) return 1;
  if (d < 0.2) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * d * d);
    sum += (j % 2 ? 1 : -1) * term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

export interface LeastSquaresFit {
  slope: number;
  intercept: number;
  /** Residual sum of squares. */
  rss: number;
  /** t statistic of the slope and its two-sided p-value (df = n − 2). */
  t: number;
  p: number;
}

export function leastSquares(xs: readonly number[], ys: readonly number[]): LeastSquaresFit {
  const n = xs.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ys[i]! - intercept - slope * xs[i]!) ** 2;
  const df = n - 2;
  const se = df > 0 && sxx > 0 ? Math.sqrt(rss / df / sxx) : Number.NaN;
  const t = se > 0 ? slope / se : slope === 0 ? 0 : Number.POSITIVE_INFINITY;
  return { slope, intercept, rss, t, p: df > 0 && Number.isFinite(se) ? studentTwoSidedP(t, df) : 1 };
}

/** Theil–Sen: the median of the slopes of every pair of points (x distinct), and the median intercept. */
export function theilSen(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const n = xs.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes[k++] = (ys[j]! - ys[i]!) / dx;
    }
  }
  const used = slopes.subarray(0, k).sort();
  const slope = k ? (k % 2 ? used[k >> 1]! : (used[(k >> 1) - 1]! + used[k >> 1]!) / 2) : 0;
  const intercept = median(ys.map((y, i) => y - slope * xs[i]!));
  return { slope, intercept };
}

export interface MannKendall {
  /** Σ sign(y_j − y_i) over i < j. */
  s: number;
  /** Variance of S under "no trend", corrected for ties. */
  variance: number;
  /** Continuity-corrected normal score. */
  z: number;
  /** Two-sided p-value. */
  p: number;
  /** Kendall's tau-a: S / (n(n−1)/2). */
  tau: number;
}

export function mannKendall(ys: readonly number[]): MannKendall {
  const n = ys.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const yi = ys[i]!;
    for (let j = i + 1; j < n; j++) s += Math.sign(ys[j]! - yi);
  }
  const ties = new Map<number, number>();
  for (const y of ys) ties.set(y, (ties.get(y) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = variance > 0 ? (s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0) : 0;
  const p = 2 * (1 - normalCdf(Math.abs(z)));
  return { s, variance, z, p: Math.min(1, Math.max(0, p)), tau: n > 1 ? s / ((n * (n - 1)) / 2) : 0 };
}

/** Noise scale a step or a slow drift hardly moves: MAD of first differences, scaled to σ (differences have variance 2σ²). */
export function differenceSigma(ys: readonly number[]): number {
  if (ys.length < 3) return Number.NaN;
  const diffs: number[] = [];
  for (let i = 1; i < ys.length; i++) diffs.push(ys[i]! - ys[i - 1]!);
  return (MAD_TO_SIGMA * mad(diffs)) / Math.SQRT2;
}

export interface CusumChange {
  /** Index of the first point after the change (the CUSUM's extreme is at index − 1). */
  index: number;
  /** max|S_k| / (σ̂·√n). */
  statistic: number;
  sigma: number;
  /** Kolmogorov survival of the statistic. */
  p: number;
  meanBefore: number;
  meanAfter: number;
}

/**
 * The CUSUM change-point test: S_k = Σ_{i≤k}(y_i − ȳ); under a constant mean with independent
 * noise, max_k|S_k|/(σ√n) tends to sup|Brownian bridge|. The change is placed after the extreme.
 */
export function cusumChange(ys: readonly number[]): CusumChange | null {
  const n = ys.length;
  if (n < 4) return null;
  const sigma = differenceSigma(ys);
  const m = mean(ys);
  let s = 0;
  let best = 0;
  let at = 0;
  for (let k = 0; k < n - 1; k++) {
    s += ys[k]! - m;
    if (Math.abs(s) > best) {
      best = Math.abs(s);
      at = k;
    }
  }
  if (!(sigma > 0)) return null;
  const statistic = best / (sigma * Math.sqrt(n));
  const index = at + 1;
  return { index, statistic, sigma, p: kolmogorovSurvival(statistic), meanBefore: mean(ys.slice(0, index)), meanAfter: mean(ys.slice(index)) };
}

/**
 * The least-squares split of a two-level step: the index (first point of the second level,
 * at least `minSegment` points each side) whose two means leave the smallest residual sum of
 * squares, the maximum-likelihood location of a single mean shift under Gaussian noise.
 */
export function bestSplit(ys: readonly number[], minSegment: number): { index: number; rss: number } | null {
  const n = ys.length;
  if (n < 2 * minSegment) return null;
  const prefix = new Float64Array(n + 1);
  const prefixSq = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    prefix[i + 1] = prefix[i]! + ys[i]!;
    prefixSq[i + 1] = prefixSq[i]! + ys[i]! ** 2;
  }
  let best: { index: number; rss: number } | null = null;
  for (let k = minSegment; k <= n - minSegment; k++) {
    const left = prefixSq[k]! - prefix[k]! ** 2 / k;
    const right = prefixSq[n]! - prefixSq[k]! - (prefix[n]! - prefix[k]!) ** 2 / (n - k);
    const rss = left + right;
    if (!best || rss < best.rss) best = { index: k, rss };
  }
  return best;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9 after one Newton step). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  // One Halley step against the CDF.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Residual sum of squares of a two-level step at `index` (means before and after). */
export function stepRss(ys: readonly number[], index: number): number {
  const before = ys.slice(0, index);
  const after = ys.slice(index);
  const mb = mean(before);
  const ma = mean(after);
  let rss = 0;
  for (const y of before) rss += (y - mb) ** 2;
  for (const y of after) rss += (y - ma) ** 2;
  return rss;
}

/**
 * Robust z-scores of `values` against the centred median of their neighbours (`halfWidth` on
 * each side, the point itself left out), scaled by the MAD of those residuals: a drift or a
 * step moves the local median with it, a lone spike does not.
 */
export function localRobustZ(values: readonly number[], halfWidth: number): { z: number[]; expected: number[]; scale: number } {
  const n = values.length;
  const expected: number[] = new Array(n);
  const buffer = new Float64Array(2 * halfWidth);
  for (let i = 0; i < n; i++) {
    let from = Math.max(0, i - halfWidth);
    let to = Math.min(n - 1, i + halfWidth);
    // Near either end, keep the window's width by reaching further to the other side.
    if (i - halfWidth < 0) to = Math.min(n - 1, to + (halfWidth - i));
    if (i + halfWidth > n - 1) from = Math.max(0, from - (i + halfWidth - (n - 1)));
    // One reused buffer: this runs once per reading (a year of hourly readings is 8,760 per metric).
    let k = 0;
    for (let j = from; j <= to; j++) if (j !== i) buffer[k++] = values[j]!;
    const neighbours = buffer.subarray(0, k).sort();
    const mid = k >> 1;
    expected[i] = k === 0 ? values[i]! : k % 2 ? neighbours[mid]! : (neighbours[mid - 1]! + neighbours[mid]!) / 2;
  }
  const residuals = values.map((v, i) => v - expected[i]!);
  const scale = MAD_TO_SIGMA * mad(residuals, 0);
  const z = residuals.map((r) => (scale > 0 ? r / scale : 0));
  return { z, expected, scale };
}

/** The q-quantile of Beta(a, b), by bisection on the regularised incomplete beta (60 halvings: below 1e-15). */
export function betaQuantile(q: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, a, b) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
