import { missingBehaviour, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { ConstraintCheck } from '../constraint-check.ts';
import { displayNames } from '../../read/read-records.ts';

/**
 * sale's `@api.constrains` (addons/sale/models/sale_order.py, sale_order_line.py 18):
 * the products' companies must be the order's or one it is a branch of; the prepayment
 * percentage of an order asking for payment lies in ]0, 1]; combo items are not ported.
 */
export const SALE_ORDER_CHECKS: Readonly<Record<string, ConstraintCheck>> = {
  _check_order_line_company_id: { flushed: checkLineCompanies },
  _check_prepayment_percent: {
    reads: ['require_payment', 'prepayment_percent'],
    values(_ctx, rows) {
      for (const row of rows) {
        const percent = Number(row.prepayment_percent ?? 0);
        if (row.require_payment && !(percent > 0 && percent <= 1)) throw validationError('Prepayment percentage must be a valid percentage.');
      }
    },
  },
};

export const SALE_ORDER_LINE_CHECKS: Readonly<Record<string, ConstraintCheck>> = {
  _check_combo_item_id: {
    async flushed(ctx, ids) {
      const r = await ctx.db.query(`SELECT 1 FROM sale_order_line WHERE id = ANY($1::int4[]) AND combo_item_id IS NOT NULL LIMIT 1`, [ids]);
      if (r.rowCount) throw missingBehaviour('sale.order.line', 'the combo item check (_check_combo_item_id)');
    },
  },
};

async function checkLineCompanies(ctx: CallContext, ids: number[]): Promise<void> {
  for (const id of ids) {
    const r = await ctx.db.query<{ order_company: number; product_company: number; product_id: number }>(
      `SELECT o.company_id AS order_company, t.company_id AS product_company, p.id AS product_id
         FROM sale_order o JOIN sale_order_line l ON l.order_id = o.id JOIN product_product p ON p.id = l.product_id
         JOIN product_template t ON t.id = p.product_tmpl_id JOIN res_company oc ON oc.id = o.company_id
        WHERE o.id = $1 AND t.company_id IS NOT NULL AND NOT (('/' || oc.parent_path) LIKE '%/' || t.company_id || '/%')
        ORDER BY l.sequence, l.id`,
      [id],
    );
    if (!r.rows.length) continue;
    const env = ctx.readEnv({ sudo: true });
    const companies = [...new Set(r.rows.map((x) => x.product_company))];
    const companyNames = await displayNames(env, ctx.registry.model('res.company')!, [...companies, r.rows[0]!.order_company]);
    const productNames = await displayNames(env, ctx.registry.model('product.product')!, [...new Set(r.rows.map((x) => x.product_id))]);
    throw validationError(
      `Your quotation contains products from company ${companies.map((c) => companyNames.get(c)).join(', ')} whereas your quotation belongs to company ${companyNames.get(r.rows[0]!.order_company)}. \n Please change the company of your quotation or remove the products from other companies (${[...productNames.values()].join(', ')}).`,
    );
  }
}
