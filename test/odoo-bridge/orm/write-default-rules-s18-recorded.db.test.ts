import { describe, expect, it } from 'vitest';
import { type RecordedCase, itAnswersEachCaseAsRecorded, jsonLines, recordedCall, recordedEngines } from './support/recorded-calls.ts';

/**
 * Write and default rules found by the random create/write differential against a real Odoo 18, as
 * it answered (fixtures/odoo-differential/write-default-rules-s18.jsonl, recorded in this order on a
 * fresh odoo_ref copy by `scripts/differential-odoo.py --calls
 * fixtures/odoo-differential/write-default-rules-s18-calls.json --record …`):
 * - a computed field given to create keeps its value (expense_policy of a service not for sale),
 *   and a selection outside its values is refused by field name (service_tracking before type);
 * - a one2many cleared with False through an `_inherits` Many2oneReference inverse (a template's
 *   product_document_ids) detaches its lines with res_id 0, the Integer that False converts to;
 * - method defaults: res.company logo, account.journal invoice_reference_model, ir.model field_id;
 * - a `_parent_store` model's parent written or created as a missing id: the foreign key's error
 *   (its write flushes the parent column before any recompute reads the target);
 * - a record-rule error counts archived records as failing (portal reading archived users gets the
 *   multi-company line), with active_test on and off.
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/write-default-rules-s18.jsonl');
const { engines } = recordedEngines();

describe('write and default rules of the random differentials: Ficus answers as Odoo 18 did', () => {
  it('covers creates, writes, defaults and reads as admin, demo and portal', () => {
    expect(cases.length).toBeGreaterThanOrEqual(28);
    expect(new Set(cases.map((c) => recordedCall(c).uid))).toEqual(new Set([2, 6, 7]));
    expect(new Set(cases.map((c) => recordedCall(c).method))).toEqual(new Set(['create', 'write', 'read', 'search_read', 'default_get']));
  });

  itAnswersEachCaseAsRecorded(engines, cases);
});
