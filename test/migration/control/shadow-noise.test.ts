import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameAnswer, unexplainedDifferences } from '../../../migration/control/shadow/noise-aware-diff.ts';

/**
 * The rule that tells time from differences (noise-aware-diff.ts), on a model of the drill:
 * a table of activities that clients read newest first while others insert and edit rows.
 * Legacy is read at moments i ≤ k, the service at a moment j between them.
 */
interface Activity { id: number; summary: string; verb: string }
type Op = { kind: 'insert'; verb: string } | { kind: 'edit'; pick: number };

const PAGE = 10;

/** Every state of the table along a history: 12 seed rows, then one op per step. */
function history(ops: readonly Op[]): Activity[][] {
  let rows: Activity[] = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, summary: `seed ${i + 1}`, verb: i % 3 ? 'posted' : 'liked' }));
  const states = [rows];
  let next = 13;
  let edits = 0;
  for (const op of ops) {
    if (op.kind === 'insert') rows = [...rows, { id: next, summary: `new ${next}`, verb: op.verb }], next++;
    else {
      // Edits go to the newest rows, the ones on the page; every edit writes a value never seen before.
      const target = rows[rows.length - 1 - (op.pick % Math.min(rows.length, PAGE + 2))]!;
      rows = rows.map((r) => (r.id === target.id ? { ...r, summary: `edited ${++edits}` } : r));
    }
    states.push(rows);
  }
  return states;
}

/** The answers a client gets of one state: search_read newest first, a search's ids, web_search_read, a filtered page. */
const views = {
  search_read: (rows: Activity[]) => [...rows].sort((a, b) => b.id - a.id).slice(0, PAGE).map((r) => ({ ...r })),
  search: (rows: Activity[]) => [...rows].sort((a, b) => b.id - a.id).slice(0, PAGE).map((r) => r.id),
  web_search_read: (rows: Activity[]) => ({ length: rows.length, records: views.search_read(rows) }),
  posted: (rows: Activity[]) => views.search_read(rows.filter((r) => r.verb === 'posted')).slice(0, 5),
  name_search: (rows: Activity[]) => views.search_read(rows).map((r) => [r.id, r.summary]),
};
type ViewName = keyof typeof views;

// Long enough, and insert-heavy enough, that a whole page can turn over between two answers.
const arbInsert = fc.record({ kind: fc.constant('insert' as const), verb: fc.constantFrom('posted', 'liked') });
const arbEdit = fc.record({ kind: fc.constant('edit' as const), pick: fc.nat(20) });
const arbOps = fc.array(fc.oneof({ arbitrary: arbInsert, weight: 3 }, { arbitrary: arbEdit, weight: 1 }), { maxLength: 40 });
const arbMoments = (length: number) => fc.tuple(fc.nat(length), fc.nat(length), fc.nat(length)).map((t) => [...t].sort((x, y) => x - y) as [number, number, number]);
const arbCase = arbOps.chain((ops) => fc.record({ ops: fc.constant(ops), moments: arbMoments(ops.length), view: fc.constantFrom(...(Object.keys(views) as ViewName[])) }));

describe('shadow comparison: what time explains and what it does not', () => {
  it('a service answering a state between the two legacy answers never shows an unexplained difference', () => {
    fc.assert(
      fc.property(arbCase, ({ ops, moments: [i, j, k], view }) => {
        const states = history(ops);
        const read = views[view];
        expect(unexplainedDifferences(read(states[i]!), read(states[j]!), read(states[k]!))).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('a wrong field in the service answer is named, unless that field changed on that row between the legacy answers', () => {
    fc.assert(
      fc.property(arbCase, ({ ops, moments: [i, j, k] }) => {
        const states = history(ops);
        const [before, after] = [views.search_read(states[i]!), views.search_read(states[k]!)];
        const service = views.search_read(states[j]!).map((r) => ({ ...r, summary: `${r.summary} (planted)` }));
        // Rows whose summary stayed put between the two legacy answers, and that the service shows too.
        const steady = service.filter((r) => {
          const a = before.find((x) => x.id === r.id);
          const b = after.find((x) => x.id === r.id);
          return a && b && a.summary === b.summary;
        });
        const found = unexplainedDifferences(before, service, after, 100);
        expect(found.filter((d) => d.kind !== 'value')).toEqual([]);
        expect(found.map((d) => d.path).sort()).toEqual(steady.map((r) => `[id=${r.id}].summary`).sort());
        expect(found.every((d) => d.field === 'summary')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a row made up or dropped by the service is extra or missing, whatever happened in between', () => {
    fc.assert(
      fc.property(arbCase, fc.boolean(), ({ ops, moments: [i, j, k] }, drop) => {
        const states = history(ops);
        const [before, after] = [views.search_read(states[i]!), views.search_read(states[k]!)];
        const honest = views.search_read(states[j]!);
        const inBoth = honest.filter((r) => before.some((x) => x.id === r.id) && after.some((x) => x.id === r.id));
        fc.pre(!drop || inBoth.length > 0);
        const service = drop ? honest.filter((r) => r.id !== inBoth[0]!.id) : [{ id: 999_999, summary: 'made up', verb: 'posted' }, ...honest.slice(0, -1)];
        const found = unexplainedDifferences(before, service, after);
        expect(found).toContainEqual(expect.objectContaining(drop ? { kind: 'missing', path: `[id=${inBoth[0]!.id}]` } : { kind: 'extra', path: '[id=999999]' }));
      }),
      { numRuns: 1000 },
    );
  });

  it('with nothing changing in between, every difference counts (the rule is a plain diff then)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (legacy, service) => {
        expect(unexplainedDifferences(legacy, service, legacy).length > 0).toBe(!sameAnswer(legacy, service));
      }),
      { numRuns: 3000 },
    );
    // The same on shapes the generator rarely makes: record lists, id lists, name pairs, order.
    const rows = [{ id: 2, a: 1 }, { id: 1, a: 2 }];
    expect(unexplainedDifferences(rows, [rows[1], rows[0]], rows)).toEqual([expect.objectContaining({ kind: 'value', field: '(order)' })]);
    expect(unexplainedDifferences([[1, 'a']], [{ id: 1, display_name: 'a' }], [[1, 'a']])).not.toEqual([]);
    expect(unexplainedDifferences([3, 2, 1], [3, 2], [3, 2, 1])).toEqual([expect.objectContaining({ kind: 'missing', path: '[id=1]' })]);
  });

  it('the drill\'s case from the issue: one more row inserted before the service answered is timing, not a difference', () => {
    const page = (newest: number) => Array.from({ length: 5 }, (_, i) => ({ id: newest - i, summary: `load ${newest - i}` }));
    expect(unexplainedDifferences(page(4658), page(4659), page(4659))).toEqual([]);
    expect(unexplainedDifferences(page(4658), page(4659), page(4661))).toEqual([]);
    // Legacy did not move, the service did: a row it made up and one it dropped (the old positional diff said `[0].id 4658 vs 4659`).
    expect(unexplainedDifferences(page(4658), page(4659), page(4658)).map((d) => d.kind)).toEqual(['extra', 'missing']);
  });
});
