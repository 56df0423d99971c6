import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { odooRefDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * Odoo reads an x2many by searching its comodel with `field.get_domain_list(records)`: the field's
 * Python `domain=` (account.move.invoice_line_ids: product, section and note lines only;
 * mail.thread.message_ids: no user notifications) and, for a one2many whose inverse is a
 * Many2oneReference (res_id of mail.message, mail.activity, mail.followers, ir.attachment), the
 * model of the reading record: message_ids of partner 3 are the messages posted on partner 3,
 * never those of sale order 3 or invoice 3. The expected ids come from SQL written here.
 */
const ADMIN = 2;
let db: TestDatabase;
let engine: OrmEngine;
const read = async (model: string, id: number, fields: string[]) =>
  ((await engine.call({ database: 'odoo_ref', uid: ADMIN, model, method: 'read', args: [[id], fields], kwargs: {} })) as Record<string, unknown>[])[0]!;
const ids = async (text: string, params: unknown[]) => (await db.pool.query<{ id: number }>(text, params)).rows.map((r) => r.id);

beforeAll(async () => {
  db = await odooRefDatabase();
  engine = createFullOrmEngine({ database: { name: 'odoo_ref', pool: db.pool }, filestore: testFilestores().odooRef });
});
afterAll(async () => db?.drop());

describe('x2many reads apply the field domain and the Many2oneReference model', () => {
  it('message_ids, activity_ids and message_follower_ids name only the reading model\'s rows, whatever shares the res_id', async () => {
    // Records of other models with res_id 3 exist in the reference data (sale orders, invoices…).
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM mail_message WHERE res_id = 3 AND model <> 'res.partner'`)).rows[0].n).toBeGreaterThan(0);
    for (const [model, id] of [['res.partner', 3], ['sale.order', 3], ['account.move', 2]] as const) {
      const got = await read(model, id, ['message_ids', 'activity_ids', 'message_follower_ids']);
      expect(got.message_ids).toEqual(await ids(`SELECT id FROM mail_message WHERE model = $1 AND res_id = $2 AND message_type <> 'user_notification' ORDER BY id DESC`, [model, id]));
      expect(got.activity_ids).toEqual(await ids(`SELECT id FROM mail_activity WHERE res_model = $1 AND res_id = $2 AND active ORDER BY date_deadline, id`, [model, id]));
      expect(got.message_follower_ids).toEqual(await ids(`SELECT id FROM mail_followers WHERE res_model = $1 AND res_id = $2 ORDER BY id`, [model, id]));
    }
  });

  it("a literal Python domain filters the comodel (account.move.invoice_line_ids vs line_ids)", async () => {
    const { rows } = await db.pool.query<{ move_id: number }>(`SELECT move_id FROM account_move_line WHERE display_type NOT IN ('product', 'line_section', 'line_note') GROUP BY move_id LIMIT 1`);
    const move = rows[0]!.move_id;
    const got = await read('account.move', move, ['invoice_line_ids', 'line_ids']);
    const order = 'sequence, move_name DESC, id';
    expect(got.line_ids).toEqual(await ids(`SELECT id FROM account_move_line WHERE move_id = $1 ORDER BY ${order}`, [move]));
    expect(got.invoice_line_ids).toEqual(await ids(`SELECT id FROM account_move_line WHERE move_id = $1 AND display_type IN ('product', 'line_section', 'line_note') ORDER BY ${order}`, [move]));
    expect((got.invoice_line_ids as number[]).length).toBeLessThan((got.line_ids as number[]).length);
  });
});
