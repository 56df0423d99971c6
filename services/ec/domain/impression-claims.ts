import type { ImpressionReport, BatchPorts } from './impression-batch-ports.ts';
import { claimLedgerKeys, impressionsOfKeys, ledgerKeyText, type LedgerClaim } from './impression-ledger.ts';

/**
 * The ledger's side of a batch's impressions: which items carry a key the batch has not seen
 * before, which of those the ledger takes, and which refused items replay a recorded key.
 */

export interface ShownItem {
  item: ImpressionReport;
  index: number;
}

/**
 * The batch's own repeats: the first item carrying a key stands for it, later items with the same
 * key are duplicates whatever happens to the first. Answers the first items, in batch order, and
 * the indexes of the repeats.
 */
export function firstOfEachKey(shown: readonly ShownItem[]): { firsts: ShownItem[]; repeats: number[] } {
  const seen = new Set<string>();
  const firsts: ShownItem[] = [];
  const repeats: number[] = [];
  for (const entry of shown) {
    const key = ledgerKeyText(entry.item.campaignId, entry.item.eventId);
    if (seen.has(key)) repeats.push(entry.index);
    else {
      seen.add(key);
      firsts.push(entry);
    }
  }
  return { firsts, repeats };
}

/**
 * Claims the keys of impressions inserted under `ids` (parallel to `entries`); answers the
 * positions in `entries` whose claim the ledger took. The others are keys an earlier batch
 * recorded, or one still running records (the claim waits for it and then skips the key).
 */
export async function claimInsertedKeys(ports: Pick<BatchPorts, 'ledger'>, entries: readonly ShownItem[], ids: readonly number[]): Promise<boolean[]> {
  const wanted: LedgerClaim[] = entries.map(({ item }, n) => ({ campaignId: item.campaignId, eventId: item.eventId, impressionId: ids[n]! }));
  const won = await claimLedgerKeys(ports.ledger, wanted);
  return ids.map((id) => won.has(id));
}

/**
 * Of items refused before anything was inserted, the ones whose key is recorded already: a replay
 * of an accepted impression stays a duplicate even if its campaign stopped meanwhile.
 */
export async function recordedAmong(ports: Pick<BatchPorts, 'ledger'>, entries: readonly ShownItem[]): Promise<Set<number>> {
  if (!entries.length) return new Set();
  const recorded = await impressionsOfKeys(ports.ledger, entries.map(({ item }) => item));
  return new Set(entries.filter(({ item }) => recorded.has(ledgerKeyText(item.campaignId, item.eventId))).map(({ index }) => index));
}
