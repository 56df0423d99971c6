import { createRecords, updateRecords } from '../record-writes.ts';
import type { WriteEnv } from '../write-env.ts';
import { userHasGroupNow } from './group-implication.ts';

/**
 * product's `res.company._activate_or_create_pricelists` (product/models/res_company.py): when
 * the current user has the basic pricelists group, each company (the given ones, else all in
 * res.company's order `sequence, name`) gets its default pricelist back: an archived one without
 * items in the company's currency is unarchived, else a "Default" pricelist is created (sudo).
 * `disable_company_pricelist_creation` in the context turns it off.
 */
export async function activateOrCreatePricelists(w: WriteEnv, companyIds: readonly number[] | null): Promise<void> {
  const ctx = w.ctx;
  const pricelist = ctx.registry.model('product.pricelist');
  if (!pricelist || ctx.context.disable_company_pricelist_creation) return;
  if (!(await userHasGroupNow(ctx, ctx.uid, 'product.group_product_pricelist'))) return;
  const companies = await ctx.db.query<{ id: number; currency_id: number }>(
    `SELECT id, currency_id FROM res_company WHERE ($1::int4[] IS NULL AND active) OR id = ANY($1::int4[]) ORDER BY sequence, name, id`,
    [companyIds ? [...companyIds] : null],
  );
  if (!companies.rows.length) return;
  const defaults = await ctx.db.query<{ id: number; active: boolean; company_id: number }>(
    `SELECT p.id, p.active, p.company_id FROM product_pricelist p JOIN res_company c ON c.id = p.company_id
      WHERE p.company_id = ANY($1::int4[]) AND p.currency_id = c.currency_id
        AND NOT EXISTS (SELECT 1 FROM product_pricelist_item i WHERE i.pricelist_id = p.id)
      ORDER BY p.id`,
    [companies.rows.map((c) => c.id)],
  );
  const archived = defaults.rows.filter((p) => !p.active).map((p) => p.id);
  if (archived.length) await updateRecords(w, pricelist, archived, { active: true }, { checkAccess: false });
  const covered = new Set(defaults.rows.map((p) => p.company_id));
  const missing = companies.rows.filter((c) => !covered.has(c.id));
  if (missing.length) {
    await createRecords(
      w,
      pricelist,
      missing.map((c) => ({ name: 'Default', currency_id: c.currency_id, company_id: c.id, sequence: 10 })),
      { checkAccess: false },
    );
  }
}
