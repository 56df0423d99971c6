import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { companyDependentValue, userHasGroup } from './partner-lookups.ts';
import { roundAwayFromZero, rulePrice, shownDiscount, type RuleTerms } from './pricelist-rule-arithmetic.ts';

/**
 * A product's price from a pricelist as a sales order line asks for it (Odoo 18
 * addons/product/models/product_pricelist.py `_compute_price_rule`, `_get_applicable_rules_domain`;
 * product_pricelist_item.py `_is_applicable_for`, `_compute_price`, `_compute_base_price`,
 * `_compute_price_before_discount`, `_show_discount`; product_product.py `_price_compute`;
 * uom_uom.py `_compute_quantity`, `_compute_price`; res_currency.py `_convert` without rounding).
 *
 * The line's computes run as the superuser (stored computes), so rules are found without record
 * rules and archived ones too (`active_test=False`), in product.pricelist.item's `_order`.
 */

export interface Uom { id: number; factor: number; rounding: number; category: number }

export interface PricedProduct {
  id: number;
  templateId: number;
  /** product.category parent_path of the product's category ("1/4/"). */
  categoryPath: string | null;
  categoryId: number | null;
  uom: Uom | null;
  listPrice: number;
  priceExtra: number;
  /** product.currency_id: the template's company currency, else the main company's. */
  currencyId: number;
  /** cost_currency_id: the template's company currency, else the pricing company's. */
  costCurrencyId: number;
}

/** What is being priced: `quantity` of the product in `uom` (the product's unit when null), on `date`, in `currencyId`, for `companyId`. */
export interface PriceQuery {
  product: PricedProduct;
  quantity: number;
  uom: Uom | null;
  /** 'YYYY-MM-DD HH:MM:SS' (UTC), the order date. */
  date: string;
  currencyId: number;
  companyId: number;
}

interface RuleRow extends RuleTerms {
  id: number;
  appliedOn: string;
  minQuantity: number;
  categoryId: number | null;
  categoryPath: string | null;
  templateId: number | null;
  productId: number | null;
  base: string | null;
  basePricelistId: number | null;
  basePricelistCurrencyId: number | null;
}

/** Pricelists based on other pricelists nest; a loop (which Odoo's constraint only forbids on one rule) would never end. */
const MAX_PRICELIST_DEPTH = 32;

export async function uomOf(ctx: CallContext, id: number | null): Promise<Uom | null> {
  if (!id) return null;
  const r = await ctx.db.query<{ id: number; factor: string; rounding: string; category_id: number }>(`SELECT id, factor, rounding, category_id FROM uom_uom WHERE id = $1`, [id]);
  const u = r.rows[0];
  return u ? { id: u.id, factor: Number(u.factor), rounding: Number(u.rounding), category: u.category_id } : null;
}

/** The product's facts pricing needs, as seen by a call pricing for `companyId`. */
export async function pricedProduct(ctx: CallContext, productId: number, companyId: number): Promise<PricedProduct> {
  const r = await ctx.db.query<{ tmpl: number; categ_id: number | null; parent_path: string | null; uom_id: number | null; list_price: string | null; extra: string | null; currency: number | null; cost_currency: number | null }>(
    `SELECT t.id AS tmpl, t.categ_id, c.parent_path, t.uom_id, t.list_price,
            (SELECT COALESCE(sum(v.price_extra), 0) FROM product_variant_combination vc JOIN product_template_attribute_value v ON v.id = vc.product_template_attribute_value_id
              WHERE vc.product_product_id = p.id) AS extra,
            COALESCE(tc.currency_id, ${MAIN_COMPANY_CURRENCY}) AS currency,
            COALESCE(tc.currency_id, (SELECT currency_id FROM res_company WHERE id = $2)) AS cost_currency
       FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
       LEFT JOIN product_category c ON c.id = t.categ_id LEFT JOIN res_company tc ON tc.id = t.company_id
      WHERE p.id = $1`,
    [productId, companyId],
  );
  const row = r.rows[0];
  if (!row || row.currency == null || row.cost_currency == null) throw missingBehaviour('sale.order.line', 'the price of a product without a currency');
  return {
    id: productId, templateId: row.tmpl, categoryId: row.categ_id, categoryPath: row.parent_path,
    uom: await uomOf(ctx, row.uom_id), listPrice: Number(row.list_price ?? 0), priceExtra: Number(row.extra ?? 0),
    currencyId: row.currency, costCurrencyId: row.cost_currency,
  };
}

/** `res.company._get_main_company()`: base.main_company, else the first company. */
const MAIN_COMPANY_CURRENCY = `COALESCE(
  (SELECT mc.currency_id FROM ir_model_data d JOIN res_company mc ON mc.id = d.res_id WHERE d.module = 'base' AND d.name = 'main_company' AND d.model = 'res.company'),
  (SELECT mc.currency_id FROM res_company mc ORDER BY mc.id LIMIT 1))`;

/** `uom._compute_quantity(qty, product_uom, raise_if_failure=False)`: rounded UP to the product unit's rounding. */
function quantityInProductUom(q: PriceQuery): number {
  const from = q.uom;
  const to = q.product.uom;
  if (!from || !to || from.id === to.id || !q.quantity) return q.quantity;
  if (from.category !== to.category) return q.quantity;
  return roundAwayFromZero((q.quantity / from.factor) * to.factor, to.rounding);
}

/** `product_uom._compute_price(price, uom)`: an amount per product unit, per line unit. */
function perLineUnit(q: PriceQuery, price: number): number {
  const from = q.product.uom;
  const to = q.uom;
  if (!from || !to || from.id === to.id || !price || from.category !== to.category) return price;
  return (price * from.factor) / to.factor;
}

/**
 * `_convert(amount, to, company, date, round=False)`: the amount times the ratio of the two
 * currencies' rates on that day (each the latest rate of the company's root, else a shared one; 1 without).
 */
export async function convertUnrounded(ctx: CallContext, amount: number, from: number, to: number, companyId: number, date: string): Promise<number> {
  if (!amount) return 0;
  if (from === to) return amount;
  const r = await ctx.db.query<{ id: number; rate: string }>(
    `SELECT c.id, COALESCE((SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = c.id AND r.name <= $3::timestamp::date
              AND (r.company_id IS NULL OR r.company_id = (SELECT split_part(rc.parent_path, '/', 1)::int FROM res_company rc WHERE rc.id = $2))
            ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0) AS rate
       FROM res_currency c WHERE c.id = ANY($1::int4[])`,
    [[from, to], companyId, date],
  );
  const rate = (id: number) => Number(r.rows.find((row) => row.id === id)?.rate ?? 1);
  // `_get_conversion_rate` is the source currency's inverse_rate: 1 / (rate(from) / rate(to)).
  return amount * (1 / (rate(from) / rate(to)));
}

/** The rules `_get_applicable_rules` finds for the product on the date, in `_order` (applied_on, min_quantity desc, categ_id desc, id desc). */
async function candidateRules(ctx: CallContext, pricelistId: number, q: PriceQuery): Promise<RuleRow[]> {
  const r = await ctx.db.query<Record<string, string | number | null>>(
    `SELECT i.id, i.applied_on, i.min_quantity, i.categ_id, c.parent_path, i.product_tmpl_id, i.product_id, i.compute_price,
            i.fixed_price, i.percent_price, i.price_discount, i.price_round, i.price_surcharge, i.price_min_margin, i.price_max_margin,
            i.base, i.base_pricelist_id, bp.currency_id AS base_currency
       FROM product_pricelist_item i
       LEFT JOIN product_category c ON c.id = i.categ_id
       LEFT JOIN product_pricelist bp ON bp.id = i.base_pricelist_id
      WHERE i.pricelist_id = $1
        AND (i.categ_id IS NULL OR i.categ_id::text = ANY(string_to_array(rtrim(COALESCE($2::text, ''), '/'), '/')))
        AND (i.product_tmpl_id IS NULL OR i.product_tmpl_id = $3)
        AND (i.product_id IS NULL OR i.product_id = $4)
        AND (i.date_start IS NULL OR i.date_start <= $5::timestamp)
        AND (i.date_end IS NULL OR i.date_end >= $5::timestamp)
      ORDER BY i.applied_on, i.min_quantity DESC, c.complete_name DESC, i.id DESC`,
    [pricelistId, q.product.categoryPath, q.product.templateId, q.product.id, q.date],
  );
  const num = (v: unknown) => Number(v ?? 0);
  return r.rows.map((i) => ({
    id: num(i.id), appliedOn: String(i.applied_on), minQuantity: num(i.min_quantity),
    categoryId: i.categ_id == null ? null : num(i.categ_id), categoryPath: i.parent_path == null ? null : String(i.parent_path),
    templateId: i.product_tmpl_id == null ? null : num(i.product_tmpl_id), productId: i.product_id == null ? null : num(i.product_id),
    computePrice: (i.compute_price ?? 'fixed') as RuleTerms['computePrice'],
    fixedPrice: num(i.fixed_price), percentPrice: num(i.percent_price), priceDiscount: num(i.price_discount), priceRound: num(i.price_round),
    priceSurcharge: num(i.price_surcharge), priceMinMargin: num(i.price_min_margin), priceMaxMargin: num(i.price_max_margin),
    base: i.base == null ? null : String(i.base), basePricelistId: i.base_pricelist_id == null ? null : num(i.base_pricelist_id),
    basePricelistCurrencyId: i.base_currency == null ? null : num(i.base_currency),
  }));
}

/** `_is_applicable_for(product, qty_in_product_uom)` for a product.product. */
function isApplicableFor(rule: RuleRow, product: PricedProduct, qtyInProductUom: number): boolean {
  if (rule.minQuantity && qtyInProductUom < rule.minQuantity) return false;
  if (rule.appliedOn === '2_product_category') {
    return product.categoryId === rule.categoryId || (product.categoryPath ?? '').startsWith(rule.categoryPath ?? '');
  }
  if (rule.appliedOn === '1_product') return product.templateId === rule.templateId;
  if (rule.appliedOn === '0_product_variant') return product.id === rule.productId;
  return true;
}

/** `pricelist._get_product_rule(product, quantity, uom, date)`: the first applicable rule, or none. */
export async function pricelistRule(ctx: CallContext, pricelistId: number | null, q: PriceQuery): Promise<RuleRow | null> {
  if (!pricelistId) return null;
  const qty = quantityInProductUom(q);
  return (await candidateRules(ctx, pricelistId, q)).find((rule) => isApplicableFor(rule, q.product, qty)) ?? null;
}

/** `_price_compute(price_type, uom)` in the product's own currency: the sales price plus attribute extras, or the company's cost (as superuser). */
async function productPrice(ctx: CallContext, q: PriceQuery, priceType: 'list_price' | 'standard_price'): Promise<number> {
  const raw = priceType === 'list_price'
    ? q.product.listPrice + q.product.priceExtra
    : Number((await companyDependentValue(ctx, 'product.product', 'standard_price', q.product.id, q.companyId)) ?? 0) || 0;
  return perLineUnit(q, raw);
}

/** `rule._compute_base_price(product, quantity, uom, date, currency)`; `rule` null is the no-rule case (the sales price). */
async function basePrice(ctx: CallContext, rule: RuleRow | null, q: PriceQuery, depth: number): Promise<number> {
  const base = rule?.base || 'list_price';
  let price: number;
  let source: number;
  if (base === 'pricelist' && rule?.basePricelistId) {
    source = rule.basePricelistCurrencyId ?? q.currencyId;
    price = await pricelistPrice(ctx, rule.basePricelistId, { ...q, currencyId: source }, depth + 1);
  } else if (base === 'standard_price') {
    source = q.product.costCurrencyId;
    price = await productPrice(ctx, q, 'standard_price');
  } else {
    source = q.product.currencyId;
    price = await productPrice(ctx, q, 'list_price');
  }
  return source === q.currencyId ? price : convertUnrounded(ctx, price, source, q.currencyId, q.companyId, q.date);
}

/** `rule._compute_price(product, quantity, uom, date, currency)`. */
export async function rulePriceOf(ctx: CallContext, rule: RuleRow | null, q: PriceQuery, depth = 0): Promise<number> {
  if (depth > MAX_PRICELIST_DEPTH) throw missingBehaviour('sale.order.line', 'the price from pricelists based on each other in a loop');
  if (!rule) return basePrice(ctx, null, q, depth);
  // A fixed price never looks at the base price (nor at the pricelists it might be based on).
  const base = rule.computePrice === 'fixed' ? 0 : await basePrice(ctx, rule, q, depth);
  return rulePrice(rule, base, (amount) => perLineUnit(q, amount));
}

/** `pricelist._get_product_price(product, quantity, currency, uom, date)`: its rule's price (the sales price without one). */
export async function pricelistPrice(ctx: CallContext, pricelistId: number, q: PriceQuery, depth = 0): Promise<number> {
  return rulePriceOf(ctx, await pricelistRule(ctx, pricelistId, q), q, depth);
}

/**
 * `rule._compute_price_before_discount`: down a chain of rules based on other pricelists, the
 * lowest rule of those pricelists that is a percentage, and that rule's base price.
 */
async function priceBeforeDiscount(ctx: CallContext, rule: RuleRow, q: PriceQuery): Promise<number> {
  let current = rule;
  for (let depth = 0; current.base === 'pricelist' && depth <= MAX_PRICELIST_DEPTH; depth += 1) {
    const next = await pricelistRule(ctx, current.basePricelistId, q);
    if (next && next.computePrice === 'percentage') current = next;
    else break;
  }
  return basePrice(ctx, current, q, 0);
}

/** `_is_discount_feature_enabled`: the superuser has "Discount on lines" (sale.group_discount_per_so_line). */
export async function discountFeatureEnabled(ctx: CallContext): Promise<boolean> {
  return userHasGroup(ctx, 1, 'sale.group_discount_per_so_line');
}

export interface LinePricing {
  /** `_get_display_price`: what price_unit starts from (before the fiscal position's tax adaptation). */
  displayPrice: number;
  /** `_compute_discount`'s value when the order has a pricelist and the discount feature is on; null otherwise (the discount is left alone). */
  discount: number | null;
}

/**
 * The line's display price and discount from its order's pricelist: the rule's price; when the
 * rule shows its discount (feature on and a percentage rule), the price before discount is shown
 * instead (or the rule's price when higher) and the discount is computed from both.
 */
export async function linePricing(ctx: CallContext, pricelistId: number | null, q: PriceQuery): Promise<LinePricing> {
  const rule = await pricelistRule(ctx, pricelistId, q);
  const price = await rulePriceOf(ctx, rule, q);
  const enabled = pricelistId ? await discountFeatureEnabled(ctx) : false;
  if (!enabled) return { displayPrice: price, discount: null };
  if (!rule || rule.computePrice !== 'percentage') return { displayPrice: price, discount: 0 };
  const before = await priceBeforeDiscount(ctx, rule, q);
  return { displayPrice: Math.max(before, price), discount: shownDiscount(before, price) };
}
