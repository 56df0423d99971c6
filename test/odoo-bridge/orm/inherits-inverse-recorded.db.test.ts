import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * A one2many whose inverse is an `_inherits` field (product.template/product.product's
 * product_document_ids: product.document's res_id is its ir.attachment's): expression.py reads the
 * inverse through the parent record (`comodel.browse(ids2).mapped(inverse)`), for names, ids, `any`,
 * `= False` and paths, as admin, demo and portal — recorded from a real Odoo 18
 * (fixtures/odoo-differential/inherits-inverse.jsonl, by `scripts/differential-odoo.py --calls
 * fixtures/odoo-differential/inherits-inverse-calls.json --record …`). Ficus refused every one of them.
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/inherits-inverse.jsonl');
const { engines } = recordedEngines();

describe('one2many through an _inherits inverse: Ficus answers as Odoo 18 did', () => {
  it('has the cases of three users', () => {
    expect(cases.length).toBeGreaterThanOrEqual(36);
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
