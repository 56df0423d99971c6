import { describe, expect, it } from 'vitest';
import { recordedEngines } from '../support/recorded-calls.ts';

/**
 * The order of a tracking note's `mail_tracking_value` rows: mail's `_mail_track_order_fields`
 * sorts the changed fields by (tracking sequence, field name) descending and creates the rows in
 * that order (mail/models/models.py). Expectations recorded from a real Odoo 18 serving fresh
 * copies of odoo_ref and hp_legacy (the field names of the rows in id order after each write).
 */
const RECORDED: Array<{ db: 'odoo_ref' | 'hp_legacy'; id: number; vals: Record<string, unknown>; fields: string[] }> = [
  { db: 'odoo_ref', id: 9, vals: { phone: '123', email: 'x@y.z', name: 'Deco X', function: 'CEO' }, fields: ['name', 'phone', 'email'] },
  { db: 'odoo_ref', id: 12, vals: { email: 'q@q.q', phone: '9', street2: 'Bldg 2' }, fields: ['contact_address_inline', 'phone', 'email'] },
  { db: 'hp_legacy', id: 3, vals: { phone: '555', name: 'Renamed P', email: 'a@b.c' }, fields: ['phone', 'name', 'email'] },
];

const { engines, databases } = recordedEngines();

describe('tracking values are stored in the order Odoo 18 creates them', () => {
  for (const { db, id, vals, fields } of RECORDED) {
    it(`${db} res.partner ${id} write ${Object.keys(vals).join(', ')}: ${fields.join(', ')}`, async () => {
      await engines[db]!.call({ database: db, uid: 2, model: 'res.partner', method: 'write', args: [[id], vals], kwargs: {} });
      const rows = await databases[db]!.pool.query<{ name: string }>(
        `SELECT f.name FROM mail_tracking_value v JOIN ir_model_fields f ON f.id = v.field_id
          WHERE v.mail_message_id = (SELECT max(m.id) FROM mail_message m WHERE m.model = 'res.partner' AND m.res_id = $1) ORDER BY v.id`,
        [id],
      );
      expect(rows.rows.map((r) => r.name)).toEqual(fields);
    });
  }
});
