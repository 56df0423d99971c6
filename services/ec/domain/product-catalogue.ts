import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { HealthCategory } from '../db/tables.ts';
import { LST_PRICE_SQL, PRICE_EXTRA_SQL } from './product-prices.ts';

/**
 * The mall's catalogue: product variants (product.product, Odoo's own table with its template
 * through `_inherits`) with hp_mall's health category, the price Odoo shows (`lst_price`), and the
 * stock M09 keeps per warehouse. Products stay Odoo's (MIGRATION.md, M09): ec never writes them;
 * it reads them beside the inventories, on M09's home (the monolith before cutover, svc_ec's
 * read-only copy of the product tables after it).
 */
export interface ProductResource {
  id: number;
  templateId: number;
  name: string;
  /** As Odoo shows the variant: `[default_code] name (attribute values)`. */
  displayName: string;
  defaultCode: string | null;
  healthCategory: HealthCategory | null;
  /** The template's list_price, the variant's price_extra and lst_price (their sum), as decimals. */
  listPrice: string;
  priceExtra: string;
  lstPrice: string;
  currency: string;
  saleOk: boolean;
  availability: { stocked: boolean; quantity: number; reserved: number; available: number };
}

export type ProductSort = 'default' | 'name' | '-name' | 'price' | '-price' | 'available' | '-available';

export interface ProductFilters {
  search?: string;
  healthCategory?: HealthCategory;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  ids?: readonly number[];
  sort: ProductSort;
  limit: number;
  offset: number;
  /** The caller's language for translated names (Odoo falls back to en_US). */
  lang: string;
}

const ORDER_BY: Record<ProductSort, string> = {
  // product.product's _order: is_favorite desc, default_code, name, id
  default: 'pt.is_favorite DESC NULLS LAST, pp.default_code NULLS LAST, name, pp.id',
  name: 'name, pp.id',
  '-name': 'name DESC, pp.id',
  price: 'lst_price, pp.id',
  '-price': 'lst_price DESC, pp.id',
  available: 'available, pp.id',
  '-available': 'available DESC, pp.id',
};

interface ProductRow {
  id: number; template_id: number; name: string | null; default_code: string | null; health_category: HealthCategory | null;
  list_price: string; price_extra: string; lst_price: string; currency: string | null; sale_ok: boolean | null;
  stocked: boolean; quantity: number; reserved: number; available: number; total: string;
}

/** A page of the catalogue, filtered by the caller's read rules on product.product (`visible`, over alias `pp`). */
export async function listProducts(db: Kysely<any>, visible: RawBuilder<boolean>, filters: ProductFilters): Promise<{ items: ProductResource[]; total: number }> {
  const name = sql`COALESCE(pt.name->>${filters.lang}, pt.name->>'en_US')`;
  const conditions = [sql`pp.active`, visible];
  if (filters.ids) conditions.push(sql`pp.id = ANY(${[...filters.ids]}::int4[])`);
  if (filters.search) conditions.push(sql`${name} ILIKE ${`%${filters.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (filters.healthCategory) conditions.push(sql`pt.hp_health_category = ${filters.healthCategory}`);
  if (filters.minPrice !== undefined) conditions.push(sql`${sql.raw(LST_PRICE_SQL)} >= ${filters.minPrice}`);
  if (filters.maxPrice !== undefined) conditions.push(sql`${sql.raw(LST_PRICE_SQL)} <= ${filters.maxPrice}`);
  if (filters.inStock) conditions.push(sql`COALESCE(s.quantity, 0) - COALESCE(s.reserved, 0) > 0`);
  const { rows } = await sql<ProductRow>`
    WITH s AS (SELECT product_id, sum(COALESCE(quantity, 0)) AS quantity, sum(COALESCE(reserved, 0)) AS reserved FROM inventories GROUP BY product_id)
    SELECT pp.id, pp.product_tmpl_id AS template_id, ${name} AS name, pp.default_code, pt.hp_health_category AS health_category,
           COALESCE(pt.list_price, 0)::text AS list_price, (${sql.raw(PRICE_EXTRA_SQL)})::text AS price_extra,
           ${sql.raw(LST_PRICE_SQL)} AS lst_price_value, ${sql.raw(LST_PRICE_SQL)}::text AS lst_price,
           (SELECT c.name FROM res_company co JOIN res_currency c ON c.id = co.currency_id WHERE co.id = COALESCE(pt.company_id, (SELECT min(id) FROM res_company))) AS currency,
           pt.sale_ok, s.product_id IS NOT NULL AS stocked,
           COALESCE(s.quantity, 0)::float8 AS quantity, COALESCE(s.reserved, 0)::float8 AS reserved,
           (COALESCE(s.quantity, 0) - COALESCE(s.reserved, 0))::float8 AS available,
           count(*) OVER () AS total
      FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id LEFT JOIN s ON s.product_id = pp.id
     WHERE ${sql.join(conditions, sql` AND `)}
     ORDER BY ${sql.raw(ORDER_BY[filters.sort].replace(/\blst_price\b/g, 'lst_price_value'))}
     LIMIT ${filters.limit} OFFSET ${filters.offset}`.execute(db);
  const variants = await variantValues(db, rows.map((r) => r.id), filters.lang);
  const items = rows.map((r) => {
    const values = variants.get(r.id);
    const named = values ? `${r.name ?? ''} (${values.join(', ')})` : r.name ?? '';
    return {
      id: r.id, templateId: r.template_id, name: r.name ?? '', displayName: r.default_code ? `[${r.default_code}] ${named}` : named,
      defaultCode: r.default_code, healthCategory: r.health_category, listPrice: r.list_price, priceExtra: r.price_extra, lstPrice: r.lst_price,
      currency: r.currency ?? 'CNY', saleOk: r.sale_ok ?? false,
      availability: { stocked: r.stocked, quantity: Number(r.quantity), reserved: Number(r.reserved), available: Number(r.available) },
    };
  });
  // count(*) OVER () is absent on a page past the end: count again then.
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && filters.offset > 0) {
    const { rows: counted } = await sql<{ n: string }>`
      WITH s AS (SELECT product_id, sum(COALESCE(quantity, 0)) AS quantity, sum(COALESCE(reserved, 0)) AS reserved FROM inventories GROUP BY product_id)
      SELECT count(*) AS n FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id LEFT JOIN s ON s.product_id = pp.id
       WHERE ${sql.join(conditions, sql` AND `)}`.execute(db);
    total = Number(counted[0]?.n ?? 0);
  }
  return { items, total };
}

/**
 * The attribute values that name a variant, as product.product's display name lists them: the
 * variant's combination (only attributes that create variants are in it), on attribute lines
 * with more than one value, in product.template.attribute.value's order.
 */
async function variantValues(db: Kysely<any>, ids: readonly number[], lang: string): Promise<Map<number, string[]>> {
  if (!ids.length) return new Map();
  const { rows } = await sql<{ pid: number; label: string | null }>`
    SELECT rel.product_product_id AS pid, COALESCE(pav.name->>${lang}, pav.name->>'en_US') AS label
      FROM product_variant_combination rel
      JOIN product_template_attribute_value v ON v.id = rel.product_template_attribute_value_id
      JOIN product_attribute_value pav ON pav.id = v.product_attribute_value_id
     WHERE rel.product_product_id = ANY(${[...ids]}::int4[])
       AND (SELECT count(*) FROM product_template_attribute_value v2 WHERE v2.attribute_line_id = v.attribute_line_id AND v2.ptav_active) > 1
     ORDER BY rel.product_product_id, v.attribute_line_id, pav.attribute_id, pav.sequence, pav.id`.execute(db);
  const out = new Map<number, string[]>();
  for (const row of rows) {
    const list = out.get(row.pid) ?? [];
    list.push(row.label ?? '');
    out.set(row.pid, list);
  }
  return out;
}
