/**
 * A member's hp.health.record rows as time series: one series per measured quantity
 * (record_type; blood pressure gives two, systolic `value` and diastolic `value2`), readings in
 * time order, and their UTC daily means (trend and change-point tests run on days, so a year of
 * hourly readings is 365 points and an uneven number of readings per day weighs nothing).
 */

export const HEALTH_RECORD_TYPES = ['steps', 'heart_rate', 'blood_pressure', 'blood_glucose', 'weight', 'sleep_hours'] as const;
export type HealthRecordType = (typeof HEALTH_RECORD_TYPES)[number];

/** The fields of hp.health.record the analysis reads. */
export interface HealthReading {
  id: number;
  userId: number;
  recordType: HealthRecordType;
  value: number | null;
  value2: number | null;
  unit: string | null;
  /** UTC milliseconds. */
  measuredAt: number;
}

/** steps, heart_rate, …, and blood_pressure's two values as blood_pressure_systolic / blood_pressure_diastolic. */
export type MetricName = Exclude<HealthRecordType, 'blood_pressure'> | 'blood_pressure_systolic' | 'blood_pressure_diastolic';

export interface SeriesPoint {
  /** The hp.health.record id the value comes from. */
  id: number;
  at: number;
  value: number;
}

export interface MetricSeries {
  metric: MetricName;
  unit: string | null;
  points: SeriesPoint[];
}

export interface DailyPoint {
  /** Days since 1970-01-01 UTC. */
  day: number;
  value: number;
  readings: number;
}

export const DAY_MS = 86_400_000;

/** One series per metric, each in time order (then id, as hp.health.record's own order breaks ties). */
export function seriesOf(readings: readonly HealthReading[]): MetricSeries[] {
  const byMetric = new Map<MetricName, MetricSeries>();
  const add = (metric: MetricName, unit: string | null, point: SeriesPoint) => {
    let series = byMetric.get(metric);
    if (!series) byMetric.set(metric, (series = { metric, unit, points: [] }));
    series.points.push(point);
  };
  for (const r of readings) {
    if (r.recordType === 'blood_pressure') {
      if (r.value !== null && Number.isFinite(r.value)) add('blood_pressure_systolic', r.unit, { id: r.id, at: r.measuredAt, value: r.value });
      if (r.value2 !== null && Number.isFinite(r.value2) && r.value2 !== 0) add('blood_pressure_diastolic', r.unit, { id: r.id, at: r.measuredAt, value: r.value2 });
    } else if (r.value !== null && Number.isFinite(r.value)) {
      add(r.recordType, r.unit, { id: r.id, at: r.measuredAt, value: r.value });
    }
  }
  const all = [...byMetric.values()];
  for (const s of all) s.points.sort((a, b) => a.at - b.at || a.id - b.id);
  return all.sort((a, b) => a.metric.localeCompare(b.metric));
}

/** The UTC daily means of a series, in day order. */
export function dailyMeans(points: readonly SeriesPoint[]): DailyPoint[] {
  const days = new Map<number, { sum: number; n: number }>();
  for (const p of points) {
    const day = Math.floor(p.at / DAY_MS);
    const d = days.get(day);
    if (d) {
      d.sum += p.value;
      d.n += 1;
    } else days.set(day, { sum: p.value, n: 1 });
  }
  return [...days.entries()].sort((a, b) => a[0] - b[0]).map(([day, d]) => ({ day, value: d.sum / d.n, readings: d.n }));
}

export const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
