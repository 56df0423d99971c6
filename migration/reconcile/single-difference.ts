import type { ChunkSum } from './bisection.ts';

/*
 * Most differing chunks hold a single differing row (at 1 % of rows changed at random, 89 % of
 * the differing 32-row chunks do). Besides its count and xor of row hashes X, each first-level
 * chunk also carries P = xor of (row hash << offset of the row's key in the chunk). If exactly
 * one key differs, with row hashes hs and ht (0 where the row is missing), then
 *   X_s ^ X_t = hs ^ ht = d   and   P_s ^ P_t = d << offset,
 * because shifting distributes over xor. The offset is the j with (d << j) = P_s ^ P_t, which
 * names the key without re-reading the chunk. The guess is then checked: its rows are fetched
 * by key on both sides, and the chunk must agree once they are taken out (same count, same X).
 * Only then is the chunk settled; any other chunk (several differences, a wrong guess, rows
 * written meanwhile) goes on to bisection as before. The check is the same test that declares
 * any chunk equal, so decoding adds no risk of a missed difference.
 */
const u64 = (text: string | undefined) => BigInt.asUintN(64, BigInt(text ?? '0'));

/** The offset in the chunk of its single differing key, or null when the sums do not say. */
export function singleDifferenceOffset(source: ChunkSum | undefined, target: ChunkSum | undefined, span: number): number | null {
  if (!source?.p && !target?.p) return null;
  const d = u64(source?.h) ^ u64(target?.h);
  const p = u64(source?.p) ^ u64(target?.p);
  if (d === 0n) return null;
  let found: number | null = null;
  for (let j = 0; j < span; j++) {
    if (BigInt.asUintN(64, d << BigInt(j)) === p) {
      if (found !== null) return null; // ambiguous (d has many trailing zero bits): bisect instead
      found = j;
    }
  }
  return found;
}

/**
 * Whether a chunk agrees on both sides once the given rows (its rows at one key, as fetched
 * now) are taken out of its sums: then those rows are its only difference.
 */
export function agreesWithout(
  source: ChunkSum | undefined,
  target: ChunkSum | undefined,
  sourceRows: readonly string[],
  targetRows: readonly string[],
): boolean {
  const rest = (sum: ChunkSum | undefined, rows: readonly string[]) => ({
    n: (sum?.n ?? 0) - rows.length,
    h: rows.reduce((x, h) => x ^ u64(h), u64(sum?.h)),
  });
  const s = rest(source, sourceRows);
  const t = rest(target, targetRows);
  return s.n >= 0 && t.n >= 0 && s.n === t.n && s.h === t.h;
}
