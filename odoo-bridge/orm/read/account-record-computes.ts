import { sql } from 'kysely';
import { accessError, missingBehaviour } from '../../errors.ts';
import type { Sql } from '../domain/search-env.ts';
import { pythonFieldSql } from '../sql/python-field-sql.ts';
import { pyRepr } from '../domain/python-repr.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { placeholderCodeSql } from './account-placeholder-code.ts';
import { searchAsReader } from './partner-account-computes.ts';
import { readDenial } from './reader-denial.ts';
import { ACCOUNT_MOVE_COMPUTED_FIELDS } from './account-move-computes.ts';
import { ACCOUNT_JOURNAL_COMPUTED_FIELDS } from './account-journal-computes.ts';
import { ANALYTIC_STATEMENT_COMPUTED_FIELDS } from './analytic-statement-computes.ts';

/**
 * Non-stored computes of account.* records that an all-fields read (odoorpc, the web client)
 * answers, each from its Odoo 18 compute (cited beside it):
 *
 * | field | value |
 * |---|---|
 * | account.account company_currency_id / company_fiscal_country_code | env.company's currency / fiscal country code |
 * | account.account root_id | account.root of the placeholder code's first two characters: `[code, code]` (account.root's ids are strings) |
 * | account.account group_id | the account.group of env.company's root with the longest prefix range holding the code (then lowest id) |
 * | account.account used | a journal item uses the account (raw SQL in Odoo: every company, no rules) |
 * | account.account current_balance | balance of env.company's posted items on it, `_read_group` as the reader |
 * | account.account related_taxes_amount | taxes of env.company or none (`_check_company_domain`) with a repartition line on it, `search_count` as the reader |
 * | account.account opening_debit/credit/balance | sums of its lines in env.company's opening move (raw SQL) |
 * | account.account display_mapping_tab | the reader has more than one company (a plain non-stored field's default) |
 * | account.account code_mapping_ids | `account * 10000 + company` for each of the reader's companies (sequence, name) |
 * | account.account include_initial_balance | internal group not income/expense |
 * | account.move.line epd_dirty / discount_allocation_dirty | True (set first by the computes) |
 * | account.move.line is_refund | refund move types; on entries the tax line's document type, else the first tax's use against the side, flipped on a reversal |
 * | account.move.line currency_rate | invoices: the move's invoice_currency_rate; else company→line currency rate at the invoice date / date (root company's rates first), 1 without currency |
 * | account.move.line is_same_currency | currency_id = company_currency_id |
 * | account.move.line payment_date | discount_date while today <= it, else date_maturity |
 * | account.move.line cumulated_balance | 0 unless the context has order_cumulated_balance (refused then) |
 * | `<analytic mixin>` analytic_precision / distribution_analytic_account_ids | "Percentage Analytic" digits / the existing accounts of the distribution keys, in key order |
 * | account.tax is_used / has_negative_factor / repartition_lines_str | used by a journal item or a reconcile model line / an invoice tax line with a negative factor / str() of the repartition summary when used, else '' |
 * | account.tax.repartition.line factor / tag_ids_domain | factor_percent / 100 / the tax-tag domain of the company's countries |
 * | account.payment.term.line display_days_next_month | delay_type is days_end_of_month_on_the |
 * | account.payment.term currency_id | the company's currency, else env.company's |
 * | account.payment.term example_amount / example_date / example_invalid | plain non-stored fields' defaults: 1000 / the context's example_date, else today (server date, UTC) / no line (read as the reader: its AccessError) |
 * | account.reconcile.model number_entries / show_decimal_separator | items it reconciled (`_read_group` as the reader) / a regex line |
 * | account.reconcile.model.line show_force_tax_included | exactly one tax |
 * | account.bank.statement currency_id | the journal's currency, else the company's |
 * | account.move, account.bank.statement.line (through `_inherits`) | see account-move-computes.ts |
 * | account.journal | see account-journal-computes.ts |
 * | account.analytic.account, account.bank.statement validity | see analytic-statement-computes.ts |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const envCompany = (scope: ComputeScope) => sql`${scope.env.companyId ?? null}::int4`;
/** env.company.root_id: the first label of its parent_path. */
const envRootCompany = (scope: ComputeScope) => sql`(SELECT split_part(c.parent_path, '/', 1)::int FROM res_company c WHERE c.id = ${envCompany(scope)})`;
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const accountCode = (scope: ComputeScope, a: string) => pythonFieldSql(scope.env, scope.env.registry.model('account.account')!, 'code', a) ?? sql`NULL`;

/** `_read_group` / `search_count` of journal items as the reader: its ACL and rules on `alias`. */
function itemsAsReader(scope: ComputeScope) {
  return searchAsReader(scope, 'account.move.line', []);
}

const ACCOUNT_FIELDS: Record<string, ComputedField> = {
  // account_account.py `_compute_company_currency_id` (depends_context company).
  'account.account.company_currency_id': {
    dependsOn: [], readsTables: ['res_company'], many2one: 'res.currency',
    select: (_a, scope) => sql`(SELECT c.currency_id FROM res_company c WHERE c.id = ${envCompany(scope)})`,
    compute: (r) => r.company_currency_id ?? false,
  },
  // `_compute_company_fiscal_country_code`: env.company.account_fiscal_country_id.code.
  'account.account.company_fiscal_country_code': {
    dependsOn: [], readsTables: ['res_company', 'res_country'],
    select: (_a, scope) => sql`(SELECT co.code FROM res_company c JOIN res_country co ON co.id = c.account_fiscal_country_id WHERE c.id = ${envCompany(scope)})`,
    compute: (r) => r.company_fiscal_country_code ?? false,
  },
  // `_compute_account_root`: account.root `_from_account_code(placeholder_code)` = browse(code[:2]);
  // account.root's id is that string and its display name its name, the id again.
  'account.account.root_id': {
    dependsOn: [], readsTables: ['account_account', 'res_company', 'account_account_res_company_rel', 'res_company_users_rel'],
    select: (a, scope) => sql`left(${placeholderCodeSql(a, scope)}, 2)`,
    compute: (r) => (typeof r.root_id === 'string' && r.root_id ? [r.root_id, r.root_id] : false),
  },
  // `_compute_account_group`: DISTINCT ON the code, the group of env.company's root whose prefix
  // range holds the code, longest start prefix first, then lowest id.
  'account.account.group_id': {
    dependsOn: [], readsTables: ['account_account', 'account_group', 'res_company'], many2one: 'account.group',
    select: (a, scope) => {
      const code = accountCode(scope, a);
      return sql`(SELECT g.id FROM account_group g WHERE g.company_id = ${envRootCompany(scope)}
          AND g.code_prefix_start <= left(${code}, char_length(g.code_prefix_start)) AND g.code_prefix_end >= left(${code}, char_length(g.code_prefix_end))
        ORDER BY char_length(g.code_prefix_start) DESC, g.id LIMIT 1)`;
    },
    compute: (r) => r.group_id ?? false,
  },
  // `_compute_used` (`_search_used`: raw SQL over every journal item).
  'account.account.used': {
    dependsOn: [], readsTables: ['account_move_line'],
    select: (a) => sql`EXISTS (SELECT 1 FROM account_move_line aml WHERE aml.account_id = ${column(a, 'id')})`,
    compute: (r) => r.used === true,
  },
  // `_compute_current_balance`: `_read_group` of posted items of env.company, as the reader.
  'account.account.current_balance': {
    dependsOn: [], readsTables: ['account_move_line'],
    select: (a, scope) => {
      const items = itemsAsReader(scope);
      const i = (name: string) => column(items.alias, name);
      return sql`(SELECT COALESCE(sum(${i('balance')}), 0)::float8 FROM ${sql.table(items.table)} AS ${sql.table(items.alias)}
        WHERE ${i('account_id')} = ${column(a, 'id')} AND ${i('parent_state')} = 'posted' AND ${i('company_id')} = ${envCompany(scope)} AND ${items.where})`;
    },
    compute: (r) => Number(r.current_balance ?? 0),
  },
  // `_compute_related_taxes_amount`: search_count of taxes (active ones) of env.company's
  // `_check_company_domain` (company_id in [env.company, False]) with a repartition line on the account.
  'account.account.related_taxes_amount': {
    dependsOn: [], readsTables: ['account_tax', 'account_tax_repartition_line', 'res_company'],
    select: (a, scope) => {
      const taxes = searchAsReader(scope, 'account.tax', [['company_id', 'in', [scope.env.companyId ?? false, false]]]);
      const t = (name: string) => column(taxes.alias, name);
      return sql`(SELECT count(*)::int FROM ${sql.table(taxes.table)} AS ${sql.table(taxes.alias)} WHERE ${taxes.where}
        AND EXISTS (SELECT 1 FROM account_tax_repartition_line rl WHERE rl.tax_id = ${t('id')} AND rl.account_id = ${column(a, 'id')}))`;
    },
    compute: (r) => Number(r.related_taxes_amount ?? 0),
  },
  'account.account.opening_debit': openingSum('debit'),
  'account.account.opening_credit': openingSum('credit'),
  'account.account.opening_balance': openingSum('balance'),
  // `display_mapping_tab = fields.Boolean(default=lambda self: len(self.env.user.company_ids) > 1, store=False)`.
  'account.account.display_mapping_tab': {
    dependsOn: [], readsTables: ['res_company_users_rel'],
    select: (_a, scope) => sql`((SELECT count(*) FROM res_company_users_rel r WHERE r.user_id = ${sql.lit(scope.uid)}) > 1)`,
    compute: (r) => r.display_mapping_tab === true,
  },
  // account_code_mapping.py `_search`: one mapping per account and company of env.user, sorted
  // by (sequence, name), its id `account_id * 10000 + company_id`.
  'account.account.code_mapping_ids': {
    dependsOn: [], readsTables: ['res_company', 'res_company_users_rel'],
    select: (a, scope) => sql`(SELECT COALESCE(json_agg(${column(a, 'id')} * 10000 + c.id ORDER BY c.sequence, c.name, c.id), '[]')
        FROM res_company c JOIN res_company_users_rel r ON r.cid = c.id WHERE r.user_id = ${sql.lit(scope.uid)})`,
    compute: (r) => json<number[]>(r.code_mapping_ids ?? '[]'),
  },
  // `_compute_include_initial_balance`: internal_group (account_type's prefix) not income / expense.
  'account.account.include_initial_balance': {
    dependsOn: ['account_type'],
    compute: (r) => !['income', 'expense'].includes(r.account_type ? String(r.account_type).split('_')[0]! : ''),
  },
};

/** `_compute_opening_debit_credit`: the account's sums in env.company's opening move, 0 without one. */
function openingSum(which: 'debit' | 'credit' | 'balance'): ComputedField {
  return {
    dependsOn: [], readsTables: ['account_move_line', 'res_company'],
    select: (a, scope) => sql`(SELECT COALESCE(sum(l.${sql.raw(which)}), 0)::float8 FROM account_move_line l
        WHERE l.move_id = (SELECT c.account_opening_move_id FROM res_company c WHERE c.id = ${envCompany(scope)}) AND l.account_id = ${column(a, 'id')})`,
    compute: (r) => Number(r[`opening_${which}`] ?? 0),
  };
}

/** analytic_mixin.py: `analytic_precision` defaults to the "Percentage Analytic" digits (2 without the record). */
const analyticPrecision: ComputedField = {
  dependsOn: [], readsTables: ['decimal_precision'],
  select: () => sql`(SELECT dp.digits FROM decimal_precision dp WHERE dp.name = 'Percentage Analytic' LIMIT 1)`,
  compute: (r) => (r.analytic_precision === null || r.analytic_precision === undefined ? 2 : Number(r.analytic_precision)),
};

/**
 * analytic_mixin.py `_compute_distribution_analytic_account_ids`: the account ids of the
 * distribution's keys ("1,2" keys name several), in the order the jsonb keys come back, each
 * once, those that exist (`browse().exists()`: no rules).
 */
const distributionAccounts: ComputedField = {
  dependsOn: [], readsTables: ['account_analytic_account'],
  select: (a) => sql`(SELECT COALESCE(json_agg(x.id ORDER BY x.pos), '[]') FROM (
      SELECT k.id, min(k.pos) AS pos FROM (
        SELECT part::int AS id, key_pos * 1000 + part_pos AS pos
          FROM jsonb_object_keys(COALESCE(${column(a, 'analytic_distribution')}, '{}'::jsonb)) WITH ORDINALITY AS keys(key, key_pos),
               unnest(string_to_array(keys.key, ',')) WITH ORDINALITY AS parts(part, part_pos)) k
      WHERE EXISTS (SELECT 1 FROM account_analytic_account aa WHERE aa.id = k.id) GROUP BY k.id) x)`,
  compute: (r) => json<number[]>(r.distribution_analytic_account_ids ?? '[]'),
};

const INVOICE_TYPES = ['out_invoice', 'out_refund', 'out_receipt', 'in_invoice', 'in_refund', 'in_receipt'];

/** res.currency `_get_rates(company, date)`: the currency's rate of the company's root (then shared) on or before the date, else 1. */
function rateAt(currency: Sql, rootCompany: Sql, date: Sql): Sql {
  return sql`COALESCE((SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = ${currency} AND r.name <= ${date}
      AND (r.company_id IS NULL OR r.company_id = ${rootCompany}) ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)`;
}

/** `fields.Date.context_today`: today in the context's timezone, else the reader's, else UTC. */
function contextToday(scope: ComputeScope): Sql {
  const tz = typeof scope.env.context?.tz === 'string' && scope.env.context.tz ? scope.env.context.tz : null;
  const userTz = sql`(SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ${sql.lit(scope.uid)})`;
  return sql`(now() AT TIME ZONE COALESCE(${tz}::text, ${userTz}, 'UTC'))::date`;
}

const MOVE_LINE_FIELDS: Record<string, ComputedField> = {
  // account_move_line.py `_compute_epd_needed` / `_compute_discount_allocation_needed` set the flag first.
  'account.move.line.epd_dirty': { dependsOn: [], compute: () => true },
  'account.move.line.discount_allocation_dirty': { dependsOn: [], compute: () => true },
  // `_compute_is_refund`.
  'account.move.line.is_refund': {
    dependsOn: ['debit', 'credit'], readsTables: ['account_move', 'account_tax_repartition_line', 'account_move_line_account_tax_rel', 'account_tax'],
    select: (a) => sql`(SELECT json_build_object('move_type', m.move_type, 'reversed', m.reversed_entry_id IS NOT NULL,
        'rep_doc', (SELECT rl.document_type FROM account_tax_repartition_line rl WHERE rl.id = ${column(a, 'tax_repartition_line_id')}),
        'has_rep', ${column(a, 'tax_repartition_line_id')} IS NOT NULL,
        'tax_use', (SELECT t.type_tax_use FROM account_move_line_account_tax_rel rel JOIN account_tax t ON t.id = rel.account_tax_id
                     WHERE rel.account_move_line_id = ${column(a, 'id')} ORDER BY t.sequence, t.id LIMIT 1),
        'has_taxes', EXISTS (SELECT 1 FROM account_move_line_account_tax_rel rel WHERE rel.account_move_line_id = ${column(a, 'id')}))
      FROM account_move m WHERE m.id = ${column(a, 'move_id')})`,
    compute: (r) => {
      const f = json<{ move_type: string; reversed: boolean; rep_doc: string | null; has_rep: boolean; tax_use: string | null; has_taxes: boolean } | null>(r.is_refund);
      if (!f) return false;
      if (f.move_type === 'out_refund' || f.move_type === 'in_refund') return true;
      if (f.move_type !== 'entry') return false;
      if (f.has_rep) return f.rep_doc === 'refund';
      let refund = (f.tax_use === 'sale' && Number(r.credit) === 0) || (f.tax_use === 'purchase' && Number(r.debit) === 0);
      if (f.has_taxes && f.reversed) refund = !refund;
      return refund;
    },
  },
  // `_compute_currency_rate` (`_get_conversion_rate` from the company currency, `_get_rate_date`).
  'account.move.line.currency_rate': {
    dependsOn: [], readsTables: ['account_move', 'res_currency_rate', 'res_company'],
    select: (a, scope) => {
      const m = (name: string) => sql`(SELECT mv.${sql.raw(name)} FROM account_move mv WHERE mv.id = ${column(a, 'move_id')})`;
      const root = sql`(SELECT split_part(c.parent_path, '/', 1)::int FROM res_company c WHERE c.id = ${column(a, 'company_id')})`;
      const date = sql`COALESCE(${m('invoice_date')}, ${m('date')}, ${contextToday(scope)})`;
      return sql`(CASE WHEN ${m('move_type')} = ANY(${sql.val(INVOICE_TYPES)}::text[]) THEN ${m('invoice_currency_rate')}
        WHEN ${column(a, 'currency_id')} IS NULL THEN 1
        WHEN ${column(a, 'currency_id')} = ${column(a, 'company_currency_id')} THEN 1
        ELSE ${rateAt(column(a, 'currency_id'), root, date)} / ${rateAt(column(a, 'company_currency_id'), root, date)} END)::float8`;
    },
    compute: (r) => (r.currency_rate === null || r.currency_rate === undefined ? 0 : Number(r.currency_rate)),
  },
  // `_compute_same_currency`.
  'account.move.line.is_same_currency': {
    dependsOn: ['currency_id', 'company_currency_id'],
    compute: (r) => (r.currency_id ?? null) === (r.company_currency_id ?? null),
  },
  // `_compute_payment_date`: the discount date while it has not passed (date.today(): the server's, UTC), else the due date.
  'account.move.line.payment_date': {
    dependsOn: [], readsTables: [],
    select: (a) => sql`to_char(CASE WHEN ${column(a, 'discount_date')} IS NOT NULL AND (now() AT TIME ZONE 'UTC')::date <= ${column(a, 'discount_date')}
        THEN ${column(a, 'discount_date')} ELSE ${column(a, 'date_maturity')} END, 'YYYY-MM-DD')`,
    compute: (r) => r.payment_date ?? false,
  },
  // `_compute_cumulated_balance`: 0 outside a list view's search (order_cumulated_balance in the context).
  'account.move.line.cumulated_balance': {
    dependsOn: [], readsTables: [],
    select: (_a, scope) => {
      if (scope.env.context?.order_cumulated_balance) throw missingBehaviour('account.move.line', 'the computed field cumulated_balance with order_cumulated_balance in the context');
      return sql`NULL`;
    },
    compute: () => 0,
  },
  'account.move.line.analytic_precision': analyticPrecision,
  'account.move.line.distribution_analytic_account_ids': distributionAccounts,
};

/** account_tax.py `_compute_is_used`: a journal item or a reconcile model line names the tax (raw SQL). */
function taxUsed(scope: ComputeScope, tax: Sql): Sql {
  // `_hook_compute_is_used` of point_of_sale, purchase and hr_expense adds their lines' taxes.
  for (const other of ['pos.order.line', 'purchase.order.line', 'hr.expense']) {
    if (scope.env.registry.model(other)) throw missingBehaviour('account.tax', `the computed field is_used with ${other} installed`);
  }
  return sql`(EXISTS (SELECT 1 FROM account_move_line_account_tax_rel l WHERE l.account_tax_id = ${tax})
    OR EXISTS (SELECT 1 FROM account_reconcile_model_line_account_tax_rel r WHERE r.account_tax_id = ${tax}))`;
}

interface RepartitionFacts { document_type: string; factor_percent: number; account: string | null; tags: string[]; closing: boolean }

const TAX_FIELDS: Record<string, ComputedField> = {
  'account.tax.is_used': {
    dependsOn: [], readsTables: ['account_move_line_account_tax_rel', 'account_reconcile_model_line_account_tax_rel'],
    select: (a, scope) => taxUsed(scope, column(a, 'id')),
    compute: (r) => r.is_used === true,
  },
  // `_compute_has_negative_factor`: an invoice repartition line of type tax with a negative factor.
  'account.tax.has_negative_factor': {
    dependsOn: [], readsTables: ['account_tax_repartition_line'],
    select: (a) => sql`EXISTS (SELECT 1 FROM account_tax_repartition_line rl WHERE rl.tax_id = ${column(a, 'id')}
        AND rl.document_type = 'invoice' AND rl.repartition_type = 'tax' AND rl.factor_percent / 100.0 < 0)`,
    compute: (r) => r.has_negative_factor === true,
  },
  // `_compute_repartition_lines_str`: '' for an unused tax; for a used one str() of
  // {(document_type, n): {'Factor Percent', 'Account', 'Tax Grids', 'Use in tax closing'}}, the lines
  // sorted by (document_type, sequence) and numbered per document type.
  'account.tax.repartition_lines_str': {
    dependsOn: [], readsTables: ['account_tax_repartition_line', 'account_account', 'account_account_tag', 'account_account_tag_account_tax_repartition_line_rel', 'account_move_line_account_tax_rel', 'account_reconcile_model_line_account_tax_rel'],
    select: (a, scope) => {
      const accountName = sql`(SELECT ${accountCode(scope, 'acc')} || ' ' || COALESCE(acc.name->>${scope.env.lang}::text, acc.name->>'en_US') FROM account_account acc WHERE acc.id = rl.account_id)`;
      const tagName = sql`COALESCE(tag.name->>${scope.env.lang}::text, tag.name->>'en_US')`;
      return sql`CASE WHEN ${taxUsed(scope, column(a, 'id'))} THEN (SELECT COALESCE(json_agg(json_build_object('document_type', rl.document_type, 'factor_percent', rl.factor_percent::float8,
          'account', ${accountName}, 'closing', COALESCE(rl.use_in_tax_closing, false),
          'tags', (SELECT COALESCE(json_agg(${tagName} ORDER BY tag.name->>'en_US', tag.id), '[]') FROM account_account_tag_account_tax_repartition_line_rel tr
                   JOIN account_account_tag tag ON tag.id = tr.account_account_tag_id WHERE tr.account_tax_repartition_line_id = rl.id))
          ORDER BY rl.document_type, rl.sequence, rl.id), '[]')
        FROM account_tax_repartition_line rl WHERE rl.tax_id = ${column(a, 'id')}) END`;
    },
    compute: (r) => {
      if (r.repartition_lines_str === null || r.repartition_lines_str === undefined) return '';
      const counters: Record<string, number> = {};
      const entries = json<RepartitionFacts[]>(r.repartition_lines_str).map((line) => {
        const n = (counters[line.document_type] = (counters[line.document_type] ?? 0) + 1);
        const info = `{'Factor Percent': ${pyFloat(line.factor_percent)}, 'Account': ${pyRepr(line.account || 'None')}, 'Tax Grids': ${line.tags.length ? pyRepr(line.tags) : "'None'"}, 'Use in tax closing': ${line.closing ? "'True'" : "'False'"}}`;
        return `(${pyRepr(line.document_type)}, ${n}): ${info}`;
      });
      return `{${entries.join(', ')}}`;
    },
  },
  // `_compute_factor`.
  'account.tax.repartition.line.factor': { dependsOn: ['factor_percent'], compute: (r) => Number(r.factor_percent ?? 0) / 100 },
  // `_compute_tag_ids_domain`: tax tags of no country, the company's fiscal country or its foreign-VAT countries.
  'account.tax.repartition.line.tag_ids_domain': {
    dependsOn: [], readsTables: ['res_company', 'account_fiscal_position'],
    select: (a, scope) => {
      const positions = searchAsReader(scope, 'account.fiscal.position', [['foreign_vat', '!=', false]]);
      const f = (name: string) => column(positions.alias, name);
      return sql`json_build_array((SELECT c.account_fiscal_country_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}),
        (SELECT COALESCE(json_agg(${f('country_id')} ORDER BY ${f('id')}) FILTER (WHERE ${f('country_id')} IS NOT NULL), '[]')
           FROM ${sql.table(positions.table)} AS ${sql.table(positions.alias)} WHERE ${f('company_id')} = ${column(a, 'company_id')} AND ${positions.where}))`;
    },
    compute: (r) => {
      const [fiscal, foreign] = json<[number | null, number[]]>(r.tag_ids_domain);
      return [['applicability', '=', 'taxes'], ['country_id', 'in', [false, fiscal ?? false, ...new Set(foreign)]]];
    },
  },
};

/** Python's repr of a float (always with a fraction or exponent). */
function pyFloat(value: number): string {
  const text = pyRepr(value);
  return /[.e]|inf|nan/.test(text) ? text : `${text}.0`;
}

const OTHER_FIELDS: Record<string, ComputedField> = {
  // account_payment_term.py `_compute_display_days_next_month`.
  'account.payment.term.line.display_days_next_month': { dependsOn: ['delay_type'], compute: (r) => r.delay_type === 'days_end_of_month_on_the' },
  // account_payment_term.py `_compute_currency_id` (depends_context company).
  'account.payment.term.currency_id': {
    dependsOn: [], readsTables: ['res_company'], many2one: 'res.currency',
    select: (a, scope) => sql`COALESCE((SELECT c.currency_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}),
      (SELECT c.currency_id FROM res_company c WHERE c.id = ${envCompany(scope)}))`,
    compute: (r) => r.currency_id ?? false,
  },
  // account_payment_term.py: `example_amount = fields.Monetary(default=1000, store=False)`,
  // `example_date` (default `_default_example_date`), `_compute_example_invalid`.
  'account.payment.term.example_amount': { dependsOn: [], compute: () => 1000 },
  'account.payment.term.example_date': {
    dependsOn: [], readsTables: [],
    select: (_a, scope) => {
      const given = scope.env.context?.example_date;
      return given ? sql`${String(given)}::text` : sql`to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`;
    },
    compute: (r) => r.example_date ?? false,
  },
  // `not payment_term.line_ids`: the lines read as the reader (their read right, raised per record; their rules).
  'account.payment.term.example_invalid': {
    dependsOn: [], readsTables: ['account_payment_term_line'],
    select: (a, scope) => {
      const denied = readDenial(scope, 'account.payment.term.line');
      if (denied) return sql`json_build_object('denied', ${denied}::text)`;
      const lines = searchAsReader(scope, 'account.payment.term.line', []);
      return sql`json_build_object('invalid', NOT EXISTS (SELECT 1 FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)}
        WHERE ${sql.ref(`${lines.alias}.payment_id`)} = ${column(a, 'id')} AND ${lines.where}))`;
    },
    compute: (r) => {
      const facts = json<{ denied?: string; invalid?: boolean }>(r.example_invalid);
      if (facts.denied) throw accessError(facts.denied);
      return facts.invalid === true;
    },
  },
  // account_reconcile_model.py `_compute_number_entries`: `_read_group` of items as the reader.
  'account.reconcile.model.number_entries': {
    dependsOn: [], readsTables: ['account_move_line'],
    select: (a, scope) => {
      const items = itemsAsReader(scope);
      return sql`(SELECT count(*)::int FROM ${sql.table(items.table)} AS ${sql.table(items.alias)}
        WHERE ${column(items.alias, 'reconcile_model_id')} = ${column(a, 'id')} AND ${items.where})`;
    },
    compute: (r) => Number(r.number_entries ?? 0),
  },
  // `_compute_show_decimal_separator`: a line of amount type regex.
  'account.reconcile.model.show_decimal_separator': {
    dependsOn: [], readsTables: ['account_reconcile_model_line'],
    select: (a) => sql`EXISTS (SELECT 1 FROM account_reconcile_model_line l WHERE l.model_id = ${column(a, 'id')} AND l.amount_type = 'regex')`,
    compute: (r) => r.show_decimal_separator === true,
  },
  // `_compute_show_force_tax_included`: exactly one tax.
  'account.reconcile.model.line.show_force_tax_included': {
    dependsOn: [], readsTables: ['account_reconcile_model_line_account_tax_rel'],
    select: (a) => sql`((SELECT count(*) FROM account_reconcile_model_line_account_tax_rel r WHERE r.account_reconcile_model_line_id = ${column(a, 'id')}) = 1)`,
    compute: (r) => r.show_force_tax_included === true,
  },
  'account.reconcile.model.line.analytic_precision': analyticPrecision,
  'account.reconcile.model.line.distribution_analytic_account_ids': distributionAccounts,
  // account_bank_statement.py `_compute_currency_id`.
  'account.bank.statement.currency_id': {
    dependsOn: [], readsTables: ['account_journal', 'res_company'], many2one: 'res.currency',
    select: (a) => sql`COALESCE((SELECT j.currency_id FROM account_journal j WHERE j.id = ${column(a, 'journal_id')}),
      (SELECT c.currency_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}))`,
    compute: (r) => r.currency_id ?? false,
  },
};

export const ACCOUNT_RECORD_COMPUTED_FIELDS: Record<string, ComputedField> = {
  ...ACCOUNT_FIELDS, ...MOVE_LINE_FIELDS, ...TAX_FIELDS, ...OTHER_FIELDS, ...ACCOUNT_MOVE_COMPUTED_FIELDS, ...ACCOUNT_JOURNAL_COMPUTED_FIELDS, ...ANALYTIC_STATEMENT_COMPUTED_FIELDS,
};
