import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { ACCOUNT_TAX_CHECKS } from './account-tax-constraints.ts';

/**
 * account.tax written natively (addons/account/models/account_tax.py 18):
 * - `_sanitize_vals` on create and write: lines given per document type
 *   (`invoice_repartition_line_ids` / `refund_repartition_line_ids`) become lines of
 *   `repartition_line_ids` carrying their `document_type`, and the typed field is kept as `[]`
 *   (given, so its compute leaves it alone);
 * - the precomputed `country_id` (the company's fiscal country, else its country) and
 *   `tax_group_id` (the company's first group of that country, else its first group without a
 *   country), unless given;
 * - `_compute_invoice_repartition_line_ids` / `_compute_refund_repartition_line_ids`: a tax left
 *   without lines of a document type, that type's field not given, gets a base line and a tax
 *   line of that type (100 %, no account, no grid);
 * - `copy_data`: the name gets " (Copy)" unless the default names it, and the lines come with the create;
 * - beside it, the precomputed account.tax.group `country_id` and repartition line `use_in_tax_closing`;
 * - its `@api.constrains` (account-tax-constraints.ts).
 */
export function registerAccountTax(behaviours: BehaviourRegistry): void {
  behaviours.register('account.tax', {
    beforeCreate: async (ctx, valsList) => {
      for (const vals of valsList) sanitizeRepartitionVals(vals);
      addDefaultRepartitionLines(valsList);
      for (const vals of valsList) Object.assign(vals, await precomputeTax(ctx, vals));
    },
    afterCreate: async (ctx, ids, valsList) => {
      await insertDefaultLinesAtFlush(ctx, ids, valsList);
    },
    beforeWrite: async (_ctx, _ids, vals) => {
      sanitizeRepartitionVals(vals);
    },
    afterWrite: async (ctx, ids, vals) => {
      if ('company_id' in vals || 'country_id' in vals) await recomputeCountryAndGroup(ctx, ids, vals);
    },
    copyData: async (ctx, id, vals, defaults) => {
      // `_("%s (Copy)", tax.name)`: Ficus carries no translation catalogue, the term stays English.
      if (!('name' in defaults)) vals.name = `${String(vals.name ?? '')} (Copy)`;
      // The typed line fields are one2many (copy=False); the lines come once, through repartition_line_ids.
      for (const type of DOCUMENT_TYPES) if (!(typedField(type) in defaults)) delete vals[typedField(type)];
      // copy_data gives the lines to the create itself, so its computes find them and add no defaults.
      if (!('repartition_line_ids' in defaults)) vals.repartition_line_ids = await copiedLines(ctx, id);
    },
    checks: ACCOUNT_TAX_CHECKS,
  });
  // account.tax.group `_compute_country_id` (precomputed): the company's fiscal country, else its country.
  behaviours.register('account.tax.group', {
    beforeCreate: async (ctx, valsList) => {
      for (const vals of valsList) if (!('country_id' in vals)) vals.country_id = await companyCountry(ctx, typeof vals.company_id === 'number' ? vals.company_id : null);
    },
  });
  behaviours.register('account.tax.repartition.line', {
    beforeCreate: async (ctx, valsList) => {
      for (const vals of valsList) if (!('use_in_tax_closing' in vals)) vals.use_in_tax_closing = await usedInTaxClosing(ctx, vals.repartition_type ?? 'tax', vals.account_id);
    },
    afterWrite: async (ctx, ids, vals) => {
      if (!('account_id' in vals || 'repartition_type' in vals) || 'use_in_tax_closing' in vals) return;
      const r = await ctx.db.query<{ id: number; repartition_type: string; account_id: number | null }>(
        `SELECT id, repartition_type, account_id FROM account_tax_repartition_line WHERE id = ANY($1::int4[]) ORDER BY id`,
        [ids],
      );
      for (const row of r.rows) {
        const closing = await usedInTaxClosing(ctx, row.repartition_type, row.account_id);
        await ctx.db.query(`UPDATE account_tax_repartition_line SET use_in_tax_closing = $2 WHERE id = $1 AND use_in_tax_closing IS DISTINCT FROM $2`, [row.id, closing]);
      }
    },
  });
}

type DocumentType = 'invoice' | 'refund';
const DOCUMENT_TYPES: readonly DocumentType[] = ['invoice', 'refund'];
const typedField = (type: DocumentType) => `${type}_repartition_line_ids`;

/** `_sanitize_vals`: typed line commands moved into `repartition_line_ids` with their document type (in place). */
export function sanitizeRepartitionVals(vals: Vals): void {
  if ('repartition_line_ids' in vals && DOCUMENT_TYPES.some((type) => typedField(type) in vals)) delete vals.repartition_line_ids;
  for (const type of DOCUMENT_TYPES) {
    const name = typedField(type);
    if (!(name in vals)) continue;
    const commands = vals[name];
    const merged = Array.isArray(vals.repartition_line_ids) ? (vals.repartition_line_ids as unknown[]) : [];
    // Python iterates the value as given: a command list (anything else is the ORM's to refuse).
    for (const command of Array.isArray(commands) ? commands : []) {
      if (Array.isArray(command) && command[0] === 0) merged.push([0, command[1] ?? 0, { document_type: type, ...(command[2] as Vals) }]);
      else if (Array.isArray(command) && command[0] === 1) merged.push([1, command[1], { document_type: type, ...(command[2] as Vals) }]);
      else merged.push(command);
    }
    vals.repartition_line_ids = merged;
    vals[name] = [];
  }
}

const defaultLines = (type: DocumentType) => [
  [0, 0, { document_type: type, repartition_type: 'base', tag_ids: [] }],
  [0, 0, { document_type: type, repartition_type: 'tax', tag_ids: [] }],
];

/** Per create vals: the document types whose default lines come at the flush, after the constraints (no lines given in the batch). */
const defaultsAtFlush = new WeakMap<Vals, DocumentType[]>();

/**
 * The two repartition computes, for the document types whose field the vals do not give. Odoo
 * runs them at the flush that ends the create, after the create's own lines and after the
 * constraints that do not read the lines (a refused duplicate name creates none), field by field
 * over the batch (every new tax's invoice lines, then every refund line): without lines given
 * anywhere in the batch they are inserted after the create (insertDefaultLinesAtFlush). Lines
 * given are read by `_validate_repartition_lines`, which computes the defaults first: they then go
 * through `repartition_line_ids`, after the given ones.
 */
function addDefaultRepartitionLines(valsList: Vals[]): void {
  const linesGiven = valsList.some((vals) => 'repartition_line_ids' in vals);
  for (const vals of valsList) {
    const atFlush: DocumentType[] = [];
    for (const type of DOCUMENT_TYPES) {
      if (typedField(type) in vals) continue;
      // A type the given lines already cover keeps them (`if not tax.invoice_repartition_line_ids`).
      const given = Array.isArray(vals.repartition_line_ids) ? (vals.repartition_line_ids as unknown[]) : [];
      if (given.some((c) => Array.isArray(c) && c[0] === 0 && (c[2] as Vals | undefined)?.document_type === type)) continue;
      if (linesGiven) vals.repartition_line_ids = [...given, ...defaultLines(type)];
      else atFlush.push(type);
    }
    if (atFlush.length) defaultsAtFlush.set(vals, atFlush);
  }
}

/** The default base and tax lines of the batch's taxes, per document type then per tax, as the computes' flush inserts them. */
async function insertDefaultLinesAtFlush(ctx: CallContext, ids: number[], valsList: Vals[]): Promise<void> {
  for (const type of DOCUMENT_TYPES) {
    const taxIds = ids.filter((_id, i) => defaultsAtFlush.get(valsList[i]!)?.includes(type));
    for (const taxId of taxIds) {
      for (const repartitionType of ['base', 'tax']) {
        await ctx.db.query(
          `INSERT INTO account_tax_repartition_line (tax_id, company_id, document_type, repartition_type, factor_percent, sequence, use_in_tax_closing,
                                                     create_uid, write_uid, create_date, write_date)
           SELECT t.id, t.company_id, $2, $3, 100, 1, false, $4, $4, now() at time zone 'UTC', now() at time zone 'UTC' FROM account_tax t WHERE t.id = $1`,
          [taxId, type, repartitionType, ctx.uid],
        );
      }
    }
  }
}

/** The tax's repartition lines as copy_data gives them (by id, their copied fields; `tax_id` is the inverse the create sets). */
async function copiedLines(ctx: CallContext, taxId: number): Promise<unknown[]> {
  const r = await ctx.db.query<Vals & { tag_ids: number[] }>(
    `SELECT l.factor_percent::float8 AS factor_percent, l.repartition_type, l.document_type, l.account_id, l.sequence, l.use_in_tax_closing,
            ARRAY(SELECT t.account_account_tag_id FROM account_account_tag_account_tax_repartition_line_rel t WHERE t.account_tax_repartition_line_id = l.id ORDER BY t.account_account_tag_id) AS tag_ids
       FROM account_tax_repartition_line l WHERE l.tax_id = $1 ORDER BY l.id`,
    [taxId],
  );
  return r.rows.map(({ tag_ids: tags, ...line }) => [0, 0, { ...line, account_id: line.account_id ?? false, use_in_tax_closing: !!line.use_in_tax_closing, tag_ids: [[6, 0, tags]] }]);
}

/** `_compute_country_id` and `_compute_tax_group_id` (precomputed) for what the vals leave out. */
async function precomputeTax(ctx: CallContext, vals: Vals): Promise<Vals> {
  const out: Vals = {};
  const companyId = typeof vals.company_id === 'number' ? vals.company_id : null;
  let countryId = vals.country_id;
  if (!('country_id' in vals)) countryId = out.country_id = await companyCountry(ctx, companyId);
  if (!('tax_group_id' in vals)) out.tax_group_id = await defaultTaxGroup(ctx, companyId, typeof countryId === 'number' ? countryId : null);
  return out;
}

/** `company.account_fiscal_country_id or company.country_id` (the company's partner's country). */
async function companyCountry(ctx: CallContext, companyId: number | null): Promise<number | false> {
  if (!companyId) return false;
  const r = await ctx.db.query<{ country: number | null }>(
    `SELECT COALESCE(c.account_fiscal_country_id, p.country_id) AS country FROM res_company c LEFT JOIN res_partner p ON p.id = c.partner_id WHERE c.id = $1`,
    [companyId],
  );
  return r.rows[0]?.country ?? false;
}

/**
 * The tax group search of `_compute_tax_group_id` (a stored compute: as superuser): groups of the
 * company or one of its parents (`check_company_domain_parent_of`) for the country, else without a
 * country, first in the group order (sequence, id).
 */
async function defaultTaxGroup(ctx: CallContext, companyId: number | null, countryId: number | null): Promise<number | false> {
  for (const country of [countryId, null]) {
    const r = await ctx.db.query<{ id: number }>(
      `SELECT g.id FROM account_tax_group g
        WHERE g.company_id = ANY(COALESCE((SELECT string_to_array(rtrim(parent_path, '/'), '/')::int4[] FROM res_company WHERE id = $1), ARRAY[]::int4[]))
          AND g.country_id IS NOT DISTINCT FROM $2
        ORDER BY g.sequence, g.id LIMIT 1`,
      [companyId, country],
    );
    if (r.rows[0]) return r.rows[0].id;
  }
  return false;
}

/**
 * After a write of `company_id` (or `country_id`): the country follows the company and the group
 * is searched again where it no longer matches the tax's country or company, each unless written.
 */
async function recomputeCountryAndGroup(ctx: CallContext, ids: number[], vals: Vals): Promise<void> {
  const r = await ctx.db.query<{ id: number; company_id: number; country_id: number | null; group_country: number | null; group_company: number | null }>(
    `SELECT t.id, t.company_id, t.country_id, g.country_id AS group_country, g.company_id AS group_company
       FROM account_tax t LEFT JOIN account_tax_group g ON g.id = t.tax_group_id WHERE t.id = ANY($1::int4[]) ORDER BY t.id`,
    [ids],
  );
  for (const row of r.rows) {
    let country = row.country_id;
    if ('company_id' in vals && !('country_id' in vals)) {
      country = ((await companyCountry(ctx, row.company_id)) || row.country_id) as number | null;
      await ctx.db.query(`UPDATE account_tax SET country_id = $2 WHERE id = $1 AND country_id IS DISTINCT FROM $2`, [row.id, country]);
    }
    if ('tax_group_id' in vals) continue;
    if (row.group_country === country && row.group_company === row.company_id) continue;
    const group = await defaultTaxGroup(ctx, row.company_id, country);
    await ctx.db.query(`UPDATE account_tax SET tax_group_id = $2 WHERE id = $1 AND tax_group_id IS DISTINCT FROM $2`, [row.id, group || null]);
  }
}

/** account.tax.repartition.line `_compute_use_in_tax_closing`: a tax line on an account outside income and expense. */
async function usedInTaxClosing(ctx: CallContext, repartitionType: unknown, accountId: unknown): Promise<boolean> {
  if (repartitionType !== 'tax' || typeof accountId !== 'number' || !accountId) return false;
  // `internal_group` is the account type's first word (`_get_internal_group`).
  const r = await ctx.db.query<{ account_type: string | null }>(`SELECT account_type FROM account_account WHERE id = $1`, [accountId]);
  const group = r.rows[0]?.account_type?.split('_')[0];
  return !!r.rows[0] && group !== 'income' && group !== 'expense';
}
