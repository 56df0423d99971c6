import { userError, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { modelSearchSource, searchIds, countRows } from '../../methods/search-source.ts';
import type { ConstraintCheck } from '../constraint-check.ts';

/**
 * account.tax's `@api.constrains` (addons/account/models/account_tax.py 18), each run after the
 * rows are written (they search or read other records, which flushes first in Odoo).
 */
export const ACCOUNT_TAX_CHECKS: Readonly<Record<string, ConstraintCheck>> = {
  _constrains_name: { flushed: checkUniqueNames },
  validate_tax_group_id: { flushed: checkTaxGroupCountry },
  _validate_repartition_lines: { flushed: checkRepartitionLines },
  _check_children_scope: { flushed: checkChildren },
  _check_company_consistency: { flushed: checkCompanyConsistency },
};

interface TaxRow {
  id: number;
  name: string;
  type_tax_use: string;
  tax_scope: string | null;
  amount_type: string;
  company_id: number;
  country_id: number | null;
  root_company: number;
}

/** The taxes in the order the constraint walks them (the ids as given), names in the user's language. */
async function taxes(ctx: CallContext, ids: number[]): Promise<TaxRow[]> {
  const r = await ctx.db.query<TaxRow>(
    `SELECT t.id, COALESCE(t.name->>$2, t.name->>'en_US') AS name, t.type_tax_use, t.tax_scope, t.amount_type, t.company_id, t.country_id,
            split_part(c.parent_path, '/', 1)::int4 AS root_company
       FROM account_tax t JOIN res_company c ON c.id = t.company_id WHERE t.id = ANY($1::int4[])`,
    [ids, ctx.lang],
  );
  const byId = new Map(r.rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is TaxRow => !!row);
}

/**
 * `_constrains_name`: per 100 taxes, one search (as the user: active ones, record rules) for another
 * tax of the same name, use, scope and country in the tax's root company or its branches (taxes
 * of use 'none' are not checked). "Tax names must be unique!" lists each duplicate with its company.
 */
async function checkUniqueNames(ctx: CallContext, ids: number[]): Promise<void> {
  const model = ctx.registry.model('account.tax')!;
  const rows = await taxes(ctx, ids);
  for (let start = 0; start < rows.length; start += 100) {
    const domains = rows
      .slice(start, start + 100)
      .filter((tax) => tax.type_tax_use !== 'none')
      .map((tax) => [
        '&', '&', '&', '&', '&',
        ['company_id', 'child_of', tax.root_company],
        ['name', '=', tax.name],
        ['type_tax_use', '=', tax.type_tax_use],
        ['tax_scope', '=', tax.tax_scope ?? false],
        ['country_id', '=', tax.country_id ?? false],
        ['id', '!=', tax.id],
      ]);
    if (!domains.length) continue;
    const domain = [...Array<string>(domains.length - 1).fill('|'), ...domains.flat()];
    const source = await modelSearchSource(ctx, model, domain, { order: model.order, limit: null, offset: 0 });
    const duplicates = [...(await searchIds(ctx, model, source))];
    if (!duplicates.length) continue;
    const r = await ctx.db.query<{ id: number; name: string; company: string }>(
      `SELECT t.id, COALESCE(t.name->>$2, t.name->>'en_US') AS name, c.name AS company FROM account_tax t JOIN res_company c ON c.id = t.company_id WHERE t.id = ANY($1::int4[])`,
      [duplicates, ctx.lang],
    );
    const byId = new Map(r.rows.map((row) => [row.id, row]));
    const lines = duplicates.map((id) => `- ${byId.get(id)!.name} in ${byId.get(id)!.company}`);
    throw validationError(`Tax names must be unique!\n${lines.join('\n')}`);
  }
}

/** `validate_tax_group_id`: a group with a country belongs to taxes of that country. */
async function checkTaxGroupCountry(ctx: CallContext, ids: number[]): Promise<void> {
  const r = await ctx.db.query(
    `SELECT 1 FROM account_tax t JOIN account_tax_group g ON g.id = t.tax_group_id
      WHERE t.id = ANY($1::int4[]) AND g.country_id IS NOT NULL AND g.country_id IS DISTINCT FROM t.country_id LIMIT 1`,
    [ids],
  );
  if (r.rowCount) throw validationError('The tax group must have the same country_id as the tax using it.');
}

interface LineRow {
  tax_id: number;
  document_type: string;
  repartition_type: string;
  factor_percent: number;
}

/**
 * `_validate_repartition_lines` (with `_check_repartition_lines`), per tax: a group without any
 * line is fine; else each document type has exactly one base line, both types as many lines, at
 * least one tax line each, matching types and percentages line by line (sequence, id), and the
 * invoice tax lines' positive factors total 100 % (negative ones, if any, -100 %), to 2 digits.
 */
async function checkRepartitionLines(ctx: CallContext, ids: number[]): Promise<void> {
  const rows = await taxes(ctx, ids);
  const r = await ctx.db.query<LineRow>(
    `SELECT tax_id, document_type, repartition_type, factor_percent::float8 AS factor_percent FROM account_tax_repartition_line
      WHERE tax_id = ANY($1::int4[]) ORDER BY sequence, id`,
    [ids],
  );
  for (const tax of rows) {
    const invoice = r.rows.filter((l) => l.tax_id === tax.id && l.document_type === 'invoice');
    const refund = r.rows.filter((l) => l.tax_id === tax.id && l.document_type === 'refund');
    if (tax.amount_type === 'group' && !invoice.length && !refund.length) continue;
    for (const lines of [invoice, refund]) {
      if (lines.filter((l) => l.repartition_type === 'base').length !== 1) {
        throw validationError('Invoice and credit note distribution should each contain exactly one line for the base.');
      }
    }
    if (invoice.length !== refund.length) throw validationError('Invoice and credit note distribution should have the same number of lines.');
    if (!invoice.some((l) => l.repartition_type === 'tax') || !refund.some((l) => l.repartition_type === 'tax')) {
      throw validationError('Invoice and credit note repartition should have at least one tax repartition line.');
    }
    for (const [index, line] of invoice.entries()) {
      const other = refund[index]!;
      if (line.repartition_type !== other.repartition_type || line.factor_percent !== other.factor_percent) {
        throw validationError('Invoice and credit note distribution should match (same percentages, in the same order).');
      }
    }
    // `factor` is `factor_percent / 100`; float_compare(…, precision_digits=2) compares the rounded difference.
    const factors = invoice.filter((l) => l.repartition_type === 'tax').map((l) => l.factor_percent / 100);
    const positive = factors.filter((f) => f > 0).reduce((a, b) => a + b, 0);
    if (differsAt2Digits(positive, 1)) throw validationError('Invoice and credit note distribution should have a total factor (+) equals to 100.');
    const negative = factors.filter((f) => f < 0).reduce((a, b) => a + b, 0);
    if (negative && differsAt2Digits(negative, -1)) throw validationError('Invoice and credit note distribution should have a total factor (-) equals to 100.');
  }
}

/** `float_compare(a, b, precision_digits=2) != 0`: the difference rounded half away from zero at 2 digits is not zero. */
function differsAt2Digits(a: number, b: number): boolean {
  const scaled = (a - b) * 100;
  const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled) + Number.EPSILON * Math.abs(scaled) * 4);
  return rounded !== 0;
}

/**
 * `_check_children_scope`, per tax: it does not reach itself through `children_tax_ids`
 * (`_has_cycle`), children of the group's use or
 * 'none' and of its scope or none, and no child that is a group itself.
 */
async function checkChildren(ctx: CallContext, ids: number[]): Promise<void> {
  for (const tax of await taxes(ctx, ids)) {
    const cycle = await ctx.db.query(
      `WITH RECURSIVE reach(source, destination) AS (
         SELECT parent_tax, child_tax FROM account_tax_filiation_rel WHERE parent_tax = $1
         UNION
         SELECT reach.source, r.child_tax FROM reach JOIN account_tax_filiation_rel r ON r.parent_tax = reach.destination
       ) SELECT 1 FROM reach WHERE source = destination LIMIT 1`,
      [tax.id],
    );
    if (cycle.rowCount) throw validationError(`Recursion found for tax “${tax.name}”.`);
    const children = await ctx.db.query<{ type_tax_use: string; tax_scope: string | null; amount_type: string }>(
      `SELECT c.type_tax_use, c.tax_scope, c.amount_type FROM account_tax_filiation_rel r JOIN account_tax c ON c.id = r.child_tax WHERE r.parent_tax = $1 ORDER BY c.sequence, c.id`,
      [tax.id],
    );
    if (children.rows.some((c) => (c.type_tax_use !== 'none' && c.type_tax_use !== tax.type_tax_use) || (c.tax_scope !== null && c.tax_scope !== tax.tax_scope))) {
      throw validationError('The application scope of taxes in a group must be either the same as the group or left empty.');
    }
    if (children.rows.some((c) => c.amount_type === 'group')) throw validationError('Nested group of taxes are not allowed.');
  }
}

/**
 * `_check_company_consistency`: per company, no journal item the user can see (search_count as
 * the user) uses the taxes (as its tax line's tax or among its taxes) outside that company and
 * its branches.
 */
async function checkCompanyConsistency(ctx: CallContext, ids: number[]): Promise<void> {
  const moveLine = ctx.registry.model('account.move.line');
  if (!moveLine) return;
  const r = await ctx.db.query<{ company_id: number; ids: number[] }>(
    `SELECT company_id, array_agg(id ORDER BY id) AS ids FROM account_tax WHERE id = ANY($1::int4[]) GROUP BY company_id ORDER BY min(id)`,
    [ids],
  );
  for (const group of r.rows) {
    const domain = ['|', ['tax_line_id', 'in', group.ids], ['tax_ids', 'in', group.ids], '!', ['company_id', 'child_of', group.company_id]];
    if (await countRows(ctx, moveLine, domain, 1)) throw userError("You can't change the company of your tax since there are some journal items linked to it.");
  }
}
