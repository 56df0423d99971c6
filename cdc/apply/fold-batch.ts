import type { ChangeEvent, RowImage } from '../events/change-event.ts';
import { isUnavailable } from '../events/unavailable.ts';
import { isNewer, positionOf, type RowPosition } from './row-position.ts';
import type { TargetTable } from './target-tables.ts';

export interface KeyedChange {
  table: TargetTable;
  /** JSON array of the primary-key values, in the target's key order. */
  pk: string;
  event: ChangeEvent;
  position: RowPosition;
  /** after-image restricted to target columns (deletes: the key columns). */
  row: RowImage;
  /** Columns the source left out (unchanged TOAST): an update must keep the target's values. */
  unavailable: string[];
}

/**
 * Reduces a batch to the newest change per (table, key), in whatever order the batch holds them:
 * only the last state of a row matters for an upsert, and one INSERT … ON CONFLICT may not touch
 * a row twice. An update that left TOASTed columns out borrows them from an earlier change of the
 * same row in the batch when there is one. Returns the survivors and how many were dropped as
 * older than another change of the same key.
 */
export function foldBatch(events: readonly ChangeEvent[], tableOf: (event: ChangeEvent) => TargetTable | null): {
  changes: KeyedChange[];
  superseded: number;
} {
  const byKey = new Map<string, KeyedChange>();
  let superseded = 0;
  for (const event of events) {
    const table = tableOf(event);
    if (!table) continue;
    const change = keyedChange(table, event);
    const id = `${table.qualified}\u0000${change.pk}`;
    const earlier = byKey.get(id);
    if (earlier && !isNewer(change.position, earlier.position)) {
      superseded++;
      continue;
    }
    if (earlier) {
      superseded++;
      if (change.unavailable.length && earlier.event.value.op !== 'd') borrowUnavailable(change, earlier);
    }
    byKey.set(id, change);
  }
  return { changes: [...byKey.values()], superseded };
}

function keyedChange(table: TargetTable, event: ChangeEvent): KeyedChange {
  const { value } = event;
  const image = value.op === 'd' ? value.before ?? {} : value.after ?? {};
  const keyValues = table.primaryKey.map((column) => event.key[column] ?? image[column] ?? null);
  if (keyValues.some((v) => v === null)) throw new Error(`change to ${table.qualified} without its primary key ${table.primaryKey.join(', ')}`);
  const row: RowImage = {};
  const unavailable: string[] = [];
  if (value.op === 'd') {
    table.primaryKey.forEach((column, i) => (row[column] = keyValues[i]!));
  } else {
    for (const [column, v] of Object.entries(image)) {
      if (!table.columns.has(column)) continue; // the service copy may not keep every legacy column
      if (isUnavailable(v)) unavailable.push(column);
      else row[column] = v;
    }
    table.primaryKey.forEach((column, i) => (row[column] = keyValues[i]!));
  }
  return { table, pk: JSON.stringify(keyValues), event, position: positionOf(value), row, unavailable };
}

function borrowUnavailable(change: KeyedChange, earlier: KeyedChange): void {
  const missing: string[] = [];
  for (const column of change.unavailable) {
    if (column in earlier.row && !earlier.unavailable.includes(column)) change.row[column] = earlier.row[column]!;
    else missing.push(column);
  }
  change.unavailable = missing;
}
