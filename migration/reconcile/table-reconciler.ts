import type pg from 'pg';
import type { Queryable } from '../modules/queryable.ts';
import {
  childSpan,
  chunkRanges,
  chunkWindows,
  differingChunks,
  firstLevelSpan,
  pageSlices,
  type ChunkSum,
  type DifferingChunk,
} from './bisection.ts';
import { chunksChecksumQuery, countQuery, firstKeyOf, keyRangeQuery, pageCountQuery, positionedSpan, rangesChecksumQuery, sliceChecksumQuery } from './checksum-queries.ts';
import { agreesWithout, singleDifferenceOffset } from './single-difference.ts';
import type { NormalisationNote } from './normalisation.ts';
import {
  classifyRows,
  compareKeys,
  describeDifferences,
  rowsByKey,
  rowsInChunks,
  rowsInRanges,
  type CandidateDifference,
  type RowState,
} from './row-comparison.ts';
import { introspectTable, type TableShape } from './table-introspection.ts';
import { planTable, type SidePlan, type TablePlan } from './table-plan.ts';
import { quoteIdent } from '../../platform/quote-ident.ts';
import type {
  LagOptions,
  NormalisationOptions,
  ReconcileProgress,
  ReconcileTuning,
  TablePair,
  TableResult,
} from './types.ts';

export interface TableReconcileOptions {
  tuning: ReconcileTuning;
  normalisation: NormalisationOptions;
  lag: LagOptions;
  onProgress?: (progress: ReconcileProgress) => void;
}

/** First pass done; differences written inside the lag window still wait for `finish`. */
export interface PendingTable {
  result: TableResult;
  notes: NormalisationNote[];
  /** When the rows were read (ms since epoch): the re-check waits until this + lag window. */
  readAt: number;
  /** Differences found inside the lag window, waiting for the re-check. */
  deferred: number;
  /** Re-checks deferred keys, describes the differences and completes `result`. */
  finish(): Promise<TableResult>;
}

type Side = 'source' | 'target';
const SIDES: Side[] = ['source', 'target'];

/**
 * Compares one table between two databases:
 *  1. chunk checksums (count + xor of row hashes per primary-key range) over the whole table,
 *     computed inside both PostgreSQL servers at the same time, slice of pages by slice;
 *  2. where chunks differ and hold more than `leafRows` rows, split them `fanOut` ways and
 *     compare again (bisection), re-reading only the differing ranges (primary-key range scans);
 *  3. in the remaining ranges, compare (key, row hash) pairs and classify each differing key;
 *  4. keys written within the lag window are re-checked after it (`finish`).
 */
export async function reconcileTable(pair: TablePair, options: TableReconcileOptions): Promise<PendingTable> {
  const started = Date.now();
  const { tuning, lag } = options;
  const pools = { source: pair.source, target: pair.target };
  const progress = (phase: ReconcileProgress['phase'], done: number, total: number) =>
    options.onProgress?.({ table: pair.table, phase, done, total });
  progress('introspect', 0, 1);

  const [sourceShape, targetShape] = await Promise.all([introspectTable(pair.source, pair.table), introspectTable(pair.target, pair.targetTable)]);
  const result = emptyResult(pair, sourceShape, targetShape);
  const done = (notes: NormalisationNote[] = []): PendingTable => {
    result.timingsMs.total = Date.now() - started;
    progress('done', 1, 1);
    return { result, notes, readAt: Date.now(), deferred: 0, finish: async () => result };
  };
  if (!sourceShape.exists || !targetShape.exists) {
    if (sourceShape.exists) result.rowsSource = await countRows(pair.source, pair.table);
    if (targetShape.exists) result.rowsTarget = await countRows(pair.target, pair.targetTable);
    result.status = !sourceShape.exists && !targetShape.exists ? 'skipped' : sourceShape.exists ? 'missing-in-target' : 'missing-in-source';
    result.reason = result.status === 'skipped' ? 'table exists on neither side' : `table exists only in the ${sourceShape.exists ? 'source' : 'target'}`;
    return done();
  }
  let plan: TablePlan;
  try {
    plan = planTable(pair.table, pair.targetTable, sourceShape, targetShape, options.normalisation, lag);
  } catch (error) {
    result.status = 'skipped';
    result.reason = (error as Error).message;
    return done();
  }
  result.keyColumns = plan.keyColumns;
  result.schema = { onlyInSource: plan.onlyInSource, onlyInTarget: plan.onlyInTarget, comparedColumns: plan.columns.map((c) => c.name) };

  // 1. first-level chunk checksums, slice by slice, both sides concurrently, each side on its
  //    own connection(s): two server processes, so the two databases use both cores.
  const t0 = Date.now();
  const ranges = await Promise.all(SIDES.map((side) => keyRange(pools[side], plan.side[side])));
  const present = ranges.filter((r): r is { min: number; max: number } => r !== null);
  const estimatedRows = Math.max(sourceShape.estimatedRows, targetShape.estimatedRows);
  let candidates: CandidateDifference[] = [];
  let readAt = Date.now();
  if (present.length) {
    const min = Math.min(...present.map((r) => r.min));
    const max = Math.max(...present.map((r) => r.max));
    result.keyRange = { min, max };
    // Density from the denser side: ids appended far away on one side must not widen every chunk.
    const shapes = [sourceShape, targetShape];
    const density = Math.max(...ranges.map((r, i) => (r ? Math.min(1, shapes[i]!.estimatedRows / (r.max - r.min + 1)) : 0)));
    const span = firstLevelSpan(max - min + 1, density > 0 ? density * (max - min + 1) : estimatedRows, tuning.chunkRows, tuning.maxChunks);
    result.chunkSpan = span;
    const pages = await Promise.all(SIDES.map((side) => pageCount(pools[side], plan.side[side])));
    const parts = {
      source: pageSlices(pages[0]!, Math.ceil(Math.max(sourceShape.estimatedRows, 1) / tuning.sliceRows)),
      target: pageSlices(pages[1]!, Math.ceil(Math.max(targetShape.estimatedRows, 1) / tuning.sliceRows)),
    };
    const positioned = plan.rangeChunking && positionedSpan(span);
    const sessions = { source: await openSessions(pools.source, tuning.concurrency), target: [] as pg.PoolClient[] };
    try {
      sessions.target = await openSessions(pools.target, tuning.concurrency);
      const sums = { source: new Map<number, ChunkSum>(), target: new Map<number, ChunkSum>() };
      let rowsDone = 0;
      const total = Math.max(estimatedRows, 1);
      await Promise.all(
        SIDES.map((side) =>
          eachOnSessions(sessions[side], parts[side], async (db, part) => {
            const bounds = [`(${part.from},0)`, ...(part.to === null ? [] : [`(${part.to},0)`])];
            const { rows } = await db.query<{ b: string; n: number; h: string; p?: string }>(
              sliceChecksumQuery(plan.side[side], span, part.to === null, positioned),
              bounds,
            );
            let n = 0;
            const into = sums[side];
            for (const r of rows) {
              const bucket = Number(r.b);
              const seen = into.get(bucket);
              // A chunk whose rows lie in several slices: combine (counts add, hashes xor).
              into.set(
                bucket,
                seen
                  ? { n: seen.n + r.n, h: xorText(seen.h, r.h), ...(r.p !== undefined ? { p: xorText(seen.p!, r.p) } : {}) }
                  : { n: r.n, h: r.h, ...(r.p !== undefined ? { p: r.p } : {}) },
              );
              n += r.n;
            }
            if (side === 'source') result.rowsSource += n;
            else result.rowsTarget += n;
            rowsDone += n / 2;
            progress('checksum', Math.min(rowsDone, total), total);
          }),
        ),
      );
      result.chunksCompared = new Set([...sums.source.keys(), ...sums.target.keys()]).size;
      result.timingsMs.checksum = Date.now() - t0;

      // 2. bisection of differing chunks: re-read only their rows, at a finer span, until a
      //    chunk holds at most leafRows rows
      const t1 = Date.now();
      let level = differingChunks(sums.source, sums.target, span);
      result.chunksDiffering = level.length;
      const settled: CandidateDifference[] = [];
      if (positioned && level.length) {
        // Chunks with a single differing key: name it from the sums, check it by key.
        const decoded = await settleSingleDifferences(sessions, plan, level, sums, lag.lagWindowMs);
        settled.push(...decoded.candidates);
        result.rowsFetched += decoded.rowsFetched;
        level = decoded.rest;
      }
      const leaves: DifferingChunk[] = [];
      while (level.length) {
        const split = level.filter((c) => c.span > 1 && Math.max(c.rowsSource, c.rowsTarget) > tuning.leafRows);
        const splitSet = new Set(split);
        leaves.push(...level.filter((c) => !splitSet.has(c)));
        if (!split.length) break;
        result.bisectionLevels += 1;
        const finer = childSpan(split[0]!.span, tuning.fanOut);
        progress('bisect', result.bisectionLevels, result.bisectionLevels + 1);
        const [s, t] = await Promise.all(SIDES.map((side) => finerChecksums(sessions[side][0]!, plan, side, split, finer)));
        level = differingChunks(s!, t!, finer);
      }
      result.timingsMs.bisect = Date.now() - t1;

      // 3. row by row inside the leaf chunks
      const t2 = Date.now();
      progress('rows', 0, leaves.length);
      readAt = Date.now();
      const [s, t] = await Promise.all(
        SIDES.map((side) =>
          plan.rangeChunking
            ? rowsInRanges(sessions[side][0]!, plan, side, chunkRanges(leaves), lag.lagWindowMs)
            : rowsInChunks(sessions[side][0]!, plan, side, chunkWindows(leaves), lag.lagWindowMs),
        ),
      );
      result.rowsFetched += s!.size + t!.size;
      candidates = [...settled, ...classifyRows(s!, t!)];
      result.timingsMs.rows = Date.now() - t2;
    } finally {
      await Promise.all(SIDES.map((side) => closeSessions(sessions[side])));
    }
  }
  result.timingsMs.total = Date.now() - started;

  // 4. keys written within the lag window wait for the re-check; deletes carry no write date,
  //    so rows missing in the source are re-checked too whenever a window is configured.
  const deferred = lag.lagWindowMs > 0 ? candidates.filter((c) => c.fresh || c.kind === 'missing-in-source') : [];
  const settled = candidates.filter((c) => !deferred.includes(c));
  return {
    result,
    notes: plan.notes,
    readAt,
    deferred: deferred.length,
    async finish() {
      const t3 = Date.now();
      let final = settled;
      if (deferred.length) {
        progress('recheck', 0, deferred.length);
        const keys = deferred.map((d) => d.key);
        const [s, t] = await Promise.all(SIDES.map((side) => rowsByKey(pools[side], plan, side, keys, lag.lagWindowMs)));
        const again = classifyRows(s!, t!);
        result.unsettled = again.filter((c) => c.fresh).map((c) => c.key).sort(compareKeys);
        final = [...settled, ...again.filter((c) => !c.fresh)];
        result.timingsMs.recheck = Date.now() - t3;
      }
      final.sort((a, b) => compareKeys(a.key, b.key));
      result.differences = await describeDifferences(pools, plan, final, tuning.maxValueRows);
      const schemaDiffers = result.schema.onlyInSource.length > 0 || result.schema.onlyInTarget.length > 0;
      result.status = result.differences.length || schemaDiffers ? 'differences' : 'clean';
      result.timingsMs.total += Date.now() - t3;
      progress('done', 1, 1);
      return result;
    },
  };
}

async function keyRange(pool: pg.Pool, side: SidePlan): Promise<{ min: number; max: number } | null> {
  const { rows } = await pool.query<{ min: string | null; max: string | null }>(keyRangeQuery(side));
  const r = rows[0];
  return r?.min == null || r.max == null ? null : { min: Number(r.min), max: Number(r.max) };
}

/**
 * Chunk sums at span `span` of the rows of the given chunks: by primary-key ranges where keys
 * are integers (index range scans), else by key windows filtered on the hash bucket.
 */
async function finerChecksums(db: Queryable, plan: TablePlan, side: Side, chunks: DifferingChunk[], span: number): Promise<Map<number, ChunkSum>> {
  const out = new Map<number, ChunkSum>();
  const add = (rows: { b: string; n: number; h: string }[]) => {
    for (const r of rows) out.set(Number(r.b), { n: r.n, h: r.h });
  };
  if (plan.rangeChunking) {
    for (const batch of chunkRanges(chunks)) {
      const { rows } = await db.query<{ b: string; n: number; h: string }>(rangesChecksumQuery(plan.side[side], span), [
        batch.map((r) => r.lo),
        batch.map((r) => r.hi),
      ]);
      add(rows);
    }
  } else {
    for (const w of chunkWindows(chunks)) {
      const { rows } = await db.query<{ b: string; n: number; h: string }>(chunksChecksumQuery(plan.side[side], w.span, span), [w.lo, w.hi, w.buckets]);
      add(rows);
    }
  }
  return out;
}

function xorText(a: string, b: string): string {
  return String(BigInt.asIntN(64, BigInt(a) ^ BigInt(b)));
}

/**
 * First-level chunks whose sums name a single differing key: fetches that key's rows on both
 * sides (one index lookup each) and settles the chunk when it agrees without them. Returns the
 * classified differences of settled chunks, and the chunks still to bisect.
 */
async function settleSingleDifferences(
  sessions: { source: pg.PoolClient[]; target: pg.PoolClient[] },
  plan: TablePlan,
  chunks: DifferingChunk[],
  sums: { source: Map<number, ChunkSum>; target: Map<number, ChunkSum> },
  lagMs: number,
): Promise<{ candidates: CandidateDifference[]; rest: DifferingChunk[]; rowsFetched: number }> {
  const guesses = new Map<DifferingChunk, number>();
  for (const c of chunks) {
    const offset = singleDifferenceOffset(sums.source.get(c.bucket), sums.target.get(c.bucket), c.span);
    if (offset !== null) guesses.set(c, c.bucket * c.span + offset);
  }
  if (!guesses.size) return { candidates: [], rest: chunks, rowsFetched: 0 };
  const ranges = chunkRanges([...guesses.values()].map((key) => ({ bucket: key, span: 1 })));
  const [s, t] = await Promise.all(SIDES.map((side) => rowsInRanges(sessions[side][0]!, plan, side, ranges, lagMs)));
  // Fetched rows by first key value (composite keys may have several rows per value).
  const byValue = (rows: Map<string, RowState>) => {
    const out = new Map<number, Map<string, RowState>>();
    for (const [key, row] of rows) {
      const value = Number(firstKeyOf(key));
      if (!out.has(value)) out.set(value, new Map());
      out.get(value)!.set(key, row);
    }
    return out;
  };
  const fetched = { source: byValue(s!), target: byValue(t!) };
  const candidates: CandidateDifference[] = [];
  const rest: DifferingChunk[] = [];
  for (const c of chunks) {
    const value = guesses.get(c);
    const rs = value === undefined ? undefined : (fetched.source.get(value) ?? new Map<string, RowState>());
    const rt = value === undefined ? undefined : (fetched.target.get(value) ?? new Map<string, RowState>());
    const hashes = (rows: Map<string, RowState>) => [...rows.values()].map((r) => r.h);
    if (rs && rt && agreesWithout(sums.source.get(c.bucket), sums.target.get(c.bucket), hashes(rs), hashes(rt))) {
      candidates.push(...classifyRows(rs, rt));
    } else {
      rest.push(c);
    }
  }
  return { candidates, rest, rowsFetched: s!.size + t!.size };
}

/**
 * Connections of one side for the duration of a table. Grouping wide rows by chunk needs more
 * than PostgreSQL's default 4 MB of work_mem to stay in memory (the planner cannot know that a
 * chunk holds many rows); it is raised to 64 MB for these sessions only, never lowered.
 */
const SESSION_WORK_MEM_BYTES = 64 * 1024 * 1024;

async function openSessions(pool: pg.Pool, count: number): Promise<pg.PoolClient[]> {
  const clients: pg.PoolClient[] = [];
  try {
    for (let i = 0; i < Math.max(1, count); i++) {
      const client = await pool.connect();
      clients.push(client);
      await client.query(
        `SELECT set_config('work_mem', '${SESSION_WORK_MEM_BYTES / 1024}kB', false) WHERE pg_size_bytes(current_setting('work_mem')) < ${SESSION_WORK_MEM_BYTES}`,
      );
    }
    return clients;
  } catch (error) {
    await closeSessions(clients);
    throw error;
  }
}

async function closeSessions(clients: pg.PoolClient[]): Promise<void> {
  await Promise.all(
    clients.map(async (client) => {
      try {
        await client.query('RESET work_mem');
        client.release();
      } catch (error) {
        client.release(error as Error);
      }
    }),
  );
}

/** Runs `work` over `items`, each session taking the next item when it is free. */
async function eachOnSessions<T>(sessions: pg.PoolClient[], items: readonly T[], work: (db: pg.PoolClient, item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    sessions.map(async (db) => {
      while (next < items.length) await work(db, items[next++]!);
    }),
  );
}

async function pageCount(pool: pg.Pool, side: SidePlan): Promise<number> {
  const { rows } = await pool.query<{ pages: string }>(pageCountQuery(), [side.from]);
  return Number(rows[0]?.pages ?? 0);
}

async function countRows(pool: pg.Pool, table: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(countQuery({ from: quoteIdent(table) } as SidePlan));
  return Number(rows[0]?.n ?? 0);
}

function emptyResult(pair: TablePair, source: TableShape, target: TableShape): TableResult {
  return {
    table: pair.table,
    targetTable: pair.targetTable,
    ...(pair.module ? { module: pair.module } : {}),
    targetLabel: pair.targetLabel,
    status: 'clean',
    keyColumns: source.primaryKey.length ? source.primaryKey : target.primaryKey,
    rowsSource: 0,
    rowsTarget: 0,
    keyRange: null,
    chunkSpan: 0,
    chunksCompared: 0,
    chunksDiffering: 0,
    bisectionLevels: 0,
    rowsFetched: 0,
    schema: { onlyInSource: [], onlyInTarget: [], comparedColumns: [] },
    differences: [],
    unsettled: [],
    timingsMs: { checksum: 0, bisect: 0, rows: 0, recheck: 0, total: 0 },
  };
}
