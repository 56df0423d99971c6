import { missingBehaviour, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { createRecords, updateRecords } from '../record-writes.ts';
import { xmlidToResId } from './xmlid.ts';
import { imageZoomable, productVariantBehaviour, recomputeTemplatesFromVariants, variantsOfTemplates } from './product-variant.ts';

/**
 * product.template's Python behaviour (Odoo 18) that a plain create or write goes through:
 *
 * - defaults: `categ_id` = `product.product_category_all`, `uom_id` = `uom.product_uom_unit`
 *   (product_template.py `_get_default_category_id`, `_get_default_uom_id`, `default_get`);
 *   with account, `taxes_id` / `supplier_taxes_id` = the sale / purchase tax of `env.companies`,
 *   else of their root companies (account/models/product.py).
 * - precomputes on create and recomputes on write of their dependencies (stored, readonly=False):
 *   `uom_po_id` follows `uom_id` when empty or of another UoM category (`_compute_uom_po_id`);
 *   sale's `service_type` = 'manual' and `invoice_policy` = 'order' when the type is `consu` or
 *   the value empty, `expense_policy` and `service_tracking` = 'no' when not `sale_ok`
 *   (`service_tracking` also when the type is not `service`) (sale/models/product_template.py).
 * - stored computes: `has_configurable_attributes` (`_compute_has_configurable_attributes`),
 *   `can_image_1024_be_zoomed` (false without an image; an image's size is not measured: refused).
 * - create: after `super().create()` (so after mail.thread's note), account's `_force_default_tax`
 *   for the other companies on products without company, `_create_variant_ids` (one variant per
 *   combination of the attribute lines' values; without lines, one variant) unless the context
 *   says `create_product_product=False`, then the variant-related values given (`barcode`,
 *   `default_code`, `standard_price`, `volume`, `weight`) written on the template again
 *   (`_get_related_fields_variant_template`).
 * - write: those variant-related fields go to the only variant (`_set_product_variant_field`),
 *   archiving archives the variants, and the variants' `write_date` follows the template's
 *   (product_product.py `_compute_write_date`, flushed with the writer as `write_uid`).
 *
 * Attribute lines (product.template.attribute.line's create/write updating the template's
 * attribute values and variants, exclusions, dynamic attributes) are not ported: a create or write
 * carrying `attribute_line_ids` gets the clear refusal.
 */
const VARIANT_RELATED = ['barcode', 'default_code', 'standard_price', 'volume', 'weight'] as const;

export function registerProductTemplate(behaviours: BehaviourRegistry): void {
  behaviours.register('product.template', {
    defaults: templateDefaults,
    beforeCreate: (ctx, valsList) => {
      for (const vals of valsList) refuseAttributeLines(vals);
      return precompute(ctx, valsList);
    },
    beforeWrite: (_ctx, _ids, vals) => refuseAttributeLines(vals),
    // product_template.py `copy_data`: without a name in `default`, the copy is "<name> (copy)" (in the caller's language).
    async copyData(ctx, id, vals, defaults) {
      if ('name' in defaults) return;
      const row = await ctx.db.query<{ name: string | null }>(`SELECT COALESCE(name->>$2, name->>'en_US') AS name FROM product_template WHERE id = $1`, [id, ctx.lang]);
      vals.name = `${row.rows[0]?.name ?? 'False'} (copy)`;
    },
    compute: {
      has_configurable_attributes: computeHasConfigurableAttributes,
      can_image_1024_be_zoomed: (ctx, ids) => imageZoomable(ctx, 'product.template', 'product_template', 'image_1920', 'can_image_1024_be_zoomed', ids),
    },
    checks: {
      // sale/models/product_template.py: the check returns when `_get_incompatible_types()` names fewer
      // than two fields; sale's own returns [] and no other module of Odoo 18 community or the
      // legacy addons overrides it, so no value can be incompatible.
      _check_incompatible_types: { flushed: () => undefined },
      // account/models/product.py `_check_uom_not_in_invoice`: no posted journal item of another UoM category.
      _check_uom_not_in_invoice: {
        async flushed(ctx, ids) {
          if (!ctx.registry.modules.has('account')) return; // the constraint is account's
          const bad = await ctx.db.query(
            `SELECT 1 FROM account_move_line line
               JOIN product_product v ON line.product_id = v.id JOIN product_template t ON v.product_tmpl_id = t.id
               JOIN uom_uom tu ON t.uom_id = tu.id JOIN uom_uom lu ON line.product_uom_id = lu.id
              WHERE t.id = ANY($1::int4[]) AND line.parent_state = 'posted' AND tu.category_id <> lu.category_id LIMIT 1`,
            [ids],
          );
          if (bad.rowCount) {
            throw validationError('This product is already being used in posted Journal Entries.\nIf you want to change its Unit of Measure, please archive this product and create a new one.');
          }
        },
      },
      // product_template.py `_check_sale_combo_ids`: a sellable combo holds only sellable products.
      _check_sale_combo_ids: {
        async flushed(ctx, ids) {
          const bad = await ctx.db.query(
            `SELECT 1 FROM product_template t
               JOIN product_combo_product_template_rel r ON r.product_template_id = t.id
               JOIN product_combo_item i ON i.combo_id = r.product_combo_id
               JOIN product_product p ON p.id = i.product_id JOIN product_template pt ON pt.id = p.product_tmpl_id
              WHERE t.id = ANY($1::int4[]) AND t.type = 'combo' AND t.sale_ok AND NOT COALESCE(pt.sale_ok, false) LIMIT 1`,
            [ids],
          );
          if (bad.rowCount) throw validationError('A sellable combo product can only contain sellable products.');
        },
      },
    },
    afterSuperCreate: async (ctx, ids, valsList) => {
      await forceDefaultTaxesOfOtherCompanies(ctx, ids);
      if (ctx.context.create_product_product !== false) await createVariants(ctx, behaviours, ids);
      for (let i = 0; i < ids.length; i++) {
        const vals = valsList[i] ?? {};
        const related: Vals = {};
        for (const name of VARIANT_RELATED) if (vals[name]) related[name] = vals[name];
        if (Object.keys(related).length) await updateRecords({ ctx, behaviours }, ctx.registry.model('product.template')!, [ids[i]!], related);
      }
    },
    afterWrite: async (ctx, ids, vals) => {
      await recomputeOnWrite(ctx, ids, vals);
      await propagateToVariants(ctx, behaviours, ids, vals);
      await followTemplateWriteDate(ctx, ids);
    },
  });
  behaviours.register('product.product', productVariantBehaviour(behaviours));
}

function refuseAttributeLines(vals: Vals): void {
  const lines = vals.attribute_line_ids;
  if (Array.isArray(lines) && lines.length) throw missingBehaviour('product.template', 'attribute lines (product.template.attribute.line values and variants)');
}

/** `env.companies`: allowed_company_ids, else every company of the user. */
function envCompanies(ctx: CallContext): number[] {
  const ids = ctx.access.companyIds;
  if (ids?.length) return [...ids];
  return ctx.access.companyId != null ? [ctx.access.companyId] : [];
}

async function templateDefaults(ctx: CallContext): Promise<Vals> {
  const model = ctx.registry.model('product.template')!;
  const out: Vals = {};
  const category = await xmlidToResId(ctx.db, 'product.product_category_all', 'product.category');
  if (category) out.categ_id = category;
  const unit = await xmlidToResId(ctx.db, 'uom.product_uom_unit', 'uom.uom');
  if (unit) out.uom_id = unit;
  for (const [field, column] of [['taxes_id', 'account_sale_tax_id'], ['supplier_taxes_id', 'account_purchase_tax_id']] as const) {
    if (!model.fields.has(field)) continue;
    out[field] = [[6, 0, await companiesTaxes(ctx, envCompanies(ctx), column)]];
  }
  return out;
}

/** `companies.<column>`, or when none has one, `companies.root_id.<column>`. */
async function companiesTaxes(ctx: CallContext, companies: number[], column: 'account_sale_tax_id' | 'account_purchase_tax_id'): Promise<number[]> {
  const own = await ctx.db.query<{ tax: number }>(
    `SELECT DISTINCT ${column} AS tax FROM res_company WHERE id = ANY($1::int4[]) AND ${column} IS NOT NULL ORDER BY 1`,
    [companies],
  );
  if (own.rows.length) return own.rows.map((r) => r.tax);
  const root = await ctx.db.query<{ tax: number }>(
    `SELECT DISTINCT r.${column} AS tax FROM res_company c
       JOIN res_company r ON r.id = COALESCE(NULLIF(split_part(c.parent_path, '/', 1), '')::int4, c.id)
      WHERE c.id = ANY($1::int4[]) AND r.${column} IS NOT NULL ORDER BY 1`,
    [companies],
  );
  return root.rows.map((r) => r.tax);
}

async function precompute(ctx: CallContext, valsList: Vals[]): Promise<void> {
  const model = ctx.registry.model('product.template')!;
  for (const vals of valsList) {
    // A precompute fills only what create was not given: a purchase UoM given stays, and meets `_check_uom`.
    if (model.fields.has('uom_po_id') && !('uom_po_id' in vals)) vals.uom_po_id = await purchaseUom(ctx, undefined, vals.uom_id);
    const type = vals.type ?? 'consu';
    if (model.fields.has('service_type') && !('service_type' in vals)) vals.service_type = 'manual';
    if (model.fields.has('invoice_policy') && !('invoice_policy' in vals)) vals.invoice_policy = 'order';
    // A computed field given to create is protected from its compute (models.py create: env.protecting): kept as given.
    if (model.fields.has('expense_policy') && !('expense_policy' in vals) && vals.sale_ok === false) vals.expense_policy = 'no';
    if (model.fields.has('service_tracking') && !('service_tracking' in vals) && (type !== 'service' || (model.fields.has('service_type') && vals.sale_ok === false))) vals.service_tracking = 'no';
  }
}

/** `_compute_uom_po_id`: keep the purchase UoM when set and of the UoM's category, else the UoM. */
async function purchaseUom(ctx: CallContext, current: unknown, uom: unknown): Promise<unknown> {
  if (typeof uom !== 'number') return current ?? uom ?? null;
  if (typeof current !== 'number') return uom;
  const r = await ctx.db.query(`SELECT 1 FROM uom_uom a JOIN uom_uom b ON a.category_id = b.category_id WHERE a.id = $1 AND b.id = $2`, [current, uom]);
  return r.rowCount ? current : uom;
}

/** The readonly=False stored computes of a written dependency, for the fields not written with it. */
async function recomputeOnWrite(ctx: CallContext, ids: number[], vals: Vals): Promise<void> {
  const model = ctx.registry.model('product.template')!;
  const sets: string[] = [];
  if ('uom_id' in vals && !('uom_po_id' in vals) && model.fields.has('uom_po_id')) {
    sets.push(`uom_po_id = CASE WHEN t.uom_po_id IS NULL OR NOT EXISTS (SELECT 1 FROM uom_uom a JOIN uom_uom b ON a.category_id = b.category_id
                 WHERE a.id = t.uom_po_id AND b.id = t.uom_id) THEN t.uom_id ELSE t.uom_po_id END`);
  }
  if ('type' in vals) {
    if (!('service_type' in vals) && model.fields.has('service_type')) sets.push(`service_type = CASE WHEN t.type = 'consu' OR t.service_type IS NULL THEN 'manual' ELSE t.service_type END`);
    if (!('invoice_policy' in vals) && model.fields.has('invoice_policy')) sets.push(`invoice_policy = CASE WHEN t.type = 'consu' OR t.invoice_policy IS NULL THEN 'order' ELSE t.invoice_policy END`);
  }
  const saleTracking = model.fields.has('service_type'); // sale's override adds `not sale_ok`
  if (('type' in vals || (saleTracking && 'sale_ok' in vals)) && !('service_tracking' in vals) && model.fields.has('service_tracking')) {
    sets.push(`service_tracking = CASE WHEN t.type IS DISTINCT FROM 'service'${saleTracking ? ' OR NOT COALESCE(t.sale_ok, false)' : ''} THEN 'no' ELSE t.service_tracking END`);
  }
  if ('sale_ok' in vals && !('expense_policy' in vals) && model.fields.has('expense_policy')) {
    sets.push(`expense_policy = CASE WHEN NOT COALESCE(t.sale_ok, false) THEN 'no' ELSE t.expense_policy END`);
  }
  if (sets.length) await ctx.db.query(`UPDATE product_template t SET ${sets.join(', ')} WHERE t.id = ANY($1::int4[])`, [ids]);
}

/**
 * `_compute_has_configurable_attributes`: a dynamic attribute on a line with values, a line of a
 * 'multi' attribute, of at least two values, or with a custom value (active lines only).
 */
async function computeHasConfigurableAttributes(ctx: CallContext, ids: number[]): Promise<void> {
  await ctx.db.query(
    `UPDATE product_template t SET has_configurable_attributes = EXISTS (
       SELECT 1 FROM product_template_attribute_line l JOIN product_attribute a ON a.id = l.attribute_id
        WHERE l.product_tmpl_id = t.id AND l.active
          AND ((a.create_variant = 'dynamic' AND EXISTS (SELECT 1 FROM product_attribute_value_product_template_attribute_line_rel r WHERE r.product_template_attribute_line_id = l.id))
               OR a.display_type = 'multi'
               OR (SELECT count(*) FROM product_attribute_value_product_template_attribute_line_rel r WHERE r.product_template_attribute_line_id = l.id) >= 2
               OR EXISTS (SELECT 1 FROM product_attribute_value_product_template_attribute_line_rel r JOIN product_attribute_value v ON v.id = r.product_attribute_value_id
                           WHERE r.product_template_attribute_line_id = l.id AND v.is_custom)))
     WHERE t.id = ANY($1::int4[])`,
    [ids],
  );
}

/** account's create: products without company also get the default taxes of the companies outside `env.companies`. */
async function forceDefaultTaxesOfOtherCompanies(ctx: CallContext, ids: number[]): Promise<void> {
  const model = ctx.registry.model('product.template')!;
  if (!model.fields.has('taxes_id')) return;
  const others = await ctx.db.query<{ sale: number | null; purchase: number | null }>(
    `SELECT account_sale_tax_id AS sale, account_purchase_tax_id AS purchase FROM res_company WHERE NOT (id = ANY($1::int4[])) ORDER BY id`,
    [envCompanies(ctx)],
  );
  if (!others.rows.length) return;
  const withoutCompany = (await ctx.db.query<{ id: number }>(`SELECT id FROM product_template WHERE id = ANY($1::int4[]) AND company_id IS NULL`, [ids])).rows.map((r) => r.id);
  if (!withoutCompany.length) return;
  for (const [table, column, taxes] of [
    ['product_taxes_rel', 'tax_id', others.rows.map((r) => r.sale)],
    ['product_supplier_taxes_rel', 'tax_id', others.rows.map((r) => r.purchase)],
  ] as const) {
    const present = taxes.filter((t): t is number => t != null);
    if (!present.length) continue;
    await ctx.db.query(
      `INSERT INTO ${table} (prod_id, ${column}) SELECT p, t FROM unnest($1::int4[]) p, unnest($2::int4[]) t ON CONFLICT DO NOTHING`,
      [withoutCompany, present],
    );
  }
}

/**
 * `_create_variant_ids` for templates without attribute lines (those are refused above): the
 * one variant of the empty combination, unless one exists (then it is activated), with the
 * template's `active`.
 */
async function createVariants(ctx: CallContext, behaviours: BehaviourRegistry, ids: number[]): Promise<void> {
  const variantModel = ctx.registry.model('product.product')!;
  const templates = await ctx.db.query<{ id: number; active: boolean | null }>(`SELECT id, active FROM product_template WHERE id = ANY($1::int4[]) ORDER BY id`, [ids]);
  const toCreate: Vals[] = [];
  const toActivate: number[] = [];
  for (const t of templates.rows) {
    const existing = await ctx.db.query<{ id: number; active: boolean | null }>(
      `SELECT p.id, p.active FROM product_product p WHERE p.product_tmpl_id = $1
          AND NOT EXISTS (SELECT 1 FROM product_variant_combination c WHERE c.product_product_id = p.id)
        ORDER BY p.active DESC NULLS LAST, p.id DESC`,
      [t.id],
    );
    const first = existing.rows[0];
    if (first) {
      if (!first.active) toActivate.push(first.id);
      continue;
    }
    toCreate.push({ product_tmpl_id: t.id, product_template_attribute_value_ids: [[6, 0, []]], active: t.active ?? false });
  }
  const w = { ctx, behaviours };
  if (toActivate.length) await updateRecords(w, variantModel, toActivate, { active: true });
  if (toCreate.length) await createRecords(w, variantModel, toCreate);
}

/** `_set_product_variant_field` for each variant-related field written: the only variant (active, else archived) takes it. */
async function propagateToVariants(ctx: CallContext, behaviours: BehaviourRegistry, ids: number[], vals: Vals): Promise<void> {
  const variantModel = ctx.registry.model('product.product')!;
  const related = VARIANT_RELATED.filter((f) => f in vals && variantModel.fields.has(f));
  if (related.length) {
    const variants = await variantsOfTemplates(ctx, ids);
    for (const id of ids) {
      const active = variants.filter((v) => v.templateId === id && v.active);
      const target = active.length === 1 ? active : active.length === 0 ? variants.filter((v) => v.templateId === id) : [];
      if (target.length !== 1) continue;
      const values: Vals = {};
      for (const f of related) values[f] = vals[f];
      await updateRecords({ ctx, behaviours }, variantModel, [target[0]!.id], values);
    }
  }
  if ('active' in vals && !vals.active) {
    const all = (await variantsOfTemplates(ctx, ids)).filter((v) => v.active).map((v) => v.id);
    if (all.length) await updateRecords({ ctx, behaviours }, variantModel, all, { active: false });
  }
  if (vals.active) {
    // `vals.get('active') and len(self.product_variant_ids) == 0`: no active variant (a recordset's length, all templates together).
    const noneActive = (await variantsOfTemplates(ctx, ids)).every((v) => !v.active);
    if (noneActive) await createVariants(ctx, behaviours, ids);
  }
  if (related.length) await recomputeTemplatesFromVariants(ctx, ids);
}

/** product.product `_compute_write_date` = max(own, template's), flushed by `_write` with the writer. */
async function followTemplateWriteDate(ctx: CallContext, ids: number[]): Promise<void> {
  await ctx.db.query(
    `UPDATE product_product p SET write_date = t.write_date, write_uid = $2
       FROM product_template t WHERE t.id = p.product_tmpl_id AND t.id = ANY($1::int4[])
        AND (p.write_date IS NULL OR p.write_date < t.write_date)`,
    [ids, ctx.uid],
  );
}
