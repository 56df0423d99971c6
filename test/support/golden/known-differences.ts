import { expect, it } from 'vitest';
import type { ReplayOutcome } from './replay.ts';

/** Known differences of a replayed fixture: case id → why Ficus does not give Odoo's recorded answer. */
export type KnownDifferences = Readonly<Record<string, string>>;

/** The cases that did not pass and are not listed. */
export function unlistedDifferences(outcomes: readonly ReplayOutcome[], known: KnownDifferences): string[] {
  return outcomes.filter((o) => o.outcome !== 'pass' && !(o.id in known)).map((o) => o.id);
}

/** The listed cases that pass now: a list of known differences names only differences that still exist. */
export function listedButPassing(outcomes: readonly ReplayOutcome[], known: KnownDifferences): string[] {
  const differing = new Set(outcomes.filter((o) => o.outcome !== 'pass').map((o) => o.id));
  return Object.keys(known).filter((id) => !differing.has(id));
}

/** The two checks of a replay against its known differences (`outcomes` is read when the tests run). */
export function itAnswersAsOdooButListed(outcomes: () => readonly ReplayOutcome[], known: KnownDifferences): void {
  it("gives Odoo 18's answer at every case but the listed differences", () => {
    expect(unlistedDifferences(outcomes(), known)).toEqual([]);
  });
  it('lists only differences that still exist', () => {
    expect(listedButPassing(outcomes(), known)).toEqual([]);
  });
}
