/**
 * The pure part of the descent: comparing chunk checksums, choosing chunk spans, and turning
 * differing chunks into key ranges. Spans are powers of two, so a chunk of span S splits into
 * chunks of span S / fanOut that nest exactly inside it.
 */
export interface ChunkSum {
  n: number;
  h: string;
  /** First-level chunks of integer keys: the positioned xor (single-difference.ts). */
  p?: string;
}

export interface DifferingChunk {
  bucket: number;
  span: number;
  rowsSource: number;
  rowsTarget: number;
}

export function differingChunks(source: Map<number, ChunkSum>, target: Map<number, ChunkSum>, span: number): DifferingChunk[] {
  const out: DifferingChunk[] = [];
  for (const [bucket, s] of source) {
    const t = target.get(bucket);
    if (!t || t.n !== s.n || t.h !== s.h) out.push({ bucket, span, rowsSource: s.n, rowsTarget: t?.n ?? 0 });
  }
  for (const [bucket, t] of target) {
    if (!source.has(bucket)) out.push({ bucket, span, rowsSource: 0, rowsTarget: t.n });
  }
  return out.sort((a, b) => a.bucket - b.bucket);
}

/**
 * First-level span: the power of two nearest (in ratio) to what holds `chunkRows` rows at the
 * table's density, but wide enough that the table has at most `maxChunks` chunks. Nearest, not
 * next: a table with a few deleted rows (density 0.99) must not get chunks of twice the rows,
 * which doubles what a scattered difference costs to re-read.
 */
export function firstLevelSpan(keySpan: number, estimatedRows: number, chunkRows: number, maxChunks: number): number {
  const density = estimatedRows > 0 ? Math.min(1, estimatedRows / Math.max(keySpan, 1)) : 1;
  const forRows = 2 ** Math.round(Math.log2(Math.max(chunkRows / density, 1)));
  const forCount = 2 ** Math.ceil(Math.log2(Math.max(keySpan / maxChunks, 1)));
  return Math.max(forRows, forCount);
}

export function childSpan(span: number, fanOut: number): number {
  return Math.max(1, Math.floor(span / fanOut));
}

export interface KeyRange {
  lo: number;
  /** Exclusive. */
  hi: number;
}

export interface ChunkWindow {
  /** Key range holding the chunks (exclusive end). */
  lo: number;
  hi: number;
  span: number;
  buckets: number[];
}

/**
 * Groups chunks of one span into key windows, cutting where two chunks are more than `maxGap`
 * keys apart: a window is read once, so a gap costs reading (not hashing) its rows.
 */
export function chunkWindows(chunks: readonly { bucket: number; span: number }[], maxGap = 65_536, maxBuckets = 250_000): ChunkWindow[] {
  const bySpan = new Map<number, number[]>();
  for (const c of chunks) bySpan.set(c.span, [...(bySpan.get(c.span) ?? []), c.bucket]);
  const windows: ChunkWindow[] = [];
  for (const [span, list] of bySpan) {
    const buckets = [...new Set(list)].sort((a, b) => a - b);
    let current: number[] = [];
    const flush = () => {
      if (current.length) windows.push({ lo: current[0]! * span, hi: (current.at(-1)! + 1) * span, span, buckets: current });
      current = [];
    };
    for (const b of buckets) {
      const last = current.at(-1);
      if (last !== undefined && ((b - last) * span > maxGap || current.length >= maxBuckets)) flush();
      current.push(b);
    }
    flush();
  }
  return windows;
}

/**
 * The key ranges the given chunks cover, sorted, with adjacent and overlapping chunks merged
 * (a clustered difference becomes one range), cut into batches of at most `maxRanges`.
 */
export function chunkRanges(chunks: readonly { bucket: number; span: number }[], maxRanges = 50_000): KeyRange[][] {
  const sorted = chunks.map((c) => ({ lo: c.bucket * c.span, hi: (c.bucket + 1) * c.span })).sort((a, b) => a.lo - b.lo);
  const merged: KeyRange[] = [];
  for (const r of sorted) {
    const last = merged.at(-1);
    if (last && r.lo <= last.hi) last.hi = Math.max(last.hi, r.hi);
    else merged.push({ ...r });
  }
  const batches: KeyRange[][] = [];
  for (let i = 0; i < merged.length; i += maxRanges) batches.push(merged.slice(i, i + maxRanges));
  return batches;
}

/** A slice of the table's heap: pages `[from, to)`, `to` null for "to the end". */
export interface PageSlice {
  from: number;
  to: number | null;
}

/**
 * The table's pages cut into about `parts` slices; the last one is open-ended, so pages added
 * while the pass runs are read too. An empty (or partitioned, sizeless) table is one slice.
 */
export function pageSlices(pages: number, parts: number): PageSlice[] {
  const per = Math.max(1, Math.ceil(pages / Math.max(1, parts)));
  const out: PageSlice[] = [];
  for (let from = 0; from + per < pages; from += per) out.push({ from, to: from + per });
  out.push({ from: out.length ? out.at(-1)!.to! : 0, to: null });
  return out;
}
