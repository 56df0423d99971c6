import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseSeries, type DetectedInsight } from '../../../services/ai/domain/insight-detection.ts';
import { DAY_MS, seriesOf } from '../../../services/ai/domain/series-readings.ts';
import { plantedSeries, seededRandom, type PlantedSeries, type PlantedShape } from './insight-synthetic.ts';

/**
 * Bar 2 of issue 28: the insights on synthetic series with planted trends, change-points and
 * anomalies, scored per kind. Precision and recall are printed and held above stated floors.
 * The generator is seeded, so the figures are the same on every run.
 */
const SEED = 28_2026;
const SERIES_PER_SHAPE = 90;
const DAY_CHOICES = [60, 120, 365] as const;
const READINGS_PER_DAY = [1, 3, 24] as const;
const CHANGE_TOLERANCE_DAYS = 3;

/** Floors (a few points under what the seeded run measures, see the printed table). */
const FLOORS = {
  trend: { precision: 0.95, recall: 0.95 },
  change_point: { precision: 0.9, recall: 0.9 },
  anomaly: { precision: 0.95, recall: 0.95 },
} as const;

interface Tally { tp: number; fp: number; fn: number }
const tally = (): Tally => ({ tp: 0, fp: 0, fn: 0 });
const precision = (t: Tally) => (t.tp + t.fp ? t.tp / (t.tp + t.fp) : 1);
const recall = (t: Tally) => (t.tp + t.fn ? t.tp / (t.tp + t.fn) : 1);

function score(planted: PlantedSeries, found: DetectedInsight[], totals: Record<'trend' | 'change_point' | 'anomaly', Tally>) {
  const trend = found.some((f) => f.kind === 'trend');
  if (planted.shape === 'trend') trend ? totals.trend.tp++ : totals.trend.fn++;
  else if (trend) totals.trend.fp++;

  const first = planted.readings[0]!.measuredAt;
  const firstDay = Math.floor(first / DAY_MS);
  const changes = found.filter((f) => f.kind === 'change_point').map((f) => Math.floor(Date.parse(`${String(f.data.changeAt)}T00:00:00Z`) / DAY_MS) - firstDay);
  if (planted.shape === 'step') {
    const hit = changes.some((day) => Math.abs(day - planted.stepDay!) <= CHANGE_TOLERANCE_DAYS);
    hit ? totals.change_point.tp++ : totals.change_point.fn++;
    totals.change_point.fp += changes.filter((day) => Math.abs(day - planted.stepDay!) > CHANGE_TOLERANCE_DAYS).length;
  } else totals.change_point.fp += changes.length;

  const flagged = new Set(found.filter((f) => f.kind === 'anomaly').map((f) => f.data.recordId as number));
  for (const id of flagged) planted.anomalyIds.has(id) ? totals.anomaly.tp++ : totals.anomaly.fp++;
  for (const id of planted.anomalyIds) if (!flagged.has(id)) totals.anomaly.fn++;
}

describe('health insights on planted synthetic series', () => {
  it(`finds planted trends, change-points and anomalies above the floors (seed ${SEED}, ${3 * SERIES_PER_SHAPE} series)`, () => {
    const random = seededRandom(SEED);
    const totals = { trend: tally(), change_point: tally(), anomaly: tally() };
    const shapes: PlantedShape[] = ['none', 'trend', 'step'];
    let readings = 0;
    for (const shape of shapes) {
      for (let i = 0; i < SERIES_PER_SHAPE; i++) {
        const days = DAY_CHOICES[i % DAY_CHOICES.length]!;
        const readingsPerDay = READINGS_PER_DAY[Math.floor(i / DAY_CHOICES.length) % READINGS_PER_DAY.length]!;
        const planted = plantedSeries(random, { shape, days, readingsPerDay, spikes: i % 4 });
        readings += planted.readings.length;
        const [series] = seriesOf(planted.readings);
        score(planted, analyseSeries(series!), totals);
      }
    }
    const rows = Object.entries(totals).map(([kind, t]) => ({ kind, ...t, precision: Number(precision(t).toFixed(3)), recall: Number(recall(t).toFixed(3)), floors: FLOORS[kind as keyof typeof FLOORS] }));
    console.log(`insight accuracy (seed ${SEED}, ${3 * SERIES_PER_SHAPE} series, ${readings} readings):\n${rows.map((r) => `  ${r.kind.padEnd(12)} tp ${r.tp} fp ${r.fp} fn ${r.fn}  precision ${r.precision} (floor ${r.floors.precision})  recall ${r.recall} (floor ${r.floors.recall})`).join('\n')}`);
    for (const r of rows) {
      expect.soft(r.precision, `${r.kind} precision`).toBeGreaterThanOrEqual(r.floors.precision);
      expect.soft(r.recall, `${r.kind} recall`).toBeGreaterThanOrEqual(r.floors.recall);
    }
  });

  it('answers the same findings for a member whose readings are rescaled and shifted (a > 0): the tests are affine-invariant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom<PlantedShape>('none', 'trend', 'step'), fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: -1000, max: 1000, noNaN: true }), (seed, shape, a, b) => {
        const planted = plantedSeries(seededRandom(seed), { shape, days: 40, readingsPerDay: 2, spikes: 2 });
        const moved = planted.readings.map((r) => ({ ...r, value: a * r.value! + b }));
        const kinds = (found: DetectedInsight[]) => found.map((f) => `${f.kind}:${String(f.data.recordId ?? f.data.changeAt ?? '')}`).sort();
        expect(kinds(analyseSeries(seriesOf(moved)[0]!))).toEqual(kinds(analyseSeries(seriesOf(planted.readings)[0]!)));
      }),
      { numRuns: 60, seed: SEED },
    );
  });

  it('finds nothing in a constant series and nothing in too short a one', () => {
    const flat = Array.from({ length: 60 }, (_, i) => ({ id: i + 1, userId: 1, recordType: 'weight' as const, value: 70, value2: null, unit: 'kg', measuredAt: Date.UTC(2026, 0, 1) + i * DAY_MS }));
    expect(analyseSeries(seriesOf(flat)[0]!)).toEqual([]);
    const short = flat.slice(0, 10).map((r, i) => ({ ...r, value: 70 + i * 5 }));
    expect(analyseSeries(seriesOf(short)[0]!)).toEqual([]);
  });
});
