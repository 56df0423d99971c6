import { missingBehaviour, missingError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { displayNames } from '../../read/read-records.ts';
import type { Vals } from '../behaviour-registry.ts';
import { roundDigits } from './float-round.ts';
import { linePricing, pricedProduct, uomOf, type LinePricing } from './pricelist-price.ts';
import { lineUnitPrice, mapTaxes, productTaxes, type ProductFacts } from './sale-pricing.ts';

/**
 * A sales order line's precomputed, writable stored computes (addons/sale/models/sale_order_line.py 18):
 *
 * | field | rule | depends |
 * |---|---|---|
 * | name | the product's display name, then its sales description on a new line (order customer's language) | product_id |
 * | product_uom | the product's unit when unset or of another product | product_id |
 * | tax_id | the product's taxes for the line's company, mapped by the order's fiscal position | product_id, company_id |
 * | price_unit / technical_price_unit | the pricelist's display price (pricelist-price.ts) through the fiscal position (sale-pricing.ts), unless the price was set by hand (technical ≠ price), something was invoiced or it is a re-invoiced expense | product_id, product_uom, product_uom_qty |
 * | discount | 0 for sections, notes and lines without product; with an order pricelist and "Discount on lines" on, the discount its percentage rule shows (else 0); otherwise left as it is | product_id, product_uom, product_uom_qty |
 * | product_uom_qty | 0 for sections and notes (create override) | display_type |
 * | customer_lead | 0 (sale without sale_stock) | — |
 * | product_packaging_id / _qty | none / 0: packagings are refused | product_id, product_uom_qty |
 *
 * `create` also copies a given `price_unit` into `technical_price_unit` (`_add_precomputed_values`),
 * and the Float fields keep their digits (Product Price, Discount, Product Unit of Measure).
 */

interface OrderFacts {
  id: number;
  company_id: number;
  currency_id: number | null;
  company_currency_id: number;
  date_order: string;
  pricelist_id: number | null;
  fiscal_position_id: number | null;
  partner_id: number | null;
  state: string | null;
  locked: boolean | null;
  lang: string | null;
}

export async function orderFacts(ctx: CallContext, orderId: number): Promise<OrderFacts | undefined> {
  const r = await ctx.db.query<OrderFacts>(
    `SELECT o.id, o.company_id, o.currency_id, c.currency_id AS company_currency_id,
            to_char(COALESCE(o.date_order, now() AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS') AS date_order,
            o.pricelist_id, o.fiscal_position_id, o.partner_id, o.state, o.locked, p.lang
       FROM sale_order o LEFT JOIN res_partner p ON p.id = o.partner_id JOIN res_company c ON c.id = o.company_id WHERE o.id = $1`,
    [orderId],
  );
  return r.rows[0];
}

async function productFacts(ctx: CallContext, productId: number, lang: string): Promise<ProductFacts> {
  const r = await ctx.db.query<{ uom_id: number | null; list_price: string | null; type: string | null; description_sale: Record<string, string> | null; expense_policy: string | null; extra: string | null }>(
    `SELECT t.uom_id, t.list_price, t.type, t.description_sale, t.expense_policy,
            (SELECT COALESCE(sum(v.price_extra), 0) FROM product_variant_combination c JOIN product_template_attribute_value v ON v.id = c.product_template_attribute_value_id
              WHERE c.product_product_id = p.id) AS extra
       FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id WHERE p.id = $1`,
    [productId],
  );
  const row = r.rows[0];
  if (!row) throw missingError(`Record does not exist or has been deleted.\n(Record: product.product(${productId},), User: ${ctx.uid})`);
  const model = ctx.registry.model('product.product')!;
  const names = await displayNames(ctx.readEnv({ sudo: true }), model, [productId]);
  return {
    id: productId,
    uomId: row.uom_id,
    listPrice: Number(row.list_price ?? 0),
    priceExtra: Number(row.extra ?? 0),
    taxIds: [],
    type: row.type,
    displayName: String(names.get(productId) || ''),
    descriptionSale: row.description_sale?.[lang] ?? row.description_sale?.en_US ?? null,
    expensePolicy: row.expense_policy,
  };
}

async function digitsOf(ctx: CallContext, name: string): Promise<number> {
  const r = await ctx.db.query<{ digits: number }>(`SELECT digits FROM decimal_precision WHERE name = $1`, [name]);
  return r.rows[0]?.digits ?? 2;
}

/** The Float fields' digits: values are rounded when they enter the cache (fields.py Float.convert_to_cache). */
export async function roundLineFloats(ctx: CallContext, vals: Vals): Promise<void> {
  const digits: Array<[string, string]> = [['price_unit', 'Product Price'], ['discount', 'Discount'], ['product_uom_qty', 'Product Unit of Measure']];
  for (const [field, precision] of digits) {
    if (typeof vals[field] === 'number') vals[field] = roundDigits(vals[field] as number, await digitsOf(ctx, precision));
  }
}

/** A many2one id, or x2many commands that link or create something (not an empty set or a clear). */
function carriesValue(value: unknown): boolean {
  if (!value) return false;
  if (!Array.isArray(value)) return true;
  return value.some((c) => (Array.isArray(c) ? (c[0] === 6 ? Array.isArray(c[2]) && c[2].length > 0 : c[0] !== 5 && c[0] !== 3) : typeof c === 'number'));
}

/** What no line may carry through Ficus: combos, configurator attribute values, packagings, analytic distribution models. */
async function refuseUnported(ctx: CallContext, vals: Vals, product: ProductFacts | null): Promise<void> {
  if (product?.type === 'combo') throw missingBehaviour('sale.order.line', 'combo product lines (their combo item lines)');
  for (const field of ['product_custom_attribute_value_ids', 'product_no_variant_attribute_value_ids', 'combo_item_id', 'linked_line_id', 'selected_combo_items']) {
    if (carriesValue(vals[field])) throw missingBehaviour('sale.order.line', `lines with ${field}`);
  }
  if (product) {
    const packagings = await ctx.db.query(`SELECT 1 FROM product_packaging WHERE product_id = $1 AND sales LIMIT 1`, [product.id]);
    if (packagings.rowCount) throw missingBehaviour('sale.order.line', 'the packaging of products sold in packagings');
  }
  const models = await ctx.db.query(`SELECT 1 FROM account_analytic_distribution_model LIMIT 1`);
  if (models.rowCount && !('analytic_distribution' in vals)) throw missingBehaviour('sale.order.line', 'the analytic distribution from distribution models');
}

/**
 * The computes of one line as its vals leave them: `values` is the line as it will be (stored
 * row merged with vals), `given` the fields the caller set, `changed` the fields whose change
 * triggers the computes (every field on create). Returns the computed values to store.
 */
export async function precomputeLine(ctx: CallContext, values: Vals, given: ReadonlySet<string>, changed: ReadonlySet<string> | 'create'): Promise<Vals> {
  const out: Vals = {};
  const orderId = typeof values.order_id === 'number' ? values.order_id : null;
  if (!orderId) return out;
  const order = await orderFacts(ctx, orderId);
  if (!order) return out;
  const lang = order.lang || ctx.lang;
  const productId = typeof values.product_id === 'number' && values.product_id ? values.product_id : null;
  const product = productId ? await productFacts(ctx, productId, lang) : null;
  const creating = changed === 'create';
  const triggered = (field: string, depends: readonly string[]) => !given.has(field) && (creating || depends.some((d) => (changed as ReadonlySet<string>).has(d)));
  if (creating || given.has('product_id')) await refuseUnported(ctx, values, product);
  const displayLine = !!values.display_type;
  const companyId = typeof values.company_id === 'number' ? values.company_id : order.company_id;

  if (triggered('name', ['product_id']) && product) {
    out.name = product.descriptionSale ? `${product.displayName}\n${product.descriptionSale}` : product.displayName;
  }
  if (triggered('product_uom', ['product_id'])) {
    const current = typeof values.product_uom === 'number' ? values.product_uom : null;
    if (!current || (product && product.uomId !== current)) out.product_uom = product?.uomId ?? false;
  }
  const uomId = (out.product_uom ?? values.product_uom) as number | null | false;
  if (triggered('tax_id', ['product_id', 'company_id'])) {
    const taxes = product ? await productTaxes(ctx, product.id, companyId) : [];
    out.tax_id = [[6, 0, taxes.length ? await mapTaxes(ctx, order.fiscal_position_id, taxes) : []]];
  }
  // `_get_display_price` / `_compute_discount` as the line's company prices it (`with_company(line.company_id)`).
  let pricing: LinePricing | undefined;
  const pricingOf = async (): Promise<LinePricing> => {
    pricing ??= await linePricing(ctx, order.pricelist_id, {
      product: await pricedProduct(ctx, product!.id, companyId),
      quantity: Number(values.product_uom_qty ?? 0) || 1,
      uom: await uomOf(ctx, uomId || null),
      date: order.date_order,
      currencyId: order.currency_id ?? order.company_currency_id,
      companyId,
    });
    return pricing;
  };
  if (triggered('price_unit', ['product_id', 'product_uom', 'product_uom_qty'])) {
    const price = Number(values.price_unit ?? 0);
    const technical = Number(values.technical_price_unit ?? 0);
    const manual = !creating && technical !== price && !ctx.context.force_price_recomputation;
    const expense = product?.expensePolicy === 'cost' && !!values.is_expense;
    if (!manual && !expense && !(Number(values.qty_invoiced ?? 0) > 0)) {
      if (!uomId || !product) {
        out.price_unit = 0;
        out.technical_price_unit = 0;
      } else {
        const computed = roundDigits(
          await lineUnitPrice(ctx, { product, displayPrice: (await pricingOf()).displayPrice, companyId, fiscalPositionId: order.fiscal_position_id }),
          await digitsOf(ctx, 'Product Price'),
        );
        out.price_unit = computed;
        out.technical_price_unit = computed;
      }
    }
  } else if (creating && given.has('price_unit') && !given.has('technical_price_unit')) {
    out.technical_price_unit = values.price_unit;
  }
  if (triggered('discount', ['product_id', 'product_uom', 'product_uom_qty'])) {
    if (!product || displayLine || !uomId) out.discount = 0;
    else {
      const discount = (await pricingOf()).discount;
      if (discount !== null) out.discount = roundDigits(discount, await digitsOf(ctx, 'Discount'));
      else if (creating) out.discount = 0;
    }
  }
  if (creating) {
    if (!given.has('customer_lead')) out.customer_lead = 0;
    if (!given.has('product_packaging_qty')) out.product_packaging_qty = 0;
  }
  return out;
}
