import { missingBehaviour, valueError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { readFirstAsCaller } from '../../methods/checked-read.ts';
import { displayNames } from '../../read/read-records.ts';
import type { ModelInfo } from '../../registry/types.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { messagePost } from '../mail/message-post.ts';
import { escapeMarkup } from '../mail/notification-layout.ts';
import { inTransaction } from '../transaction.ts';
import { precomputeLine } from './sale-line-precompute.ts';

type Write = (ctx: CallContext, model: ModelInfo, ids: number[], vals: Record<string, unknown>) => Promise<true>;

/**
 * `sale.order.action_update_prices` (addons/sale/models/sale_order.py 18, `_recompute_prices`):
 * on one order, every line but sections and notes is priced again from the order's pricelist as
 * if nothing had been set by hand (`force_price_recomputation`: invoiced lines and re-invoiced
 * expenses keep their price), its discount reset to 0 and computed again (pricelist-price.ts),
 * each line written as the caller; the order's "update prices" hint goes, and a note says so in
 * the chatter, linking the pricelist. Answers None.
 */
export async function actionUpdatePrices(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, ids: number[], write: Write): Promise<null> {
  if (ids.length !== 1) throw valueError(`Expected singleton: sale.order(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`);
  return inTransaction(ctx, async (tx) => {
    await readFirstAsCaller(tx, model, ids);
    const lineModel = tx.registry.model('sale.order.line')!;
    const forced: CallContext = { ...tx, context: { ...tx.context, force_price_recomputation: true } };
    const lines = await tx.db.query<Vals & { id: number }>(
      `SELECT * FROM sale_order_line WHERE order_id = $1 AND display_type IS NULL ORDER BY sequence, id`,
      ids,
    );
    for (const line of lines.rows) {
      // Only the computes that depend on the quantity run: the price (forced) and the discount.
      const computed = await precomputeLine(forced, line, new Set(), new Set(['product_uom_qty']));
      const vals: Vals = { discount: computed.discount ?? 0 };
      if ('price_unit' in computed) Object.assign(vals, { price_unit: computed.price_unit, technical_price_unit: computed.technical_price_unit });
      await write(tx, lineModel, [line.id], vals);
    }
    await write(tx, model, ids, { show_update_pricelist: false });
    await messagePost(tx, behaviours, model, ids, { __extra__: { body: await noteBody(tx, ids[0]!), body_is_html: true } });
    return null;
  });
}

/** The note `_recompute_prices` posts: with the pricelist as `_get_html_link()` (its display name, escaped), else without. */
async function noteBody(ctx: CallContext, orderId: number): Promise<string> {
  const translated = await ctx.db.query(`SELECT 1 FROM res_lang WHERE active AND code <> 'en_US' AND code = $1`, [ctx.lang]);
  if (translated.rowCount) throw missingBehaviour('sale.order', `action_update_prices's note in ${ctx.lang}`);
  const r = await ctx.db.query<{ pricelist_id: number | null }>(`SELECT pricelist_id FROM sale_order WHERE id = $1`, [orderId]);
  const pricelistId = r.rows[0]?.pricelist_id;
  if (!pricelistId) return 'Product prices have been recomputed.';
  const pricelist = ctx.registry.model('product.pricelist')!;
  const name = (await displayNames(ctx.readEnv({ sudo: true }), pricelist, [pricelistId])).get(pricelistId) ?? '';
  const link = `<a href=# data-oe-model='product.pricelist' data-oe-id='${pricelistId}'>${escapeMarkup(String(name))}</a>`;
  return `Product prices have been recomputed according to pricelist ${link}.`;
}
