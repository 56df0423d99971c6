import { createHash } from 'node:crypto';
import { analyseSeries, INSIGHT_METHODS, type DetectedInsight } from './insight-detection.ts';
import { memberReadings, readerRelation, type Caller, type MemberDataPorts, type ReaderRelation } from './insight-access.ts';
import type { StoredInsight } from './insight-records.ts';
import { DAY_MS, seriesOf, type HealthReading, type MetricName } from './series-readings.ts';

/** How the answers name what produced them: statistics, not a model. */
export const INSIGHT_PROVIDER = { name: 'local-statistics', kind: 'statistics', model: null, description: 'Textbook statistical tests over the member\'s own readings; no machine-learning model, no language model.' } as const;

export const DEFAULT_WINDOW_DAYS = 90;
export const MAX_WINDOW_DAYS = 730;

export interface InsightRequest {
  caller: Caller;
  memberId: number;
  /** End of the window (exclusive); now when absent. */
  to?: Date;
  days?: number;
  metric?: MetricName;
}

/** Which readings went in: the model and reader, how many, whose, and a digest of their ids (sha256 of the ascending ids joined by commas). */
export interface InsightInputs {
  model: 'hp.health.record';
  readAs: { uid: number; relation: ReaderRelation };
  readings: number;
  userIds: number[];
  recordIdsSha256: string;
}

export interface HealthInsightAnswer {
  memberId: number;
  window: { from: string; to: string; days: number };
  inputs: InsightInputs;
  provider: typeof INSIGHT_PROVIDER;
  methods: typeof INSIGHT_METHODS;
  insights: Array<StoredInsight & { kind: DetectedInsight['kind']; metric: MetricName }>;
}

export interface InsightPorts extends MemberDataPorts {
  /** Stores the findings in M16's home (insights) and returns their rows. */
  store(memberId: number, uid: number, findings: readonly DetectedInsight[]): Promise<StoredInsight[]>;
}

export function recordIdsDigest(readings: readonly Pick<HealthReading, 'id'>[]): string {
  return createHash('sha256').update(readings.map((r) => r.id).sort((a, b) => a - b).join(',')).digest('hex');
}

/** The statistics of a set of readings (one member's), every metric or one. */
export function findingsOf(readings: readonly HealthReading[], metric?: MetricName): DetectedInsight[] {
  return seriesOf(readings).filter((s) => !metric || s.metric === metric).flatMap(analyseSeries);
}

/**
 * GET /ai/insights/health: who may ask is decided first (insight-access.ts), the member's
 * readings of the window are read as the caller where they live, analysed, and the findings
 * stored in insights (once each) and returned with the numbers behind them.
 */
export async function healthInsights(ports: InsightPorts, request: InsightRequest, now: Date = new Date()): Promise<HealthInsightAnswer> {
  const { caller, memberId } = request;
  const relation = await readerRelation(caller, memberId, ports);
  const days = request.days ?? DEFAULT_WINDOW_DAYS;
  const to = request.to ?? now;
  const from = new Date(to.getTime() - days * DAY_MS);
  const readings = await memberReadings(ports, caller.uid, memberId, from, to);
  const findings = findingsOf(readings, request.metric);
  const stored = await ports.store(memberId, caller.uid, findings);
  return {
    memberId,
    window: { from: from.toISOString(), to: to.toISOString(), days },
    inputs: {
      model: 'hp.health.record', readAs: { uid: caller.uid, relation }, readings: readings.length,
      userIds: [...new Set(readings.map((r) => r.userId))].sort((a, b) => a - b), recordIdsSha256: recordIdsDigest(readings),
    },
    provider: INSIGHT_PROVIDER,
    methods: INSIGHT_METHODS,
    insights: stored.map((row, i) => ({ ...row, kind: findings[i]!.kind, metric: findings[i]!.metric })),
  };
}
