import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import { compileWhere } from '../domain/compile.ts';
import { nextAlias, type Sql } from '../domain/search-env.ts';
import { fieldSql } from '../domain/field-sql.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { envCompanies } from './account-computes.ts';
import { PEPPOL_FORMATS, UBL_CII_FORMATS, suggestedUblCiiFormat, VAT_PLACEHOLDER_EXAMPLES } from './partner-edi-facts.ts';

/**
 * res.partner's non-stored computes of account, sale, payment and account_edi_ubl_cii (Odoo 18),
 * and res.partner.bank's acc_type. Each follows what its Python compute does about access:
 *
 * | field | source | reads as |
 * |---|---|---|
 * | credit / debit | account partner.py `_credit_debit_get` | raw SQL over `_where_calc` (no record rules): posted, unreconciled lines of receivable / payable accounts of env.company's root's companies |
 * | credit_to_invoice | account (False) + sale res_partner.py | 0 unless env.company.account_use_credit_limit (then refused: sale.order amount_to_invoice is not computed here) |
 * | use_partner_credit_limit | account `_compute_use_partner_credit_limit` | credit_limit differs from its company fallback (ir.default, else 0) |
 * | show_credit_limit | account | env.company.account_use_credit_limit |
 * | days_sales_outstanding | account | account.move `_read_group` as the user (ACL + rules): credit / invoiced * days since the oldest invoice |
 * | total_invoiced | account `_invoice_total` | account.invoice.report `_read_group` as the user over the partner and its descendants (searched as the user, archived too) |
 * | currency_id | account `_get_company_currency` | the partner company's currency (sudo), else env.company's |
 * | journal_item_count | account | account.move.line `search_count` as the user |
 * | bank_account_count | account `_compute_bank_count` | res.partner.bank `_read_group` as the user (active only) |
 * | duplicated_bank_account_partners_count | account | res.partner.bank search as the user: same number and bank as one of the partner's accounts, the partner's company or none, another partner |
 * | invoice_edi_format, is_ubl_format, is_peppol_edi_format, display_invoice_edi_format | account + account_edi_ubl_cii | stored choice (company-dependent), else the format suggested for the partner's country (partner-edi-facts.ts) |
 * | display_invoice_template_pdf_report_id | account (a default on a non-stored field) | more than one ir.actions.report with is_invoice_report, searched as the user |
 * | partner_vat_placeholder | account | base_vat's example VAT of the country |
 * | payment_token_count | payment | payment.token `_read_group` as the user (active only) |
 * | sale_order_count | sale | 0 without sales_team.group_sale_salesman; else sale.order `_read_group` as the user over the partner's descendants (searched as the user, archived too), each count added to every ancestor read |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

function model(scope: ComputeScope, name: string): ModelInfo {
  const found = scope.env.registry.model(name);
  if (!found?.table) throw missingBehaviour('res.partner', `a compute reading ${name} (not in this database)`);
  return found;
}

/** `Model.search(domain)` as the user: its ACL checked (AccessError as in Odoo), its record rules and active_test in the WHERE. */
export function searchAsReader(scope: ComputeScope, name: string, domain: unknown[], options: { activeTest?: boolean } = {}): { table: string; alias: string; where: Sql } {
  const comodel = model(scope, name);
  scope.checkRead?.(comodel);
  const alias = nextAlias(scope.env, comodel);
  const where = compileWhere(scope.env, comodel, domain, alias, options.activeTest === undefined ? {} : { activeTest: options.activeTest });
  return { table: comodel.table!, alias, where };
}

const envCompanyId = (scope: ComputeScope) => sql.lit(scope.env.companyId ?? 0);

/** `fields.Date.context_today`: today in the context's timezone, else the reading user's, else UTC. */
function contextToday(scope: ComputeScope): Sql {
  const tz = typeof scope.env.context?.tz === 'string' && scope.env.context.tz ? scope.env.context.tz : null;
  const userTz = sql`(SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ${sql.lit(scope.uid)})`;
  return sql`(now() AT TIME ZONE COALESCE(${tz}::text, ${userTz}, 'UTC'))::date`;
}

/** `_credit_debit_get`'s sum for one account type: lines of env.company's root and its children. */
function residualSum(scope: ComputeScope, partner: Sql, accountType: 'asset_receivable' | 'liability_payable'): Sql {
  return sql`(SELECT COALESCE(sum(l.amount_residual), 0) FROM account_move_line l JOIN account_account acc ON acc.id = l.account_id
     WHERE l.partner_id = ${partner} AND acc.account_type = ${sql.lit(accountType)} AND l.reconciled IS NOT TRUE AND l.parent_state = 'posted'
       AND l.company_id IN (SELECT c.id FROM res_company c WHERE c.parent_path LIKE
             (SELECT split_part(e.parent_path, '/', 1) FROM res_company e WHERE e.id = ${envCompanyId(scope)}) || '/%'))`;
}

const CREDIT_TABLES = ['account_move_line', 'account_account', 'res_company'];

/** The partner and every descendant through parent_id, searched as the user with archived ones (`child_of` under `active_test=False`). */
function descendantsAsUser(scope: ComputeScope, alias: string): Sql {
  const partners = searchAsReader(scope, 'res.partner', [], { activeTest: false });
  return sql`(WITH RECURSIVE tree(id) AS (SELECT ${column(alias, 'id')} UNION SELECT c.id FROM res_partner c JOIN tree ON c.parent_id = tree.id)
     SELECT ${sql.ref(`${partners.alias}.id`)} FROM ${sql.table(partners.table)} AS ${sql.table(partners.alias)}
      WHERE ${sql.ref(`${partners.alias}.id`)} IN (SELECT id FROM tree) AND ${partners.where})`;
}

/** `comodel._read_group([(partner, 'in', ids)], ['partner'], ['__count'])` / `search_count` as the user, selected under the field's name. */
function countOf(field: string, comodel: string, partnerColumn: string): ComputedField {
  return {
    dependsOn: [], readsTables: [comodel.replace(/\./g, '_')],
    select: (a, scope) => {
      const s = searchAsReader(scope, comodel, []);
      return sql`(SELECT count(*)::int FROM ${sql.table(s.table)} AS ${sql.table(s.alias)} WHERE ${sql.ref(`${s.alias}.${partnerColumn}`)} = ${column(a, 'id')} AND ${s.where})`;
    },
    compute: (r) => Number(r[field] ?? 0),
  };
}

/**
 * account.invoice.report (a `_table_query` model: no table, so no columns in the registry) as the
 * rows of its query (account/report/account_invoice_report.py `_select`/`_from`/`_where`: product
 * lines of invoices, joined to the simple currency table of env.companies), with the columns its
 * record rules and this compute name; the model handed to compileWhere is the report's with those
 * columns, so its ACL was checked and its rules (multi-company, salesmen's own invoices) apply as
 * Odoo's `_read_group` applies them. price_subtotal is `-balance * rate`, the rate being 1 when
 * env.companies share one currency, the only case computed (`currencies` says how many there are).
 */
const REPORT_COLUMNS: Readonly<Record<string, string>> = {
  id: 'line.id', move_id: 'line.move_id', product_id: 'line.product_id', account_id: 'line.account_id', journal_id: 'line.journal_id',
  company_id: 'line.company_id', company_currency_id: 'line.company_currency_id', commercial_partner_id: 'line.partner_id',
  user_type: 'account.account_type', state: 'move.state', move_type: 'move.move_type', partner_id: 'move.partner_id',
  invoice_user_id: 'move.invoice_user_id', fiscal_position_id: 'move.fiscal_position_id', payment_state: 'move.payment_state',
  invoice_date: 'move.invoice_date', invoice_date_due: 'move.invoice_date_due', currency_id: 'line.currency_id', price_subtotal: '-line.balance',
};
const REPORT_COLUMN_TYPES: Readonly<Record<string, string>> = { many2one: 'integer', integer: 'integer', date: 'date', selection: 'character varying', monetary: 'numeric', float: 'numeric' };

function invoiceReport(scope: ComputeScope): { model: ModelInfo; alias: string; rows: Sql; currencies: Sql } {
  const report = scope.env.registry.model('account.invoice.report');
  if (!report) throw missingBehaviour('res.partner', 'total_invoiced (account.invoice.report is not in this database)');
  scope.checkRead?.(report);
  const fields = new Map([...report.fields].map(([name, field]) => {
    const expr = REPORT_COLUMNS[name];
    return [name, expr ? { ...field, store: true, column: name, columnType: REPORT_COLUMN_TYPES[field.type] ?? 'character varying' } : field];
  }));
  const model: ModelInfo = { ...report, table: 'account_invoice_report', fields };
  const alias = nextAlias(scope.env, model);
  const companies = envCompanies(scope);
  const select = Object.entries(REPORT_COLUMNS).map(([name, expr]) => sql`${sql.raw(expr)} AS ${sql.ref(name)}`);
  const rows = sql`(SELECT ${sql.join(select)} FROM account_move_line line
      LEFT JOIN account_account account ON account.id = line.account_id
      JOIN account_move move ON move.id = line.move_id
     WHERE move.move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'out_receipt', 'in_receipt')
       AND line.account_id IS NOT NULL AND line.display_type = 'product'
       AND line.company_id IN (SELECT id FROM (${companies}) e))`;
  const currencies = sql`(SELECT count(DISTINCT c.currency_id) FROM res_company c WHERE c.id IN (SELECT id FROM (${companies}) e))`;
  return { model, alias, rows, currencies };
}

/** account_edi_ubl_cii `_compute_invoice_edi_format`: the stored choice ('none' = no format), else the suggestion. */
function ediFormatSql(a: string, scope: ComputeScope): Sql {
  const partner = scope.env.registry.model('res.partner')!;
  const stored = partner.fields.get('invoice_edi_format_store');
  const storedSql = stored?.column ? fieldSql(scope.env, stored, a) : sql`NULL`;
  const country = sql`(SELECT co.code FROM res_country co WHERE co.id = ${column(a, 'country_id')})`;
  const ubl = scope.env.registry.modules.has('account_edi_ubl_cii');
  return sql`json_build_object('stored', ${storedSql}, 'country', ${country}, 'vat', ${column(a, 'vat')}, 'ubl', ${sql.lit(ubl)})`;
}

interface EdiArgs { stored: string | null; country: string | null; vat: string | null; ubl: boolean }

function ediFormat(args: unknown): string | false {
  const facts = (typeof args === 'string' ? JSON.parse(args) : args) as EdiArgs | null;
  if (!facts) return false;
  if (facts.stored === 'none') return false;
  if (facts.stored) return facts.stored;
  return facts.ubl ? suggestedUblCiiFormat(facts.country, facts.vat) : false;
}

function ediField(field: string, value: (format: string | false) => unknown): ComputedField {
  return {
    dependsOn: [], readsTables: ['res_country'],
    select: (a, scope) => ediFormatSql(a, scope),
    compute: (r) => value(ediFormat(r[field])),
  };
}

export const PARTNER_ACCOUNT_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'res.partner.credit': {
    dependsOn: [], readsTables: CREDIT_TABLES,
    select: (a, scope) => residualSum(scope, column(a, 'id'), 'asset_receivable'),
    compute: (r) => Number(r.credit ?? 0),
  },
  'res.partner.debit': {
    dependsOn: [], readsTables: CREDIT_TABLES,
    select: (a, scope) => sql`-${residualSum(scope, column(a, 'id'), 'liability_payable')}`,
    compute: (r) => Number(r.debit ?? 0) || 0,
  },
  'res.partner.credit_to_invoice': {
    dependsOn: [], readsTables: ['res_company'],
    select: (_a, scope) => sql`(SELECT COALESCE(c.account_use_credit_limit, false) FROM res_company c WHERE c.id = ${envCompanyId(scope)})`,
    compute: (r) => {
      // sale's override sums the company's confirmed orders' amount_to_invoice when credit limits are on.
      if (r.credit_to_invoice === true) throw missingBehaviour('res.partner', 'credit_to_invoice with credit limits on (sale.order amount_to_invoice)');
      return 0;
    },
  },
  'res.partner.use_partner_credit_limit': {
    dependsOn: [], readsTables: [],
    select: (a, scope) => {
      const field = scope.env.registry.model('res.partner')!.fields.get('credit_limit')!;
      const company = String(scope.env.companyId ?? 0);
      const fallback = Number(scope.env.registry.defaults.get(`res.partner.credit_limit@${company}`) ?? scope.env.registry.defaults.get('res.partner.credit_limit') ?? 0) || 0;
      return sql`COALESCE(${fieldSql(scope.env, field, a)}, 0) <> ${sql.lit(fallback)}::float8`;
    },
    compute: (r) => r.use_partner_credit_limit === true,
  },
  'res.partner.show_credit_limit': {
    dependsOn: [], readsTables: ['res_company'],
    select: (_a, scope) => sql`(SELECT COALESCE(c.account_use_credit_limit, false) FROM res_company c WHERE c.id = ${envCompanyId(scope)})`,
    compute: (r) => r.show_credit_limit === true,
  },
  'res.partner.days_sales_outstanding': {
    dependsOn: [], readsTables: [...CREDIT_TABLES, 'account_move', 'res_users', 'res_partner'],
    select: (a, scope) => {
      const moves = searchAsReader(scope, 'account.move', [
        ['state', 'not in', ['draft', 'cancel']],
        ['move_type', 'in', ['out_invoice', 'out_refund', 'out_receipt']],
        ['company_id', '=', scope.env.companyId ?? 0],
      ]);
      const m = (name: string) => sql.ref(`${moves.alias}.${name}`);
      const today = contextToday(scope);
      return sql`(SELECT CASE WHEN COALESCE(sum(${m('amount_total_signed')}), 0) = 0 THEN 0
            ELSE (${residualSum(scope, column(a, 'id'), 'asset_receivable')} / sum(${m('amount_total_signed')})) * (${today} - COALESCE(min(${m('invoice_date')}), ${today})) END
          FROM ${sql.table(moves.table)} AS ${sql.table(moves.alias)}
         WHERE ${m('commercial_partner_id')} = ${column(a, 'commercial_partner_id')} AND ${moves.where})`;
    },
    compute: (r) => Number(r.days_sales_outstanding ?? 0),
  },
  'res.partner.total_invoiced': {
    dependsOn: [], readsTables: ['account_move_line', 'account_move', 'account_account', 'res_company', 'res_partner'],
    select: (a, scope) => {
      const report = invoiceReport(scope);
      const where = compileWhere(scope.env, report.model, [['state', 'not in', ['draft', 'cancel']], ['move_type', 'in', ['out_invoice', 'out_refund']]], report.alias);
      return sql`(SELECT json_build_object('currencies', ${report.currencies}, 'total', COALESCE(sum(${sql.ref(`${report.alias}.price_subtotal`)}), 0))
          FROM ${report.rows} AS ${sql.table(report.alias)}
         WHERE ${sql.ref(`${report.alias}.partner_id`)} IN ${descendantsAsUser(scope, a)} AND ${where})`;
    },
    compute: (r) => {
      const facts = (typeof r.total_invoiced === 'string' ? JSON.parse(r.total_invoiced) : r.total_invoiced) as { currencies: number; total: number } | null;
      if (facts && facts.currencies > 1) throw missingBehaviour('res.partner', 'total_invoiced across companies of several currencies (currency table)');
      return Number(facts?.total ?? 0);
    },
  },
  'res.partner.currency_id': {
    dependsOn: [], readsTables: ['res_company'], many2one: 'res.currency',
    select: (a, scope) => sql`COALESCE((SELECT c.currency_id FROM res_company c WHERE c.id = ${column(a, 'company_id')}),
      (SELECT c.currency_id FROM res_company c WHERE c.id = ${envCompanyId(scope)}))`,
    compute: (r) => r.currency_id ?? false,
  },
  'res.partner.journal_item_count': countOf('journal_item_count', 'account.move.line', 'partner_id'),
  'res.partner.bank_account_count': countOf('bank_account_count', 'res.partner.bank', 'partner_id'),
  'res.partner.payment_token_count': countOf('payment_token_count', 'payment.token', 'partner_id'),
  'res.partner.duplicated_bank_account_partners_count': {
    dependsOn: [], readsTables: ['res_partner_bank'],
    select: (a, scope) => {
      const own = searchAsReader(scope, 'res.partner.bank', []);
      const others = searchAsReader(scope, 'res.partner.bank', []);
      const o = (name: string) => sql.ref(`${own.alias}.${name}`);
      const d = (name: string) => sql.ref(`${others.alias}.${name}`);
      // `acc_number` in a domain is compared as sanitized_acc_number (res_bank.py `_condition_to_sql`).
      return sql`(SELECT count(*)::int FROM ${sql.table(others.table)} AS ${sql.table(others.alias)}
         WHERE EXISTS (SELECT 1 FROM ${sql.table(own.table)} AS ${sql.table(own.alias)}
                        WHERE ${o('partner_id')} = ${column(a, 'id')} AND ${own.where}
                          AND ${d('sanitized_acc_number')} IS NOT DISTINCT FROM regexp_replace(${o('acc_number')}, '\\W+', '', 'g')
                          AND ${d('bank_id')} IS NOT DISTINCT FROM ${o('bank_id')})
           AND (${column(a, 'company_id')} IS NULL OR ${d('company_id')} IS NULL OR ${d('company_id')} = ${column(a, 'company_id')})
           AND ${d('partner_id')} <> ${column(a, 'id')} AND ${others.where})`;
    },
    compute: (r) => Number(r.duplicated_bank_account_partners_count ?? 0),
  },
  'res.partner.invoice_edi_format': ediField('invoice_edi_format', (f) => f),
  'res.partner.is_ubl_format': ediField('is_ubl_format', (f) => f !== false && UBL_CII_FORMATS.includes(f)),
  'res.partner.is_peppol_edi_format': ediField('is_peppol_edi_format', (f) => f !== false && PEPPOL_FORMATS.includes(f)),
  // A plain non-stored field whose default, `len(invoice_edi_format.selection)`, is what a read answers:
  // account_edi_ubl_cii adds the formats, account alone has none.
  'res.partner.display_invoice_edi_format': {
    dependsOn: [],
    select: (_a, scope) => sql.lit(scope.env.registry.modules.has('account_edi_ubl_cii')),
    compute: (r) => r.display_invoice_edi_format === true,
  },
  'res.partner.display_invoice_template_pdf_report_id': {
    dependsOn: [], readsTables: ['ir_act_report_xml'],
    select: (_a, scope) => {
      const s = searchAsReader(scope, 'ir.actions.report', [['is_invoice_report', '=', true]]);
      return sql`((SELECT count(*) FROM (SELECT 1 FROM ${sql.table(s.table)} AS ${sql.table(s.alias)} WHERE ${s.where} LIMIT 2) x) > 1)`;
    },
    compute: (r) => r.display_invoice_template_pdf_report_id === true,
  },
  'res.partner.partner_vat_placeholder': {
    dependsOn: [], readsTables: ['res_country'],
    select: (a) => sql`(SELECT lower(co.code) FROM res_country co WHERE co.id = ${column(a, 'country_id')})`,
    compute: (r) => {
      const example = typeof r.partner_vat_placeholder === 'string' ? VAT_PLACEHOLDER_EXAMPLES[r.partner_vat_placeholder] : undefined;
      return example ? `${example}, or / if not applicable` : '/ if not applicable';
    },
  },
  'res.partner.sale_order_count': {
    dependsOn: [], readsTables: ['sale_order', 'res_partner', 'res_groups_users_rel', 'ir_model_data'],
    select: (a, scope) => {
      const isSalesman = sql`EXISTS (SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
          AND d.module = 'sales_team' AND d.name = 'group_sale_salesman' WHERE r.uid = ${sql.lit(scope.uid)})`;
      const orders = searchAsReader(scope, 'sale.order', []);
      // Each order counts for every partner read among its partner's ancestors (the partner itself included).
      return sql`(CASE WHEN ${isSalesman} THEN (SELECT count(*)::int FROM ${sql.table(orders.table)} AS ${sql.table(orders.alias)}
          WHERE ${sql.ref(`${orders.alias}.partner_id`)} IN ${descendantsAsUser(scope, a)} AND ${orders.where}) ELSE 0 END)`;
    },
    compute: (r) => Number(r.sale_order_count ?? 0),
  },
  // base res_bank.py `_compute_acc_type` = `retrieve_acc_type(acc_number)`: 'bank'. base_iban
  // overrides it ('iban' for a valid IBAN): not computed here, so refused where it is installed.
  'res.partner.bank.acc_type': {
    dependsOn: [],
    select: (_a, scope) => {
      if (scope.env.registry.modules.has('base_iban')) throw missingBehaviour('res.partner.bank', 'acc_type with base_iban installed (IBAN validation)');
      return sql`'bank'`;
    },
    compute: (r) => r.acc_type ?? 'bank',
  },
};
