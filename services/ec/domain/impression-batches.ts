import { adClickedEvent, type ClickedImpression } from './ad-events.ts';
import type { BatchPorts, ImpressionReport } from './impression-batch-ports.ts';
import { claimAndTakeWholeShares } from './impression-claim-and-take.ts';
import { claimInsertedKeys, firstOfEachKey, recordedAmong, type ShownItem } from './impression-claims.ts';
import { impressionsOfKeys, ledgerKeyText, releaseLedgerClaims, type LedgerKey } from './impression-ledger.ts';
import { addToSpent, addWholeSharesThatFit, drawImpressionIds, existingImpressions, existingUsers, insertImpressions, markClicked, readCampaigns, repriceImpressions, withdrawImpressions, type LockedCampaign, type NewImpression } from './impression-rows.ts';
import { formatDecimal, parseDecimal, roundToCurrency, withScale } from './pacing-decimal.ts';
import { admitUnits, type PacingRefusal } from './pacing.ts';

export type { BatchPorts, ImpressionReport } from './impression-batch-ports.ts';

/**
 * POST /ads/impressions's use case: a batch of impressions and clicks recorded at once, each
 * impression at most once (its client event id, per campaign), each campaign's `spent` kept equal
 * to the sum of its impressions' costs and never past its budget. One statement per step for the
 * whole batch; the campaigns' row locks are taken after the impressions are inserted and their
 * keys claimed, and held for the admission and the spent update (and until commit).
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
 * The batch's impressions: the batch's own repeats set aside, the rest priced against the
 * campaigns as they are now and inserted in one INSERT, and only then their keys claimed in the
 * ledger (a key an earlier batch recorded makes its impression a duplicate, withdrawn again), so
 * that a batch waiting for a concurrent batch's claim of the same key (a replay racing its
 * original) waits for that batch's short end only, not for its insert. Then pacing, under the
 * campaigns' row locks (held to commit): a campaign whose whole share fits takes it in one
 * statement; the others are read again under their lock and paced impression by impression (what
 * the lock shows decides: a campaign paused or re-priced meanwhile is honoured), spent moves once
 * per campaign, and the impressions pacing refused are taken back and their keys given back. The
 * locks are so held for a few small statements, not for the insert.
 */
async function recordImpressions(ports: BatchPorts, items: readonly ImpressionReport[], outcomes: ItemOutcome[], clicked: ClickedImpression[]): Promise<void> {
  const shown: ShownItem[] = [];
  items.forEach((item, index) => {
    if (item.kind === 'impression') shown.push({ item, index });
  });
  if (!shown.length) return;
  const { firsts, repeats } = firstOfEachKey(shown);
  for (const index of repeats) outcomes[index] = DUPLICATE;

  const current = await readCampaigns(ports.rows, distinct(firsts.map(({ item }) => item.campaignId)), { lock: false });
  const users = await existingUsers(ports.rows, distinct(firsts.flatMap(({ item }) => (item.userId == null ? [] : [item.userId]))));
  const prices = new CostBook();
  const candidates: Candidate[] = [];
  const refusedBeforeInsert: ShownItem[] = [];
  for (const entry of firsts) {
    const { item, index } = entry;
    const campaign = current.get(item.campaignId);
    const refusal = !campaign ? 'unknown_campaign' : campaign.state !== 'running' ? 'not_running' : item.userId != null && !users.has(item.userId) ? 'unknown_user' : null;
    if (refusal) {
      outcomes[index] = refused(refusal);
      refusedBeforeInsert.push(entry);
      continue;
    }
    const price = prices.costOf(item, campaign!);
    candidates.push({
      item, index, units: price.units,
      impression: { id: 0, campaignId: item.campaignId, userId: item.userId ?? null, currencyId: campaign!.currencyId, cost: price.text, clicked: item.clicked === true, shownAt: item.shownAt ?? null },
    });
  }
  for (const index of await recordedAmong(ports, refusedBeforeInsert)) outcomes[index] = DUPLICATE;
  if (!candidates.length) return;

  const ids = await drawImpressionIds(ports.rows, candidates.length);
  candidates.forEach((candidate, n) => (candidate.impression.id = ids[n]!));
  await insertImpressions(ports.rows, candidates.map((c) => c.impression), ports.uid);
  const { claimed, taken } = ports.sameTransaction
    ? await claimAndTakeInOne(ports, candidates, current, outcomes)
    : await claimThenTake(ports, candidates, current, outcomes);
  const rest: Candidate[] = [];
  for (const candidate of claimed) {
    const { index, impression } = candidate;
    if (!taken.has(impression.campaignId)) {
      rest.push(candidate);
      continue;
    }
    outcomes[index] = ACCEPTED;
    if (impression.clicked) clicked.push({ impressionId: impression.id, campaignId: impression.campaignId, userId: impression.userId, cost: impression.cost, currency: current.get(impression.campaignId)!.currency });
  }
  if (rest.length) await admitUnderLock(ports, rest, prices, outcomes, clicked);
}

interface Claimed {
  /** The candidates whose key this batch took (the others are marked duplicates, their rows gone). */
  claimed: Candidate[];
  /** Campaigns that took their whole share of the claimed impressions (all of them accepted). */
  taken: Set<number>;
}

/**
 * Keys claimed, duplicates withdrawn, then every campaign whose whole share fits takes it in one
 * statement (the common case: a campaign far from its budget admits every impression, whatever the
 * order). Three statements: the ledger and the rows may be two databases (before cutover).
 */
async function claimThenTake(ports: BatchPorts, candidates: readonly Candidate[], current: ReadonlyMap<number, LockedCampaign>, outcomes: ItemOutcome[]): Promise<Claimed> {
  const won = await claimInsertedKeys(ports, candidates, candidates.map((c) => c.impression.id));
  const claimed: Candidate[] = [];
  const duplicates: number[] = [];
  candidates.forEach((candidate, n) => {
    if (won[n]) claimed.push(candidate);
    else {
      outcomes[candidate.index] = DUPLICATE;
      duplicates.push(candidate.impression.id);
    }
  });
  await withdrawImpressions(ports.rows, duplicates);
  const totals = new Map<number, bigint>();
  for (const { impression, units } of claimed) totals.set(impression.campaignId, (totals.get(impression.campaignId) ?? 0n) + units);
  const shares = [...totals].map(([campaignId, units]) => {
    const campaign = current.get(campaignId)!;
    return { campaignId, added: formatDecimal(units, campaign.decimalPlaces), currencyId: campaign.currencyId, bidCost: campaign.bidCost };
  });
  return { claimed, taken: await addWholeSharesThatFit(ports.rows, shares, ports.uid) };
}

/** The same three steps as one statement, when the ledger and the rows are one transaction (after M10's cutover). */
async function claimAndTakeInOne(ports: BatchPorts, candidates: readonly Candidate[], current: ReadonlyMap<number, LockedCampaign>, outcomes: ItemOutcome[]): Promise<Claimed> {
  const facts = distinct(candidates.map((c) => c.impression.campaignId)).map((campaignId) => {
    const campaign = current.get(campaignId)!;
    return { campaignId, currencyId: campaign.currencyId, bidCost: campaign.bidCost };
  });
  const { won, taken } = await claimAndTakeWholeShares(
    ports.rows,
    candidates.map(({ item, impression }) => ({ campaignId: item.campaignId, eventId: item.eventId, impressionId: impression.id })),
    candidates.map((c) => c.impression.cost),
    facts,
    ports.uid,
  );
  const claimed: Candidate[] = [];
  for (const candidate of candidates) {
    if (won.has(candidate.impression.id)) claimed.push(candidate);
    else outcomes[candidate.index] = DUPLICATE;
  }
  return { claimed, taken };
}

/**
 * The exact admission for the campaigns whose share did not fit whole (or that changed since they
 * were read): their rows locked and read again, each impression admitted in the batch's order
 * while spent + cost stays within the budget, the refused ones taken back and their keys given back.
 */
async function admitUnderLock(ports: BatchPorts, claimed: readonly Candidate[], prices: CostBook, outcomes: ItemOutcome[], clicked: ClickedImpression[]): Promise<void> {
  const withdrawn: number[] = [];
  const locked = await readCampaigns(ports.rows, distinct(claimed.map((c) => c.impression.campaignId)), { lock: true });
  const released: LedgerKey[] = [];
  const withdraw = (candidate: Candidate, reason: ItemRefusal) => {
    outcomes[candidate.index] = refused(reason);
    withdrawn.push(candidate.impression.id);
    released.push(candidate.item);
  };
  const repriced: NewImpression[] = [];
  const byCampaign = new Map<number, Candidate[]>();
  for (const candidate of claimed) {
    const { item, impression } = candidate;
    const campaign = locked.get(impression.campaignId);
    if (!campaign || campaign.state !== 'running') {
      withdraw(candidate, !campaign ? 'unknown_campaign' : 'not_running');
      continue;
    }
    const price = prices.costOf(item, campaign);
    candidate.units = price.units;
    if (price.text !== impression.cost || campaign.currencyId !== impression.currencyId) {
      impression.cost = price.text;
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
    const admission = admitUnits(campaign, queue.map((q) => q.units), campaign.decimalPlaces);
    queue.forEach((candidate, n) => {
      const verdict = admission.outcomes[n]!;
      if (verdict !== true) {
        withdraw(candidate, verdict);
        return;
      }
      outcomes[candidate.index] = ACCEPTED;
      const { impression } = candidate;
      if (impression.clicked) clicked.push({ impressionId: impression.id, campaignId, userId: impression.userId, cost: impression.cost, currency: campaign.currency });
    });
    if (admission.addedUnits > 0n) additions.set(campaignId, admission.added);
  }
  await addToSpent(ports.rows, additions, ports.uid);
  const gone = new Set(withdrawn);
  await repriceImpressions(ports.rows, repriced.filter((r) => !gone.has(r.id)));
  await withdrawImpressions(ports.rows, withdrawn);
  await releaseLedgerClaims(ports.ledger, released);
}

/** An impression of the batch on its way in: its item, its row, and its cost in the currency's smallest unit. */
interface Candidate extends ShownItem {
  impression: NewImpression;
  units: bigint;
}

const distinct = (values: readonly number[]): number[] => [...new Set(values)];

/** A cost as stored (numeric text at the currency's decimal places) and as counted (integer units of those places). */
interface Price {
  text: string;
  units: bigint;
}

/**
 * Impression costs: the item's own, or bid_cpm / 1000, rounded to the campaign's currency (Odoo
 * stores a Monetary so). A campaign's bid price is worked out once per batch and campaign read.
 */
class CostBook {
  private readonly bidPrices = new Map<LockedCampaign, Price>();

  costOf(item: ImpressionReport, campaign: LockedCampaign): Price {
    if (item.cost != null) return currencyAmount(item.cost, campaign);
    let price = this.bidPrices.get(campaign);
    if (price === undefined) this.bidPrices.set(campaign, (price = currencyAmount(campaign.bidCost ?? '0', campaign)));
    return price;
  }
}

function currencyAmount(value: string, campaign: LockedCampaign): Price {
  const rounded = withScale(roundToCurrency(parseDecimal(value), parseDecimal(campaign.rounding)), campaign.decimalPlaces);
  return { text: formatDecimal(rounded.units, rounded.scale), units: rounded.units };
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
