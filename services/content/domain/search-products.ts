import type { OdooCalls } from '../../kit/index.ts';

/**
 * The mall's products (product.template) are not content's: whoever serves them (the monolith's
 * Odoo models, ec's Odoo face after M09's cutover) answers through the gateway's dispatch, as an
 * Odoo client of `uid` would be answered, so the model's access rights and every record rule of
 * the database apply — not a copy of them here.
 */
export async function mayReadProducts(odoo: OdooCalls, uid: number): Promise<boolean> {
  return (await odoo({ uid, model: 'product.template', method: 'check_access_rights', args: ['read'], kwargs: { raise_exception: false } })) === true;
}

/** The ids among `ids` that are still mall products (sale_ok, active) the user may read. */
export async function readableProducts(odoo: OdooCalls, uid: number, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const found = await odoo({ uid, model: 'product.template', method: 'search', args: [[['id', 'in', [...ids]], ['sale_ok', '=', true]]] });
  return new Set(found as number[]);
}
