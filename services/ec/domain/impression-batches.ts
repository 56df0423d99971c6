import { adClickedEvent, type ClickedImpression } from './ad-events.ts';
import type { BatchPorts, ImpressionReport } from './impression-batch-ports.ts';
import { claimImpressionKeys } from './impression-claims.ts';
import { impressionsOfKeys, ledgerKeyText, releaseLedgerClaims } from './impression-ledger.ts';
import { addToSpent, existingImpressions, existingUsers, insertImpressions, markClicked, readCampaigns, repriceImpressions, withdrawImpressions, type LockedCampaign, type NewImpression } from './impression-rows.ts';
import { formatDecimal, parseDecimal, roundToCurrency, withScale } from './pacing-decimal.ts';
import { admitImpressions, type PacingRefusal } from './pacing.ts';

export type { BatchPorts, ImpressionReport } from './impression-batch-ports.ts';

/**
 * POST /ads/impressions's use case: a batch of impressions and clicks recorded at once, each
 * impression at most once (its client event id, per campaign), each campaign's `spent` kept equal
 * to the sum of its impressions' costs and never past its budget. One statement per step for the
 * whole batch; the campaigns' row locks are taken after the keys are claimed and the impressions
 * inserted, and held for the admission and the spent update (and until commit).
 */

export type ItemRefusal = PacingRefusal | 'unknown_campaign' | 'not_running' | 'unknown_user' | 'unknown_impression';

export type ItemOutcome = { outcome: 'accepted' } | { outcome: 'duplicate' } | { outcome: 'refused'; reason: ItemRefusal };

export interface BatchOutcome {
  /** Per item, in the batch's order. */
  outcomes: ItemOutcome[];
  accepted: number;
  duplicates: number;
  refused: number;
  /** ad_clicked events published (impressions that turned clicked). */
  clicks: number;
}

const ACCEPTED: ItemOutcome = { outcome: 'accepted' };
const DUPLICATE: ItemOutcome = { outcome: 'duplicate' };
const refused = (reason: ItemRefusal): ItemOutcome => ({ outcome: 'refused', reason });

export async function recordImpressionBatch(ports: BatchPorts, items: readonly ImpressionReport[]): Promise<BatchOutcome> {
  const outcomes: ItemOutcome[] = new Array(items.length);
  const clicked: ClickedImpression[] = [];
  await recordImpressions(ports, items, outcomes, clicked);
  await recordClicks(ports, items, outcomes, clicked);
  await ports.events.publish(clicked.map(adClickedEvent));
  return {
    outcomes,
    accepted: outcomes.filter((o) => o.outcome === 'accepted').length,
    duplicates: outcomes.filter((o) => o.outcome === 'duplicate').length,
    refused: outcomes.filter((o) => o.outcome === 'refused').length,
    clicks: clicked.length,
  };
}

/**
 * The batch's impressions: keys claimed, then priced and inserted in one INSERT against the
 * campaigns as they are now, and only then the campaigns' row locks (held to commit), under which
 * each campaign is read again and paced: what its lock shows decides (a campaign paused or
 * re-priced meanwhile is honoured), spent moves once per campaign, and the impressions pacing
 * refused are taken back. The lock is so held for a few small statements, not for the insert.
 */
async function recordImpressions(ports: BatchPorts, items: readonly ImpressionReport[], outcomes: ItemOutcome[], clicked: ClickedImpression[]): Promise<void> {
  const shown = items.map((item, index) => ({ item, index })).filter(({ item }) => item.kind === 'impression');
  if (!shown.length) return;
  const claims = await claimImpressionKeys(ports, shown);
  for (const { index } of shown) if (!claims.has(index)) outcomes[index] = DUPLICATE;
  const claimed = shown.filter(({ index }) => claims.has(index));
  if (!claimed.length) return;

  const current = await readCampaigns(ports.rows, [...new Set(claimed.map(({ item }) => item.campaignId))], { lock: false });
  const users = await existingUsers(ports.rows, [...new Set(claimed.flatMap(({ item }) => (item.userId == null ? [] : [item.userId])))]);
  const prices = new CostBook();
  const candidates: { index: number; impression: NewImpression }[] = [];
  for (const { item, index } of claimed) {
    const campaign = current.get(item.campaignId);
    const refusal = !campaign ? 'unknown_campaign' : campaign.state !== 'running' ? 'not_running' : item.userId != null && !users.has(item.userId) ? 'unknown_user' : null;
    if (refusal) {
      outcomes[index] = refused(refusal);
      continue;
    }
    const impression = {
      id: claims.get(index)!, campaignId: item.campaignId, userId: item.userId ?? null, currencyId: campaign!.currencyId,
      cost: prices.costOf(item, campaign!), clicked: item.clicked === true, shownAt: item.shownAt ?? null,
    };
    candidates.push({ index, impression });
  }
  await insertImpressions(ports.rows, candidates.map((c) => c.impression), ports.uid);

  const locked = await readCampaigns(ports.rows, [...new Set(candidates.map((c) => c.impression.campaignId))], { lock: true });
  const withdrawn: number[] = [];
  const repriced: NewImpression[] = [];
  const byCampaign = new Map<number, { index: number; impression: NewImpression }[]>();
  for (const candidate of candidates) {
    const { index, impression } = candidate;
    const campaign = locked.get(impression.campaignId);
    if (!campaign || campaign.state !== 'running') {
      outcomes[index] = refused(!campaign ? 'unknown_campaign' : 'not_running');
      withdrawn.push(impression.id);
      continue;
    }
    const cost = prices.costOf(items[index]!, campaign);
    if (cost !== impression.cost || campaign.currencyId !== impression.currencyId) {
      impression.cost = cost;
      impression.currencyId = campaign.currencyId;
      repriced.push(impression);
    }
    let queue = byCampaign.get(campaign.id);
    if (!queue) byCampaign.set(campaign.id, (queue = []));
    queue.push(candidate);
  }

  const additions = new Map<number, string>();
  for (const [campaignId, queue] of byCampaign) {
    const campaign = locked.get(campaignId)!;
    const admission = admitImpressions(campaign, queue.map((q) => q.impression.cost));
    queue.forEach(({ index, impression }, n) => {
      const verdict = admission.outcomes[n]!;
      if (verdict !== true) {
        outcomes[index] = refused(verdict);
        withdrawn.push(impression.id);
        return;
      }
      outcomes[index] = ACCEPTED;
      if (impression.clicked) clicked.push({ impressionId: impression.id, campaignId, userId: impression.userId, cost: impression.cost, currency: campaign.currency });
    });
    if (parseDecimal(admission.added).units > 0n) additions.set(campaignId, admission.added);
  }
  await addToSpent(ports.rows, additions, ports.uid);
  const gone = new Set(withdrawn);
  await repriceImpressions(ports.rows, repriced.filter((r) => !gone.has(r.id)));
  await withdrawImpressions(ports.rows, withdrawn);
  await releaseLedgerClaims(ports.ledger, claimed.filter(({ index }) => outcomes[index]!.outcome === 'refused').map(({ index }) => claims.get(index)!));
}

/**
 * Impression costs: the item's own, or bid_cpm / 1000, rounded to the campaign's currency (Odoo
 * stores a Monetary so). A campaign's bid price is worked out once per batch and campaign facts.
 */
class CostBook {
  private readonly bidPrices = new Map<string, string>();

  costOf(item: ImpressionReport, campaign: LockedCampaign): string {
    if (item.cost != null) return currencyAmount(item.cost, campaign);
    const key = `${campaign.bidCost}|${campaign.rounding}|${campaign.decimalPlaces}`;
    let price = this.bidPrices.get(key);
    if (price === undefined) this.bidPrices.set(key, (price = currencyAmount(campaign.bidCost ?? '0', campaign)));
    return price;
  }
}

function currencyAmount(value: string, campaign: LockedCampaign): string {
  const rounded = withScale(roundToCurrency(parseDecimal(value), parseDecimal(campaign.rounding)), campaign.decimalPlaces);
  return formatDecimal(rounded.units, rounded.scale);
}

async function recordClicks(ports: BatchPorts, items: readonly ImpressionReport[], outcomes: ItemOutcome[], clicked: ClickedImpression[]): Promise<void> {
  const clicks = items.map((item, index) => ({ item, index })).filter(({ item }) => item.kind === 'click');
  if (!clicks.length) return;
  const recorded = await impressionsOfKeys(ports.ledger, clicks.map(({ item }) => item));
  const first = new Map<number, number>(); // impression id → index of the batch's first click on it
  for (const { item, index } of clicks) {
    const impressionId = recorded.get(ledgerKeyText(item.campaignId, item.eventId));
    if (impressionId === undefined) outcomes[index] = refused('unknown_impression');
    else if (first.has(impressionId)) outcomes[index] = DUPLICATE;
    else first.set(impressionId, index);
  }
  const moved = await markClicked(ports.rows, [...first.keys()], ports.uid);
  const movedIds = new Set(moved.map((m) => m.impressionId));
  const stayed = [...first.keys()].filter((id) => !movedIds.has(id));
  const still = await existingImpressions(ports.rows, stayed);
  for (const [impressionId, index] of first) {
    outcomes[index] = movedIds.has(impressionId) ? ACCEPTED : still.has(impressionId) ? DUPLICATE : refused('unknown_impression');
  }
  clicked.push(...moved);
}
