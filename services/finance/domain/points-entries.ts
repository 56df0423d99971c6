import { pointsAwardedEvent, type FinanceEventSink } from './finance-events.ts';
import { appendLedgerEntries, type LedgerConnection, type LedgerEntry, type LedgerRow } from './points-ledger.ts';

/**
 * The use case "points change hands": append the entries to the ledger (hp_points' rules) and
 * publish one points_awarded per entry, in the caller's transaction. Every writer of the ledger
 * goes through here (an Odoo client's hp.points.transaction.create, a gift order's debit, the
 * points for a completed order, a REST adjustment), so each entry is announced exactly once.
 */
export async function recordPoints(ledger: LedgerConnection, events: FinanceEventSink, entries: readonly LedgerEntry[], uid: number): Promise<LedgerRow[]> {
  const rows = await appendLedgerEntries(ledger, entries, uid);
  await events.publish(rows.map(pointsAwardedEvent));
  return rows;
}
