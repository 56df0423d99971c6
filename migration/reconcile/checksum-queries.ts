import type { SidePlan, TablePlan } from './table-plan.ts';

/**
 * SQL for each step, built from a side's plan. All hashing and aggregation happens inside
 * PostgreSQL: the client only receives per-chunk (count, xor of row hashes) and, where chunks
 * differ, (key, row hash) pairs. XOR of 64-bit row hashes is order-independent and, because
 * every row's text includes its key, cannot cancel two distinct rows out.
 */

/** Floor division that is also right for negative keys. */
function bucketOf(side: SidePlan, span: number): string {
  const c = side.chunkExpr;
  return span === 1 ? `${c}::bigint` : `(CASE WHEN ${c} >= 0 THEN ${c} / ${span}::bigint ELSE (${c} + 1) / ${span}::bigint - 1 END)`;
}

export function keyRangeQuery(side: SidePlan): string {
  return `SELECT min(${side.chunkExpr})::text AS min, max(${side.chunkExpr})::text AS max FROM ${side.from}`;
}

export function countQuery(side: SidePlan): string {
  return `SELECT count(*)::text AS n FROM ${side.from}`;
}

/** Chunk checksums over one slice of the key space: `$1 <= key < $2`. */
export function sliceChecksumQuery(side: SidePlan, span: number): string {
  return `SELECT ${bucketOf(side, span)}::text AS b, count(*)::int AS n, bit_xor(${side.rowHash})::text AS h
            FROM ${side.from}
           WHERE ${side.chunkExpr} >= $1::bigint AND ${side.chunkExpr} < $2::bigint
           GROUP BY 1`;
}

/**
 * The rows of the given chunks (`$3`, all of span `span`) inside one key window (`$1` ≤ key <
 * `$2`). The window lets the planner choose an index range scan for clustered chunks and one
 * sequential pass for scattered ones; the bucket filter runs before the row hash, so only
 * rows of differing chunks are hashed. (A join of per-range index scans looks cheaper on paper
 * but the planner may turn it into a nested loop over a parallel seq scan: rows × ranges.)
 */
function inChunks(side: SidePlan, span: number): string {
  return `FROM ${side.from}
          WHERE ${side.chunkExpr} >= $1::bigint AND ${side.chunkExpr} < $2::bigint AND ${bucketOf(side, span)} = ANY($3::bigint[])`;
}

/** Chunk checksums at a finer span (`span`) for the rows of the given parent chunks (span `parentSpan`). */
export function chunksChecksumQuery(side: SidePlan, parentSpan: number, span: number): string {
  return `SELECT ${bucketOf(side, span)}::text AS b, count(*)::int AS n, bit_xor(${side.rowHash})::text AS h
            ${inChunks(side, parentSpan)}
           GROUP BY 1`;
}

/** Key, row hash and freshness of every row of the given chunks. `$4` is the lag window in ms. */
export function chunksRowsQuery(side: SidePlan, span: number): string {
  return `SELECT ${side.keyText} AS k, ${side.rowHash}::text AS h, ${side.fresh.replace('$LAG', '$4')} AS f
            ${inChunks(side, span)}`;
}

/**
 * Rows by key (`$1` text keys). Integer single keys use the primary-key index; composite keys
 * are narrowed by their first column (`$2`) before the exact tuple match.
 */
export function rowsByKeyFilter(plan: TablePlan, side: SidePlan): string {
  if (plan.keyColumns.length === 1) {
    return plan.rangeChunking ? `${side.chunkExpr} = ANY($2::bigint[])` : `${side.keyText} = ANY($1::text[])`;
  }
  return plan.rangeChunking
    ? `${side.chunkExpr} = ANY($2::bigint[]) AND ${side.keyText} = ANY($1::text[])`
    : `${side.keyText} = ANY($1::text[])`;
}

export function keyedRowsQuery(plan: TablePlan, side: SidePlan): string {
  return `SELECT ${side.keyText} AS k, ${side.rowHash}::text AS h, ${side.fresh.replace('$LAG', '$3')} AS f
            FROM ${side.from} WHERE ${rowsByKeyFilter(plan, side)}`;
}

/** Per-column hashes of the given rows: which columns differ, without moving any value. */
export function columnHashesQuery(plan: TablePlan, side: 'source' | 'target'): string {
  const s = plan.side[side];
  const hashes = plan.columns.map((c) => `hash_record_extended(ROW(${side === 'source' ? c.sourceExpr : c.targetExpr}), 0)`);
  return `SELECT ${s.keyText} AS k, ARRAY[${hashes.join(', ')}]::text[] AS hs FROM ${s.from} WHERE ${rowsByKeyFilter(plan, s)}`;
}

/** Normalised values (first 200 characters) of the displayable columns of the given rows. */
export function displayValuesQuery(plan: TablePlan, side: 'source' | 'target', columns: string[]): string {
  const s = plan.side[side];
  const byName = new Map(plan.columns.map((c) => [c.name, side === 'source' ? c.sourceExpr : c.targetExpr]));
  const values = columns.map((name) => `left((${byName.get(name)})::text, 200)`);
  return `SELECT ${s.keyText} AS k, ARRAY[${values.join(', ')}]::text[] AS vs FROM ${s.from} WHERE ${rowsByKeyFilter(plan, s)}`;
}

/** First key column of a key text (`42` or `(42,7)`) as a number, for index-friendly lookups. */
export function firstKeyOf(key: string): string {
  return key.startsWith('(') ? key.slice(1).split(',')[0]! : key;
}
