import { beforeAll, describe, expect, it } from 'vitest';
import { categoryOf, type ReplayReport } from '../../support/golden/replay.ts';
import { replayOnOdooRef } from '../../support/golden/odoo-ref-replay.ts';

/** Protocol categories: every one of these cases must give the recorded answer. */
const PROTOCOL_CATEGORIES = ['common', 'object', 'transport'];

/**
 * Every golden case, replayed over HTTP by the replayer that judges the hidden set, against a
 * gateway serving a copy of the recorded database; sequences get a fresh copy each.
 */
describe('golden cases over HTTP', () => {
  let report: ReplayReport;

  beforeAll(async () => {
    report = await replayOnOdooRef();
    console.log(report.printed);
  }, 900_000);

  it('answers every protocol case (versions, logins, sessions, call_kw paths, errors, malformed bodies) as recorded', () => {
    const failing = report.outcomes.filter((o) => PROTOCOL_CATEGORIES.includes(categoryOf(o.id)) && o.outcome !== 'pass');
    expect(failing.map((o) => o.id)).toEqual([]);
  });

  it('matches the recorded answer for most model cases too', () => {
    const model = report.outcomes.filter((o) => !PROTOCOL_CATEGORIES.includes(categoryOf(o.id)));
    const passed = model.filter((o) => o.outcome === 'pass').length;
    console.log(`model cases over HTTP: ${passed}/${model.length}`);
    // Floor measured at 381/391 once sale.order and its lines are written natively (seq_sale 41/41,
    // read.076's tax_totals); raise it as behaviour lands. 383: seq_acl#22/#23 pass too. 384: read.013's
    // account/sale computes (the 7 left: res.company create seq_acl#27-#35, seq_constraints#14's quoted SQL). 390: res.company.create
    // runs natively (company/res-company.ts); seq_constraints#14 left. 391: seq_constraints#14's
    // excerpt of Odoo's INSERT text (write/insert-refusals.ts): every model case passes.
    expect(passed).toBeGreaterThanOrEqual(391);
  });

  it('answers every pristine access case as recorded (ACLs, record rules, portal and multi-company)', () => {
    const acl = report.outcomes.filter((o) => categoryOf(o.id) === 'acl');
    expect(acl.length).toBeGreaterThan(10);
    expect(acl.filter((o) => o.outcome !== 'pass').map((o) => o.id)).toEqual([]);
  });
});
