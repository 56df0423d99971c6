import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineDomains, constantDomainTruth, FALSE_LEAF, TRUE_LEAF } from '../../../../odoo-bridge/orm/access/rule-domains.ts';

/**
 * `expression.AND` / `expression.OR` as ir.rule `_compute_domain` combines rules (osv/expression.py
 * `combine`: the unit is dropped, the zero absorbs everything), and what `filtered_domain` decides
 * without reading a record (models.py: TRUE_LEAF / FALSE_LEAF are compared before any field).
 */
const TRUE = [[...TRUE_LEAF]];
const FALSE = [[...FALSE_LEAF]];
const own = [['user_id', '=', 6]];
const active = [['active', '=', true]];

describe('combining record rules like expression.AND / expression.OR', () => {
  it("an operator's [(1, '=', 1)] makes the group rules TRUE, whatever the member rule says", () => {
    expect(combineDomains('|', [own, TRUE])).toEqual(TRUE);
    expect(combineDomains('|', [TRUE, own])).toEqual(TRUE);
    // the global rules AND that: TRUE drops out of the conjunction
    expect(combineDomains('&', [active, combineDomains('|', [own, TRUE])])).toEqual([['active', '=', true]]);
    expect(combineDomains('&', [TRUE])).toEqual(TRUE);
  });

  it('the unit is left out, the zero absorbs, nothing left is the unit', () => {
    expect(combineDomains('|', [FALSE, own])).toEqual(own);
    expect(combineDomains('&', [own, FALSE, active])).toEqual(FALSE);
    expect(combineDomains('|', [])).toEqual(FALSE);
    expect(combineDomains('&', [])).toEqual(TRUE);
    expect(combineDomains('|', [own, active])).toEqual(['|', ['user_id', '=', 6], ['active', '=', true]]);
    expect(combineDomains('&', [own, ['|', ['a', '=', 1], ['b', '=', 2]], active])).toEqual(['&', '&', ['user_id', '=', 6], '|', ['a', '=', 1], ['b', '=', 2], ['active', '=', true]]);
  });

  it("compares leaves as Python does: (True, '=', 1) is TRUE_LEAF, an implicit AND is normalised first", () => {
    expect(combineDomains('|', [own, [[true, '=', 1]]])).toEqual(TRUE);
    expect(combineDomains('|', [[['a', '=', 1], ['b', '=', 2]], own])).toEqual(['|', '&', ['a', '=', 1], ['b', '=', 2], ['user_id', '=', 6]]);
    // a domain that merely contains TRUE_LEAF is not TRUE_DOMAIN
    expect(combineDomains('|', [['&', [1, '=', 1], ['a', '=', 1]], own])).toEqual(['|', '&', [1, '=', 1], ['a', '=', 1], ['user_id', '=', 6]]);
  });

  it('constantDomainTruth: decided without fields, null as soon as a field is named', () => {
    expect(constantDomainTruth(TRUE)).toBe(true);
    expect(constantDomainTruth(FALSE)).toBe(false);
    expect(constantDomainTruth(['|', [0, '=', 1], [1, '=', 1]])).toBe(true);
    expect(constantDomainTruth(['!', [1, '=', 1]])).toBe(false);
    expect(constantDomainTruth([[1, '=', 1], [0, '=', 1]])).toBe(false); // implicit AND
    expect(constantDomainTruth(['|', [1, '=', 1], ['user_id', '=', 6]])).toBeNull();
    expect(constantDomainTruth(own)).toBeNull();
  });
});

/** Random rule domains: constants and field leaves, each a normalised prefix-form domain. */
const leaf = fc.oneof(
  fc.constant([1, '=', 1] as unknown[]),
  fc.constant([0, '=', 1] as unknown[]),
  fc.constantFrom('a', 'b', 'c').map((f) => [f, '=', 1] as unknown[]),
);
const domain: fc.Arbitrary<unknown[]> = fc.letrec<{ d: unknown[] }>((tie) => ({
  d: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf.map((l) => [l]),
    fc.tuple(fc.constantFrom('&', '|'), tie('d'), tie('d')).map(([op, x, y]) => [op, ...x, ...y]),
    tie('d').map((x) => ['!', ...x]),
  ),
})).d;

/** The domain's truth for one record, with field leaves given by `values`. */
function truthOf(d: readonly unknown[], values: Record<string, boolean>): boolean {
  const stack: boolean[] = [];
  for (let i = d.length - 1; i >= 0; i -= 1) {
    const t = d[i];
    if (t === '&' || t === '|') {
      const a = stack.pop()!;
      const b = stack.pop()!;
      stack.push(t === '&' ? a && b : a || b);
    } else if (t === '!') stack.push(!stack.pop()!);
    else {
      const [left, , right] = t as [unknown, string, unknown];
      stack.push(typeof left === 'string' ? values[left]! : left === right);
    }
  }
  return stack.every(Boolean);
}

describe('combining keeps the meaning (property)', () => {
  it('AND/OR of any rules holds for a record exactly when the connective of the parts does', () => {
    fc.assert(
      fc.property(fc.constantFrom('&' as const, '|' as const), fc.array(domain, { maxLength: 4 }), fc.record({ a: fc.boolean(), b: fc.boolean(), c: fc.boolean() }), (op, parts, values) => {
        const combined = combineDomains(op, parts);
        const expected = op === '&' ? parts.every((p) => truthOf(p, values)) : parts.some((p) => truthOf(p, values));
        expect(truthOf(combined, values)).toBe(expected);
        const constant = constantDomainTruth(combined);
        if (constant !== null) expect(constant).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });
});
