import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import type { Sql } from '../domain/search-env.ts';
import { envCompanies } from './account-computes.ts';
import { searchAsReader } from './partner-account-computes.ts';

/**
 * Non-stored computes of account.journal answered by an all-fields read, from
 * account/models/account_journal.py and account_journal_dashboard.py (Odoo 18):
 *
 * | field | value |
 * |---|---|
 * | default_account_type | by type: asset_cash (bank, cash), income% (sale), expense% (purchase), liability_credit_card (credit), else % |
 * | has_entries / has_posted_entries | a move in the journal / a posted one (raw SQL) |
 * | entries_count | its moves of env.companies (or none), `_read_group` as the reader |
 * | last_statement_id | its statement of highest first_line_index, when of one of env.companies (raw SQL) |
 * | selected_payment_method_codes | ',' + the codes of its inbound then outbound payment method lines + ',' |
 * | display_alias_fields | a mail.alias.domain exists (search_count as the reader) |
 * | alias_email | mail.alias.mixin.optional: alias_name@alias domain when both |
 * | access_url / access_warning | portal.mixin: '#' / '' |
 * | has_statement_lines / current_statement_balance | `_get_journal_dashboard_bank_running_balance`: the latest statement (date, id) of env.companies, plus its lines without a statement (not cancelled) from the statement's first line index on: one of them exists / its ending balance + their amounts |
 * | has_sequence_holes | a move of one of env.companies in the journal with made_sequence_gap dated after that company's fiscal-year / hard lock date (and sale / purchase one for such journals), each the latest over the company and its parents, exceptions ignored |
 * | has_unhashed_entries | False for a journal not restricted by hash (refused for a restricted one) |
 * | available_payment_method_ids | `_compute_available_payment_method_ids` for bank and cash journals (others: none): the payment methods (by id) whose code account ('manual', multi) or account_payment (each payment.provider code but none/custom, electronic, bank journals only) describes, a multi one always, an electronic one once per provider of that code of the journal's company that no other journal of the company uses it with and this journal's own electronic lines do not name; the payment.method.line field is related to it. A method of another code (a module Ficus does not know the information of) refuses the read |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const DEFAULT_ACCOUNT_TYPES: Readonly<Record<string, string>> = { bank: 'asset_cash', cash: 'asset_cash', sale: 'income%', purchase: 'expense%', credit: 'liability_credit_card' };

function hasMove(posted: boolean): ComputedField {
  const field = posted ? 'has_posted_entries' : 'has_entries';
  return {
    dependsOn: [], readsTables: ['account_move'],
    select: (a) => sql`EXISTS (SELECT 1 FROM account_move m WHERE m.journal_id = ${column(a, 'id')}${posted ? sql` AND m.state = 'posted'` : sql``})`,
    compute: (r) => r[field] === true,
  };
}

/** Payment method lines of the journal of one direction, in account.payment.method.line `_order` (sequence, id), with their method's code. */
function methodCodes(a: string, direction: 'inbound' | 'outbound') {
  return sql`(SELECT COALESCE(json_agg(pm.code ORDER BY l.sequence, l.id), '[]') FROM account_payment_method_line l
    JOIN account_payment_method pm ON pm.id = l.payment_method_id WHERE l.journal_id = ${column(a, 'id')} AND pm.payment_type = ${direction})`;
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function entriesCount(scope: ComputeScope, a: string) {
  const moves = searchAsReader(scope, 'account.move', []);
  const m = (name: string) => sql.ref(`${moves.alias}.${name}`);
  return sql`(SELECT count(*)::int FROM ${sql.table(moves.table)} AS ${sql.table(moves.alias)} WHERE ${m('journal_id')} = ${column(a, 'id')}
    AND (${m('company_id')} IS NULL OR ${m('company_id')} IN (SELECT e.id FROM (${envCompanies(scope)}) e)) AND ${moves.where})`;
}

function runningBalance(scope: ComputeScope, a: string) {
  const companies = sql`(SELECT e.id FROM (${envCompanies(scope)}) e)`;
  return sql`(SELECT json_build_array(st.id IS NOT NULL OR unlinked.count > 0, COALESCE(st.balance_end_real, 0)::float8, unlinked.amount::float8)
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT s.id, s.first_line_index, s.balance_end_real FROM account_bank_statement s
                          WHERE s.journal_id = ${column(a, 'id')} AND s.company_id IN ${companies} ORDER BY s.date DESC, s.id DESC LIMIT 1) st ON true
      LEFT JOIN LATERAL (SELECT COALESCE(sum(stl.amount), 0.0) AS amount, count(*) AS count FROM account_bank_statement_line stl JOIN account_move mv ON mv.id = stl.move_id
                          WHERE stl.statement_id IS NULL AND mv.state <> 'cancel' AND stl.journal_id = ${column(a, 'id')} AND stl.company_id IN ${companies}
                            AND stl.internal_index >= COALESCE(st.first_line_index, '')) unlinked ON true)`;
}

/**
 * `_get_user_lock_date(field, ignore_exceptions=True)` / `user_hard_lock_date` of company `company`:
 * the latest of that lock date over the company and its parents (sudo), else date.min.
 */
function chainLockDate(company: Sql, field: string) {
  return sql`COALESCE((SELECT max(c.${sql.raw(field)}) FROM res_company c JOIN res_company e ON e.id = ${company} AND e.parent_path LIKE c.parent_path || '%'), '0001-01-01'::date)`;
}

/** account_payment's electronic codes: payment.provider's code selection but none and custom (empty without account_payment). */
function electronicCodes(scope: ComputeScope): string[] {
  const line = scope.env.registry.model('account.payment.method.line');
  const provider = scope.env.registry.model('payment.provider');
  if (!line?.fields.get('payment_provider_id')?.column || !provider) return [];
  return (provider.fields.get('code')?.selection ?? []).map(([code]) => code).filter((code) => code !== 'none' && code !== 'custom');
}

function availablePaymentMethods(scope: ComputeScope, a: string) {
  const electronic = electronicCodes(scope);
  const electronicOnes = electronic.length
    ? sql`SELECT pm.id, pm.id AS sort FROM account_payment_method pm JOIN payment_provider pv ON pv.code = pm.code AND pv.company_id = ${column(a, 'company_id')}
          WHERE pm.code = ANY(${sql.val(electronic)}::text[]) AND ${column(a, 'type')} = 'bank'
            AND NOT EXISTS (SELECT 1 FROM account_payment_method_line ol JOIN account_journal oj ON oj.id = ol.journal_id
                             WHERE ol.payment_method_id = pm.id AND oj.company_id = ${column(a, 'company_id')} AND ol.payment_provider_id = pv.id AND oj.id <> ${column(a, 'id')})
            AND pv.id NOT IN (SELECT COALESCE(own.payment_provider_id, 0) FROM account_payment_method_line own JOIN account_payment_method opm ON opm.id = own.payment_method_id
                               WHERE own.journal_id = ${column(a, 'id')} AND opm.code = ANY(${sql.val(electronic)}::text[]))`
    : sql`SELECT NULL::int AS id, NULL::int AS sort WHERE false`;
  return sql`CASE WHEN ${column(a, 'type')} NOT IN ('bank', 'cash') THEN '[]'::json
    WHEN EXISTS (SELECT 1 FROM account_payment_method pm WHERE pm.code <> 'manual' AND NOT pm.code = ANY(${sql.val(electronic)}::text[])) THEN NULL
    ELSE (SELECT COALESCE(json_agg(DISTINCT x.id), '[]') FROM (
      SELECT pm.id, pm.id AS sort FROM account_payment_method pm WHERE pm.code = 'manual'
      UNION ALL ${electronicOnes}) x) END`;
}

export const ACCOUNT_JOURNAL_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'account.journal.available_payment_method_ids': {
    dependsOn: [], readsTables: ['account_payment_method', 'account_payment_method_line', 'payment_provider', 'account_journal'],
    select: (a, scope) => availablePaymentMethods(scope, a),
    compute: (r) => {
      if (r.available_payment_method_ids === null || r.available_payment_method_ids === undefined) {
        throw missingBehaviour('account.journal', 'the computed field available_payment_method_ids with payment methods of modules Ficus does not describe');
      }
      return json<number[]>(r.available_payment_method_ids);
    },
  },
  'account.journal.has_statement_lines': {
    dependsOn: [], readsTables: ['account_bank_statement', 'account_bank_statement_line', 'account_move', 'res_company', 'res_company_users_rel'],
    select: (a, scope) => runningBalance(scope, a),
    compute: (r) => json<[boolean, number, number]>(r.has_statement_lines)[0],
  },
  'account.journal.current_statement_balance': {
    dependsOn: [], readsTables: ['account_bank_statement', 'account_bank_statement_line', 'account_move', 'res_company', 'res_company_users_rel'],
    select: (a, scope) => runningBalance(scope, a),
    compute: (r) => {
      // Python adds the two floats psycopg2 hands it, not their exact numeric sum.
      const [, balanceEndReal, unlinkedAmount] = json<[boolean, number, number]>(r.current_statement_balance);
      return balanceEndReal + unlinkedAmount;
    },
  },
  // `_compute_has_sequence_holes` / `_query_has_sequence_holes`: per company of env.companies, a move
  // of it in the journal with made_sequence_gap after its lock dates (exceptions ignored).
  'account.journal.has_sequence_holes': {
    dependsOn: [], readsTables: ['account_move', 'res_company', 'res_company_users_rel'],
    select: (a, scope) => sql`EXISTS (SELECT 1 FROM account_move m WHERE m.journal_id = ${column(a, 'id')}
        AND m.company_id IN (SELECT e.id FROM (${envCompanies(scope)}) e) AND m.made_sequence_gap
        AND m.date > GREATEST(${chainLockDate(sql`m.company_id`, 'fiscalyear_lock_date')}, ${chainLockDate(sql`m.company_id`, 'hard_lock_date')})
        AND (${column(a, 'type')} <> 'sale' OR m.date > ${chainLockDate(sql`m.company_id`, 'sale_lock_date')})
        AND (${column(a, 'type')} <> 'purchase' OR m.date > ${chainLockDate(sql`m.company_id`, 'purchase_lock_date')}))`,
    compute: (r) => r.has_sequence_holes === true,
  },
  'account.journal.has_unhashed_entries': {
    dependsOn: ['restrict_mode_hash_table'],
    compute: (r) => {
      if (r.restrict_mode_hash_table) throw missingBehaviour('account.journal', 'the computed field has_unhashed_entries of a journal restricted by hash');
      return false;
    },
  },
  'account.journal.default_account_type': { dependsOn: ['type'], compute: (r) => DEFAULT_ACCOUNT_TYPES[String(r.type)] ?? '%' },
  'account.journal.has_entries': hasMove(false),
  'account.journal.has_posted_entries': hasMove(true),
  'account.journal.entries_count': {
    dependsOn: [], readsTables: ['account_move', 'res_company', 'res_company_users_rel'],
    select: (a, scope) => entriesCount(scope, a),
    compute: (r) => Number(r.entries_count ?? 0),
  },
  'account.journal.last_statement_id': {
    dependsOn: [], readsTables: ['account_bank_statement', 'res_company', 'res_company_users_rel'], many2one: 'account.bank.statement',
    select: (a, scope) => sql`(SELECT s.id FROM (SELECT st.id, st.company_id FROM account_bank_statement st WHERE st.journal_id = ${column(a, 'id')}
        ORDER BY st.first_line_index DESC NULLS FIRST LIMIT 1) s WHERE s.company_id IN (SELECT e.id FROM (${envCompanies(scope)}) e))`,
    compute: (r) => r.last_statement_id ?? false,
  },
  // `_compute_selected_payment_method_codes`: inbound lines, then outbound ones, codes that are set.
  'account.journal.selected_payment_method_codes': {
    dependsOn: [], readsTables: ['account_payment_method_line', 'account_payment_method'],
    select: (a) => sql`json_build_array(${methodCodes(a, 'inbound')}, ${methodCodes(a, 'outbound')})`,
    compute: (r) => {
      const [inbound, outbound] = json<[(string | null)[], (string | null)[]]>(r.selected_payment_method_codes);
      return `,${[...inbound, ...outbound].filter(Boolean).join(',')},`;
    },
  },
  // `_compute_display_alias_fields`: search_count of mail.alias.domain (limit 1) as the reader.
  'account.journal.display_alias_fields': {
    dependsOn: [], readsTables: ['mail_alias_domain'],
    select: (_a, scope) => {
      const domains = searchAsReader(scope, 'mail.alias.domain', []);
      return sql`EXISTS (SELECT 1 FROM ${sql.table(domains.table)} AS ${sql.table(domains.alias)} WHERE ${domains.where})`;
    },
    compute: (r) => r.display_alias_fields === true,
  },
  // mail_alias_mixin_optional.py `_compute_alias_email`: the alias's name and its domain's name.
  'account.journal.alias_email': {
    dependsOn: [], readsTables: ['mail_alias', 'mail_alias_domain'],
    select: (a) => sql`(SELECT al.alias_name || '@' || d.name FROM mail_alias al JOIN mail_alias_domain d ON d.id = al.alias_domain_id
      WHERE al.id = ${column(a, 'alias_id')} AND COALESCE(al.alias_name, '') <> '' AND COALESCE(d.name, '') <> '')`,
    compute: (r) => r.alias_email ?? false,
  },
  'account.journal.access_url': { dependsOn: [], compute: () => '#' },
  'account.journal.access_warning': { dependsOn: [], compute: () => '' },
};
