import { betaQuantile } from './series-statistics.ts';

/**
 * Ad campaigns scored for ec: each campaign's click-through rate with a Beta prior (empirical
 * Bayes: the prior's mean is the platform's CTR over every campaign the caller may read, its
 * weight PRIOR_IMPRESSIONS impressions), so a campaign with few impressions is not ranked on luck;
 * and a pacing suggestion from spend against elapsed flight time. Statistics, not a model.
 *
 *   posterior = Beta(clicks + m·K, impressions − clicks + (1 − m)·K),  m = platform CTR, K = PRIOR_IMPRESSIONS
 *   pacing ratio = (spent / budget) / (elapsed days / flight days)
 *     budget_exhausted  spent ≥ budget
 *     not_running       state is not running
 *     slow_down         ratio > 1 + PACING_TOLERANCE: suggested bid = bid × (1 / ratio)
 *     speed_up          ratio < 1 − PACING_TOLERANCE: suggested bid = bid × min(2, 1 / ratio)
 *     on_pace           otherwise
 */
export const PRIOR_IMPRESSIONS = 100;
export const PACING_TOLERANCE = 0.2;
export const CREDIBLE_MASS = 0.9;

export interface CampaignFacts {
  id: number;
  name: string;
  state: string;
  budget: number;
  spent: number;
  bidCpm: number;
  /** ISO dates (YYYY-MM-DD) or null. */
  startDate: string | null;
  endDate: string | null;
  impressions: number;
  clicks: number;
}

export interface AdScore {
  campaignId: number;
  name: string;
  score: number;
  features: {
    impressions: number;
    clicks: number;
    observedCtr: number | null;
    posteriorCtr: number;
    credibleInterval: [number, number];
    costPerImpression: number | null;
    clicksPerCurrencyUnit: number | null;
  };
  pacing: { suggestion: 'budget_exhausted' | 'not_running' | 'slow_down' | 'speed_up' | 'on_pace' | 'no_flight_dates'; spendFraction: number | null; elapsedFraction: number | null; ratio: number | null; suggestedBidCpm: number | null };
}

const round = (n: number) => Math.round(n * 1e8) / 1e8;
const DAY = 86_400_000;

export function scoreCampaigns(campaigns: readonly CampaignFacts[], today: Date): { platformCtr: number; scores: AdScore[] } {
  const impressions = campaigns.reduce((s, c) => s + c.impressions, 0);
  const clicks = campaigns.reduce((s, c) => s + c.clicks, 0);
  const platformCtr = impressions ? clicks / impressions : 0;
  // A platform with no click at all still needs a proper prior: half a click in K impressions.
  const m = Math.min(Math.max(platformCtr, 0.5 / PRIOR_IMPRESSIONS), 1 - 0.5 / PRIOR_IMPRESSIONS);
  const scores = campaigns.map((c) => {
    const a = c.clicks + m * PRIOR_IMPRESSIONS;
    const b = c.impressions - c.clicks + (1 - m) * PRIOR_IMPRESSIONS;
    const posterior = a / (a + b);
    const tail = (1 - CREDIBLE_MASS) / 2;
    const costPerImpression = c.impressions ? c.spent / c.impressions : null;
    return {
      campaignId: c.id, name: c.name, score: round(posterior),
      features: {
        impressions: c.impressions, clicks: c.clicks, observedCtr: c.impressions ? round(c.clicks / c.impressions) : null, posteriorCtr: round(posterior),
        credibleInterval: [round(betaQuantile(tail, a, b)), round(betaQuantile(1 - tail, a, b))] as [number, number],
        costPerImpression: costPerImpression === null ? null : round(costPerImpression),
        clicksPerCurrencyUnit: costPerImpression ? round(posterior / costPerImpression) : null,
      },
      pacing: pacingOf(c, today),
    };
  });
  scores.sort((x, y) => y.score - x.score || x.campaignId - y.campaignId);
  return { platformCtr: round(platformCtr), scores };
}

export function pacingOf(c: CampaignFacts, today: Date): AdScore['pacing'] {
  const spendFraction = c.budget > 0 ? round(c.spent / c.budget) : null;
  const none = { spendFraction, elapsedFraction: null, ratio: null, suggestedBidCpm: null };
  if (c.budget > 0 && c.spent >= c.budget) return { suggestion: 'budget_exhausted', ...none };
  if (c.state !== 'running') return { suggestion: 'not_running', ...none };
  if (!c.startDate || !c.endDate || spendFraction === null) return { suggestion: 'no_flight_dates', ...none };
  const start = Date.parse(`${c.startDate}T00:00:00Z`);
  const end = Date.parse(`${c.endDate}T00:00:00Z`) + DAY;
  const elapsedFraction = round(Math.min(1, Math.max(0, (today.getTime() - start) / (end - start))));
  if (elapsedFraction <= 0) return { suggestion: 'on_pace', spendFraction, elapsedFraction, ratio: null, suggestedBidCpm: null };
  const ratio = round(spendFraction / elapsedFraction);
  if (ratio > 1 + PACING_TOLERANCE) return { suggestion: 'slow_down', spendFraction, elapsedFraction, ratio, suggestedBidCpm: round(c.bidCpm / ratio) };
  if (ratio < 1 - PACING_TOLERANCE) return { suggestion: 'speed_up', spendFraction, elapsedFraction, ratio, suggestedBidCpm: round(c.bidCpm * Math.min(2, ratio > 0 ? 1 / ratio : 2)) };
  return { suggestion: 'on_pace', spendFraction, elapsedFraction, ratio, suggestedBidCpm: null };
}
