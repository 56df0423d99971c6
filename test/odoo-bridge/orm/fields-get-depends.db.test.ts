import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, odooRefDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * fields_get `depends` is Odoo 18's `registry.field_depends[field]` (fields.py `get_depends`), not
 * `ir_model_fields.depends` (filled for manual fields only): the `@api.depends` of the compute
 * method along the model's MRO, the path of a related field, the literal-domain fields of a plain
 * x2many. Expected values are read off the Python sources named in each case.
 */
const ADMIN = 2;
let legacy: TestDatabase;
let ref: TestDatabase;
let legacyEngine: OrmEngine;
let refEngine: OrmEngine;

const dependsOf = async (engine: OrmEngine, database: string, model: string, fields: string[]) => {
  const got = (await engine.call({ database, uid: ADMIN, model, method: 'fields_get', args: [fields], kwargs: { attributes: ['depends'] } })) as Record<string, { depends: string[] }>;
  return Object.fromEntries(Object.entries(got).map(([name, d]) => [name, d.depends]));
};

beforeAll(async () => {
  [legacy, ref] = await Promise.all([legacyDatabase(), odooRefDatabase()]);
  // A manual computed field: its ir_model_fields.depends is what Odoo's make_compute decorates with.
  await ref.pool.query(
    `INSERT INTO ir_model_fields (name, model, model_id, field_description, ttype, state, store, readonly, compute, depends)
     SELECT 'x_upper_name', 'res.partner.category', id, '{"en_US": "Upper name"}', 'char', 'manual', false, true,
            'for r in self: r[''x_upper_name''] = (r.name or '''').upper()', 'name, parent_id.name'
       FROM ir_model WHERE model = 'res.partner.category'`,
  );
  const files = testFilestores();
  legacyEngine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: legacy.pool }, filestore: files.legacy });
  refEngine = createFullOrmEngine({ database: { name: 'odoo_ref', pool: ref.pool }, filestore: files.odooRef });
});
afterAll(async () => {
  await Promise.all([legacy?.drop(), ref?.drop()]);
});

describe('fields_get depends: the compute dependencies Odoo answers, for every model', () => {
  it('hp_* computes answer their @api.depends (ir_model_fields.depends is empty for them)', async () => {
    const { rows } = await legacy.pool.query(
      `SELECT count(*)::int AS n FROM ir_model_fields WHERE model IN ('hp.gift.order', 'hp.settlement') AND name IN ('points_spent', 'net') AND COALESCE(depends, '') = ''`,
    );
    expect(rows[0].n).toBe(2);
    // hp_gift: @api.depends('gift_id.price_points', 'quantity'); _rec_name = 'gift_id'.
    expect(await dependsOf(legacyEngine, 'hp_legacy', 'hp.gift.order', ['points_spent', 'display_name', 'quantity', 'gift_id'])).toEqual({
      points_spent: ['gift_id.price_points', 'quantity'],
      display_name: ['gift_id'],
      quantity: [],
      gift_id: [],
    });
    // hp_payment: @api.depends('gross', 'fee') on _compute_net.
    expect(await dependsOf(legacyEngine, 'hp_legacy', 'hp.settlement', ['net', 'gross'])).toEqual({ net: ['gross', 'fee'], gross: [] });
  });

  it('an _inherits field depends on its delegation path; a mixin compute is found along the MRO', async () => {
    // res.users _inherits res.partner: `name` is related to partner_id.name.
    expect(await dependsOf(refEngine, 'odoo_ref', 'res.users', ['name', 'login'])).toEqual({ name: ['partner_id.name'], login: [] });
    // mail.thread: @api.depends('message_follower_ids') on _compute_message_is_follower.
    expect(await dependsOf(refEngine, 'odoo_ref', 'res.partner', ['message_is_follower'])).toEqual({ message_is_follower: ['message_follower_ids'] });
  });

  it('an override decorated again adds its paths before those of the method it overrides', async () => {
    // base res.partner.category `@api.depends('parent_id')`, then BaseModel's `_rec_name` lambda.
    expect(await dependsOf(refEngine, 'odoo_ref', 'res.partner.category', ['display_name'])).toEqual({ display_name: ['parent_id', 'name'] });
    // uom.uom does not override _compute_display_name: BaseModel's only.
    expect(await dependsOf(refEngine, 'odoo_ref', 'uom.uom', ['display_name', 'ratio', 'factor_inv', 'color'])).toEqual({
      display_name: ['name'],
      ratio: ['uom_type', 'factor'],
      factor_inv: ['factor'],
      color: ['uom_type'],
    });
  });

  it("a depends lambda listing class attributes reads the model's values", async () => {
    // avatar.mixin `@api.depends(lambda self: [self._avatar_name_field, 'image_128'])`, `_avatar_name_field = "name"`;
    // res.partner overrides it with its own paths first; mail.thread.blacklist `[self._primary_email]`.
    expect(await dependsOf(refEngine, 'odoo_ref', 'res.partner', ['avatar_128', 'email_normalized'])).toEqual({
      avatar_128: ['name', 'user_ids.share', 'image_128', 'is_company', 'type', 'name', 'image_128'],
      email_normalized: ['email'],
    });
    expect(await dependsOf(refEngine, 'odoo_ref', 'mail.guest', ['avatar_128'])).toEqual({ avatar_128: ['name', 'image_128'] });
  });

  it('a depends lambda calling methods evaluates them along the MRO (values real Odoo 18 answers)', async () => {
    // base res_partner.py: `lambda self: self._display_address_depends()` = `_formatting_address_fields()`
    // (= `_address_fields()` = list(ADDRESS_FIELDS)) + ['country_id', 'company_name', 'state_id'].
    // phone_validation: `lambda self: self._phone_get_sanitize_triggers()`: the country field when the model has
    // one (`'country_id' in self`), then base's `[f for f in ('mobile', 'phone') if f in self]`.
    expect(await dependsOf(refEngine, 'odoo_ref', 'res.partner', ['contact_address', 'phone_sanitized'])).toEqual({
      contact_address: ['street', 'street2', 'zip', 'city', 'state_id', 'country_id', 'country_id', 'company_name', 'state_id'],
      phone_sanitized: ['country_id', 'mobile', 'phone'],
    });
    // base res_company.py: `lambda self: [f'partner_id.{fname}' for fname in self._get_company_address_field_names()]`.
    const address = ['partner_id.street', 'partner_id.street2', 'partner_id.city', 'partner_id.zip', 'partner_id.state_id', 'partner_id.country_id'];
    expect(await dependsOf(legacyEngine, 'hp_legacy', 'res.company', ['street', 'country_id'])).toEqual({ street: address, country_id: address });
    // account_edi_ubl_cii: `self._peppol_eas_endpoint_depends() + ['peppol_eas']`.
    expect(await dependsOf(refEngine, 'odoo_ref', 'res.partner', ['peppol_endpoint'])).toEqual({ peppol_endpoint: ['country_code', 'vat', 'company_registry', 'peppol_eas'] });
  });

  it("an inherited Properties field depends on its definition record, not its delegation path", async () => {
    // product.template: product_properties = fields.Properties(definition='categ_id.product_properties_definition');
    // product.product inherits it through product_tmpl_id (fields.Properties.setup_related).
    expect(await dependsOf(refEngine, 'odoo_ref', 'product.product', ['product_properties'])).toEqual({ product_properties: ['categ_id'] });
  });

  it('a plain x2many depends on the fields of its literal domain; one with a lambda domain on nothing', async () => {
    expect(await dependsOf(refEngine, 'odoo_ref', 'account.move', ['invoice_line_ids', 'line_ids'])).toEqual({
      invoice_line_ids: ['invoice_line_ids.display_type'],
      line_ids: [],
    });
    // mail.thread message_ids: `domain=lambda self: [...]` is not a list.
    expect(await dependsOf(refEngine, 'odoo_ref', 'res.partner', ['message_ids'])).toEqual({ message_ids: [] });
  });

  it('on every model of both databases, each dependency starts with a field of the model', async () => {
    // Odoo resolves every path at setup (`_setup_dependencies`); a path picked from another
    // model's class (a wrong MRO) would name a field the model does not have. Abstract mixins
    // (no automatic display_name) are left out: their paths may name their inheritors' fields
    // (spreadsheet.mixin depends on display_name), and fields hidden by groups still count.
    for (const [engine, database, pool] of [[refEngine, 'odoo_ref', ref.pool], [legacyEngine, 'hp_legacy', legacy.pool]] as const) {
      const { rows } = await pool.query<{ model: string; names: string[] }>(
        `SELECT model, array_agg(name) AS names FROM ir_model_fields GROUP BY model HAVING bool_or(name = 'display_name') ORDER BY model`,
      );
      let withDepends = 0;
      const strays: string[] = [];
      for (const { model, names } of rows) {
        const got = (await engine.call({ database, uid: ADMIN, model, method: 'fields_get', args: [], kwargs: { attributes: ['depends'] } })) as Record<string, { depends?: string[] }>;
        // res.users' reified group fields are described in full, without depends, as Odoo does.
        for (const [name, { depends = [] }] of Object.entries(got)) {
          if (depends.length) withDepends++;
          for (const path of depends) if (!names.includes(path.split('.')[0]!)) strays.push(`${model}.${name}: ${path}`);
        }
      }
      expect(strays).toEqual([]);
      expect(withDepends).toBeGreaterThan(rows.length);
    }
  });

  it('a manual field keeps the dependencies recorded in ir_model_fields', async () => {
    expect(await dependsOf(refEngine, 'odoo_ref', 'res.partner.category', ['x_upper_name'])).toEqual({ x_upper_name: ['name', 'parent_id.name'] });
  });
});
