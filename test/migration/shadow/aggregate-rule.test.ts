import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unexplainedDifferences } from '../../../migration/control/shadow/noise-aware-diff.ts';

/**
 * The aggregate rule (aggregate-diff.ts) on a model of the finance drill: payments created and
 * moved between pending / succeeded / failed / refunded (and some deleted) while read_group
 * counts them per state. Legacy is read at steps i ≤ k, the service at a step j between them,
 * after it applied the marker m (i ≤ m ≤ j); the comparer counts the rows the copy changed
 * after m up to a marker past k (step k2 ≥ k): that is `churn`.
 */
const STATES = ['pending', 'succeeded', 'failed', 'refunded'] as const;
interface Payment { id: number; state: string; amount: number }
type Op = { kind: 'create'; amount: number } | { kind: 'move'; pick: number; to: number } | { kind: 'delete'; pick: number };

function history(ops: readonly Op[]): { states: Payment[][]; touched: number[][] } {
  let rows: Payment[] = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, state: STATES[i % 4]!, amount: 10 * (i + 1) }));
  const states = [rows];
  const touched: number[][] = [[]];
  let next = 9;
  for (const op of ops) {
    let id: number | undefined;
    if (op.kind === 'create') rows = [...rows, { id: (id = next++), state: 'pending', amount: op.amount }];
    else if (rows.length) {
      const target = rows[op.pick % rows.length]!;
      id = target.id;
      rows = op.kind === 'move' ? rows.map((r) => (r.id === target.id ? { ...r, state: STATES[op.to % 4]! } : r)) : rows.filter((r) => r.id !== target.id);
    }
    states.push(rows);
    touched.push(id === undefined ? [] : [id]);
  }
  return { states, touched };
}

/** read_group(domain, ['state', 'amount:sum'], ['state']) of one state, as Odoo answers it (empty groups left out). */
const readGroup = (rows: Payment[]) =>
  STATES.filter((s) => rows.some((r) => r.state === s)).map((state) => {
    const members = rows.filter((r) => r.state === state);
    return { state, state_count: members.length, amount: members.reduce((sum, r) => sum + r.amount, 0), __domain: [['state', '=', state]] };
  });
const views = {
  read_group: readGroup,
  web_read_group: (rows: Payment[]) => ({ groups: readGroup(rows), length: readGroup(rows).length }),
  search_count: (rows: Payment[]) => rows.filter((r) => r.state === 'pending').length,
};

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('create' as const), amount: fc.integer({ min: 1, max: 500 }) }),
    fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  ),
  { maxLength: 30 },
);
const picks = fc.array(fc.nat(), { minLength: 5, maxLength: 5 });
/** Steps i ≤ m ≤ j ≤ k ≤ k2 of a history of `length` states. */
const moments = (xs: number[], length: number) => xs.map((x) => x % length).sort((a, b) => a - b) as [number, number, number, number, number];

const churnOf = (touched: number[][], from: number, to: number) => new Set(touched.slice(from + 1, to + 1).flat()).size;

describe('shadow comparison of aggregates: counts within the rows that changed are timing', () => {
  it('a service answering any state between the two legacy answers never shows an unexplained difference', () => {
    fc.assert(
      fc.property(ops, fc.constantFrom(...(Object.keys(views) as (keyof typeof views)[])), picks, (list, view, xs) => {
        const { states, touched } = history(list);
        const [i, m, j, k, k2] = moments(xs, states.length);
        const churn = churnOf(touched, m, k2);
        const answer = views[view];
        expect(unexplainedDifferences(answer(states[i]!), answer(states[j]!), answer(states[k]!), 10, churn)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('the finance drill\'s case: pending 14 before and after, 12 in between (two left, two arrived) is timing', () => {
    const group = (n: number) => [{ state: 'pending', state_count: n, amount: 0, __domain: [['state', '=', 'pending']] }];
    // Diffy's rule alone (the two legacy answers agree, the service differs): a value difference.
    expect(unexplainedDifferences(group(14), group(12), group(14))).toMatchObject([{ kind: 'value', path: '[state="pending"].state_count', legacy: 14, service: 12 }]);
    // Rows changed between the service's position and legacy's later answer: two are enough to go from 12 back to 14…
    expect(unexplainedDifferences(group(14), group(12), group(14), 10, 4)).toEqual([]);
    expect(unexplainedDifferences(group(14), group(12), group(14), 10, 2)).toEqual([]);
    // …but one was: a count two away needs at least two changed rows.
    expect(unexplainedDifferences(group(14), group(12), group(14), 10, 1)).toMatchObject([{ kind: 'value', field: 'state_count' }]);
  });

  it('with nothing changed in between, a count or a sum planted off is a value difference naming its field', () => {
    fc.assert(
      fc.property(ops, fc.nat(), fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0), fc.constantFrom('state_count', 'amount'), (list, pick, delta, field) => {
        const rows = history(list).states.at(-1)!;
        const answer = readGroup(rows);
        if (!answer.length) return;
        const planted = answer.map((g, n) => (n === pick % answer.length ? { ...g, [field]: g[field as 'amount'] + delta } : g));
        const found = unexplainedDifferences(answer, planted, answer, 10, 0);
        expect(found).toMatchObject([{ kind: 'value', field, path: `[state=${JSON.stringify(answer[pick % answer.length]!.state)}].${field}` }]);
      }),
      { numRuns: 500 },
    );
  });

  it('a count further from legacy\'s later answer than the rows that changed is a value difference', () => {
    fc.assert(
      fc.property(ops, picks, fc.nat(), (list, xs, pick) => {
        const { states, touched } = history(list);
        const [i, m, j, k, k2] = moments(xs, states.length);
        const churn = churnOf(touched, m, k2);
        const [before, service, after] = [readGroup(states[i]!), readGroup(states[j]!), readGroup(states[k]!)];
        const target = after[pick % Math.max(1, after.length)];
        const inService = target && service.find((g) => g.state === target.state);
        if (!target || !inService) return;
        const wrong = target.state_count + churn + 1;
        if (before.find((g) => g.state === target.state)?.state_count === wrong) return; // legacy itself said so a moment before
        const planted = service.map((g) => (g === inService ? { ...g, state_count: wrong } : g));
        expect(unexplainedDifferences(before, planted, after, 10, churn)).toContainEqual(expect.objectContaining({ kind: 'value', field: 'state_count' }));
      }),
      { numRuns: 1000 },
    );
  });

  it('a group the service alone shows, holding more rows than changed, is extra; one both legacy answers show and the service lacks, missing', () => {
    const g = (state: string, n: number) => ({ state, state_count: n, amount: n, __domain: [['state', '=', state]] });
    const legacy = [g('pending', 3), g('succeeded', 5)];
    expect(unexplainedDifferences(legacy, [g('pending', 3), g('succeeded', 5), g('failed', 2)], legacy, 10, 1)).toMatchObject([{ kind: 'extra', path: '[state="failed"]' }]);
    expect(unexplainedDifferences(legacy, [g('pending', 3), g('succeeded', 5), g('failed', 1)], legacy, 10, 1)).toEqual([]);
    expect(unexplainedDifferences(legacy, [g('succeeded', 5)], legacy, 10, 2)).toMatchObject([{ kind: 'missing', path: '[state="pending"]' }]);
    // Without a measured window (records' rule), groups are still aligned by what they hold, not by position.
    expect(unexplainedDifferences([g('pending', 3), g('succeeded', 5)], [g('failed', 1), g('pending', 3), g('succeeded', 5)], [g('failed', 1), g('pending', 3), g('succeeded', 5)])).toEqual([]);
  });

  it('search_count and web_read_group\'s length follow the same bound', () => {
    expect(unexplainedDifferences(14, 12, 14, 10, 2)).toEqual([]);
    expect(unexplainedDifferences(14, 12, 14, 10, 1)).toMatchObject([{ kind: 'value', path: '(answer)' }]);
    expect(unexplainedDifferences(14, 15, 14, 10, 0)).toMatchObject([{ kind: 'value' }]);
    const web = (n: number, length: number) => ({ groups: [{ state: 'pending', state_count: n, __domain: [['state', '=', 'pending']] }], length });
    expect(unexplainedDifferences(web(4, 1), web(4, 2), web(4, 1), 10, 0)).toMatchObject([{ kind: 'value', path: 'length' }]);
    expect(unexplainedDifferences(web(4, 1), web(3, 2), web(4, 1), 10, 1)).toEqual([]);
  });
});
