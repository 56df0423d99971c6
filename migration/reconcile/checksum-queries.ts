import type { SidePlan, TablePlan } from './table-plan.ts';

/**
 * SQL for each step, built from a side's plan. All hashing and aggregation happens inside
 * PostgreSQL: the client only receives per-chunk (count, xor of row hashes) and, where chunks
 * differ, (key, row hash) pairs.
 *
 * Why a chunk checksum is (count, bit_xor of 64-bit row hashes), and what it can miss: each row
 * hash covers the row's key and every compared column, and a primary key makes every row of a
 * chunk distinct, so two equal rows never cancel out. Two chunks holding different rows agree
 * only if the XOR of the row hashes that differ is zero. For unrelated rows that is a 64-bit
 * coincidence (2^-64). The row hash is linear in its column hashes (see `SidePlan.rowHash`), so
 * the least favourable case is a structured one — one column's values swapped between two rows
 * of a chunk: the two hashes then move by +d and −d, and the XOR stays put only if the carries
 * line up, which happens with probability at most 64·2^-64 = 2^-58 over the column hashes.
 * Across a 10-million-row table (~300,000 chunks) that stays below 10^-12 per run.
 */

/**
 * Chunk number of a key at `span`: floor division, also right for negative keys. Spans are
 * powers of two (see bisection.ts), where an arithmetic shift is floor division and far cheaper
 * than the general form.
 */
export function bucketOf(side: SidePlan, span: number): string {
  const c = side.chunkExpr;
  if (span === 1) return `(${c})`;
  const shift = Math.log2(span);
  // In the key's own integer type: no cast per row (int2/int4 shifts are arithmetic too).
  if (Number.isInteger(shift)) return `((${c}) >> ${shift})`;
  return `(CASE WHEN ${c} >= 0 THEN ${c} / ${span}::bigint ELSE (${c} + 1) / ${span}::bigint - 1 END)`;
}

export function keyRangeQuery(side: SidePlan): string {
  return `SELECT min(${side.chunkExpr})::text AS min, max(${side.chunkExpr})::text AS max FROM ${side.from}`;
}

export function countQuery(side: SidePlan): string {
  return `SELECT count(*)::text AS n FROM ${side.from}`;
}

/**
 * Per-chunk (count, xor) of the rows a `FROM … WHERE …` selects. The row hash is computed in a
 * subquery the planner may not flatten (`OFFSET 0`), so the aggregate groups narrow (bucket,
 * hash) pairs: grouped directly, PostgreSQL sorts or hashes the whole wide rows, which doubled
 * the time of a pass in measurements.
 */
function chunkSums(side: SidePlan, span: number, fromWhere: string, positioned = false): string {
  // `p`: xor of the row hashes shifted by the key's offset in its chunk (single-difference.ts).
  const offset = positioned ? `, ((${side.chunkExpr}) & ${span - 1})::int AS o` : '';
  return `SELECT b::text AS b, count(*)::int AS n, bit_xor(h)::text AS h${positioned ? ', bit_xor(h << o)::text AS p' : ''}
            FROM (SELECT ${bucketOf(side, span)} AS b, ${side.rowHash} AS h${offset} ${fromWhere} OFFSET 0) AS ficus_rows
           GROUP BY b`;
}

/** Spans whose chunk sums also carry the positioned xor: offsets must fit a 64-bit shift. */
export function positionedSpan(span: number): boolean {
  return span > 1 && span <= 64 && Number.isInteger(Math.log2(span));
}

/**
 * Chunk checksums of the rows stored in one slice of the table's pages (`$1 <= ctid < $2`, or
 * from `$1` on when `openEnded`): a TID range scan reads the heap in order, without the index,
 * which measured 6 % less CPU per pass than primary-key range slices, and any table can be
 * sliced this way. A chunk's rows may lie in several slices; their sums are combined.
 *
 * The pass reads each slice at a different moment: a row moved to another page meanwhile (an
 * UPDATE) can be read twice or not at all. Either way its chunk no longer matches, and the
 * bisection re-reads that chunk by primary key, so such a row is never reported by mistake.
 */
export function sliceChecksumQuery(side: SidePlan, span: number, openEnded: boolean, positioned = false): string {
  return chunkSums(side, span, `FROM ${side.from} WHERE ctid >= $1::tid${openEnded ? '' : ' AND ctid < $2::tid'}`, positioned);
}

/** Pages in the table's main fork (0 for a partitioned table, which has none of its own). */
export function pageCountQuery(): string {
  return `SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::text AS pages`;
}

/**
 * The rows inside key ranges `[$1[i], $2[i])`, for range chunking (an integer first key column):
 * one primary-key index range scan per range, so only the rows of differing chunks are read.
 * The aliases are prefixed so they cannot capture a column of the table.
 */
function inRanges(side: SidePlan): string {
  return `FROM unnest($1::bigint[], $2::bigint[]) AS ficus_range(ficus_lo, ficus_hi)
          JOIN ${side.from} ON ${side.chunkExpr} >= ficus_range.ficus_lo AND ${side.chunkExpr} < ficus_range.ficus_hi`;
}

/**
 * The rows of the given chunks (`$3`, all of span `span`) inside one key window (`$1` ≤ key <
 * `$2`), for hash chunking (the chunk number is a hash of the key: no index to range over). The
 * bucket filter runs before the row hash, so only rows of differing chunks are hashed.
 */
function inChunks(side: SidePlan, span: number): string {
  return `FROM ${side.from}
          WHERE ${side.chunkExpr} >= $1::bigint AND ${side.chunkExpr} < $2::bigint AND ${bucketOf(side, span)} = ANY($3::bigint[])`;
}

/** Chunk checksums at span `span` of the rows inside key ranges (`$1` starts, `$2` exclusive ends). */
export function rangesChecksumQuery(side: SidePlan, span: number): string {
  return chunkSums(side, span, inRanges(side));
}

/** Chunk checksums at a finer span (`span`) for the rows of the given parent chunks (span `parentSpan`). */
export function chunksChecksumQuery(side: SidePlan, parentSpan: number, span: number): string {
  return chunkSums(side, span, inChunks(side, parentSpan));
}

/** Key, row hash and freshness of every row inside key ranges. `$4` is the lag window in ms. */
export function rangesRowsQuery(side: SidePlan): string {
  return `SELECT ${side.keyText} AS k, ${side.rowHash}::text AS h, ${side.fresh.replace('$LAG', '$4')} AS f
            ${inRanges(side)}`;
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
  const hashes = plan.columns.map((c) => `hash_record_extended(ROW(${side === 'source' ? c.sourceHash : c.targetHash}), 0)`);
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
