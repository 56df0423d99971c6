import type pg from 'pg';
import type { Queryable } from '../modules/queryable.ts';
import { chunksRowsQuery, columnHashesQuery, displayValuesQuery, firstKeyOf, keyedRowsQuery, rangesRowsQuery } from './checksum-queries.ts';
import type { ChunkWindow, KeyRange } from './bisection.ts';
import { bindUsedParameters, chunked } from './sql.ts';
import type { TablePlan } from './table-plan.ts';
import type { DifferenceKind, RowDifference } from './types.ts';

export interface RowState {
  h: string;
  /** Written within the lag window. */
  f: boolean;
}

export interface CandidateDifference {
  key: string;
  kind: DifferenceKind;
  fresh: boolean;
}

type Side = 'source' | 'target';

async function query<R extends pg.QueryResultRow>(pool: Queryable, sql: string, values: unknown[]): Promise<R[]> {
  const bound = bindUsedParameters(sql, values);
  return (await pool.query<R>(bound.text, bound.values)).rows;
}

/** Key → (row hash, fresh) for every row inside the key ranges (range chunking), on one side. */
export async function rowsInRanges(db: Queryable, plan: TablePlan, side: Side, batches: KeyRange[][], lagMs: number): Promise<Map<string, RowState>> {
  const out = new Map<string, RowState>();
  for (const ranges of batches) {
    const rows = await query<{ k: string; h: string; f: boolean }>(db, rangesRowsQuery(plan.side[side]), [
      ranges.map((r) => r.lo), ranges.map((r) => r.hi), null, lagMs,
    ]);
    for (const r of rows) out.set(r.k, { h: r.h, f: r.f });
  }
  return out;
}

/** Key → (row hash, fresh) for every row of the chunks (hash chunking), on one side. */
export async function rowsInChunks(pool: Queryable, plan: TablePlan, side: Side, windows: ChunkWindow[], lagMs: number): Promise<Map<string, RowState>> {
  const out = new Map<string, RowState>();
  for (const w of windows) {
    const rows = await query<{ k: string; h: string; f: boolean }>(pool, chunksRowsQuery(plan.side[side], w.span), [w.lo, w.hi, w.buckets, lagMs]);
    for (const r of rows) out.set(r.k, { h: r.h, f: r.f });
  }
  return out;
}

/** Key → (row hash, fresh) for the given keys, on one side. */
export async function rowsByKey(pool: pg.Pool, plan: TablePlan, side: Side, keys: string[], lagMs: number): Promise<Map<string, RowState>> {
  const out = new Map<string, RowState>();
  for (const batch of chunked(keys, 5000)) {
    const rows = await query<{ k: string; h: string; f: boolean }>(pool, keyedRowsQuery(plan, plan.side[side]), [
      batch, batch.map(firstKeyOf), lagMs,
    ]);
    for (const r of rows) out.set(r.k, { h: r.h, f: r.f });
  }
  return out;
}

/** Keys present on one side only, or with different row hashes. */
export function classifyRows(source: Map<string, RowState>, target: Map<string, RowState>): CandidateDifference[] {
  const out: CandidateDifference[] = [];
  for (const [key, s] of source) {
    const t = target.get(key);
    if (!t) out.push({ key, kind: 'missing-in-target', fresh: s.f });
    else if (t.h !== s.h) out.push({ key, kind: 'different', fresh: s.f || t.f });
  }
  for (const [key, t] of target) if (!source.has(key)) out.push({ key, kind: 'missing-in-source', fresh: t.f });
  return out;
}

/**
 * For rows that differ: the names of the differing columns (by per-column hashes, so no value
 * leaves the database), and for the first `maxValueRows` rows the normalised values of those
 * columns that may be shown (never health data or secrets).
 */
export async function describeDifferences(
  pools: { source: pg.Pool; target: pg.Pool },
  plan: TablePlan,
  candidates: CandidateDifference[],
  maxValueRows: number,
): Promise<RowDifference[]> {
  const differentKeys = candidates.filter((c) => c.kind === 'different').map((c) => c.key);
  const columnsByKey = new Map<string, string[]>();
  for (const batch of chunked(differentKeys, 5000)) {
    const params = [batch, batch.map(firstKeyOf)];
    const [s, t] = await Promise.all(
      (['source', 'target'] as const).map((side) => query<{ k: string; hs: string[] }>(pools[side], columnHashesQuery(plan, side), params)),
    );
    const targetHashes = new Map(t!.map((r) => [r.k, r.hs]));
    for (const row of s!) {
      const other = targetHashes.get(row.k);
      if (!other) continue;
      columnsByKey.set(row.k, plan.columns.filter((_, i) => row.hs[i] !== other[i]).map((c) => c.name));
    }
  }

  const shown = differentKeys.slice(0, maxValueRows);
  const showable = [...new Set(shown.flatMap((k) => columnsByKey.get(k) ?? []))].filter((c) => plan.displayableColumns.has(c));
  const values = new Map<string, Record<string, { source: string | null; target: string | null }>>();
  if (shown.length && showable.length) {
    const params = [shown, shown.map(firstKeyOf)];
    const [s, t] = await Promise.all(
      (['source', 'target'] as const).map((side) => query<{ k: string; vs: (string | null)[] }>(pools[side], displayValuesQuery(plan, side, showable), params)),
    );
    const targetValues = new Map(t!.map((r) => [r.k, r.vs]));
    for (const row of s!) {
      const other = targetValues.get(row.k) ?? [];
      const differing = new Set(columnsByKey.get(row.k));
      const entry: Record<string, { source: string | null; target: string | null }> = {};
      showable.forEach((column, i) => {
        if (differing.has(column)) entry[column] = { source: row.vs[i] ?? null, target: other[i] ?? null };
      });
      values.set(row.k, entry);
    }
  }

  return candidates.map((c) => {
    const difference: RowDifference = { key: c.key, kind: c.kind };
    if (c.kind === 'different') {
      difference.columns = columnsByKey.get(c.key) ?? [];
      const v = values.get(c.key);
      if (v && Object.keys(v).length) difference.values = v;
    }
    return difference;
  });
}

/** Sorts keys numerically when they are numbers, else as text. */
export function compareKeys(a: string, b: string): number {
  const na = Number(firstKeyOf(a));
  const nb = Number(firstKeyOf(b));
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
