import { sql } from 'kysely';
import type { ComputedField, ComputeScope } from './computed-field.ts';
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

export const ACCOUNT_JOURNAL_COMPUTED_FIELDS: Record<string, ComputedField> = {
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
