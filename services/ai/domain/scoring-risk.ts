import type { DetectedInsight } from './insight-detection.ts';
import type { HealthReading, MetricName } from './series-readings.ts';

/**
 * A member's health-risk score for operators: a logistic function of six features with weights
 * set by hand (stated here, NOT fitted to outcomes: the platform has no labelled outcomes to fit
 * them to), so the score ranks members for review and is no probability of any event.
 *
 *   z = INTERCEPT + Σ weight_i · x_i,   score = 1 / (1 + e^(−z))
 *
 * band: high from 0.5, medium from 0.2, else low.
 */
export const RISK_INTERCEPT = -3;
export const RISK_WEIGHTS = {
  /** Anomalous readings in the window (capped at 5). */
  anomalies: 0.5,
  /** Critical anomalies (|z| ≥ 6) in the window (capped at 3). */
  criticalAnomalies: 0.7,
  /** Trends or shifts in the worse direction (weight, glucose, blood pressure or heart rate up; steps or sleep down). */
  adverseTrends: 0.8,
  /** The latest assessment's score / 100 (0 when none). */
  assessmentScore: 2.5,
  /** 1 when the latest assessment's risk level is high. */
  highRiskAssessment: 1,
  /** Days since the last reading / 90 (capped at 1; 1 with no reading): silence is a risk of its own. */
  inactivity: 1,
} as const;

export type RiskFeature = keyof typeof RISK_WEIGHTS;

const HIGHER_IS_WORSE: ReadonlySet<MetricName> = new Set(['weight', 'blood_glucose', 'blood_pressure_systolic', 'blood_pressure_diastolic', 'heart_rate']);

export interface RiskInputs {
  findings: readonly DetectedInsight[];
  readings: readonly HealthReading[];
  assessment: { score: number | null; riskLevel: string | null } | null;
  now: Date;
}

export function riskFeatures(inputs: RiskInputs): Record<RiskFeature, number> {
  const anomalies = inputs.findings.filter((f) => f.kind === 'anomaly');
  const adverse = inputs.findings.filter((f) => {
    if (f.kind === 'anomaly') return false;
    const change = Number(f.kind === 'trend' ? f.data.changeOverWindow : f.data.shift);
    return HIGHER_IS_WORSE.has(f.metric) ? change > 0 : change < 0;
  });
  const last = inputs.readings.reduce((max, r) => Math.max(max, r.measuredAt), Number.NEGATIVE_INFINITY);
  const days = Number.isFinite(last) ? (inputs.now.getTime() - last) / 86_400_000 : Number.POSITIVE_INFINITY;
  return {
    anomalies: Math.min(5, anomalies.length),
    criticalAnomalies: Math.min(3, anomalies.filter((f) => f.severity === 'critical').length),
    adverseTrends: adverse.length,
    assessmentScore: Math.min(1, Math.max(0, (inputs.assessment?.score ?? 0) / 100)),
    highRiskAssessment: inputs.assessment?.riskLevel === 'high' ? 1 : 0,
    inactivity: Math.min(1, Math.max(0, days / 90)),
  };
}

export interface RiskScore {
  score: number;
  band: 'low' | 'medium' | 'high';
  intercept: number;
  features: Array<{ feature: RiskFeature; value: number; weight: number; contribution: number }>;
}

export function riskScore(features: Record<RiskFeature, number>): RiskScore {
  const rows = (Object.keys(RISK_WEIGHTS) as RiskFeature[]).map((feature) => {
    const value = Math.round(features[feature] * 1e6) / 1e6;
    return { feature, value, weight: RISK_WEIGHTS[feature], contribution: Math.round(RISK_WEIGHTS[feature] * value * 1e6) / 1e6 };
  });
  const z = RISK_INTERCEPT + rows.reduce((s, r) => s + r.weight * r.value, 0);
  const score = Math.round((1 / (1 + Math.exp(-z))) * 1e6) / 1e6;
  return { score, band: score >= 0.5 ? 'high' : score >= 0.2 ? 'medium' : 'low', intercept: RISK_INTERCEPT, features: rows };
}
