import { describe, expect, it } from 'vitest';
import { type RecordedCase, itAnswersEachCaseAsRecorded, jsonLines, recordedCall, recordedEngines } from './support/recorded-calls.ts';

/**
 * Domain and read rules found by random differentials against a real Odoo 18, as it answered
 * (fixtures/odoo-differential/domain-read-rules-s18.jsonl, recorded on a fresh odoo_ref copy by
 * `scripts/differential-odoo.py --calls fixtures/odoo-differential/domain-read-rules-s18-calls.json --record …`):
 * - a many2one leaf on names with a negative operator keeps what the positive search did not find
 *   (all rows for a comodel without _rec_name), as admin, demo and portal;
 * - a boolean among an x2many leaf's ids is PostgreSQL's UndefinedFunction with libpq's excerpt of
 *   Odoo's statement (one2many: any boolean; many2many: a True), not for an integer inverse with a
 *   domain (message_ids…), raised after the domain parsed;
 * - two leaves that would each raise: the last one's error (expression.py parses from the end),
 *   a child_of seed's MissingError when its leaf comes later;
 * - `_inherits` fields read as the reader (product.document's voice_ids as demo and portal);
 * - a missing id kept by display_name of a model without _rec_name and by message_unread_counter;
 * - crm.team dashboard_button_name inside and outside the Sales app.
 */
const cases = jsonLines<RecordedCase>('fixtures/odoo-differential/domain-read-rules-s18.jsonl');
const { engines } = recordedEngines();

describe('domain and read rules of the random differentials: Ficus answers as Odoo 18 did', () => {
  it('covers searches, counts, read_groups and reads as admin, demo and portal, errors among them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => recordedCall(c).uid))).toEqual(new Set([2, 6, 7]));
    expect(new Set(cases.map((c) => recordedCall(c).method))).toEqual(new Set(['search', 'search_count', 'read_group', 'search_read', 'read', 'web_read']));
    expect(cases.filter((c) => String(c.response.body.error?.data.message ?? '').includes('\nLINE 1: ')).length).toBeGreaterThanOrEqual(10);
  });

  itAnswersEachCaseAsRecorded(engines, cases);
});
