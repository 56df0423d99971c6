/**
 * Insight latency over a year of readings (issue 28, bar 4; bench/ai.ts calls
 * `measureInsightLatency` and reports it beside the task queue's figures).
 *
 * One member, a year of every hp.health.record type (six, blood pressure giving two series),
 * generated with planted findings (a rising weight, a step in resting heart rate, a few wild
 * glucose readings) at two densities:
 * - daily:  one reading per type per day    (365 × 6 = 2,190 readings, 7 series)
 * - hourly: one reading per type per hour   (8,760 × 6 = 52,560 readings, 7 series)
 * Variants, alternated within each round so load drifts hit both alike:
 * 1. insights: findingsOf (domain/insight-health.ts): series, daily means, Mann–Kendall,
 *    Theil–Sen, least squares, CUSUM, least-squares split, local robust z: what
 *    GET /ai/insights/health computes once the readings are in hand.
 * 2. baseline: one pass computing each series' mean and variance over the same readings, the
 *    floor of any analysis that looks at every reading once.
 * The reading itself (search_read through the gateway) and storing are not in these figures:
 * they are the engine's and the database's cost, measured by their own benches.
 *
 * Run alone: npx tsx bench/ai-insights.ts [--rounds N]   (default 30; ends with one JSON line)
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { findingsOf } from '../services/ai/domain/insight-health.ts';
import { HEALTH_RECORD_TYPES, seriesOf, type HealthReading, type HealthRecordType } from '../services/ai/domain/series-readings.ts';

export interface LatencyFigures {
  readings: number;
  series: number;
  findings: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  baselineP50Ms: number;
  /** insights p50 / baseline p50. */
  overBaseline: number;
}

export interface InsightLatency {
  bench: 'ai-insights';
  rounds: number;
  daily: LatencyFigures;
  hourly: LatencyFigures;
  /** os.loadavg() at the start and at the end (the machine is shared). */
  load: { start: number[]; end: number[] };
}

const LEVELS: Record<HealthRecordType, [number, number]> = {
  steps: [8000, 1500], heart_rate: [68, 3], blood_pressure: [122, 5], blood_glucose: [95, 6], weight: [72, 0.4], sleep_hours: [7, 0.6],
};

/** mulberry32 + Box–Muller: a year of readings, the same for a seed. */
export function yearOfReadings(perDay: number, seed = 2026): HealthReading[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const start = Date.UTC(2025, 11, 1);
  const readings: HealthReading[] = [];
  let id = 1;
  const days = 365;
  for (let day = 0; day < days; day++) {
    for (let slot = 0; slot < perDay; slot++) {
      const at = start + day * 86_400_000 + Math.floor((slot * 86_400_000) / perDay);
      for (const type of HEALTH_RECORD_TYPES) {
        const [level, sd] = LEVELS[type];
        let value = level + sd * normal();
        if (type === 'weight') value += (3 * day) / days;
        if (type === 'heart_rate' && day >= 200) value += 4;
        if (type === 'blood_glucose' && (id % 997 === 0)) value += 60;
        readings.push({ id: id++, userId: 6, recordType: type, value, value2: type === 'blood_pressure' ? 80 + 4 * normal() : null, unit: null, measuredAt: at });
      }
    }
  }
  return readings;
}

function baseline(readings: readonly HealthReading[]): number {
  const sums = new Map<string, [number, number, number]>();
  for (const r of readings) {
    const s = sums.get(r.recordType) ?? [0, 0, 0];
    s[0] += 1;
    s[1] += r.value ?? 0;
    s[2] += (r.value ?? 0) ** 2;
    sums.set(r.recordType, s);
  }
  let acc = 0;
  for (const [n, sum, sq] of sums.values()) acc += sq / n - (sum / n) ** 2;
  return acc;
}

const percentile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

function figuresFor(readings: readonly HealthReading[], rounds: number): LatencyFigures {
  const times: number[] = [];
  const floors: number[] = [];
  let findings = findingsOf(readings);
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    findings = findingsOf(readings);
    const t1 = performance.now();
    baseline(readings);
    const t2 = performance.now();
    times.push(t1 - t0);
    floors.push(t2 - t1);
  }
  times.sort((a, b) => a - b);
  floors.sort((a, b) => a - b);
  const kinds: Record<string, number> = {};
  for (const f of findings) kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
  const p50 = percentile(times, 0.5);
  const base = percentile(floors, 0.5);
  return {
    readings: readings.length, series: seriesOf(readings).length, findings: kinds,
    p50Ms: round3(p50), p95Ms: round3(percentile(times, 0.95)), maxMs: round3(times.at(-1)!), baselineP50Ms: round3(base), overBaseline: round3(p50 / Math.max(base, 1e-6)),
  };
}

/** The insight-latency measurement bench/ai.ts reports: daily and hourly years, `rounds` runs each. */
export async function measureInsightLatency(options: { rounds?: number; seed?: number } = {}): Promise<InsightLatency> {
  const rounds = options.rounds ?? 30;
  const start = os.loadavg().map(round3);
  const daily = figuresFor(yearOfReadings(1, options.seed), rounds);
  const hourly = figuresFor(yearOfReadings(24, options.seed), rounds);
  return { bench: 'ai-insights', rounds, daily, hourly, load: { start, end: os.loadavg().map(round3) } };
}

/**
 * For an end-to-end figure (bench/ai.ts, which runs the ai service with the gateway beside it):
 * plants the same year of readings for `userId` in the database that holds hp.health.record
 * (the monolith while M02 is legacy), in batches, and returns the window to ask for.
 */
export async function plantYearOfReadings(pool: pg.Pool, userId: number, perDay: number, seed?: number): Promise<{ readings: number; to: string; days: number }> {
  const readings = yearOfReadings(perDay, seed);
  for (let i = 0; i < readings.length; i += 5_000) {
    const batch = readings.slice(i, i + 5_000);
    await pool.query(
      `INSERT INTO health_records (user_id, record_type, value, value2, measured_at, source)
       SELECT $1, t.record_type, t.value, t.value2, to_timestamp(t.at / 1000.0) at time zone 'UTC', 'device'
         FROM unnest($2::varchar[], $3::float8[], $4::float8[], $5::float8[]) AS t(record_type, value, value2, at)`,
      [userId, batch.map((r) => r.recordType), batch.map((r) => r.value), batch.map((r) => r.value2 ?? 0), batch.map((r) => r.measuredAt)],
    );
  }
  const last = readings.at(-1)!.measuredAt;
  return { readings: readings.length, to: new Date(last + 86_400_000).toISOString(), days: 366 };
}

/** p50/p95/max of `rounds` calls of `request` (e.g. GET /ai/insights/health for a planted member), one at a time. */
export async function measureRequests(request: () => Promise<void>, rounds = 10): Promise<{ p50Ms: number; p95Ms: number; maxMs: number }> {
  await request();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await request();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: round3(percentile(times, 0.5)), p95Ms: round3(percentile(times, 0.95)), maxMs: round3(times.at(-1)!) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const flag = process.argv.indexOf('--rounds');
  const rounds = flag > 0 ? Number(process.argv[flag + 1]) : 30;
  const result = await measureInsightLatency({ rounds });
  console.log(`daily  (${result.daily.readings} readings): p50 ${result.daily.p50Ms} ms, p95 ${result.daily.p95Ms} ms (baseline p50 ${result.daily.baselineP50Ms} ms), findings ${JSON.stringify(result.daily.findings)}`);
  console.log(`hourly (${result.hourly.readings} readings): p50 ${result.hourly.p50Ms} ms, p95 ${result.hourly.p95Ms} ms (baseline p50 ${result.hourly.baselineP50Ms} ms), findings ${JSON.stringify(result.hourly.findings)}`);
  console.log(JSON.stringify(result));
}
