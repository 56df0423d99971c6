import type { SqlRunner } from '../db/sql-runner.ts';

/**
 * product.product's `lst_price` as Odoo 18 computes it for a variant (product/models/product_product.py
 * `_compute_product_lst_price`, no uom in the context): the template's `list_price` plus the
 * variant's `price_extra`, the sum of its template attribute values' `price_extra`. Read where the
 * product tables are (the monolith, or svc_ec's read-only copy of them).
 */
export const PRICE_EXTRA_SQL = `COALESCE((SELECT sum(v.price_extra) FROM product_variant_combination c
     JOIN product_template_attribute_value v ON v.id = c.product_template_attribute_value_id
    WHERE c.product_product_id = pp.id), 0)`;
export const LST_PRICE_SQL = `(COALESCE(pt.list_price, 0) + ${PRICE_EXTRA_SQL})`;

/** The variants among `ids` that exist, with their lst_price as a decimal string. */
export async function lstPrices(db: SqlRunner, ids: readonly number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await db.raw<{ id: number; lst_price: string | null }>(
    `SELECT pp.id, (${LST_PRICE_SQL})::text AS lst_price FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.id = ANY($1::int4[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r.lst_price ?? '0']));
}
