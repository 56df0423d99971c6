import type { ChangeEvent, ColumnValue, RowImage } from '../../../cdc/events/change-event.ts';
import { isUnavailable } from '../../../cdc/events/unavailable.ts';

export interface EventDifference {
  table: string;
  key: string;
  index: number;
  what: string;
  embedded: unknown;
  debezium: unknown;
}

const rowId = (e: ChangeEvent) => `${e.value.source.schema}.${e.value.source.table}\u0000${JSON.stringify(e.key)}`;

/** Events per (table, key), in arrival order: both transports keep the order of one row's changes. */
export function byRow(events: readonly ChangeEvent[]): Map<string, ChangeEvent[]> {
  const rows = new Map<string, ChangeEvent[]>();
  for (const event of events) {
    const id = rowId(event);
    const list = rows.get(id) ?? [];
    list.push(event);
    rows.set(id, list);
  }
  return rows;
}

/**
 * Compares what an applier reads (op, key, before, after) of the two transports' events for the
 * same rows, column by column, so a difference names the column and both values.
 */
export function compareEvents(embedded: readonly ChangeEvent[], debezium: readonly ChangeEvent[]): EventDifference[] {
  const left = byRow(embedded);
  const right = byRow(debezium);
  const differences: EventDifference[] = [];
  for (const id of new Set([...left.keys(), ...right.keys()])) {
    const [table, key] = id.split('\u0000') as [string, string];
    const a = left.get(id) ?? [];
    const b = right.get(id) ?? [];
    if (a.length !== b.length) differences.push({ table, key, index: -1, what: 'event count', embedded: a.map((e) => e.value.op), debezium: b.map((e) => e.value.op) });
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = a[i]!.value;
      const y = b[i]!.value;
      if (x.op !== y.op) differences.push({ table, key, index: i, what: 'op', embedded: x.op, debezium: y.op });
      for (const image of ['before', 'after'] as const) differences.push(...compareImages(table, key, i, image, x[image], y[image]));
    }
  }
  return differences;
}

function compareImages(table: string, key: string, index: number, image: string, a: RowImage | null, b: RowImage | null): EventDifference[] {
  if (a === null || b === null) return a === b ? [] : [{ table, key, index, what: image, embedded: a, debezium: b }];
  const out: EventDifference[] = [];
  for (const column of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[column]) !== JSON.stringify(b[column])) out.push({ table, key, index, what: `${image}.${column}`, embedded: a[column], debezium: b[column] });
  }
  return out;
}

/** `udt_name`s that carried a real value (not NULL, not the unchanged-TOAST placeholder) in these events. */
export function typesWithValues(events: readonly ChangeEvent[], columnType: (table: string, column: string) => string | undefined): Set<string> {
  const seen = new Set<string>();
  const note = (table: string, image: RowImage | null) => {
    for (const [column, value] of Object.entries(image ?? {})) {
      if (!hasValue(value)) continue;
      const type = columnType(table, column);
      if (type) seen.add(type);
    }
  };
  for (const { value } of events) {
    const table = `${value.source.schema}.${value.source.table}`;
    note(table, value.before);
    note(table, value.after);
  }
  return seen;
}

function hasValue(value: ColumnValue | undefined): boolean {
  if (value === null || value === undefined || isUnavailable(value)) return false;
  return !Array.isArray(value) || value.some((v) => v !== null);
}

/**
 * Differences grouped by column type, with the first two examples each: one encoding mistake
 * shows up in thousands of rows, and a failing assertion should name it once.
 */
export function summarizeDifferences(differences: readonly EventDifference[], columnType: (table: string, column: string) => string | undefined) {
  const groups = new Map<string, { type: string; count: number; examples: EventDifference[] }>();
  for (const d of differences) {
    const column = d.what.includes('.') ? d.what.slice(d.what.indexOf('.') + 1) : '';
    const type = column ? (columnType(d.table, column) ?? '?') : d.what;
    const group = groups.get(type) ?? { type, count: 0, examples: [] };
    group.count++;
    if (group.examples.length < 2) group.examples.push(d);
    groups.set(type, group);
  }
  return [...groups.values()];
}
