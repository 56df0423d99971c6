import type pg from 'pg';

/**
 * The mall's products (product.template) stay the monolith's: the service's copy of the access
 * tables knows no product model, so a search asks the monolith what Odoo would answer there:
 * the ACL (ir_model_access: Internal User, Product Creation, Merchant read it) and the product's
 * one record rule (multi-company: no company, or one of the user's). A company's children are
 * not followed (`parent_of` in the rule): the platform runs one company.
 */
const MAY_READ_PRODUCTS = `
  SELECT EXISTS (
    SELECT 1 FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id
    WHERE m.model = 'product.template' AND a.perm_read AND a.active
      AND (a.group_id IS NULL OR a.group_id IN (SELECT gid FROM res_groups_users_rel WHERE uid = $1))
  ) AS may`;

export async function mayReadProducts(legacy: pg.Pool, uid: number): Promise<boolean> {
  const { rows } = await legacy.query<{ may: boolean }>(MAY_READ_PRODUCTS, [uid]);
  return rows[0]?.may === true;
}

/** The ids among `ids` that are still mall products (sale_ok, active) the user's companies see. */
export async function readableProducts(legacy: pg.Pool, uid: number, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const { rows } = await legacy.query<{ id: number }>(
    `SELECT p.id FROM product_template p
     WHERE p.id = ANY($2::int4[]) AND p.sale_ok AND p.active
       AND (p.company_id IS NULL OR p.company_id IN (SELECT cid FROM res_company_users_rel WHERE user_id = $1))`, [uid, ids]);
  return new Set(rows.map((r) => r.id));
}
