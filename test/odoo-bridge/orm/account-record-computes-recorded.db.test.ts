import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * Non-stored computes of account.* records that all-fields reads used to leave out (issue 17),
 * recorded from a real Odoo 18 (fixtures/odoo-differential/account-record-computes-calls.json →
 * account-record-computes.jsonl, scripts/differential-odoo.py --calls … --record … against the n5
 * pair, fresh odoo_ref, 2026-12-07): account.account (root, group, used, balances, opening sums,
 * related taxes, code mappings), account.move.line (is_refund, currency_rate, payment_date,
 * analytic precision and accounts, account_root_id through root_id), account.move and the
 * statement lines inheriting it, taxes and repartition lines, payment terms, reconcile models,
 * statements and their validity, journals (entries, payment method codes, alias), analytic
 * accounts (lines, balance, invoice counts); as admin and demo (odoo-bridge/orm/read/account-record-computes.ts
 * and the files it gathers).
 */
const recordedCases: RecordedCase[] = jsonLines<RecordedCase>('fixtures/odoo-differential/account-record-computes.jsonl');
// All-fields reads hold fields Ficus does not compute yet (tax_totals…): of those, only which of the
// fields account.move / account.move.line's check_field_access_rights leaves out is compared.
const KEY_LISTING = '(which form-only fields it lists)';
const cases = recordedCases.filter((c) => !c.title.includes(KEY_LISTING));
const keyListings = recordedCases.filter((c) => c.title.includes(KEY_LISTING));
const FORM_ONLY = ['needed_terms', 'quick_encoding_vals', 'payment_term_details', 'term_key', 'epd_key', 'epd_needed', 'discount_allocation_key', 'discount_allocation_needed', 'payment_state', 'balance'];
const listedFormOnly = (result: unknown) => (result as Record<string, unknown>[]).map((record) => FORM_ONLY.filter((name) => name in record));
const { engines } = recordedEngines();

describe('account record computes recorded from Odoo 18', () => {
  it('holds every model as admin and demo, with used taxes, refunds, balances and journals among the answers', () => {
    const calls = cases.map(recordedCall);
    expect(cases.length).toBe(29);
    expect(keyListings.length).toBe(3);
    expect(new Set(calls.map((c) => c.uid)).size).toBe(2);
    const text = JSON.stringify(cases.map((c) => c.response.body));
    expect(text).toMatch(/"is_used": ?true/);
    expect(text).toMatch(/"repartition_lines_str": ?"\{\('invoice', 1\)/);
    expect(text).toMatch(/"is_refund": ?true/);
    expect(text).toMatch(/"current_balance": ?-?[1-9]/);
    expect(text).toMatch(/"related_taxes_amount": ?[1-9]/);
    expect(text).toMatch(/"root_id": ?\["\d+", ?"\d+"\]/);
    expect(text).toMatch(/"account_root_id": ?\["\d+", ?"\d+"\]/);
    expect(text).toMatch(/"suitable_journal_ids": ?\[\d/);
    expect(text).toMatch(/"entries_count": ?[1-9]/);
    expect(text).toMatch(/"selected_payment_method_codes": ?",[a-z]/);
    expect(text).toMatch(/"next_payment_date": ?"\d{4}-/);
    expect(text).toMatch(/"amount_total_words": ?"[A-Z][a-z]+-[A-Z][a-z]+ Thousand [^",]+ Dollars"/);
    expect(text).toMatch(/"current_statement_balance": ?[1-9]/);
    expect(text).toMatch(/"running_balance": ?[1-9]/);
    expect(text).toMatch(/"invoice_outstanding_credits_debits_widget": ?\{"outstanding": ?true, ?"content": ?\[\{"journal_name": ?"R?INV\//);
    expect(text).toMatch(/"available_payment_method_ids": ?\[1, ?2\]/);
    expect(text).toMatch(/"display_name": ?"[A-Z]+\/\d{4}\//);
  });

  for (const recorded of keyListings) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded, { normalize: listedFormOnly });
      expect(JSON.stringify(expected)).toMatch(/payment_state|balance/);
      expect(actual).toEqual(expected);
    });
  }

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
