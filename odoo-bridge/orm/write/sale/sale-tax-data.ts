import type { CallContext } from '../../call-context.ts';
import { ident } from '../write-env.ts';
import type { TaxInfo } from './tax-details.ts';
import type { CompanyTaxSettings, CurrencyInfo } from './tax-totals.ts';

/**
 * What the taxes computation reads from the database (addons/account/models/account_tax.py 18):
 * the taxes with their group and children, a currency's rounding, a company's rounding method.
 */

export async function currencyInfo(ctx: CallContext, id: number): Promise<CurrencyInfo> {
  const r = await ctx.db.query<{ rounding: string; decimal_places: number | null }>(`SELECT rounding, decimal_places FROM res_currency WHERE id = $1`, [id]);
  const row = r.rows[0];
  return { id, rounding: Number(row?.rounding ?? 0.01), decimalPlaces: row?.decimal_places ?? 2 };
}

export async function companyTaxSettings(ctx: CallContext, companyId: number): Promise<CompanyTaxSettings & { priceInclude: boolean }> {
  const r = await ctx.db.query<{ currency_id: number; method: string | null; price_include: string | null }>(
    `SELECT currency_id, tax_calculation_rounding_method AS method, account_price_include AS price_include FROM res_company WHERE id = $1`,
    [companyId],
  );
  const row = r.rows[0]!;
  return {
    currency: await currencyInfo(ctx, row.currency_id),
    roundingMethod: row.method === 'round_globally' ? 'round_globally' : 'round_per_line',
    priceInclude: row.price_include === 'tax_included',
  };
}

interface TaxRow {
  id: number;
  sequence: number | null;
  amount_type: string;
  amount: string | number;
  price_include_override: string | null;
  company_price_include: string | null;
  include_base_amount: boolean | null;
  is_base_affected: boolean | null;
  negative: boolean;
  group_id: number | null;
  group_name: string | null;
  group_sequence: number | null;
  preceding_subtotal: string | null;
  pos_receipt_label: string | null;
  children: number[] | null;
}

/**
 * The taxes by id, as `account.tax` records: `price_include` from the override or the tax
 * company's `account_price_include`, `has_negative_factor` from its invoice tax repartition
 * lines, a group's children loaded too.
 */
export async function taxesById(ctx: CallContext, ids: readonly number[]): Promise<Map<number, TaxInfo>> {
  const out = new Map<number, TaxInfo>();
  let wanted = [...new Set(ids)];
  const rows = new Map<number, TaxRow>();
  while (wanted.length) {
    const r = await ctx.db.query<TaxRow>(
      `SELECT t.id, t.sequence, t.amount_type, t.amount, t.price_include_override, c.account_price_include AS company_price_include,
              t.include_base_amount, t.is_base_affected,
              EXISTS (SELECT 1 FROM account_tax_repartition_line rl WHERE rl.tax_id = t.id AND rl.document_type = 'invoice'
                        AND rl.repartition_type = 'tax' AND rl.factor_percent < 0) AS negative,
              g.id AS group_id, COALESCE(g.name->>$2, g.name->>'en_US') AS group_name, g.sequence AS group_sequence,
              COALESCE(g.preceding_subtotal->>$2, g.preceding_subtotal->>'en_US') AS preceding_subtotal, g.pos_receipt_label,
              (SELECT array_agg(f.child_tax) FROM account_tax_filiation_rel f WHERE f.parent_tax = t.id) AS children
         FROM account_tax t LEFT JOIN res_company c ON c.id = t.company_id LEFT JOIN account_tax_group g ON g.id = t.tax_group_id
        WHERE t.id = ANY($1::int4[])`,
      [wanted, ctx.lang],
    );
    wanted = [];
    for (const row of r.rows) {
      rows.set(row.id, row);
      for (const child of row.children ?? []) if (!rows.has(child)) wanted.push(child);
    }
  }
  const build = (id: number): TaxInfo | undefined => {
    const cached = out.get(id);
    if (cached) return cached;
    const row = rows.get(id);
    if (!row) return undefined;
    const tax: TaxInfo = {
      id,
      sequence: row.sequence ?? 1,
      amountType: row.amount_type,
      amount: Number(row.amount),
      priceInclude: row.price_include_override === 'tax_included' || (row.company_price_include === 'tax_included' && !row.price_include_override),
      includeBaseAmount: !!row.include_base_amount,
      isBaseAffected: !!row.is_base_affected,
      hasNegativeFactor: row.negative,
      taxGroup: row.group_id == null ? null : {
        id: row.group_id, name: row.group_name ?? '', sequence: row.group_sequence ?? 10,
        precedingSubtotal: row.preceding_subtotal || null, posReceiptLabel: row.pos_receipt_label || null,
      },
      children: (row.children ?? []).map(build).filter((t): t is TaxInfo => !!t),
    };
    out.set(id, tax);
    return tax;
  };
  for (const id of rows.keys()) build(id);
  return out;
}

/** A many2many field's linked ids per record, in link order. */
export async function linkedIds(ctx: CallContext, model: string, field: string, ids: readonly number[]): Promise<Map<number, number[]>> {
  const info = ctx.registry.model(model)?.fields.get(field);
  const out = new Map<number, number[]>(ids.map((id) => [id, []]));
  if (!info?.relationTable || !info.column1 || !info.column2 || !ids.length) return out;
  const r = await ctx.db.query<{ id: number; target: number }>(
    `SELECT ${ident(info.column1)} AS id, ${ident(info.column2)} AS target FROM ${ident(info.relationTable)} WHERE ${ident(info.column1)} = ANY($1::int4[]) ORDER BY 2`,
    [ids],
  );
  for (const row of r.rows) out.get(row.id)?.push(row.target);
  return out;
}
