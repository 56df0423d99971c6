import type { DetectedInsight } from './insight-detection.ts';
import type { HealthReading, MetricName } from './series-readings.ts';

/**
 * Suggestions for a coach from a member's recent data, by fixed rules and fixed templates (no
 * model): each names the finding or fact it comes from and carries its numbers, so the coach can
 * see why it is there. A configured OpenAI-compatible provider may re-phrase the texts
 * (consult-assist.ts); the rules and the data behind each suggestion stay these.
 *
 * Direction matters per metric: more steps and sleep is good, more weight, glucose, blood
 * pressure or resting heart rate is a concern.
 */
export type SuggestionPriority = 'high' | 'medium' | 'low';

export interface Suggestion {
  /** The template that wrote `text`. */
  template: string;
  priority: SuggestionPriority;
  text: string;
  /** The finding or fact behind it, with its numbers. */
  basis: { kind: string; metric?: MetricName; insightId?: number; data: Record<string, unknown> };
}

const HIGHER_IS_WORSE: ReadonlySet<MetricName> = new Set(['weight', 'blood_glucose', 'blood_pressure_systolic', 'blood_pressure_diastolic', 'heart_rate']);
const words = (metric: MetricName) => metric.replace(/_/g, ' ');
export const QUIET_DAYS = 7;

export interface RecentFacts {
  readings: readonly HealthReading[];
  /** The coach's latest assessment of the member (hp.assessment the coach may read), if any. */
  assessment: { id: number; score: number | null; riskLevel: string | null; assessedAt: string | null } | null;
  now: Date;
}

export function suggestionsFor(findings: ReadonlyArray<DetectedInsight & { id?: number }>, facts: RecentFacts): Suggestion[] {
  const out: Suggestion[] = [];
  for (const f of findings) {
    const basis = { kind: f.kind, metric: f.metric, ...(f.id !== undefined ? { insightId: f.id } : {}), data: f.data };
    if (f.kind === 'trend' || f.kind === 'change_point') {
      const change = Number(f.kind === 'trend' ? f.data.changeOverWindow : f.data.shift);
      const worse = HIGHER_IS_WORSE.has(f.metric) ? change > 0 : change < 0;
      const how = f.kind === 'trend' ? `has ${change > 0 ? 'risen' : 'fallen'} steadily` : `shifted ${change > 0 ? 'up' : 'down'} from ${String(f.data.changeAt)}`;
      out.push(worse
        ? { template: `consult.${f.kind}.concern`, priority: f.severity === 'warning' ? 'high' : 'medium', basis,
            text: `The member's ${words(f.metric)} ${how} (${f.summary}). Ask what changed in routine, diet or medication, and agree one small step to reverse it.` }
        : { template: `consult.${f.kind}.progress`, priority: 'low', basis,
            text: `The member's ${words(f.metric)} ${how}, in a good direction (${f.summary}). Acknowledge the progress and ask what helped.` });
    } else if (f.kind === 'anomaly') {
      out.push({ template: 'consult.anomaly.check', priority: f.severity === 'critical' ? 'high' : 'medium', basis,
        text: `One ${words(f.metric)} reading stands out (${f.summary}). Check whether it was a measuring error; if it was real, ask how the member felt then.` });
    }
  }
  const last = facts.readings.reduce((max, r) => Math.max(max, r.measuredAt), Number.NEGATIVE_INFINITY);
  const quietDays = Number.isFinite(last) ? Math.floor((facts.now.getTime() - last) / 86_400_000) : null;
  if (quietDays === null || quietDays >= QUIET_DAYS) {
    out.push({ template: 'consult.no_recent_data', priority: 'medium', basis: { kind: 'no_recent_data', data: { daysSinceLastReading: quietDays, threshold: QUIET_DAYS, readings: facts.readings.length } },
      text: quietDays === null ? 'The member has recorded no health data in the window. Suggest one simple daily measurement to start with.' : `The member has recorded nothing for ${quietDays} days. A short check-in may help them restart.` });
  }
  if (facts.assessment && facts.assessment.riskLevel === 'high') {
    out.push({ template: 'consult.assessment.high_risk', priority: 'high', basis: { kind: 'assessment', data: { ...facts.assessment } },
      text: `Your latest assessment rated the member high risk (score ${facts.assessment.score ?? 'n/a'}). Review it with them and consider a referral.` });
  }
  const rank = { high: 0, medium: 1, low: 2 } as const;
  return out.sort((a, b) => rank[a.priority] - rank[b.priority]);
}
