import type pg from 'pg';
import {
  childSpan,
  chunkWindows,
  differingChunks,
  firstLevelSpan,
  slices,
  type ChunkSum,
  type ChunkWindow,
  type DifferingChunk,
} from './bisection.ts';
import { chunksChecksumQuery, countQuery, keyRangeQuery, sliceChecksumQuery } from './checksum-queries.ts';
import type { NormalisationNote } from './normalisation.ts';
import {
  classifyRows,
  compareKeys,
  describeDifferences,
  rowsByKey,
  rowsInChunks,
  type CandidateDifference,
} from './row-comparison.ts';
import { mapWithLimit } from './sql.ts';
import { introspectTable, type TableShape } from './table-introspection.ts';
import { planTable, type SidePlan, type TablePlan } from './table-plan.ts';
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
 *  1. chunk checksums (count + xor of row hashes per primary-key range) over the whole key
 *     space, computed inside both PostgreSQL servers at the same time, slice by slice;
 *  2. where chunks differ and hold more than `leafRows` rows, split them `fanOut` ways and
 *     compare again (bisection), only inside the differing ranges;
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

  // 1. first-level chunk checksums, slice by slice, both sides concurrently
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
    const parts = slices(min, max, span, Math.ceil(Math.max(estimatedRows, 1) / tuning.sliceRows));
    const sums = { source: new Map<number, ChunkSum>(), target: new Map<number, ChunkSum>() };
    let rowsDone = 0;
    const total = Math.max(estimatedRows, 1);
    await Promise.all(
      SIDES.map((side) =>
        mapWithLimit(parts, tuning.concurrency, async (part) => {
          const { rows } = await pools[side].query<{ b: string; n: number; h: string }>(sliceChecksumQuery(plan.side[side], span), [part.lo, part.hi]);
          let n = 0;
          for (const r of rows) {
            sums[side].set(Number(r.b), { n: r.n, h: r.h });
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

    // 2. bisection of differing chunks down to ranges of at most leafRows rows
    const t1 = Date.now();
    let level = differingChunks(sums.source, sums.target, span);
    result.chunksDiffering = level.length;
    const leaves: DifferingChunk[] = [];
    while (level.length) {
      const split = level.filter((c) => c.span > 1 && Math.max(c.rowsSource, c.rowsTarget) > tuning.leafRows);
      leaves.push(...level.filter((c) => !split.includes(c)));
      if (!split.length) break;
      result.bisectionLevels += 1;
      const finer = childSpan(split[0]!.span, tuning.fanOut);
      const parents = chunkWindows(split);
      progress('bisect', result.bisectionLevels, result.bisectionLevels + 1);
      const [s, t] = await Promise.all(SIDES.map((side) => chunksChecksum(pools[side], plan.side[side], finer, parents)));
      level = differingChunks(s!, t!, finer);
    }
    result.timingsMs.bisect = Date.now() - t1;

    // 3. row by row inside the leaf ranges
    const t2 = Date.now();
    const leafWindows = chunkWindows(leaves);
    progress('rows', 0, leaves.length);
    readAt = Date.now();
    const [s, t] = await Promise.all(SIDES.map((side) => rowsInChunks(pools[side], plan, side, leafWindows, lag.lagWindowMs)));
    result.rowsFetched = s!.size + t!.size;
    candidates = classifyRows(s!, t!);
    result.timingsMs.rows = Date.now() - t2;
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

async function chunksChecksum(pool: pg.Pool, side: SidePlan, span: number, parents: ChunkWindow[]): Promise<Map<number, ChunkSum>> {
  const out = new Map<number, ChunkSum>();
  for (const w of parents) {
    const { rows } = await pool.query<{ b: string; n: number; h: string }>(chunksChecksumQuery(side, w.span, span), [w.lo, w.hi, w.buckets]);
    for (const r of rows) out.set(Number(r.b), { n: r.n, h: r.h });
  }
  return out;
}

async function countRows(pool: pg.Pool, table: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(countQuery({ from: `"${table.replaceAll('"', '""')}"` } as SidePlan));
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
