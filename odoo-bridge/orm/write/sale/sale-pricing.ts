import type { CallContext } from '../../call-context.ts';
import { companyDependentValue } from './partner-lookups.ts';
import { taxesById } from './sale-tax-data.ts';
import { taxDetails, type TaxInfo } from './tax-details.ts';

/**
 * Prices and taxes of a sales order line (addons/sale/models/sale_order_line.py 18
 * `_compute_price_unit`, `_compute_tax_id`; product/models/product_pricelist.py
 * `_get_partner_pricelist_multi` (the pricelist's price itself: pricelist-price.ts),
 * account/models/partner.py `map_tax`, account_tax.py `_adapt_price_unit_to_another_taxes`).
 */

/**
 * `partner.with_company(company).property_product_pricelist`: the partner's own pricelist when
 * active, else the first active pricelist of the company (or none) for the partner's country
 * group, else the first without country groups, else the configured fallback, else the first.
 */
export async function orderPricelist(ctx: CallContext, partnerId: number, companyId: number): Promise<number | null> {
  const own = await companyDependentValue(ctx, 'res.partner', 'specific_property_product_pricelist', partnerId, companyId);
  if (typeof own === 'number') {
    const active = await ctx.db.query(`SELECT 1 FROM product_pricelist WHERE id = $1 AND active`, [own]);
    if (active.rowCount) return own;
  }
  const scope = `p.active AND (p.company_id = $1 OR p.company_id IS NULL)`;
  const order = `ORDER BY p.sequence, p.id`;
  const country = (await ctx.db.query<{ country_id: number | null }>(`SELECT country_id FROM res_partner WHERE id = $1`, [partnerId])).rows[0]?.country_id ?? null;
  const byCountry = await ctx.db.query<{ id: number }>(
    country
      ? `SELECT p.id FROM product_pricelist p WHERE ${scope} AND EXISTS (
           SELECT 1 FROM res_country_group_pricelist_rel g JOIN res_country_res_country_group_rel c ON c.res_country_group_id = g.res_country_group_id
            WHERE g.pricelist_id = p.id AND c.res_country_id = $2) ${order} LIMIT 1`
      : `SELECT p.id FROM product_pricelist p WHERE ${scope} AND $2::int IS NULL AND NOT EXISTS (
           SELECT 1 FROM res_country_group_pricelist_rel g JOIN res_country_res_country_group_rel c ON c.res_country_group_id = g.res_country_group_id
            WHERE g.pricelist_id = p.id) ${order} LIMIT 1`,
    [companyId, country],
  );
  if (byCountry.rows[0]) return byCountry.rows[0].id;
  const withoutGroups = await ctx.db.query<{ id: number }>(
    `SELECT p.id FROM product_pricelist p WHERE ${scope} AND NOT EXISTS (SELECT 1 FROM res_country_group_pricelist_rel g WHERE g.pricelist_id = p.id) ${order} LIMIT 1`,
    [companyId],
  );
  if (withoutGroups.rows[0]) return withoutGroups.rows[0].id;
  for (const key of [`res.partner.property_product_pricelist_${companyId}`, 'res.partner.property_product_pricelist']) {
    const r = await ctx.db.query<{ value: string }>(`SELECT value FROM ir_config_parameter WHERE key = $1`, [key]);
    const configured = Number.parseInt(r.rows[0]?.value ?? '', 10);
    if (Number.isInteger(configured)) {
      const exists = await ctx.db.query(`SELECT 1 FROM product_pricelist WHERE id = $1`, [configured]);
      if (exists.rowCount) return configured;
    }
  }
  const first = await ctx.db.query<{ id: number }>(`SELECT p.id FROM product_pricelist p WHERE ${scope} ${order} LIMIT 1`, [companyId]);
  return first.rows[0]?.id ?? null;
}

export interface ProductFacts {
  id: number;
  uomId: number | null;
  listPrice: number;
  priceExtra: number;
  taxIds: number[];
  type: string | null;
  displayName: string;
  descriptionSale: string | null;
  expensePolicy: string | null;
}

/** The taxes of a product for a company: `taxes_id._filter_taxes_by_company` (the company's, else its parent's…). */
export async function productTaxes(ctx: CallContext, productId: number, companyId: number): Promise<number[]> {
  const r = await ctx.db.query<{ id: number; company_id: number | null }>(
    `SELECT t.id, t.company_id FROM product_taxes_rel r JOIN product_product p ON p.product_tmpl_id = r.prod_id
       JOIN account_tax t ON t.id = r.tax_id AND t.active WHERE p.id = $1 ORDER BY t.sequence, t.id`,
    [productId],
  );
  let company: number | null = companyId;
  while (company) {
    const mine = r.rows.filter((t) => t.company_id === company).map((t) => t.id);
    if (mine.length) return mine;
    const parent: { rows: Array<{ parent_id: number | null }> } = await ctx.db.query<{ parent_id: number | null }>(`SELECT parent_id FROM res_company WHERE id = $1`, [company]);
    company = parent.rows[0]?.parent_id ?? null;
  }
  return [];
}

/** `fiscal_position.map_tax(taxes)`: each tax replaced by its mapping's destinations (none: removed), unmapped ones kept. */
export async function mapTaxes(ctx: CallContext, fiscalPositionId: number | null, taxIds: number[]): Promise<number[]> {
  if (!fiscalPositionId) return taxIds;
  const out: number[] = [];
  for (const tax of taxIds) {
    const r = await ctx.db.query<{ dest: number | null }>(`SELECT tax_dest_id AS dest FROM account_fiscal_position_tax WHERE position_id = $1 AND tax_src_id = $2 ORDER BY id`, [fiscalPositionId, tax]);
    const mapped = r.rows.length ? r.rows.map((m) => m.dest).filter((d): d is number => d != null) : [tax];
    for (const m of mapped) if (!out.includes(m)) out.push(m);
  }
  return out;
}

/**
 * `_adapt_price_unit_to_another_taxes`: a price given with price-included taxes, carried over to
 * the taxes a fiscal position maps them to (only when every original tax is price-included).
 */
function adaptPriceToTaxes(price: number, original: TaxInfo[], mapped: TaxInfo[]): number {
  const same = original.length === mapped.length && original.every((t, i) => t.id === mapped[i]!.id);
  if (same || original.some((t) => !t.priceInclude)) return price;
  const excluded = taxDetails(original, price, 1, { rounding: 0.01, roundingMethod: 'round_globally' }).totalExcluded;
  const added = taxDetails(mapped, excluded, 1, { rounding: 0.01, roundingMethod: 'round_globally', specialMode: 'total_excluded' });
  return excluded + added.taxes.filter((t) => t.tax.priceInclude).reduce((s, t) => s + t.taxAmount, 0);
}

/**
 * The unit price a new or re-priced line takes (`_compute_price_unit`): the display price its
 * order's pricelist gives (pricelist-price.ts: the rule's price, or the sales price without a
 * rule, in the line's unit and the order's currency), carried over the fiscal position's tax
 * mapping of the product's taxes.
 */
export async function lineUnitPrice(ctx: CallContext, p: {
  product: ProductFacts; displayPrice: number; companyId: number; fiscalPositionId: number | null;
}): Promise<number> {
  let price = p.displayPrice;
  const own = await productTaxes(ctx, p.product.id, p.companyId);
  if (own.length && p.fiscalPositionId) {
    const mapped = await mapTaxes(ctx, p.fiscalPositionId, own);
    const info = await taxesById(ctx, [...own, ...mapped]);
    price = adaptPriceToTaxes(price, own.map((t) => info.get(t)!), mapped.map((t) => info.get(t)!));
  }
  return price;
}
