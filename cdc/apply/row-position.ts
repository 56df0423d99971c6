import { isSnapshotEvent, type ChangeEventValue } from '../events/change-event.ts';

/**
 * Where a row's last applied change came from. `snapshot` rows were read at the slot's
 * consistent point `lsn`; streamed rows carry the change's own WAL position.
 */
export interface RowPosition {
  lsn: number;
  snapshot: boolean;
}

export function positionOf(event: ChangeEventValue): RowPosition {
  return { lsn: event.source.lsn ?? 0, snapshot: isSnapshotEvent(event) };
}

/**
 * The one ordering rule: is `incoming` newer than what the target holds for that key?
 *
 * - A streamed change always beats a snapshot read: the stream carries exactly the
 *   transactions that committed after the snapshot's consistent point. (Comparing LSNs across
 *   the two would be wrong: a transaction that began before the consistent point and committed
 *   after it has change LSNs below the snapshot's LSN.)
 * - Two streamed changes of one key compare by change LSN: the writer of a row holds its lock
 *   until commit, so a later change to the same key is written to WAL after the earlier
 *   transaction's commit record.
 * - Two snapshot reads compare by consistent point (a later snapshot wins).
 * Equal positions are a replay of the same change and are skipped: applying is idempotent.
 */
export function isNewer(incoming: RowPosition, stored: RowPosition | undefined): boolean {
  if (!stored) return true;
  if (incoming.snapshot !== stored.snapshot) return !incoming.snapshot;
  return incoming.lsn > stored.lsn;
}
