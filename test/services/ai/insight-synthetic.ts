import type { HealthReading, HealthRecordType } from '../../../services/ai/domain/series-readings.ts';

/**
 * Seeded synthetic health series with planted findings, for the accuracy tests: Gaussian noise
 * around a level, plus one of a linear trend, a step (change-point) or nothing, plus 0–3 lone
 * spikes. Everything is drawn from one seeded generator, so a run is reproducible from its seed.
 */
export type PlantedShape = 'none' | 'trend' | 'step';

export interface PlantedSeries {
  shape: PlantedShape;
  /** For a step: the index (in days) of the first day at the new level. */
  stepDay: number | null;
  /** Ids of the readings made anomalous. */
  anomalyIds: Set<number>;
  readings: HealthReading[];
}

/** mulberry32: a small, well-mixed 32-bit PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

const START = Date.UTC(2026, 0, 1, 7, 0, 0);
const DAY = 86_400_000;

export interface SeriesOptions {
  shape: PlantedShape;
  days: number;
  readingsPerDay: number;
  spikes: number;
  userId?: number;
  firstId?: number;
  recordType?: HealthRecordType;
}

/**
 * A planted series of `days` days. Noise σ = 1 around a level of 70 (so "10% of the level" is
 * 7σ); a trend changes the level by 3–6σ over the window, a step by 1.5–3σ at a day between
 * 20% and 80% of the window; a spike is ±6–10σ on one reading away from the window's ends and
 * from the step.
 */
export function plantedSeries(random: () => number, options: SeriesOptions): PlantedSeries {
  const normal = gaussian(random);
  const { days, readingsPerDay, shape } = options;
  const sign = random() < 0.5 ? -1 : 1;
  const totalTrend = shape === 'trend' ? sign * (3 + 3 * random()) : 0;
  const stepDay = shape === 'step' ? Math.floor(days * (0.2 + 0.6 * random())) : null;
  const stepSize = shape === 'step' ? sign * (1.5 + 1.5 * random()) : 0;
  const readings: HealthReading[] = [];
  let id = options.firstId ?? 1;
  for (let day = 0; day < days; day++) {
    for (let r = 0; r < readingsPerDay; r++) {
      const level = 70 + (totalTrend * day) / (days - 1) + (stepDay !== null && day >= stepDay ? stepSize : 0);
      readings.push({
        id: id++, userId: options.userId ?? 1, recordType: options.recordType ?? 'heart_rate', value: level + normal(), value2: null, unit: 'bpm',
        measuredAt: START + day * DAY + Math.floor((r * DAY) / readingsPerDay),
      });
    }
  }
  const anomalyIds = new Set<number>();
  const margin = Math.max(3, readingsPerDay * 2);
  for (let s = 0; s < options.spikes; s++) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const i = margin + Math.floor(random() * (readings.length - 2 * margin));
      const reading = readings[i]!;
      const day = Math.floor((reading.measuredAt - START) / DAY);
      const nearStep = stepDay !== null && Math.abs(day - stepDay) <= 1;
      const nearSpike = [...anomalyIds].some((other) => Math.abs(other - reading.id) <= 6);
      if (nearStep || nearSpike) continue;
      reading.value = reading.value! + (random() < 0.5 ? -1 : 1) * (6 + 4 * random());
      anomalyIds.add(reading.id);
      break;
    }
  }
  return { shape, stepDay, anomalyIds, readings };
}
