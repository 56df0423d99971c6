import { validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { searchIds, searchSource } from '../../methods/search-source.ts';
import { displayNamesFromSql } from '../../read/display-name.ts';
import type { ConstraintCheck } from '../constraint-check.ts';

/**
 * product's barcode constraints (addons/product/models/product_product.py, product_template.py,
 * product_packaging.py): a barcode is unique among active variants and packagings of the same
 * company or of no company. The duplicates are found as the superuser; the variants named in the
 * message are those the caller may read (Odoo's `self.search` of them), hence its note.
 */
export const PRODUCT_BARCODE_CHECKS: Readonly<Record<string, Record<string, ConstraintCheck>>> = {
  'product.product': { _check_barcode_uniqueness: { flushed: (ctx, ids) => checkVariantBarcodes(ctx, ids) } },
  // `template.product_variant_ids._check_barcode_uniqueness()` on a company change.
  'product.template': {
    _check_barcode_uniqueness: {
      async flushed(ctx, ids) {
        const { rows } = await ctx.db.query<{ id: number }>('SELECT id FROM product_product WHERE product_tmpl_id = ANY($1::int4[]) AND active ORDER BY id', [ids]);
        await checkVariantBarcodes(ctx, rows.map((r) => r.id));
      },
    },
  },
  'product.packaging': {
    _check_barcode_uniqueness: {
      async flushed(ctx, ids) {
        const taken = await ctx.db.query(
          `SELECT 1 FROM product_product p
            WHERE p.active AND p.barcode IN (SELECT barcode FROM product_packaging WHERE id = ANY($1::int4[]) AND COALESCE(barcode, '') <> '') LIMIT 1`,
          [ids],
        );
        if (taken.rowCount) throw validationError('A product already uses the barcode');
      },
    },
  },
};

/** `_check_barcode_uniqueness` of variants: per company of the written ones, duplicated barcodes among variants, then packagings. */
async function checkVariantBarcodes(ctx: CallContext, ids: number[]): Promise<void> {
  if (!ids.length) return;
  const { rows: groups } = await ctx.db.query<{ company_id: number | null; barcodes: string[] }>(
    `SELECT t.company_id, array_agg(p.barcode ORDER BY p.id) AS barcodes
       FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
      WHERE p.id = ANY($1::int4[]) AND COALESCE(p.barcode, '') <> ''
      GROUP BY t.company_id ORDER BY t.company_id NULLS FIRST`,
    [ids],
  );
  for (const { company_id: company, barcodes } of groups) {
    // `[('barcode', 'in', barcodes)]` (+ company in (False, company)), read_group by barcode as sudo, active only.
    const { rows: duplicated } = await ctx.db.query<{ barcode: string; ids: number[] }>(
      `SELECT p.barcode, array_agg(p.id ORDER BY p.id) AS ids
         FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
        WHERE p.active AND p.barcode = ANY($1::varchar[]) AND ($2::int4 IS NULL OR t.company_id IS NULL OR t.company_id = $2)
        GROUP BY p.barcode HAVING count(*) > 1 ORDER BY p.barcode`,
      [barcodes, company],
    );
    if (duplicated.length) {
      const lines: string[] = [];
      for (const { barcode, ids: holders } of duplicated) lines.push(`- Barcode "${barcode}" already assigned to product(s): ${formatList(await readableVariantNames(ctx, holders))}`);
      throw validationError(`Barcode(s) already assigned:\n\n${lines.join('\n')}\n\nNote: products that you don't have access to will not be shown above.`);
    }
    const packaging = await ctx.db.query(
      `SELECT 1 FROM product_packaging WHERE barcode = ANY($1::varchar[]) AND ($2::int4 IS NULL OR company_id IS NULL OR company_id = $2) LIMIT 1`,
      [barcodes, company],
    );
    if (packaging.rowCount) throw validationError('A packaging already uses the barcode');
  }
}

/** `self.search([('id', 'in', ids)])` as the caller (rules, active, `_order`), by display name. */
async function readableVariantNames(ctx: CallContext, ids: number[]): Promise<string[]> {
  const model = ctx.registry.model('product.product')!;
  const found = await searchIds(ctx, model, searchSource(ctx, model, [['id', 'in', ids]], { order: model.order, limit: null, offset: 0 }));
  const names = await displayNamesFromSql(ctx.readEnv(), model, found);
  return found.map((id) => String(names?.get(id) || ''));
}

/** odoo.tools.format_list in English (babel's "standard" list pattern): "A", "A and B", "A, B, and C". */
function formatList(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}
