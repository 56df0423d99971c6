import { sameAnswer, unexplainedDifferences } from '../control/shadow/noise-aware-diff.ts';

/** Where Ficus's answer and Odoo's differ: a path into the answer and the field, never a value (it may be health data). */
export interface OffloadDifference {
  /** `value`: a field differs; `missing`: a row Odoo has and Ficus not; `extra`: the reverse. */
  kind: 'value' | 'missing' | 'extra';
  path: string;
  field: string | null;
}

export type SampleVerdict =
  | { outcome: 'match' }
  /** The answers differed, but only where Odoo's own answers changed in between (rows written, time passing). */
  | { outcome: 'timing' }
  | { outcome: 'difference'; differences: OffloadDifference[] }
  /** No comparison was possible (Odoo did not answer again). */
  | { outcome: 'unverified' };

export interface SampleSides {
  /** Odoo's answer to the same request, asked now; undefined when it did not answer. */
  odoo(): Promise<unknown | undefined>;
  /** Ficus's answer, asked now. */
  ficus(): Promise<unknown>;
}

/**
 * One sample of a class, judged with shadow's noise rule (migration/control/shadow/noise-aware-diff.ts,
 * issue 18): Odoo and Ficus read the same tables, but not at the same instant, so rows written
 * in between (or a value that depends on the time) can make two correct answers differ.
 *
 * `first` is the answer the client got, from `firstSide`. The other side is asked; the same
 * answer is a `match`. Otherwise the first side is asked again: the other side's answer lies
 * in time between the first side's two, so where those two agree, the other side must agree
 * too — a difference there is real; where they disagree, time explains it (`timing`). A real
 * difference is tried again from the newest answer (`rounds` in all) and counts only if it
 * survives every round: a race no rule foresaw cannot demote a class, a wrong field does.
 */
export async function judgeSample(first: unknown, firstSide: 'odoo' | 'ficus', sides: SampleSides, rounds = 3): Promise<SampleVerdict> {
  const other = firstSide === 'odoo' ? () => sides.ficus() : () => sides.odoo();
  const again = firstSide === 'odoo' ? () => sides.odoo() : () => sides.ficus();
  let before = first;
  let differences: OffloadDifference[] = [];
  for (let round = 0; round < Math.max(1, rounds); round++) {
    const theirs = await other();
    if (theirs === undefined) return { outcome: 'unverified' };
    if (sameAnswer(before, theirs)) return { outcome: round === 0 ? 'match' : 'timing' };
    const after = await again();
    if (after === undefined) return { outcome: 'unverified' };
    if (sameAnswer(after, theirs)) return { outcome: 'timing' };
    const found = unexplainedDifferences(before, theirs, after);
    if (!found.length) return { outcome: 'timing' };
    // noise-aware-diff speaks of the side asked twice as "legacy": its missing rows are Ficus's
    // missing rows when that side is Odoo, Ficus's extra rows when it is Ficus.
    differences = found.map((d) => ({ kind: firstSide === 'odoo' || d.kind === 'value' ? d.kind : d.kind === 'missing' ? 'extra' : 'missing', path: d.path, field: d.field }));
    before = after;
  }
  return { outcome: 'difference', differences };
}
