import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkRanges, chunkWindows, childSpan, differingChunks, firstLevelSpan, pageSlices } from '../../migration/reconcile/bisection.ts';
import { nextOccurrence, parseTimeOfDay } from '../../migration/reconcile/schedule.ts';
import { agreesWithout, singleDifferenceOffset } from '../../migration/reconcile/single-difference.ts';
import { findModuleDefinition } from '../../migration/modules/index.ts';

describe('bisection helpers', () => {
  it('finds chunks that differ, or exist on one side only', () => {
    const s = new Map([[1, { n: 2, h: 'a' }], [2, { n: 2, h: 'b' }], [3, { n: 1, h: 'c' }]]);
    const t = new Map([[1, { n: 2, h: 'a' }], [2, { n: 2, h: 'x' }], [4, { n: 5, h: 'd' }]]);
    expect(differingChunks(s, t, 8).map((c) => [c.bucket, c.rowsSource, c.rowsTarget])).toEqual([[2, 2, 2], [3, 1, 0], [4, 0, 5]]);
  });

  it('chooses power-of-two spans that nest, sized by density and the chunk limit', () => {
    expect(firstLevelSpan(10_000_000, 10_000_000, 32, 400_000)).toBe(32);
    expect(firstLevelSpan(1_000_000, 100_000, 32, 400_000)).toBe(256); // sparse keys: wider span, about the same rows per chunk
    expect(firstLevelSpan(10_010_000, 9_979_000, 32, 400_000)).toBe(32); // a few rows deleted: not twice the rows per chunk
    expect(firstLevelSpan(1e9, 1e9, 32, 400_000)).toBe(4096); // capped chunk count
    expect(childSpan(4096, 16)).toBe(256);
    expect(childSpan(8, 16)).toBe(1);
  });

  it('groups chunks into key windows per span, cut at wide gaps, and slices the heap without gaps', () => {
    expect(chunkWindows([{ bucket: 3, span: 4 }, { bucket: 1, span: 4 }, { bucket: 2, span: 4 }, { bucket: 9, span: 4 }, { bucket: 5, span: 64 }], 16)).toEqual([
      { lo: 4, hi: 16, span: 4, buckets: [1, 2, 3] },
      { lo: 36, hi: 40, span: 4, buckets: [9] },
      { lo: 320, hi: 384, span: 64, buckets: [5] },
    ]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 50 }), (pages, parts) => {
        const cut = pageSlices(pages, parts);
        expect(cut[0]!.from).toBe(0);
        expect(cut.at(-1)!.to).toBeNull(); // open-ended: pages added meanwhile are read too
        for (let i = 1; i < cut.length; i++) expect(cut[i]!.from).toBe(cut[i - 1]!.to);
        expect(cut.length).toBeLessThanOrEqual(Math.max(1, parts));
      }),
    );
  });
});

describe('key ranges of differing chunks', () => {
  it('merges adjacent chunks (a clustered difference is one range scan) and batches the rest', () => {
    expect(chunkRanges([{ bucket: 3, span: 4 }, { bucket: 1, span: 4 }, { bucket: 2, span: 4 }, { bucket: 9, span: 4 }, { bucket: -1, span: 4 }])).toEqual([
      [{ lo: -4, hi: 0 }, { lo: 4, hi: 16 }, { lo: 36, hi: 40 }],
    ]);
    expect(chunkRanges([{ bucket: 0, span: 8 }, { bucket: 2, span: 8 }, { bucket: 4, span: 8 }], 2)).toEqual([[{ lo: 0, hi: 8 }, { lo: 16, hi: 24 }], [{ lo: 32, hi: 40 }]]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -500, max: 500 }), { maxLength: 200 }), fc.integer({ min: 0, max: 6 }), (buckets, log) => {
        const span = 2 ** log;
        const ranges = chunkRanges(buckets.map((bucket) => ({ bucket, span })), 7).flat();
        const covered = (key: number) => ranges.some((r) => key >= r.lo && key < r.hi);
        for (const b of buckets) for (let k = b * span; k < (b + 1) * span; k++) expect(covered(k)).toBe(true);
        expect(ranges.reduce((n, r) => n + r.hi - r.lo, 0)).toBe(new Set(buckets).size * span); // nothing outside the chunks
        for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.lo).toBeGreaterThan(ranges[i - 1]!.hi); // sorted, disjoint, not adjacent
      }),
    );
  });
});

describe('daily schedule', () => {
  it('parses HH:MM and finds the next run strictly after now', () => {
    expect(parseTimeOfDay('02:30')).toEqual([2, 30]);
    expect(() => parseTimeOfDay('25:00')).toThrow(/time of day/);
    expect(nextOccurrence(new Date('2026-11-25T01:00:00Z'), 2, 30, 'UTC').toISOString()).toBe('2026-11-25T02:30:00.000Z');
    expect(nextOccurrence(new Date('2026-11-25T02:30:00Z'), 2, 30, 'UTC').toISOString()).toBe('2026-11-26T02:30:00.000Z');
  });
});

describe('module names', () => {
  it('accepts codes in any case and technical names', () => {
    const modules = [
      { code: 'M04', technicalName: 'hp_marketplace', title: 'Health Service Marketplace', service: 'trade' as const },
      { code: 'M14', technicalName: 'hp_points', title: 'Points', service: 'finance' as const },
      { code: 'M20', technicalName: 'hp_grab', title: 'Order Grabbing', service: 'trade' as const },
    ];
    expect(findModuleDefinition(modules, 'm4')?.technicalName).toBe('hp_marketplace');
    expect(findModuleDefinition(modules, 'M20')?.service).toBe('trade');
    expect(findModuleDefinition(modules, 'hp_points')?.code).toBe('M14');
    expect(findModuleDefinition(modules, 'M21')).toBeUndefined();
    expect(findModuleDefinition(modules, 'hp_Points')).toBeUndefined();
  });
});

describe('single differences named from chunk sums', () => {
  const sums = (rows: Map<number, bigint>) => {
    let h = 0n;
    let p = 0n;
    for (const [offset, hash] of rows) {
      h ^= hash;
      p ^= BigInt.asUintN(64, hash << BigInt(offset));
    }
    return { n: rows.size, h: String(BigInt.asIntN(64, h)), p: String(BigInt.asIntN(64, p)) };
  };
  const hash = fc.bigInt({ min: 1n, max: 2n ** 64n - 1n });
  const chunk = fc.uniqueArray(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 32 }).chain((offsets) =>
    fc.tuple(fc.constant(offsets), fc.array(hash, { minLength: offsets.length, maxLength: offsets.length })),
  );

  it('names the key of a chunk’s only difference (changed, missing on either side), and its check passes', () => {
    fc.assert(
      fc.property(chunk, fc.nat(), hash, fc.constantFrom('different', 'missing-in-target', 'missing-in-source'), ([offsets, hashes], pick, other, kind) => {
        const source = new Map(offsets.map((o, i) => [o, hashes[i]!]));
        const target = new Map(source);
        const offset = offsets[pick % offsets.length]!;
        fc.pre(other !== source.get(offset));
        if (kind === 'different') target.set(offset, other);
        else if (kind === 'missing-in-target') target.delete(offset);
        else source.delete(offset);
        expect(singleDifferenceOffset(sums(source), sums(target), 32)).toBe(offset);
        const at = (rows: Map<number, bigint>) => (rows.has(offset) ? [String(BigInt.asIntN(64, rows.get(offset)!))] : []);
        expect(agreesWithout(sums(source), sums(target), at(source), at(target))).toBe(true);
      }),
    );
  });

  it('never lets a chunk with two differences pass the check', () => {
    fc.assert(
      fc.property(chunk, fc.nat(), fc.nat(), hash, hash, ([offsets, hashes], a, b, ha, hb) => {
        fc.pre(offsets.length >= 2);
        const source = new Map(offsets.map((o, i) => [o, hashes[i]!]));
        const target = new Map(source);
        const [oa, ob] = [offsets[a % offsets.length]!, offsets[(a + 1 + (b % (offsets.length - 1))) % offsets.length]!];
        fc.pre(ha !== source.get(oa) && hb !== source.get(ob));
        target.set(oa, ha);
        target.set(ob, hb);
        const guess = singleDifferenceOffset(sums(source), sums(target), 32);
        if (guess === null) return;
        const at = (rows: Map<number, bigint>) => (rows.has(guess) ? [String(BigInt.asIntN(64, rows.get(guess)!))] : []);
        expect(agreesWithout(sums(source), sums(target), at(source), at(target))).toBe(false);
      }),
    );
  });
});
