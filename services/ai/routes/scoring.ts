import { defineRoute, problems } from '../../kit/index.ts';
import type { AiDatabase } from '../db/tables.ts';
import { AiRefused } from '../domain/generation-refusal.ts';
import { memberReadings } from '../domain/insight-access.ts';
import { findingsOf } from '../domain/insight-health.ts';
import { PACING_TOLERANCE, PRIOR_IMPRESSIONS, CREDIBLE_MASS, scoreCampaigns, type CampaignFacts } from '../domain/scoring-ads.ts';
import { RISK_INTERCEPT, RISK_WEIGHTS, riskFeatures, riskScore } from '../domain/scoring-risk.ts';
import { DAY_MS } from '../domain/series-readings.ts';
import { callerOf } from './insights.ts';
import { callAs, latestAssessmentThrough, memberDataThrough, numberOf } from './insights-sources.ts';
import { asProblems } from './rest-access.ts';

type Many2one = [number, string] | false;

interface RiskBody {
  memberIds: number[];
  days?: number;
}

/**
 * POST /ai/scoring/risk (for ops): each member's health-risk score, a logistic function of six
 * features with hand-set weights (domain/scoring-risk.ts: anomalies, critical anomalies, adverse
 * trends, latest assessment score, high-risk assessment, inactivity), every feature's value,
 * weight and contribution listed. Operators only (403 otherwise); the readings and assessments
 * are read through the gateway as the operator.
 */
export const riskScoringRoute = defineRoute<AiDatabase, RiskBody>({
  method: 'post',
  path: '/ai/scoring/risk',
  summary: "Members' health-risk scores for operators: logistic score with stated, hand-set weights over listed features (not a fitted model)",
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/ai/scoring-risk-request.json',
  responses: { 200: 'rest/ai/scoring-risk.json' },
  async handler(ctx) {
    const caller = await callerOf(ctx);
    const days = ctx.body.days ?? 90;
    const now = new Date();
    const answer = await asProblems((async () => {
      if (!caller.isOperator) throw new AiRefused('access', 'Risk scores are for platform operators.');
      const data = memberDataThrough(ctx.platform.odoo);
      const assessment = latestAssessmentThrough(ctx.platform.odoo);
      const members = [];
      for (const memberId of [...new Set(ctx.body.memberIds)]) {
        const readings = await memberReadings(data, caller.uid, memberId, new Date(now.getTime() - days * DAY_MS), now);
        const latest = await assessment(caller.uid, memberId);
        const scored = riskScore(riskFeatures({ findings: findingsOf(readings), readings, assessment: latest, now }));
        members.push({ memberId, ...scored, inputs: { readings: readings.length, assessmentId: latest?.id ?? null } });
      }
      members.sort((a, b) => b.score - a.score || a.memberId - b.memberId);
      return {
        method: { kind: 'logistic score with hand-set weights (not fitted to outcomes; ranks members for review, is no probability)', intercept: RISK_INTERCEPT, weights: RISK_WEIGHTS, bands: { high: 0.5, medium: 0.2 }, windowDays: days },
        members,
      };
    })());
    return { status: 200, body: answer };
  },
});

interface AdsBody {
  campaignIds?: number[];
  at?: string;
}

/**
 * POST /ai/scoring/ads (for ec): campaigns ranked by their CTR under a Beta prior, with a 90%
 * credible interval, cost per impression, and a pacing suggestion (domain/scoring-ads.ts).
 * Campaigns and impressions are read through the gateway as the caller: merchants, operators
 * and admins (hp_ads's ACL); anyone else 403.
 */
export const adScoringRoute = defineRoute<AiDatabase, AdsBody>({
  method: 'post',
  path: '/ai/scoring/ads',
  summary: 'Ad campaigns scored by click-through rate with a Beta prior (credible interval) and a pacing suggestion (statistics, not a model)',
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/ai/scoring-ads-request.json',
  responses: { 200: 'rest/ai/scoring-ads.json' },
  async handler(ctx) {
    const call = callAs(ctx.platform.odoo);
    const uid = ctx.access!.uid;
    const today = ctx.body.at ? new Date(ctx.body.at) : new Date();
    const answer = await asProblems((async () => {
      const domain = ctx.body.campaignIds ? [['id', 'in', ctx.body.campaignIds]] : [];
      const campaigns = await call<Array<{ id: number; name: string; state: string; budget: unknown; spent: unknown; bid_cpm: unknown; start_date: string | false; end_date: string | false }>>(
        uid, 'hp.ad.campaign', 'search_read', [domain, ['name', 'state', 'budget', 'spent', 'bid_cpm', 'start_date', 'end_date']]);
      if (ctx.body.campaignIds && campaigns.length < new Set(ctx.body.campaignIds).size) throw problems.notFound('one or more ad campaigns do not exist');
      const groups = campaigns.length
        ? await call<Array<{ campaign_id: Many2one; clicked: boolean; __count: unknown }>>(uid, 'hp.ad.impression', 'read_group', [[['campaign_id', 'in', campaigns.map((c) => c.id)]], ['campaign_id', 'clicked'], ['campaign_id', 'clicked']], { lazy: false })
        : [];
      const counts = new Map<number, { impressions: number; clicks: number }>();
      for (const g of groups) {
        if (!g.campaign_id) continue;
        const n = numberOf(g.__count) ?? 0;
        const entry = counts.get(g.campaign_id[0]) ?? { impressions: 0, clicks: 0 };
        entry.impressions += n;
        if (g.clicked) entry.clicks += n;
        counts.set(g.campaign_id[0], entry);
      }
      const facts: CampaignFacts[] = campaigns.map((c) => ({
        id: c.id, name: c.name, state: c.state, budget: numberOf(c.budget) ?? 0, spent: numberOf(c.spent) ?? 0, bidCpm: numberOf(c.bid_cpm) ?? 0,
        startDate: c.start_date || null, endDate: c.end_date || null, ...(counts.get(c.id) ?? { impressions: 0, clicks: 0 }),
      }));
      const { platformCtr, scores } = scoreCampaigns(facts, today);
      return {
        method: { kind: 'Beta-binomial CTR (empirical-Bayes prior) and spend-versus-time pacing; statistics, not a model', priorImpressions: PRIOR_IMPRESSIONS, platformCtr, credibleMass: CREDIBLE_MASS, pacingTolerance: PACING_TOLERANCE, at: today.toISOString() },
        campaigns: scores,
      };
    })());
    return { status: 200, body: answer };
  },
});

export const SCORING_ROUTES = [riskScoringRoute, adScoringRoute];
