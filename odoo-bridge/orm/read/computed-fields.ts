import { sql, type RawBuilder } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import type { ModelInfo } from '../registry/types.ts';
import { fieldSql } from '../domain/field-sql.ts';
import { pythonFieldSql } from '../sql/python-field-sql.ts';
import type { ComputedField } from './computed-field.ts';
import { partnerEmailFormatted } from '../write/mail/mail-format.ts';
import { mailMixinComputedField } from './mail-mixin-computes.ts';
import { tzOffset } from './tz-offset.ts';
import { menuFullName } from './menu-full-name.ts';
import { USER_COMPUTED_FIELDS } from './user-computes.ts';
import { PRODUCT_CURRENCY_COMPUTED_FIELDS } from './product-currency-computes.ts';
import { BASE_MODEL_COMPUTED_FIELDS } from './base-model-computes.ts';
import { MAIL_MESSAGE_COMPUTED_FIELDS } from './mail-message-computes.ts';
import { SALE_COMPUTED_FIELDS } from './sale-tax-totals.ts';
import { ACCOUNT_COMPUTED_FIELDS } from './account-computes.ts';
import { PARTNER_ACCOUNT_COMPUTED_FIELDS } from './partner-account-computes.ts';
import { COMPANY_USER_BANK_COMPUTED_FIELDS } from './company-user-bank-computes.ts';
import { PRODUCT_COMPUTED_FIELDS } from './product-computes.ts';
import { SALE_ORDER_COMPUTED_FIELDS } from './sale-order-computes.ts';
import { SALES_COUNT_COMPUTED_FIELDS } from './sales-count-computes.ts';
import { SALE_INVOICING_COMPUTED_FIELDS } from './sale-invoicing-computes.ts';
import { ATTACHMENT_URL_COMPUTED_FIELDS } from './attachment-url-computes.ts';
import { PRODUCT_SALE_LINE_COMPUTED_FIELDS } from './product-sale-line-computes.ts';
import { MAIL_IR_COMPUTED_FIELDS } from './mail-ir-computes.ts';
import { ACCOUNT_RECORD_COMPUTED_FIELDS } from './account-record-computes.ts';
import { placeholderCodeSql } from './account-placeholder-code.ts';
import { REPORT_COMPUTED_FIELDS } from './report-computes.ts';
import { PRICELIST_ITEM_LABEL_FIELDS } from './pricelist-item-labels.ts';
import { isPlainNonStored } from '../registry/python-field-description.ts';

type Sql = RawBuilder<unknown>;

/**
 * Non-stored computed fields Ficus computes itself. Their Python compute is not in the
 * database, so each one here is a deliberate re-implementation; every other non-stored,
 * non-related field is refused with a clear error when asked for by name, and left out of
 * "all fields" reads (returning a made-up False would be a wrong answer, not a missing one).
 *
 * | field                    | value                                                  |
 * |--------------------------|--------------------------------------------------------|
 * | `<any>.display_name`     | see display-name.ts                                    |
 * | `res.partner.company_type` | `'company'` if `is_company` else `'person'`          |
 * | `res.country.image_url`  | `/base/static/img/country_flags/<code>.png` (a territory's state's flag; none for AQ, SJ) |
 * | `res.users.password`     | `''` (Odoo never reads passwords back)                 |
 * | `res.users.new_password` | `''`                                                   |
 * | `ir.model.data.complete_name` / `reference` | `module.name` (empty parts left out) / `model,res_id` |
 * | `uom.uom.factor_inv`     | `1 / factor` (0 when factor is 0)                      |
 * | `uom.uom.ratio`          | 1 (reference), factor_inv (bigger), factor (smaller)   |
 * | `res.company` address    | the company partner's street, street2, zip, city, state_id, country_id (`_compute_address`) |
 * | `ir.model.modules`       | installed modules with an xml id for the model, sorted, `', '`-joined |
 * | `res.currency.rate`      | latest `res_currency_rate` up to today (company rate first), else 1.0 |
 * | `product.category.product_count` | active templates in the category and its children (`child_of`) |
 * | `product.product.price_extra` | sum of the variant's attribute value extras      |
 * | `product.product.lst_price` | template `list_price` + `price_extra` (no uom in context) |
 * | `res.users.points_balance` | hp_points: `balance_after` of the user's latest `points_transactions` row, else 0 |
 * | `res.users.login_date`   | `create_date` of the user's latest `res_users_log` (log_ids, `_order` id desc) |
 * | `res.users.totp_enabled` | auth_totp: `bool(totp_secret)` read with sudo                       |
 * | `product.template.product_variant_count` | number of active variants             |
 * | `res.partner.contact_address` | `_display_address()`: the country's address format filled in |
 * | `<model>.active_lang_count` | res.partner / res.users: the active languages                 |
 * | mail.thread / mail.activity.mixin / mail.thread.blacklist computes | see mail-mixin-computes.ts |
 * | product (is_product_variant, uom names, cost currency, first variant) and res.currency (date, inverse rate, rate string, company currency) | see product-currency-computes.ts |
 * | res.users counts, tz_offset, state, settings, im_status; res.partner im_status; res.groups trans_implied_ids | see user-computes.ts |
 * | ir.ui.view arch, ir.model inherited models and views, ir.model.fields selection and modules, paper sizes | see base-model-computes.ts |
 * | mail.message author/needaction/starred/errors for the reading user, discuss.channel.member is_self | see mail-message-computes.ts |
 * | sale.order `tax_totals` | see sale-tax-totals.ts |
 * | sale.report currency_id (env.company's currency) | see report-computes.ts |
 * | account fiscal_country_codes, account.tax price_include, res.country is_stripe_supported_country | see account-computes.ts |
 * | res.partner's account / sale / payment / e-invoicing computes, res.partner.bank acc_type | see partner-account-computes.ts |
 * | product tooltips, expense policy visibility, pricelist item and document counts, valid attribute lines, variant code / partner_ref / all tags / zoomable image | see product-computes.ts |
 * | sale.order access url/warning, expiry, tax country, active pricelist, archived products, invoices, authorized transactions | see sale-order-computes.ts |
 * | res.users crm_team_ids, res.company VAT placeholder / hard lock date / foreign VAT countries, res.partner.bank trust and transfer-service fields, mail.alias.domain default_from_email | see company-user-bank-computes.ts |
 *
 * A field that is none of these is left out of a read that names other fields too (read-records.ts
 * `refusalOf`), and refused when it is all the read asks for.
 * | related, non-stored      | resolved through the related path (read-records.ts)    |
 * | `_inherits` fields       | read on the parent record (read-records.ts)            |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const COUNTRIES_WITHOUT_FLAG = new Set(['AQ', 'SJ']);
const FLAG_OF_TERRITORY: Readonly<Record<string, string>> = { GF: 'fr', BV: 'no', BQ: 'nl', GP: 'fr', HM: 'au', YT: 'fr', RE: 'fr', MF: 'fr', UM: 'us' };
const PRICE_EXTRA_TABLES = ['product_variant_combination', 'product_template_attribute_value'];
const CONTACT_ADDRESS_TABLES = ['res_country', 'res_country_state'];
const activeLanguages = sql`(SELECT count(*)::int FROM res_lang WHERE active)`;

/**
 * `xml_id` computes: the record's first external id (`module.name`) on the model being read,
 * '' when it has none. ir.actions' goes through `get_external_id()` (ir.model.data by id);
 * ir.ui.view's and ir.module.category's search ir.model.data in its `_order` (module, model, name).
 */
function externalIdField(order: 'id' | 'model order'): ComputedField {
  return {
    dependsOn: [], readsTables: ['ir_model_data'],
    select: (a, scope) => sql`(SELECT d.module || '.' || d.name FROM ir_model_data d WHERE d.model = ${scope.model} AND d.res_id = ${column(a, 'id')}
      ORDER BY ${order === 'id' ? sql`d.id` : sql`d.module, d.model, d.name, d.id`} LIMIT 1)`,
    compute: (r) => r.xml_id ?? '',
  };
}
/** `self.env['ir.model']._get(record[column])`: the ir.model row of that name. */
function modelIdOf(name: string): ComputedField {
  return {
    dependsOn: [], readsTables: ['ir_model'], many2one: 'ir.model',
    select: (a) => sql`(SELECT im.id FROM ir_model im WHERE im.model = ${column(a, name)})`,
    compute: (r) => r.model_id ?? false,
  };
}
const ACTION_MODELS = ['ir.actions.actions', 'ir.actions.act_window', 'ir.actions.act_window_close', 'ir.actions.act_url', 'ir.actions.server', 'ir.actions.client', 'ir.actions.report'];

export const COMPUTED_FIELDS: Record<string, ComputedField> = {
  ...Object.fromEntries(ACTION_MODELS.map((model) => [`${model}.xml_id`, externalIdField('id')])),
  'ir.ui.view.xml_id': externalIdField('model order'),
  'ir.module.category.xml_id': externalIdField('model order'),
  // base ir_ui_view.py / ir_actions_report.py `_compute_model_id`: `ir.model._get(model)`.
  'ir.ui.view.model_id': modelIdOf('model'),
  'ir.actions.report.model_id': modelIdOf('model'),
  // base ir_module.py ModuleDependency: the module of that name, and its state ('unknown' without one).
  'ir.module.module.dependency.depend_id': {
    dependsOn: [], readsTables: ['ir_module_module'], many2one: 'ir.module.module',
    select: (a) => sql`(SELECT m.id FROM ir_module_module m WHERE m.name = ${column(a, 'name')} ORDER BY m.id LIMIT 1)`,
    compute: (r) => r.depend_id ?? false,
  },
  'ir.module.module.dependency.state': {
    dependsOn: [], readsTables: ['ir_module_module'],
    select: (a) => sql`(SELECT m.state FROM ir_module_module m WHERE m.name = ${column(a, 'name')} ORDER BY m.id LIMIT 1)`,
    compute: (r) => r.state || 'unknown',
  },
  // base res_lang.py `_compute_field_flag_image_url`: its own flag image, else the country flag of the code's last part.
  'res.lang.flag_image_url': {
    dependsOn: ['code'], readsTables: ['ir_attachment'],
    select: (a) => sql`EXISTS (SELECT 1 FROM ir_attachment i WHERE i.res_model = 'res.lang' AND i.res_field = 'flag_image' AND i.res_id = ${column(a, 'id')})`,
    compute: (r) => (r.flag_image_url ? `/web/image/res.lang/${r.id}/flag_image` : `/base/static/img/country_flags/${String(r.code).toLowerCase().split('_').pop()}.png`),
  },
  // uom uom_uom.py `_compute_color`: 7 for the reference unit of its category, else 0.
  'uom.uom.color': { dependsOn: ['uom_type'], compute: (r) => (r.uom_type === 'reference' ? 7 : 0) },
  // mail mail_activity_type.py: initial_res_model = res_model; res_model_change is a plain non-stored
  // field (default False) only an onchange sets.
  'mail.activity.type.initial_res_model': { dependsOn: ['res_model'], compute: (r) => r.res_model ?? false },
  'mail.activity.type.res_model_change': { dependsOn: [], compute: () => false },
  // base ir_sequence.py `_get_number_next_actual` / `_predict_nextval`: a standard sequence's next
  // PostgreSQL value (last_value + increment once called; number_next, what it was (re)started
  // with, before), a no-gap one's number_next.
  'ir.sequence.number_next_actual': {
    dependsOn: ['implementation', 'number_next'], readsTables: ['ir_sequence'],
    select: (a) => sql`CASE WHEN ${column(a, 'implementation')} = 'standard' THEN (SELECT s.last_value + s.increment_by FROM pg_sequences s
        WHERE s.schemaname = current_schema() AND s.sequencename = 'ir_sequence_' || CASE WHEN ${column(a, 'id')} < 1000 THEN lpad(${column(a, 'id')}::text, 3, '0') ELSE ${column(a, 'id')}::text END) END`,
    compute: (r) => Number(r.number_next_actual ?? r.number_next ?? 0),
  },
  // base ir_ui_view.py `_compute_model_data_id`: the view's external id record of lowest id.
  'ir.ui.view.model_data_id': {
    dependsOn: [], readsTables: ['ir_model_data'], many2one: 'ir.model.data',
    select: (a) => sql`(SELECT min(d.id) FROM ir_model_data d WHERE d.model = 'ir.ui.view' AND d.res_id = ${column(a, 'id')})`,
    compute: (r) => r.model_data_id ?? false,
  },
  // base res_users.py UsersView `_compute_user_group_warning` (depends_context show_user_group_warning):
  // False unless the context asks for the group-inheritance warnings, which Ficus does not compose.
  // It reads no other table: the user's own row is the one read anyway.
  'res.users.user_group_warning': {
    dependsOn: [], readsTables: ['res_users'],
    select: (_a, scope) => {
      if (scope.env.context?.show_user_group_warning) throw missingBehaviour('res.users', 'the computed field user_group_warning with show_user_group_warning');
      return sql`NULL`;
    },
    compute: () => false,
  },
  // base ir_ui_menu.py `_compute_complete_name` = `_get_full_name()`, the menu's display name too (display-name.ts).
  'ir.ui.menu.complete_name': {
    dependsOn: [], readsTables: ['ir_ui_menu'],
    select: (a, scope) => menuFullName(scope.env, scope.env.registry.model('ir.ui.menu')!, a),
    compute: (r) => r.complete_name ?? false,
  },
  // base res_users.py ResGroups `_compute_full_name`: "<category> / <name>" (sudo), else the name;
  // the same text as its display_name (display-name.ts), which it is the `_rec_name` of.
  'res.groups.full_name': {
    dependsOn: [], readsTables: ['ir_module_category'],
    select: (a, scope) => {
      const name = fieldSql(scope.env, scope.env.registry.model('res.groups')!.fields.get('name')!, a);
      const lang = scope.env.lang;
      const category = lang === 'en_US' ? sql`c.name->>'en_US'` : sql`COALESCE(c.name->>${lang}::text, c.name->>'en_US')`;
      return sql`COALESCE((SELECT ${category} || ' / ' FROM ir_module_category c WHERE c.id = ${sql.ref(`${a}.category_id`)}), '') || ${name}`;
    },
    compute: (r) => r.full_name ?? false,
  },
  // account/models/account_account.py `_compute_code`: code_store for env.company.root_id (sudo);
  // `_compute_placeholder_code`: that code, else `<code> (<company>)` of the first of the account's
  // companies the user has (the user's companies); `_compute_internal_group`: account_type's prefix.
  'account.account.code': {
    dependsOn: [], readsTables: ['account_account', 'res_company'],
    select: (a, scope) => pythonFieldSql(scope.env, scope.env.registry.model('account.account')!, 'code', a) ?? sql`NULL`,
    compute: (r) => r.code ?? false,
  },
  'account.account.placeholder_code': {
    dependsOn: [], readsTables: ['account_account', 'res_company', 'account_account_res_company_rel', 'res_company_users_rel'],
    select: (a, scope) => placeholderCodeSql(a, scope),
    compute: (r) => r.placeholder_code ?? false,
  },
  'account.account.internal_group': {
    dependsOn: ['account_type'],
    compute: (r) => (r.account_type ? String(r.account_type).split('_')[0] : false),
  },
  'res.partner.company_type': { dependsOn: ['is_company'], compute: (r) => (r.is_company ? 'company' : 'person') },
  // base res_country.py `_compute_image_url`: no flag for Antarctica and Svalbard; territories show their state's.
  'res.country.image_url': {
    dependsOn: ['code'],
    compute: (r) => {
      const code = typeof r.code === 'string' ? r.code : '';
      if (!code || COUNTRIES_WITHOUT_FLAG.has(code)) return false;
      return `/base/static/img/country_flags/${FLAG_OF_TERRITORY[code] ?? code.toLowerCase()}.png`;
    },
  },
  'res.users.password': { dependsOn: [], compute: () => '' },
  // base ir_model.py IrModelData: `_compute_complete_name` joins the non-empty module and name with
  // '.'; `_compute_reference` is "%s,%s" % (model, res_id), an unset res_id reading as 0.
  'ir.model.data.complete_name': { dependsOn: ['module', 'name'], compute: (r) => [r.module, r.name].filter((part) => part).join('.') },
  'ir.model.data.reference': { dependsOn: ['model', 'res_id'], compute: (r) => `${r.model === null || r.model === undefined ? 'False' : r.model},${r.res_id ?? 0}` },
  // base res_partner.py / res_users.py `_compute_active_lang_count`: len(res.lang.get_installed()).
  'res.partner.active_lang_count': { dependsOn: [], readsTables: ['res_lang'], select: () => activeLanguages, compute: (r) => Number(r.active_lang_count ?? 0) },
  'res.users.active_lang_count': { dependsOn: [], readsTables: ['res_lang'], select: () => activeLanguages, compute: (r) => Number(r.active_lang_count ?? 0) },
  'res.users.new_password': { dependsOn: [], compute: () => '' },
  'uom.uom.factor_inv': { dependsOn: ['factor'], compute: (r) => (r.factor ? 1 / Number(r.factor) : 0) },
  'ir.model.modules': {
    dependsOn: [], readsTables: ['ir_model_data', 'ir_module_module'],
    select: (a) => sql`(SELECT string_agg(DISTINCT d.module, ', ' ORDER BY d.module) FROM ir_model_data d
      JOIN ir_module_module m ON m.name = d.module AND m.state = 'installed'
      WHERE d.model = 'ir.model' AND d.res_id = ${column(a, 'id')})`,
    compute: (r) => r.modules ?? '',
  },
  'res.currency.rate': {
    dependsOn: [], readsTables: ['res_currency_rate'],
    select: (a) => sql`(SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = ${column(a, 'id')}
      AND r.name <= current_date ORDER BY r.company_id NULLS LAST, r.name DESC LIMIT 1)`,
    compute: (r) => (r.rate === null || r.rate === undefined ? 1 : Number(r.rate)),
  },
  'product.category.product_count': {
    dependsOn: [], readsTables: ['product_template', 'product_category'],
    select: (a) => sql`(SELECT count(*)::int FROM product_template t JOIN product_category c ON c.id = t.categ_id
      WHERE t.active AND c.parent_path LIKE ${column(a, 'parent_path')} || '%')`,
    compute: (r) => Number(r.product_count ?? 0),
  },
  'product.product.price_extra': {
    dependsOn: [], readsTables: PRICE_EXTRA_TABLES,
    select: (a) => priceExtra(a),
    compute: (r) => Number(r.price_extra ?? 0),
  },
  'product.product.lst_price': {
    dependsOn: [], readsTables: ['product_template', ...PRICE_EXTRA_TABLES],
    select: (a) => sql`((SELECT t.list_price FROM product_template t WHERE t.id = ${column(a, 'product_tmpl_id')}) + ${priceExtra(a)})`,
    compute: (r) => Number(r.lst_price ?? 0),
  },
  // hp_points (M14) res_users.py `_compute_points_balance`: the ledger's last balance.
  'res.users.points_balance': {
    dependsOn: [], readsTables: ['points_transactions'],
    select: (a) => sql`(SELECT t.balance_after FROM points_transactions t WHERE t.user_id = ${column(a, 'id')} ORDER BY t.id DESC LIMIT 1)`,
    compute: (r) => Number(r.points_balance ?? 0),
  },
  // base/models/res_users.py: `login_date` is related to `log_ids.create_date`, log_ids being
  // res.users.log by create_uid in its `_order` (id desc): the latest log's create_date.
  'res.users.login_date': {
    dependsOn: [], readsTables: ['res_users_log'],
    select: (a) => sql`(SELECT to_char(l.create_date, 'YYYY-MM-DD HH24:MI:SS') FROM res_users_log l WHERE l.create_uid = ${column(a, 'id')} ORDER BY l.id DESC LIMIT 1)`,
    compute: (r) => r.login_date ?? false,
  },
  // auth_totp/models/res_users.py `_compute_totp_enabled`: bool(totp_secret), read with sudo from
  // the column auth_totp's init() adds (never the secret itself).
  'res.users.totp_enabled': {
    dependsOn: [], readsTables: ['res_users'],
    select: (a) => sql`(SELECT coalesce(s.totp_secret, '') <> '' FROM res_users s WHERE s.id = ${column(a, 'id')})`,
    compute: (r) => r.totp_enabled === true,
  },
  // product/models/product_template.py: len(product_variant_ids), the active variants.
  'product.template.product_variant_count': {
    dependsOn: [], readsTables: ['product_product'],
    select: (a) => sql`(SELECT count(*)::int FROM product_product p WHERE p.product_tmpl_id = ${column(a, 'id')} AND p.active)`,
    compute: (r) => Number(r.product_variant_count ?? 0),
  },
  // base/models/res_partner.py `_compute_contact_address` = `_display_address()`.
  'res.partner.contact_address': {
    dependsOn: [], readsTables: CONTACT_ADDRESS_TABLES,
    select: (a) => contactAddressArgs(a),
    compute: (r) => displayAddress(r.contact_address as AddressArgs | null),
  },
  // mail/models/res_partner.py `_compute_contact_address_inline`: the address on one line.
  'res.partner.contact_address_inline': {
    dependsOn: [], readsTables: CONTACT_ADDRESS_TABLES,
    select: (a) => contactAddressArgs(a),
    compute: (r) => inlineAddress(displayAddress(r.contact_address_inline as AddressArgs | null)),
  },
  // base res_partner.py `_compute_tz_offset`: now in the partner's timezone (GMT without one), as `%z`.
  'res.partner.tz_offset': { dependsOn: ['tz'], compute: (r) => tzOffset(typeof r.tz === 'string' ? r.tz : null) },
  // base res_partner.py `_compute_same_vat_partner_id`: another partner (archived ones too, sudo) with the same
  // VAT, outside this one's descendants, in a shared or no company; first by _order (complete_name, id desc).
  'res.partner.same_vat_partner_id': {
    dependsOn: [], readsTables: ['res_partner'],
    many2one: 'res.partner',
    select: (a) => sql`(CASE WHEN ${column(a, 'vat')} IS NOT NULL AND length(${column(a, 'vat')}) <> 1 AND ${column(a, 'parent_id')} IS NULL THEN
      (SELECT p.id FROM res_partner p WHERE p.vat = ${column(a, 'vat')}
          AND (${column(a, 'company_id')} IS NULL OR p.company_id IS NULL OR p.company_id = ${column(a, 'company_id')})
          AND p.id NOT IN (${descendants(a)})
        ORDER BY p.complete_name, p.id DESC LIMIT 1) END)`,
    compute: (r) => r.same_vat_partner_id ?? false,
  },
  'res.partner.same_company_registry_partner_id': {
    dependsOn: [], readsTables: ['res_partner'],
    many2one: 'res.partner',
    select: (a) => sql`(CASE WHEN coalesce(${column(a, 'company_registry')}, '') <> '' AND ${column(a, 'parent_id')} IS NULL THEN
      (SELECT p.id FROM res_partner p WHERE p.company_registry = ${column(a, 'company_registry')}
          AND p.company_id IS NOT DISTINCT FROM ${column(a, 'company_id')} AND p.id NOT IN (${descendants(a)})
        ORDER BY p.complete_name, p.id DESC LIMIT 1) END)`,
    compute: (r) => r.same_company_registry_partner_id ?? false,
  },
  // base res_partner.py `_compute_email_formatted`: "Name" <normalized emails>, the raw email, else False ("void email").
  'res.partner.email_formatted': {
    dependsOn: ['name', 'email'],
    compute: (r) => partnerEmailFormatted((r.name as string | null) ?? null, (r.email as string | null) ?? null) || false,
  },
  // base res_partner.py `_compute_is_public`: one of its users (archived ones too) is in base.group_public.
  'res.partner.is_public': {
    dependsOn: [], readsTables: ['res_users', 'res_groups_users_rel', 'ir_model_data'],
    select: (a) => sql`EXISTS (SELECT 1 FROM res_users u JOIN res_groups_users_rel r ON r.uid = u.id
      JOIN ir_model_data d ON d.model = 'res.groups' AND d.module = 'base' AND d.name = 'group_public' AND d.res_id = r.gid
      WHERE u.partner_id = ${column(a, 'id')})`,
    compute: (r) => r.is_public === true,
  },
  // base res_partner.py `_compute_get_ids`: the record itself.
  'res.partner.self': { dependsOn: [], many2one: 'res.partner', compute: (r) => r.id },
  // product product_template.py `_compute_currency_id`: the company's currency, else the main company's.
  'product.template.currency_id': {
    dependsOn: [], readsTables: ['res_company', 'ir_model_data'],
    many2one: 'res.currency',
    select: (a) => sql`coalesce((SELECT c.currency_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}),
      (SELECT c.currency_id FROM res_company c WHERE c.id = coalesce((SELECT d.res_id FROM ir_model_data d WHERE d.module = 'base' AND d.name = 'main_company'), (SELECT min(id) FROM res_company))))`,
    compute: (r) => r.currency_id ?? false,
  },
  // product_template.py `_compute_standard_price` (`_compute_template_field_from_variant_field`):
  // the single variant's cost for env.company (archived variants counted only when none is active), else 0.
  'product.template.standard_price': {
    dependsOn: [], readsTables: ['product_product'],
    select: (a, scope) => {
      const variant = scope.env.registry.model('product.product')?.fields.get('standard_price');
      if (!variant) return sql`NULL`;
      const cost = fieldSql(scope.env, variant, 'v');
      return sql`(SELECT CASE WHEN count(*) FILTER (WHERE v.active) = 1 THEN max(${cost}) FILTER (WHERE v.active)
                              WHEN count(*) FILTER (WHERE v.active) = 0 AND count(*) = 1 THEN max(${cost}) END
                    FROM product_product v WHERE v.product_tmpl_id = ${column(a, 'id')})`;
    },
    compute: (r) => Number(r.standard_price ?? 0),
  },
  'uom.uom.ratio': {
    dependsOn: ['factor', 'uom_type'],
    compute: (r) => (r.uom_type === 'reference' ? 1 : r.uom_type === 'bigger' ? (r.factor ? 1 / Number(r.factor) : 0) : Number(r.factor ?? 0)),
  },
};

/** The partner and its descendants through parent_id (`child_of`; res.partner keeps no parent_path). */
function descendants(alias: string): Sql {
  return sql`WITH RECURSIVE tree(id) AS (SELECT ${column(alias, 'id')} UNION SELECT c.id FROM res_partner c JOIN tree ON c.parent_id = tree.id) SELECT id FROM tree`;
}

function priceExtra(alias: string): Sql {
  return sql`coalesce((SELECT sum(v.price_extra) FROM product_variant_combination pc
    JOIN product_template_attribute_value v ON v.id = pc.product_template_attribute_value_id
    WHERE pc.product_product_id = ${column(alias, 'id')}), 0)`;
}

/** The values `_prepare_display_address` injects into the address format, read in one row. */
interface AddressArgs {
  format: string | null;
  street: string | null;
  street2: string | null;
  zip: string | null;
  city: string | null;
  state_code: string | null;
  state_name: string | null;
  country_code: string | null;
  country_name: string | null;
  company_name: string | null;
}

function contactAddressArgs(alias: string): Sql {
  const p = (name: string) => column(alias, name);
  return sql`(SELECT json_build_object(
      'format', c.address_format, 'street', ${p('street')}, 'street2', ${p('street2')}, 'zip', ${p('zip')}, 'city', ${p('city')},
      'state_code', s.code, 'state_name', s.name, 'country_code', c.code, 'country_name', c.name->>'en_US',
      'company_name', ${p('commercial_company_name')})
    FROM (SELECT 1) AS one LEFT JOIN res_country c ON c.id = ${p('country_id')} LEFT JOIN res_country_state s ON s.id = ${p('state_id')})`;
}

/**
 * `_display_address()`: the country's `address_format` (else
 * `_get_default_address_format`), prefixed with the commercial company name when there is one,
 * filled Python-`%`-style from a defaultdict(str) (unknown keys are empty), lines kept as they
 * are. Country names are en_US (the served databases' only language).
 */
export function displayAddress(args: AddressArgs | null): string {
  if (!args) return '';
  let format = args.format || '%(street)s\n%(street2)s\n%(city)s %(state_code)s %(zip)s\n%(country_name)s';
  if (args.company_name) format = '%(company_name)s\n' + format;
  const values = args as unknown as Record<string, string | null>;
  return format.replace(/%(?:\((\w+)\)s|%)/g, (match, key: string | undefined) => (key === undefined ? '%' : key === 'format' ? '' : values[key] ?? ''));
}

/** `re.sub(r'\n(\s|\n)*', ', ', address).strip().strip(',')` (Python's strip: whitespace, then commas). */
export function inlineAddress(address: string): string {
  return address.replace(/\n(\s|\n)*/g, ', ').replace(/^\s+|\s+$/g, '').replace(/^,+|,+$/g, '');
}

/** Every table of computes by `model.field`, the first naming a field wins. */
const COMPUTED_FIELD_TABLES: readonly Readonly<Record<string, ComputedField>>[] = [
  COMPUTED_FIELDS, USER_COMPUTED_FIELDS, PRODUCT_CURRENCY_COMPUTED_FIELDS, BASE_MODEL_COMPUTED_FIELDS, MAIL_MESSAGE_COMPUTED_FIELDS,
  SALE_COMPUTED_FIELDS, ACCOUNT_COMPUTED_FIELDS, PARTNER_ACCOUNT_COMPUTED_FIELDS, COMPANY_USER_BANK_COMPUTED_FIELDS, PRODUCT_COMPUTED_FIELDS,
  SALE_ORDER_COMPUTED_FIELDS, SALES_COUNT_COMPUTED_FIELDS, SALE_INVOICING_COMPUTED_FIELDS, ATTACHMENT_URL_COMPUTED_FIELDS,
  PRODUCT_SALE_LINE_COMPUTED_FIELDS, MAIL_IR_COMPUTED_FIELDS, ACCOUNT_RECORD_COMPUTED_FIELDS, REPORT_COMPUTED_FIELDS, PRICELIST_ITEM_LABEL_FIELDS,
];

/**
 * The compute Ficus runs for `model.field`: one of the table above, or a mail.thread /
 * mail.activity.mixin compute of a model inheriting the mixin (mail-mixin-computes.ts).
 */
export function computedField(model: ModelInfo, field: string): ComputedField | undefined {
  const key = `${model.name}.${field}`;
  const known = COMPUTED_FIELD_TABLES.map((table) => table[key]).find(Boolean) ?? mailMixinComputedField(model, field);
  if (known) return known;
  // A non-stored field nothing computes (a search-only field) reads as its empty value.
  const info = model.fields.get(field);
  if (info && !info.store && !info.related && !info.inheritedVia && isPlainNonStored(model.name, field)) {
    const empty = info.type === 'one2many' || info.type === 'many2many' ? [] : false;
    return { dependsOn: [], compute: () => (Array.isArray(empty) ? [] : empty) };
  }
  return undefined;
}
