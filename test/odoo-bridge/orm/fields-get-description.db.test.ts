import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, odooRefDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';

/**
 * fields_get describes each field as odoo/fields.py `get_description` does: every
 * `_description_<attr>` of the field's class, None left out. Most of those parameters live in the
 * fields' Python definitions, not in `ir_model_fields` (scripts/extract-python-field-description.py);
 * a related or `_inherits` field takes what it does not set from its target (`setup_related`).
 * Each expectation is what real Odoo 18 answers on the same database (recorded from it), with the
 * source line that makes it so.
 */
const ADMIN = 2;
let legacy: TestDatabase;
let ref: TestDatabase;
let legacyEngine: OrmEngine;
let refEngine: OrmEngine;

type Description = Record<string, unknown>;
const describeFields = async (engine: OrmEngine, database: string, model: string, fields: string[], uid = ADMIN) =>
  (await engine.call({ database, uid, model, method: 'fields_get', args: [fields], kwargs: {} })) as Record<string, Description>;
const refFields = (model: string, fields: string[]) => describeFields(refEngine, 'odoo_ref', model, fields);

beforeAll(async () => {
  [legacy, ref] = await Promise.all([legacyDatabase(), odooRefDatabase()]);
  const files = testFilestores();
  legacyEngine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: legacy.pool }, filestore: files.legacy });
  refEngine = createFullOrmEngine({ database: { name: 'odoo_ref', pool: ref.pool }, filestore: files.odooRef });
});
afterAll(async () => {
  await Promise.all([legacy?.drop(), ref?.drop()]);
});

describe('fields_get: the parameters of the Python definitions', () => {
  it('groups, change_default, trim, translate and attachment as the definitions set them (class defaults otherwise)', async () => {
    const partner = await refFields('res.partner', ['message_follower_ids', 'zip', 'barcode', 'image_1920', 'avatar_128']);
    // mail.thread: message_follower_ids = fields.One2many(..., groups='base.group_user')
    expect(partner.message_follower_ids!.groups).toBe('base.group_user');
    // res.partner: zip = fields.Char(change_default=True); a Char trims by default
    expect(partner.zip).toMatchObject({ change_default: true, trim: true, translate: false });
    // barcode is company_dependent (a jsonb column) but not translated: _description_translate is bool(translate)
    expect(partner.barcode).toMatchObject({ translate: false, company_dependent: true });
    // Binary: attachment=True by default, turned off for a non-stored (computed) field
    expect(partner.image_1920!.attachment).toBe(true);
    expect(partner.avatar_128!.attachment).toBe(false);
    // ir.sequence: prefix = fields.Char(trim=False)
    expect((await refFields('ir.sequence', ['prefix'])).prefix).toMatchObject({ trim: false, translate: false });
    // ir.attachment: type = fields.Selection(..., change_default=True)
    expect((await refFields('ir.attachment', ['type'])).type!.change_default).toBe(true);
  });

  it('aggregator: aggregator=/group_operator= as written (False is described), digits=0 and named precisions', async () => {
    const rate = await refFields('res.currency.rate', ['rate', 'company_rate']);
    // rate = fields.Float(digits=0, aggregator="avg"); company_rate is computed (no SQL: no aggregator)
    expect(rate.rate).toMatchObject({ aggregator: 'avg', digits: 0 });
    expect(rate.company_rate!.digits).toBe(0);
    expect('aggregator' in rate.company_rate!).toBe(false);
    // res.partner.category: color = fields.Integer(aggregator=False)
    expect((await refFields('res.partner.category', ['color'])).color!.aggregator).toBe(false);
  });

  it('model_field of a Many2oneReference; definition_record of a Properties field, an inherited one included', async () => {
    expect((await refFields('ir.attachment', ['res_id'])).res_id!.model_field).toBe('res_model');
    // product.template: product_properties = fields.Properties(definition='categ_id.product_properties_definition')
    const variant = await refFields('product.product', ['product_properties']);
    expect(variant.product_properties).toMatchObject({ definition_record: 'categ_id', definition_record_field: 'product_properties_definition' });
  });
});

describe('fields_get: relational domain and context', () => {
  it('literal, string and lambda domains as Python gives them, with the context; annotated definitions count', async () => {
    const partner = await refFields('res.partner', ['child_ids', 'state_id', 'message_ids', 'property_product_pricelist']);
    // child_ids: Partner = fields.One2many(..., domain=[('active', '=', True)], context={'active_test': False})
    expect(partner.child_ids).toMatchObject({ domain: [['active', '=', true]], context: { active_test: false } });
    // state_id: domain="[('country_id', '=?', country_id)]" (a client-side expression, kept as a string)
    expect(partner.state_id!.domain).toBe("[('country_id', '=?', country_id)]");
    // mail.thread: domain=lambda self: [('message_type', '!=', 'user_notification')]
    expect(partner.message_ids!.domain).toEqual([['message_type', '!=', 'user_notification']]);
    // product: domain=lambda self: [('company_id', 'in', (self.env.company.id, False))]
    expect(partner.property_product_pricelist!.domain).toEqual([['company_id', 'in', [1, false]]]);
    // res.users: company_id = fields.Many2one(..., context={'user_preference': True})
    expect((await refFields('res.users', ['company_id'])).company_id!.context).toEqual({ user_preference: true });
    const legacyPartner = await describeFields(legacyEngine, 'hp_legacy', 'res.partner', ['child_ids']);
    expect(legacyPartner.child_ids!.domain).toEqual([['active', '=', true]]);
  });

  it("check_company wraps the domain in the comodel's _check_company_domain", async () => {
    // account.account: _check_company_domain = models.check_companies_domain_parent_of
    expect((await refFields('account.move.line', ['account_id'])).account_id!.domain).toBe(
      "(company_id and [('company_ids', 'parent_of', [company_id])] or [('company_ids', 'parent_of', '')]) + ([('deprecated', '=', False), ('account_type', '!=', 'off_balance')])",
    );
    // res.company (cids '[id]', no field to check) towards account.account
    expect((await refFields('res.company', ['account_cash_basis_base_account_id'])).account_cash_basis_base_account_id!.domain).toBe(
      "[('company_ids', 'parent_of', [id])] + [('deprecated', '=', False)]",
    );
  });

  it('a string domain formatted with a record id; a related field drops a string domain of a non-inherited target', async () => {
    // sale.order: user_id domain=lambda self: "[('groups_id', '=', {}), ...]".format(self.env.ref("sales_team.group_sale_salesman").id)
    const { rows } = await ref.pool.query(`SELECT res_id FROM ir_model_data WHERE module = 'sales_team' AND name = 'group_sale_salesman'`);
    expect((await refFields('sale.order', ['user_id'])).user_id!.domain).toBe(
      `[('groups_id', '=', ${rows[0].res_id}), ('share', '=', False), ('company_ids', '=', company_id)]`,
    );
    // sale.order.line: salesman_id = fields.Many2one(related='order_id.user_id'): `_related_domain` gives None
    const line = await refFields('sale.order.line', ['salesman_id']);
    expect('domain' in line.salesman_id!).toBe(false);
    expect(line.salesman_id!.context).toEqual({});
    // ir.cron inherits ir.actions.server: template_id's string domain is not valid on ir.cron
    expect('domain' in (await refFields('ir.cron', ['template_id'])).template_id!).toBe(false);
  });
});

describe('fields_get: what related and _inherits fields take from their target', () => {
  it('selection, translate, digits and aggregator of the target; groups of a mixin field', async () => {
    const cron = await refFields('ir.cron', ['binding_type', 'name']);
    expect(cron.binding_type!.selection).toEqual([['action', 'Action'], ['report', 'Report']]);
    expect(cron.name!.translate).toBe(true);
    const users = await refFields('res.users', ['partner_latitude', 'activity_state']);
    // res.partner: partner_latitude = fields.Float(digits=(10, 7)); Float aggregates by sum
    expect(users.partner_latitude).toMatchObject({ digits: [10, 7], aggregator: 'sum', related: 'partner_id.partner_latitude' });
    // mail.activity.mixin: activity_state = fields.Selection(..., groups="base.group_user")
    expect(users.activity_state!.groups).toBe('base.group_user');
    const variant = await refFields('product.product', ['list_price', 'name']);
    expect(variant.list_price).toMatchObject({ digits: [16, 2], aggregator: 'sum' });
    expect(variant.name!.translate).toBe(true);
  });

  it('a dynamic selection is evaluated: the non-transient mail.thread models in ir.model order', async () => {
    const { rows } = await ref.pool.query<{ model: string }>(
      `SELECT model FROM ir_model WHERE is_mail_thread AND NOT transient ORDER BY is_mail_thread DESC, name->>'en_US'`,
    );
    const selection = (await refFields('mail.activity.type', ['res_model'])).res_model!.selection as string[][];
    expect(selection.map(([model]) => model)).toEqual(rows.map((r) => r.model));
  });
});

describe('fields_get: sortable and groupable', () => {
  it("a related field computed without sudo gives no SQL; an _inherits field gets no _read_group_groupby override", async () => {
    // mail.resend.partner: name = fields.Char(related='partner_id.name', related_sudo=False): `_traverse_related_sql` refuses
    const resend = await refFields('mail.resend.partner', ['name', 'email']);
    expect(resend.name).toMatchObject({ sortable: false, groupable: false });
    // mail.activity.mixin overrides _read_group_groupby for activity_state: its own field (even abstract) groups,
    // res.users' (read through partner_id) does not
    expect((await refFields('mail.activity.mixin', ['activity_state'])).activity_state!.groupable).toBe(true);
    expect((await refFields('res.partner', ['activity_state'])).activity_state!.groupable).toBe(true);
    expect((await refFields('res.users', ['activity_state'])).activity_state!.groupable).toBe(false);
  });
});

describe('fields_get: field order', () => {
  it("follows the model's _fields: mixins first, an extension of a mixin after its fields, automatic fields after the defining class", async () => {
    const names = Object.keys(await describeFields(refEngine, 'odoo_ref', 'res.partner.category', []));
    expect(names).toEqual(['name', 'color', 'parent_id', 'child_ids', 'active', 'parent_path', 'partner_ids', 'id', 'display_name', 'create_uid', 'create_date', 'write_uid', 'write_date']);
    const partner = Object.keys(await describeFields(refEngine, 'odoo_ref', 'res.partner', []));
    // portal and sms extend mail.thread (website_message_ids, message_has_sms_error): their fields follow
    // mail.thread's own, before the next mixin's (mail.thread.blacklist), not at the end (ir_model_fields order)
    expect(partner.slice(0, 16)).toEqual([
      'message_is_follower', 'message_follower_ids', 'message_partner_ids', 'message_ids', 'has_message', 'message_needaction',
      'message_needaction_counter', 'message_has_error', 'message_has_error_counter', 'message_attachment_count',
      'website_message_ids', 'message_has_sms_error', 'email_normalized', 'is_blacklisted', 'message_bounce', 'activity_ids',
    ]);
  });
});
