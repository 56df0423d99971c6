import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pacingOf, PRIOR_IMPRESSIONS, scoreCampaigns, type CampaignFacts } from '../../../services/ai/domain/scoring-ads.ts';
import { RISK_INTERCEPT, riskScore } from '../../../services/ai/domain/scoring-risk.ts';
import { betaQuantile } from '../../../services/ai/domain/series-statistics.ts';
import { startAiAnalysisSide, type AiAnalysisSide } from './insight-sides.ts';

const campaign = (over: Partial<CampaignFacts>): CampaignFacts => ({ id: 1, name: 'c', state: 'running', budget: 1000, spent: 500, bidCpm: 10, startDate: '2026-12-01', endDate: '2026-12-10', impressions: 0, clicks: 0, ...over });

describe('scoring: the formulas', () => {
  it('Beta quantiles match closed forms', () => {
    expect(betaQuantile(0.5, 1, 1)).toBeCloseTo(0.5, 10);
    expect(betaQuantile(0.25, 1, 1)).toBeCloseTo(0.25, 10);
    // Beta(2, 1): CDF x², so the q-quantile is √q.
    expect(betaQuantile(0.81, 2, 1)).toBeCloseTo(0.9, 10);
  });

  it('pulls a campaign with few impressions towards the platform CTR, and ranks by the posterior', () => {
    const { platformCtr, scores } = scoreCampaigns([
      campaign({ id: 1, impressions: 10_000, clicks: 300 }),
      campaign({ id: 2, impressions: 5, clicks: 2 }),
    ], new Date('2026-12-05T12:00:00Z'));
    expect(platformCtr).toBeCloseTo(302 / 10_005, 8);
    const lucky = scores.find((s) => s.campaignId === 2)!;
    expect(lucky.features.observedCtr).toBe(0.4);
    expect(lucky.features.posteriorCtr).toBeCloseTo((2 + platformCtr * PRIOR_IMPRESSIONS) / (5 + PRIOR_IMPRESSIONS), 6);
    expect(lucky.features.posteriorCtr).toBeLessThan(0.05);
    for (const s of scores) {
      expect(s.features.credibleInterval[0]).toBeLessThanOrEqual(s.features.posteriorCtr);
      expect(s.features.credibleInterval[1]).toBeGreaterThanOrEqual(s.features.posteriorCtr);
    }
  });

  it('pacing: spend against elapsed flight time', () => {
    const at = new Date('2026-12-05T12:00:00Z'); // 4.5 of 10 days
    expect(pacingOf(campaign({ spent: 900 }), at).suggestion).toBe('slow_down');
    expect(pacingOf(campaign({ spent: 100 }), at)).toMatchObject({ suggestion: 'speed_up', suggestedBidCpm: 20 });
    expect(pacingOf(campaign({ spent: 450 }), at).suggestion).toBe('on_pace');
    expect(pacingOf(campaign({ spent: 1000 }), at).suggestion).toBe('budget_exhausted');
    expect(pacingOf(campaign({ state: 'paused' }), at).suggestion).toBe('not_running');
    const slow = pacingOf(campaign({ spent: 900 }), at);
    expect(slow.suggestedBidCpm).toBeCloseTo(10 / slow.ratio!, 6);
  });

  it('the risk score is the logistic of the intercept plus the listed contributions', () => {
    const scored = riskScore({ anomalies: 2, criticalAnomalies: 1, adverseTrends: 1, assessmentScore: 0.8, highRiskAssessment: 1, inactivity: 0 });
    const z = RISK_INTERCEPT + scored.features.reduce((s, f) => s + f.contribution, 0);
    expect(scored.score).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
    expect(scored.band).toBe('high');
    expect(riskScore({ anomalies: 0, criticalAnomalies: 0, adverseTrends: 0, assessmentScore: 0, highRiskAssessment: 0, inactivity: 0 }).band).toBe('low');
  });
});

describe('POST /ai/scoring/risk and /ai/scoring/ads (everything in phase legacy)', () => {
  let side: AiAnalysisSide;
  const OPERATOR = 302;
  const MERCHANT = 286;
  const RISKY = 8;
  const QUIET = 9;

  beforeAll(async () => {
    side = await startAiAnalysisSide('legacy');
    // RISKY: 40 days of rising weight with two wild readings, recent, and a high-risk assessment.
    const end = Date.now() - 86_400_000;
    for (let d = 0; d < 40; d++) {
      const at = new Date(end - (39 - d) * 86_400_000);
      const value = d === 20 ? 140 : d === 30 ? 20 : 70 + d * 0.3 + Math.sin(d * 1.7) * 0.4;
      await side.legacy.query(`INSERT INTO health_records (user_id, record_type, value, unit, measured_at, source) VALUES ($1, 'weight', $2, 'kg', $3, 'manual')`, [RISKY, value, at.toISOString().slice(0, 19).replace('T', ' ')]);
    }
    await side.legacy.query(`INSERT INTO assessments (user_id, coach_id, assessment_type, score, risk_level, assessed_at) VALUES ($1, 246, (SELECT assessment_type FROM assessments LIMIT 1), 85, 'high', now() at time zone 'UTC')`, [RISKY]);
  }, 240_000);
  afterAll(async () => side?.stop());

  it('scores members for an operator, features listed, the planted member first', async () => {
    const answer = await side.rest('POST', '/ai/scoring/risk', OPERATOR, { memberIds: [QUIET, RISKY] });
    expect(answer.status, answer.text).toBe(200);
    const [first, second] = answer.body.members;
    expect(first.memberId).toBe(RISKY);
    expect(first.band).toBe('high');
    const feature = (m: any, name: string) => m.features.find((f: any) => f.feature === name).value;
    expect(feature(first, 'anomalies')).toBeGreaterThanOrEqual(2);
    expect(feature(first, 'adverseTrends')).toBeGreaterThanOrEqual(1);
    expect(feature(first, 'highRiskAssessment')).toBe(1);
    expect(feature(first, 'assessmentScore')).toBe(0.85);
    expect(second.score).toBeLessThan(first.score);
    const z = answer.body.method.intercept + first.features.reduce((s: number, f: any) => s + f.contribution, 0);
    expect(first.score).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
  });

  it('refuses risk scores to members and coaches (403)', async () => {
    expect((await side.rest('POST', '/ai/scoring/risk', RISKY, { memberIds: [RISKY] })).status).toBe(403);
    expect((await side.rest('POST', '/ai/scoring/risk', 246, { memberIds: [RISKY] })).status).toBe(403);
  });

  it("scores the campaigns a merchant reads, with the monolith's impression and click counts", async () => {
    const answer = await side.rest('POST', '/ai/scoring/ads', MERCHANT, { at: '2026-11-20T00:00:00Z' });
    expect(answer.status, answer.text).toBe(200);
    const { rows } = await side.legacy.query<{ id: number; impressions: string; clicks: string }>(
      'SELECT c.id, count(i.id) AS impressions, count(i.id) FILTER (WHERE i.clicked) AS clicks FROM ad_campaigns c LEFT JOIN ad_impressions i ON i.campaign_id = c.id GROUP BY c.id');
    expect(answer.body.campaigns).toHaveLength(rows.length);
    for (const row of rows) {
      const scored = answer.body.campaigns.find((c: any) => c.campaignId === row.id);
      expect(scored.features).toMatchObject({ impressions: Number(row.impressions), clicks: Number(row.clicks) });
    }
    const scores = answer.body.campaigns.map((c: any) => c.score);
    expect([...scores].sort((a: number, b: number) => b - a)).toEqual(scores);
    expect((await side.rest('POST', '/ai/scoring/ads', 6, {})).status).toBe(403);
  });
});
