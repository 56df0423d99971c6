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

/**
 * sale's product.template `_check_sale_product_company` (addons/sale/models/product_template.py):
 * a template with variants cannot be restricted to a company while a sales order line of another
 * company (not a branch of it) sells one of its variants, archived ones included.
 */
export const SALE_PRODUCT_TEMPLATE_CHECKS: Readonly<Record<string, ConstraintCheck>> = {
  _check_sale_product_company: {
    async flushed(ctx, ids) {
      const targets = await ctx.db.query<{ company_id: number; templates: number[] }>(
        `SELECT t.company_id, array_agg(t.id ORDER BY t.id) AS templates FROM product_template t
          WHERE t.id = ANY($1::int4[]) AND t.company_id IS NOT NULL
            AND EXISTS (SELECT 1 FROM product_product v WHERE v.product_tmpl_id = t.id AND v.active)
          GROUP BY t.company_id ORDER BY min(t.id)`,
        [ids],
      );
      for (const target of targets.rows) {
        const lines = await ctx.db.query<{ product_id: number }>(
          `SELECT l.product_id FROM sale_order_line l JOIN product_product v ON v.id = l.product_id
             JOIN sale_order o ON o.id = l.order_id LEFT JOIN res_company lc ON lc.id = l.company_id
            WHERE v.product_tmpl_id = ANY($1::int4[])
              AND NOT COALESCE(('/' || lc.parent_path) LIKE '%/' || $2::int || '/%', false)
            ORDER BY o.date_order DESC, o.id DESC, l.sequence, l.id`, // sale.order.line _order: order_id, sequence, id
          [target.templates, target.company_id],
        );
        if (!lines.rows.length) continue;
        const env = ctx.readEnv({ sudo: true });
        const company = (await displayNames(env, ctx.registry.model('res.company')!, [target.company_id])).get(target.company_id);
        const products = await displayNames(env, ctx.registry.model('product.product')!, [...new Set(lines.rows.map((l) => l.product_id))]);
        throw validationError(
          `The following products cannot be restricted to the company ${company} because they have already been used in quotations or sales orders in another company:\n${lines.rows.map((l) => products.get(l.product_id)).join(', ')}\nYou can archive these products and recreate them with your company restriction instead, or leave them as shared product.`,
        );
      }
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
