import { beforeAll, describe, expect, it } from 'vitest';
import { categoryOf, type ReplayReport } from '../../support/golden/replay.ts';
import { replayOnOdooRef } from '../../support/golden/odoo-ref-replay.ts';

/**
 * Cases that must all give the recorded answer: the golden README's hidden set is judged on
 * 100 % of domain and protocol cases (issue 17, bar 1).
 */
const EVERY_CASE = ['common', 'object', 'transport', 'domain'];

/**
 * How many cases of each other category give Odoo's answer at least (measured, raise as
 * behaviour lands; fixtures/odoo-golden-heldout-like/cases.jsonl holds read 148, meta 90, acl 30).
 */
const FLOORS: Record<string, number> = { read: 148, meta: 90, acl: 30 };

/**
 * Siblings of the public golden cases (other models, fields, operators, values, users and
 * transports) recorded from a real Odoo 18 by scripts/record-heldout-like.py, replayed over HTTP
 * by the replayer that judges the hidden set, against a gateway serving a copy of odoo_ref.
 */
describe('held-out-like golden cases over HTTP', () => {
  let report: ReplayReport;

  beforeAll(async () => {
    report = await replayOnOdooRef({ fixture: 'fixtures/odoo-golden-heldout-like/cases.jsonl', show: 40 });
    console.log(report.printed);
  }, 900_000);

  it('replays every recorded case', () => {
    expect(report.outcomes.length).toBeGreaterThanOrEqual(300);
  });

  it.each(EVERY_CASE)('answers every %s case as Odoo 18 does', (category) => {
    const cases = report.outcomes.filter((o) => categoryOf(o.id) === category);
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.filter((o) => o.outcome !== 'pass').map((o) => o.id)).toEqual([]);
  });

  it.each(Object.keys(FLOORS))('answers at least the measured number of %s cases as Odoo 18 does', (category) => {
    const cases = report.outcomes.filter((o) => categoryOf(o.id) === category);
    const passed = cases.filter((o) => o.outcome === 'pass').length;
    console.log(`${category}: ${passed}/${cases.length}`);
    expect(passed).toBeGreaterThanOrEqual(FLOORS[category]!);
  });
});
