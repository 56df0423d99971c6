import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { updateRecords } from '../record-writes.ts';

/**
 * product.product `lst_price`'s inverse `_set_product_lst_price` (addons/product/models/product_product.py,
 * 18.0): lst_price is a non-stored compute (template list_price + the variant's price_extra); a
 * create or write giving it writes, per variant, `list_price = lst_price - price_extra` through
 * the related list_price, i.e. onto the template. With `uom` in the context the given price is first
 * converted from that unit to the variant's (`uom._compute_price(price, product.uom_id)`:
 * price * from.factor / to.factor, within one uom category). Inverses run after the record's stored values are written.
 */
async function setListPrice(ctx: CallContext, behaviours: BehaviourRegistry, ids: number[], lstPrice: unknown): Promise<void> {
  const template = ctx.registry.model('product.template');
  if (!template) return;
  const contextUom = typeof ctx.context.uom === 'number' ? ctx.context.uom : null;
  for (const id of ids) {
    const { rows } = await ctx.db.query<{ tmpl: number; extra: string | number | null; uom_factor: number | null; ctx_factor: number | null; same_category: boolean | null }>(
      `SELECT p.product_tmpl_id AS tmpl,
              coalesce((SELECT sum(v.price_extra) FROM product_variant_combination pc
                          JOIN product_template_attribute_value v ON v.id = pc.product_template_attribute_value_id
                         WHERE pc.product_product_id = p.id), 0) AS extra,
              (SELECT u.factor FROM uom_uom u WHERE u.id = t.uom_id) AS uom_factor,
              (SELECT u.factor FROM uom_uom u WHERE u.id = $2) AS ctx_factor,
              (SELECT u.category_id FROM uom_uom u WHERE u.id = $2) = (SELECT u.category_id FROM uom_uom u WHERE u.id = t.uom_id) AS same_category
         FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id WHERE p.id = $1`,
      [id, contextUom],
    );
    const row = rows[0];
    if (!row) continue;
    let value = Number(lstPrice) || 0;
    // _compute_price leaves the price as it is across categories or for the same unit.
    if (contextUom !== null && row.same_category && row.ctx_factor && row.uom_factor) value = (value * row.ctx_factor) / row.uom_factor;
    value -= Number(row.extra ?? 0);
    await updateRecords({ ctx, behaviours }, template, [row.tmpl], { list_price: value });
  }
}

export function registerProductVariantPrice(behaviours: BehaviourRegistry): void {
  behaviours.register('product.product', {
    async afterSuperCreate(ctx, ids, valsList: Vals[]) {
      for (const [i, id] of ids.entries()) if (valsList[i] && 'lst_price' in valsList[i]!) await setListPrice(ctx, behaviours, [id], valsList[i]!.lst_price);
    },
    async afterWrite(ctx, ids, vals) {
      if ('lst_price' in vals) await setListPrice(ctx, behaviours, ids, vals.lst_price);
    },
  });
}
