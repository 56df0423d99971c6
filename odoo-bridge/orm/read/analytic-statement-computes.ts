import { sql } from 'kysely';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import type { Sql } from '../domain/search-env.ts';
import { envCompanies } from './account-computes.ts';
import { searchAsReader } from './partner-account-computes.ts';

/**
 * Non-stored computes of account.analytic.account and account.bank.statement answered by an
 * all-fields read (Odoo 18):
 *
 * | field | value |
 * |---|---|
 * | account.analytic.account line_ids | analytic/models/analytic_account.py: lines whose plan column (`auto_account_id`: any plan's) is the account, as the reader, in the line `_order` (date desc, id desc) |
 * | account.analytic.account balance | `_compute_debit_credit_balance`: the reader's lines of env.companies (or none) on the account's root-plan column (from_date/to_date of the context honoured), summed per currency and each sum converted to env.company's currency at today's rate, rounded |
 * | account.analytic.account invoice_count / vendor_bill_count | account/models/account_analytic_account.py: distinct moves with a posted customer / vendor (receipts too) journal item whose distribution names the account, as the reader |
 * | account.bank.statement is_valid | account_bank_statement.py: the previous statement of the journal (by first_line_index) ends, rounded to the currency, where this one starts (none: valid) |
 * | account.bank.statement problem_description | the invalid-statement text, else the running-balance text when not complete, else False |
 * | account.bank.statement.line running_balance | account_bank_statement_line.py `_compute_running_balance`: from the latest statement whose first line (of this journal and the journal company's branches) is at or before the line, its balance_start, plus the posted lines' amounts from there up to this line in internal_index order (0 and every earlier line without one), added as Python floats |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** The plan columns of account.analytic.line: the project plan's `account_id` and one `x_plan<id>_id` per other root plan. */
function planColumns(scope: ComputeScope): string[] {
  const line = scope.env.registry.model('account.analytic.line');
  if (!line) return [];
  return [...line.fields.values()].filter((f) => f.column && (f.name === 'account_id' || /^x_plan\d+_id$/.test(f.name))).map((f) => f.name);
}

/** The account's root plan column on line alias `l`: account_id for the project plan (ir.config_parameter analytic.project_plan), else x_plan<root>_id. */
function rootPlanMatch(scope: ComputeScope, account: string, line: string): Sql {
  const root = sql`(SELECT split_part(p.parent_path, '/', 1)::int FROM account_analytic_plan p WHERE p.id = ${column(account, 'plan_id')})`;
  const project = sql`(SELECT NULLIF(cp.value, '')::int FROM ir_config_parameter cp WHERE cp.key = 'analytic.project_plan')`;
  const cases = planColumns(scope).map((name) => (name === 'account_id'
    ? sql`WHEN ${root} = ${project} THEN ${column(line, name)} = ${column(account, 'id')}`
    : sql`WHEN ${root} = ${sql.lit(Number(name.slice(6, -3)))} THEN ${column(line, name)} = ${column(account, 'id')}`));
  return cases.length ? sql`CASE ${sql.join(cases, sql` `)} ELSE false END` : sql`false`;
}

function dateBound(scope: ComputeScope, key: 'from_date' | 'to_date', line: string): Sql {
  const value = scope.env.context?.[key];
  if (!value) return sql`true`;
  return key === 'from_date' ? sql`${column(line, 'date')} >= ${String(value)}::date` : sql`${column(line, 'date')} <= ${String(value)}::date`;
}

/** res.currency `_get_rates` at today for env.company's root: a currency's rate, 1 without one. */
function rateToday(currency: Sql, scope: ComputeScope): Sql {
  const root = sql`(SELECT split_part(c.parent_path, '/', 1)::int FROM res_company c WHERE c.id = ${scope.env.companyId ?? null}::int4)`;
  return sql`COALESCE((SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = ${currency} AND r.name <= (now() AT TIME ZONE 'UTC')::date
      AND (r.company_id IS NULL OR r.company_id = ${root}) ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)`;
}

function analyticBalance(): ComputedField {
  return {
    dependsOn: [], readsTables: ['account_analytic_line', 'account_analytic_plan', 'ir_config_parameter', 'res_currency', 'res_currency_rate', 'res_company'],
    select: (a, scope) => {
      const lines = searchAsReader(scope, 'account.analytic.line', []);
      const l = lines.alias;
      const target = sql`(SELECT c.currency_id FROM res_company c WHERE c.id = ${scope.env.companyId ?? null}::int4)`;
      // `_convert`: amount * to-rate / from-rate rounded to the target currency, unless the currencies are the same.
      const converted = (amount: Sql) => sql`CASE WHEN g.currency_id IS NOT DISTINCT FROM ${target} THEN ${amount}
          ELSE round((${amount} * ${rateToday(target, scope)} / ${rateToday(sql`g.currency_id`, scope)})::numeric,
                     (SELECT cur.decimal_places FROM res_currency cur WHERE cur.id = ${target})) END`;
      return sql`(SELECT COALESCE(sum(${converted(sql`g.credit`)}), 0)::float8 - COALESCE(sum(-${converted(sql`g.debit`)}), 0)::float8 FROM (
          SELECT ${column(l, 'currency_id')} AS currency_id, sum(${column(l, 'amount')}) FILTER (WHERE ${column(l, 'amount')} >= 0) AS credit,
                 sum(${column(l, 'amount')}) FILTER (WHERE ${column(l, 'amount')} < 0) AS debit
            FROM ${sql.table(lines.table)} AS ${sql.table(l)}
           WHERE ${rootPlanMatch(scope, a, l)} AND (${column(l, 'company_id')} IS NULL OR ${column(l, 'company_id')} IN (SELECT e.id FROM (${envCompanies(scope)}) e))
             AND ${dateBound(scope, 'from_date', l)} AND ${dateBound(scope, 'to_date', l)} AND ${lines.where}
           GROUP BY ${column(l, 'currency_id')}) g)`;
    },
    compute: (r) => Number(r.balance ?? 0),
  };
}

function moveCount(types: readonly string[]): ComputedField {
  const field = types.includes('out_invoice') ? 'invoice_count' : 'vendor_bill_count';
  return {
    dependsOn: [], readsTables: ['account_move_line', 'account_move'],
    select: (a, scope) => {
      const items = searchAsReader(scope, 'account.move.line', []);
      const i = (name: string) => column(items.alias, name);
      return sql`(SELECT count(DISTINCT ${i('move_id')})::int FROM ${sql.table(items.table)} AS ${sql.table(items.alias)}
        WHERE ${i('parent_state')} = 'posted' AND (SELECT m.move_type FROM account_move m WHERE m.id = ${i('move_id')}) = ANY(${sql.val(types)}::text[])
          AND EXISTS (SELECT 1 FROM jsonb_object_keys(COALESCE(${i('analytic_distribution')}, '{}'::jsonb)) k(key)
                       WHERE ${column(a, 'id')}::text = ANY(regexp_split_to_array(k.key, ',')))
          AND ${items.where})`;
    },
    compute: (r) => Number(r[field] ?? 0),
  };
}

function lineIds(): ComputedField {
  return {
    dependsOn: [], readsTables: ['account_analytic_line'],
    select: (a, scope) => {
      const lines = searchAsReader(scope, 'account.analytic.line', []);
      const l = (name: string) => column(lines.alias, name);
      const any = planColumns(scope).map((name) => sql`${l(name)} = ${column(a, 'id')}`);
      if (!any.length) return sql`'[]'::json`;
      return sql`(SELECT COALESCE(json_agg(${l('id')} ORDER BY ${l('date')} DESC, ${l('id')} DESC), '[]') FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)}
        WHERE (${sql.join(any, sql` OR `)}) AND ${lines.where})`;
    },
    compute: (r) => json<number[]>(r.line_ids ?? '[]'),
  };
}

/** The previous statement of the journal ends where this one starts (rounded to the statement's currency). */
function statementValid(a: string): Sql {
  return sql`COALESCE((SELECT round(prev.balance_end_real, cur.decimal_places) = round(${column(a, 'balance_start')}, cur.decimal_places)
      FROM account_bank_statement prev, account_journal j, res_company co, res_currency cur
     WHERE prev.journal_id = ${column(a, 'journal_id')} AND prev.first_line_index < ${column(a, 'first_line_index')}
       AND j.id = ${column(a, 'journal_id')} AND co.id = ${column(a, 'company_id')} AND cur.id = COALESCE(j.currency_id, co.currency_id)
     ORDER BY prev.first_line_index DESC LIMIT 1), true)`;
}

/** tools/misc.py formatLang with a currency (en_US): grouped with ',' and '.', the symbol (when set) before or after with a no-break space. */
function formatMoney(amount: number, currency: { symbol: string; position: string; digits: number }): string {
  const [whole, fraction] = Math.abs(amount).toFixed(currency.digits).split('.');
  const grouped = `${amount < 0 ? '-' : ''}${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''}`;
  if (!currency.symbol) return grouped;
  return currency.position === 'after' ? `${grouped}\u00a0${currency.symbol}` : `${currency.symbol}\u00a0${grouped}`;
}

function runningBalance(a: string): Sql {
  const branches = sql`(SELECT b.id FROM res_company b JOIN res_company jc ON jc.id = (SELECT j.company_id FROM account_journal j WHERE j.id = ${column(a, 'journal_id')})
      WHERE b.parent_path LIKE jc.parent_path || '%')`;
  const anchor = sql`(SELECT json_build_array(st.first_line_index, COALESCE(st.balance_start, 0.0)::float8) FROM account_bank_statement st
      JOIN account_bank_statement_line fl ON fl.statement_id = st.id AND fl.internal_index = st.first_line_index
     WHERE fl.journal_id = ${column(a, 'journal_id')} AND fl.company_id IN ${branches} AND st.first_line_index <= ${column(a, 'internal_index')}
     ORDER BY st.first_line_index DESC LIMIT 1)`;
  return sql`(SELECT json_build_array(anchor.value->1, (SELECT COALESCE(json_agg(l.amount::float8 ORDER BY l.internal_index), '[]') FROM account_bank_statement_line l JOIN account_move m ON m.id = l.move_id
        WHERE l.journal_id = ${column(a, 'journal_id')} AND l.company_id IN ${branches} AND m.state = 'posted'
          AND l.internal_index <= ${column(a, 'internal_index')} AND (anchor.value IS NULL OR l.internal_index >= anchor.value->>0)))
      FROM (SELECT ${anchor} AS value) anchor)`;
}

export const ANALYTIC_STATEMENT_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'account.bank.statement.line.running_balance': {
    dependsOn: [], readsTables: ['account_bank_statement', 'account_bank_statement_line', 'account_move', 'account_journal', 'res_company'],
    select: (a) => runningBalance(a),
    compute: (r) => {
      const [start, amounts] = json<[number | null, number[]]>(r.running_balance);
      return amounts.reduce((balance, amount) => balance + amount, start ?? 0);
    },
  },
  'account.analytic.account.line_ids': lineIds(),
  'account.analytic.account.balance': analyticBalance(),
  'account.analytic.account.invoice_count': moveCount(['out_invoice', 'out_refund', 'out_receipt']),
  'account.analytic.account.vendor_bill_count': moveCount(['in_invoice', 'in_refund', 'in_receipt']),
  'account.bank.statement.is_valid': {
    dependsOn: [], readsTables: ['account_bank_statement', 'account_journal', 'res_company', 'res_currency'],
    select: (a) => statementValid(a),
    compute: (r) => r.is_valid !== false,
  },
  'account.bank.statement.problem_description': {
    dependsOn: ['is_complete', 'balance_end'], readsTables: ['account_bank_statement', 'account_journal', 'res_company', 'res_currency'],
    select: (a) => sql`json_build_array(${statementValid(a)}, (SELECT json_build_array(cur.symbol, cur.position, cur.decimal_places) FROM account_journal j, res_company co, res_currency cur
        WHERE j.id = ${column(a, 'journal_id')} AND co.id = ${column(a, 'company_id')} AND cur.id = COALESCE(j.currency_id, co.currency_id)))`,
    compute: (r) => {
      const [valid, currency] = json<[boolean, [string, string, number] | null]>(r.problem_description);
      if (!valid) return "The starting balance doesn't match the ending balance of the previous statement, or an earlier statement is missing.";
      if (r.is_complete) return false;
      const [symbol, position, digits] = currency ?? ['', 'before', 2];
      return `The running balance (${formatMoney(Number(r.balance_end ?? 0), { symbol, position, digits })}) doesn't match the specified ending balance.`;
    },
  },
};
