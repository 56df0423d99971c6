/**
 * The pure part of the descent: comparing chunk checksums, choosing chunk spans, and turning
 * differing chunks into key ranges. Spans are powers of two, so a chunk of span S splits into
 * chunks of span S / fanOut that nest exactly inside it.
 */
export interface ChunkSum {
  n: number;
  h: string;
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
 * First-level span: wide enough that a chunk holds about `chunkRows` rows at the table's
 * density, and that the table has at most `maxChunks` chunks.
 */
export function firstLevelSpan(keySpan: number, estimatedRows: number, chunkRows: number, maxChunks: number): number {
  const density = estimatedRows > 0 ? Math.min(1, estimatedRows / Math.max(keySpan, 1)) : 1;
  const wanted = Math.max(chunkRows / density, keySpan / maxChunks, 1);
  return 2 ** Math.ceil(Math.log2(wanted));
}

export function childSpan(span: number, fanOut: number): number {
  return Math.max(1, Math.floor(span / fanOut));
}

export interface KeyRange {
  lo: number;
  /** Exclusive. */
  hi: number;
}

/** The key space [min, max] cut into about `parts` slices, each aligned on `span`. */
export function slices(min: number, max: number, span: number, parts: number): KeyRange[] {
  const first = Math.floor(min / span) * span;
  const end = (Math.floor(max / span) + 1) * span;
  const chunksTotal = (end - first) / span;
  const chunksPerSlice = Math.max(1, Math.ceil(chunksTotal / Math.max(1, parts)));
  const out: KeyRange[] = [];
  for (let lo = first; lo < end; lo += chunksPerSlice * span) out.push({ lo, hi: Math.min(end, lo + chunksPerSlice * span) });
  return out;
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
