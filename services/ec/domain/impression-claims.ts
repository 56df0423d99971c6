import type { ImpressionReport, BatchPorts } from './impression-batch-ports.ts';
import { claimLedgerKeys, ledgerKeyText, type LedgerClaim } from './impression-ledger.ts';
import { drawImpressionIds } from './impression-rows.ts';

/**
 * The batch's impressions whose keys are new: the first of the batch's items carrying a key
 * claims it with an ad_impressions id set aside for it; later items with the same key, and keys
 * an earlier batch recorded (or one running now records), are duplicates. Answers item index →
 * the impression id its claim holds.
 */
export async function claimImpressionKeys(ports: Pick<BatchPorts, 'rows' | 'ledger'>, shown: readonly { item: ImpressionReport; index: number }[]): Promise<Map<number, number>> {
  const firstOfKey = new Map<string, number>();
  for (const { item, index } of shown) {
    const key = ledgerKeyText(item.campaignId, item.eventId);
    if (!firstOfKey.has(key)) firstOfKey.set(key, index);
  }
  const unique = shown.filter(({ item, index }) => firstOfKey.get(ledgerKeyText(item.campaignId, item.eventId)) === index);
  const ids = await drawImpressionIds(ports.rows, unique.length);
  const wanted: LedgerClaim[] = unique.map(({ item }, n) => ({ campaignId: item.campaignId, eventId: item.eventId, impressionId: ids[n]! }));
  const won = await claimLedgerKeys(ports.ledger, wanted);
  const wonIds = new Set(won.map((c) => c.impressionId));
  const claims = new Map<number, number>();
  unique.forEach(({ index }, n) => {
    if (wonIds.has(ids[n]!)) claims.set(index, ids[n]!);
  });
  return claims;
}
