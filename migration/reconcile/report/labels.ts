import type { DifferenceKind, RowDifference, TableResult } from '../types.ts';

export const KIND_LABEL: Record<DifferenceKind, string> = {
  'missing-in-target': 'missing in target',
  'missing-in-source': 'missing in source',
  different: 'different',
};

/** How many differing rows a human-facing format lists per table (JSON lists them all). */
export const LISTED_DIFFERENCES = 200;

export function countByKind(table: TableResult): Record<DifferenceKind, number> {
  const counts: Record<DifferenceKind, number> = { 'missing-in-target': 0, 'missing-in-source': 0, different: 0 };
  for (const d of table.differences) counts[d.kind] += 1;
  return counts;
}

/** `note: NULL → 'x'`; values exist only for columns that are neither health data nor secrets. */
export function describeColumns(d: RowDifference): string {
  if (!d.columns?.length) return '';
  return d.columns
    .map((c) => {
      const v = d.values?.[c];
      return v ? `${c}: ${show(v.source)} → ${show(v.target)}` : c;
    })
    .join('; ');
}

function show(value: string | null): string {
  if (value === null) return 'NULL';
  const short = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return `'${short}'`;
}

export function statusText(table: TableResult): string {
  if (table.status === 'skipped') return `skipped (${table.reason ?? ''})`;
  if (table.status === 'missing-in-target' || table.status === 'missing-in-source') return `${table.status.replaceAll('-', ' ')} (${table.reason ?? ''})`;
  return table.status;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
