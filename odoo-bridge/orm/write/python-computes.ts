import { MAGIC_FIELDS, type ModelInfo } from '../registry/types.ts';

/**
 * Which stored fields are computed in Python, and on what they depend.
 *
 * Odoo 16–18 reflect `compute`/`depends` into `ir_model_fields` only for *manual* (Studio)
 * fields; for code fields both columns are empty. What the database does say: a computed
 * field without inverse is reflected `readonly = true`, and a related one has `related`. So a
 * stored, readonly, non-related, non-magic column is taken as a stored compute — unless listed
 * below as a plain readonly field (a state with a default, a sequence-numbered name). That errs
 * on the safe side: a false positive gives the clear missing-behaviour error, never a wrong value.
 *
 * Dependencies are not in the database either. Known ones (from Odoo's and the hp_* addons'
 * sources) let writes that cannot affect a compute go through; without an entry, any write to
 * the model may affect it ('*').
 */
const PLAIN_READONLY: Readonly<Record<string, readonly string[]>> = {
  // sale_async_emails' pending_email_template_id and payment's transaction_ids are plain readonly fields.
  'sale.order': ['state', 'pending_email_template_id', 'transaction_ids'],
  'hp.service.order': ['name'],
  'hp.mall.order': ['name'],
  // ir.attachment's content facts: plain readonly fields its create/write set from datas/raw (core/ir-attachment.ts).
  'ir.attachment': ['file_size', 'checksum', 'mimetype', 'index_content'],
  // account.tax's company_id is `readonly=True` with a default (account_tax.py), not computed.
  'account.tax': ['company_id'],
  // The change password wizard's line: the login shown beside the new password (res_users.py `readonly=True`).
  'change.password.user': ['user_login'],
};

export interface ComputeDependencies {
  /** Same-model fields, or '*' for "any write". */
  readonly depends: readonly string[] | '*';
  /** Other models whose create/write/unlink may change the value (one2many lines, counters). */
  readonly reverse?: readonly string[];
}

const KNOWN_DEPENDS: Readonly<Record<string, Readonly<Record<string, ComputeDependencies>>>> = {
  'res.partner': {
    complete_name: { depends: ['name', 'parent_id', 'is_company', 'type', 'commercial_company_name'] },
    commercial_partner_id: { depends: ['is_company', 'parent_id'] },
    commercial_company_name: { depends: ['company_name', 'parent_id', 'is_company', 'commercial_partner_id'] },
    partner_share: { depends: ['user_ids'], reverse: ['res.users'] },
    email_normalized: { depends: ['email'] },
    phone_sanitized: { depends: ['phone', 'mobile', 'country_id'] },
    invoice_ids: { depends: [] },
    contract_ids: { depends: [] },
  },
  'sale.order': {
    amount_untaxed: { depends: ['order_line', 'currency_id', 'company_id'], reverse: ['sale.order.line'] },
    amount_tax: { depends: ['order_line', 'currency_id', 'company_id'], reverse: ['sale.order.line'] },
    amount_total: { depends: ['order_line', 'currency_id', 'company_id'], reverse: ['sale.order.line'] },
    currency_id: { depends: ['pricelist_id', 'company_id'] },
    currency_rate: { depends: ['currency_id', 'date_order', 'company_id'] },
    invoice_status: { depends: ['state', 'order_line'], reverse: ['sale.order.line'] },
  },
  // addons/sale/models/sale_order_line.py 18 @api.depends
  'sale.order.line': {
    price_subtotal: { depends: ['product_uom_qty', 'discount', 'price_unit', 'tax_id'] },
    price_tax: { depends: ['product_uom_qty', 'discount', 'price_unit', 'tax_id'] },
    price_total: { depends: ['product_uom_qty', 'discount', 'price_unit', 'tax_id'] },
    price_reduce_taxexcl: { depends: ['price_subtotal', 'product_uom_qty'] },
    price_reduce_taxinc: { depends: ['price_total', 'product_uom_qty'] },
    qty_delivered_method: { depends: ['is_expense'] },
    qty_invoiced: { depends: ['invoice_lines'] },
    qty_to_invoice: { depends: ['qty_invoiced', 'qty_delivered', 'product_uom_qty', 'state'] },
    invoice_status: { depends: ['state', 'product_uom_qty', 'qty_delivered', 'qty_to_invoice', 'qty_invoiced'] },
    untaxed_amount_invoiced: { depends: ['invoice_lines'] },
    untaxed_amount_to_invoice: { depends: ['state', 'product_id', 'untaxed_amount_invoiced', 'qty_delivered', 'product_uom_qty', 'price_unit'] },
  },
  'res.users': {
    share: { depends: ['groups_id'] },
    // hp_growth: @api.depends('hp_rating_ids.score')
    coach_rating_avg: { depends: ['hp_rating_ids'], reverse: ['hp.rating'] },
    odoobot_state: { depends: [] },
    odoobot_failed: { depends: [] },
    sale_team_id: { depends: [] },
  },
  'product.template': {
    can_image_1024_be_zoomed: { depends: ['image_1920'] },
    has_configurable_attributes: { depends: ['attribute_line_ids'] },
  },
  'product.product': {
    combination_indices: { depends: ['product_template_attribute_value_ids'] },
    can_image_variant_1024_be_zoomed: { depends: ['image_variant_1920'] },
  },
  'res.currency': { decimal_places: { depends: ['rounding'] } },
  // addons/utm/models/utm_campaign.py: `name` is computed from the title, editable (readonly=False).
  'utm.campaign': { name: { depends: ['title'] } },
  'res.company': {
    logo_web: { depends: ['logo', 'partner_id'] },
    uses_default_logo: { depends: ['logo', 'partner_id'] },
    batch_payment_sequence_id: { depends: [] },
  },
  // hp_* addons (legacy README "Stored computed columns" and the addons' @api.depends)
  'hp.health.goal': { progress: { depends: ['current_value', 'target_value', 'goal_type'] } },
  'hp.assessment': { risk_level: { depends: ['score'] } },
  'hp.knowledge.content': { purchase_count: { depends: ['purchase_ids'], reverse: ['hp.content.purchase'] } },
  'hp.community.group': { member_count: { depends: ['member_ids'], reverse: ['hp.community.member'] } },
  'hp.mall.order': { amount_total: { depends: ['line_ids'], reverse: ['hp.mall.order.line'] } },
  'hp.mall.order.line': { subtotal: { depends: ['quantity', 'price_unit'] } },
  'hp.ad.campaign': { spent: { depends: ['impression_ids'], reverse: ['hp.ad.impression'] } },
  'hp.settlement': { net: { depends: ['gross', 'fee'] } },
  'hp.gift.order': { points_spent: { depends: '*' } },
  'hp.points.transaction': { balance_after: { depends: '*' } },
};

/** Stored computed fields of `model` (see the heuristic above). */
export function storedComputedFields(model: ModelInfo): string[] {
  const plain = new Set(PLAIN_READONLY[model.name] ?? []);
  const known = KNOWN_DEPENDS[model.name] ?? {};
  const result: string[] = [];
  for (const field of model.fields.values()) {
    if (field.name in known) {
      if (field.store) result.push(field.name);
      continue;
    }
    if (!field.store || !field.readonly || field.related || MAGIC_FIELDS.has(field.name) || plain.has(field.name)) continue;
    if (field.type === 'one2many' || field.type === 'many2many' || !field.column) continue;
    if (field.name === 'parent_path') continue; // maintained by the engine itself (_parent_store)
    result.push(field.name);
  }
  return result;
}

export function dependenciesOf(model: string, field: string): ComputeDependencies {
  return KNOWN_DEPENDS[model]?.[field] ?? { depends: '*' };
}

/** Stored computes of `model` that a write of `written` fields may change (excluding fields written directly). */
export function computesAffectedByWrite(model: ModelInfo, written: ReadonlySet<string>): string[] {
  return storedComputedFields(model).filter((name) => {
    if (written.has(name)) return false;
    const { depends } = dependenciesOf(model.name, name);
    if (depends === '*') return [...written].some((w) => w !== name);
    return depends.some((d) => written.has(d));
  });
}

/** Stored computes on other models that a create/write/unlink of `model` may change: `model.field` names. */
export function computesAffectedElsewhere(model: string): Array<{ model: string; field: string }> {
  const out: Array<{ model: string; field: string }> = [];
  for (const [owner, fields] of Object.entries(KNOWN_DEPENDS)) {
    for (const [field, info] of Object.entries(fields)) if (info.reverse?.includes(model)) out.push({ model: owner, field });
  }
  return out;
}
