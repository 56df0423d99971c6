import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, ModelBehaviour, Vals } from '../behaviour-registry.ts';
import { createRecords } from '../record-writes.ts';
import { missingBehaviour } from '../../../errors.ts';

/**
 * product.product's Python behaviour (product/models/product_product.py, Odoo 18):
 *
 * - create runs with `create_product_product=False`: a variant created without `product_tmpl_id`
 *   creates its template (`_inherits`) from the template fields it was given, and that template
 *   creates no variant of its own.
 * - stored computes: `combination_indices` = the attribute values' ids sorted and joined by ','
 *   (`_compute_combination_indices`, product_template_attribute_value.py `_ids2str`);
 *   `can_image_variant_1024_be_zoomed` (false without a variant image).
 * - the template's stored fields computed from its variants (product_template.py
 *   `_compute_template_field_from_variant_field`: `default_code`, `volume`, `weight`) follow a
 *   variant's create and write: the only active variant's value, else the only variant's, else
 *   empty (0.0 for a float); flushed like a recompute, with the writer as `write_uid`.
 */
const TEMPLATE_FROM_VARIANT: ReadonlyArray<{ field: string; float: boolean }> = [
  { field: 'default_code', float: false },
  { field: 'volume', float: true },
  { field: 'weight', float: true },
];

export function productVariantBehaviour(behaviours: BehaviourRegistry): ModelBehaviour {
  return {
    beforeCreate: (ctx, valsList) => createOwnTemplates(ctx, behaviours, valsList),
    compute: {
      combination_indices: computeCombinationIndices,
      can_image_variant_1024_be_zoomed: (ctx, ids) => imageZoomable(ctx, 'product.product', 'product_product', 'image_variant_1920', 'can_image_variant_1024_be_zoomed', ids),
    },
    afterCreate: async (ctx, ids) => recomputeTemplatesFromVariants(ctx, await templatesOf(ctx, ids)),
    afterWrite: async (ctx, ids, vals) => {
      const watched = ['active', 'product_tmpl_id', ...TEMPLATE_FROM_VARIANT.map((f) => f.field)];
      if (watched.some((f) => f in vals)) await recomputeTemplatesFromVariants(ctx, await templatesOf(ctx, ids));
    },
  };
}

/** `_inherits` under `create_product_product=False`: the template of each variant given none, from its template fields. */
async function createOwnTemplates(ctx: CallContext, behaviours: BehaviourRegistry, valsList: Vals[]): Promise<void> {
  const variant = ctx.registry.model('product.product')!;
  const template = ctx.registry.model('product.template')!;
  const inner: CallContext = { ...ctx, context: { ...ctx.context, create_product_product: false } };
  for (const vals of valsList) {
    if (vals.product_tmpl_id) continue;
    const templateVals: Vals = {};
    for (const [name, value] of Object.entries(vals)) {
      if (!variant.fields.get(name)?.inheritedVia) continue;
      templateVals[name] = value;
      delete vals[name];
    }
    const [id] = await createRecords({ ctx: inner, behaviours }, template, [templateVals]);
    vals.product_tmpl_id = id;
  }
}

async function computeCombinationIndices(ctx: CallContext, ids: number[]): Promise<void> {
  await ctx.db.query(
    `UPDATE product_product p SET combination_indices = COALESCE((
       SELECT string_agg(c.product_template_attribute_value_id::text, ',' ORDER BY c.product_template_attribute_value_id)
         FROM product_variant_combination c WHERE c.product_product_id = p.id), '')
     WHERE p.id = ANY($1::int4[])`,
    [ids],
  );
}

async function templatesOf(ctx: CallContext, variantIds: number[]): Promise<number[]> {
  const r = await ctx.db.query<{ id: number }>(`SELECT DISTINCT product_tmpl_id AS id FROM product_product WHERE id = ANY($1::int4[]) ORDER BY 1`, [variantIds]);
  return r.rows.map((row) => row.id);
}

export async function variantsOfTemplates(ctx: CallContext, templateIds: number[]): Promise<Array<{ id: number; templateId: number; active: boolean }>> {
  const r = await ctx.db.query<{ id: number; product_tmpl_id: number; active: boolean | null }>(
    `SELECT id, product_tmpl_id, active FROM product_product WHERE product_tmpl_id = ANY($1::int4[]) ORDER BY id`,
    [templateIds],
  );
  return r.rows.map((row) => ({ id: row.id, templateId: row.product_tmpl_id, active: row.active === true }));
}

/** `_compute_template_field_from_variant_field` for the template's stored fields, written only where the value changes. */
export async function recomputeTemplatesFromVariants(ctx: CallContext, templateIds: number[]): Promise<void> {
  if (!templateIds.length) return;
  const template = ctx.registry.model('product.template')!;
  const fields = TEMPLATE_FROM_VARIANT.filter((f) => template.fields.get(f.field)?.column);
  if (!fields.length) return;
  // The one variant the value comes from: the only active one; with none active, the only one at all.
  const source = `(SELECT CASE WHEN count(*) FILTER (WHERE v.active) = 1 THEN min(v.id) FILTER (WHERE v.active)
                               WHEN count(*) FILTER (WHERE v.active) = 0 AND count(*) = 1 THEN min(v.id) END
                     FROM product_product v WHERE v.product_tmpl_id = t.id)`;
  const value = (f: { field: string; float: boolean }) =>
    f.float ? `COALESCE((SELECT v.${f.field} FROM product_product v WHERE v.id = s.vid), 0)` : `(SELECT v.${f.field} FROM product_product v WHERE v.id = s.vid)`;
  await ctx.db.query(
    `WITH s AS (SELECT t.id, ${source} AS vid FROM product_template t WHERE t.id = ANY($1::int4[])),
          n AS (SELECT s.id, ${fields.map((f) => `${value(f)} AS ${f.field}`).join(', ')} FROM s)
     UPDATE product_template t SET ${fields.map((f) => `${f.field} = n.${f.field}`).join(', ')},
            write_uid = $2, write_date = (now() at time zone 'UTC')
       FROM n WHERE n.id = t.id AND (${fields.map((f) => `t.${f.field} IS DISTINCT FROM n.${f.field}`).join(' OR ')})`,
    [templateIds, ctx.uid],
  );
}

/**
 * image.mixin's `can_image_1024_be_zoomed`: `image_1920 and is_image_size_above(image_1920, image_1024)`.
 * Without an image it is false; with one, Ficus does not decode the image: refused.
 */
export async function imageZoomable(ctx: CallContext, model: string, table: string, imageField: string, column: string, ids: number[]): Promise<void> {
  const withImage = await ctx.db.query(
    `SELECT 1 FROM ir_attachment WHERE res_model = $1 AND res_field = $2 AND res_id = ANY($3::int4[]) LIMIT 1`,
    [model, imageField, ids],
  );
  if (withImage.rowCount) throw missingBehaviour(model, `the stored computed field ${column} (the size of the image)`);
  await ctx.db.query(`UPDATE ${table} SET ${column} = false WHERE id = ANY($1::int4[]) AND ${column} IS DISTINCT FROM false`, [ids]);
}
