import { describe, expect, it } from 'vitest';
import { answerBesideRecorded, jsonLines, recordedCall, recordedEngines, type RecordedCase } from './support/recorded-calls.ts';

/**
 * utm names made unique as Odoo 18 does (`utm.mixin._get_unique_names`: write/utm/): utm.source and
 * utm.medium creates give a used name its lowest free ` [n]` counter (the batch's own names
 * included, an asked counter kept when free, case kept apart), writes do not; utm.campaign takes
 * its title from the name, counts given names, precomputes the name from the title (its stage the
 * first utm.stage, a search default) and recomputes it when the title is written, the campaign
 * itself not counted and a name written beside it kept. Recorded in this order on a fresh odoo_ref
 * copy (utm is not installed in hp_legacy) by `scripts/differential-odoo.py --calls
 * fixtures/odoo-differential/utm-unique-names-calls.json --record …`, as admin and demo.
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/utm-unique-names.jsonl');
const { engines } = recordedEngines();

describe('utm unique names: Ficus answers as Odoo 18 did', () => {
  it('covers sources, media and campaigns, created and written, by admin and demo', () => {
    expect(cases.length).toBeGreaterThanOrEqual(16);
    expect(new Set(cases.map((c) => recordedCall(c).model))).toEqual(new Set(['utm.source', 'utm.medium', 'utm.campaign']));
    expect(new Set(cases.map((c) => recordedCall(c).uid))).toEqual(new Set([2, 6]));
  });

  for (const recorded of cases) {
    it(`${recorded.id} ${recorded.title}`, async () => {
      const { actual, expected } = await answerBesideRecorded(engines, recorded);
      expect(actual).toEqual(expected);
    });
  }
});
