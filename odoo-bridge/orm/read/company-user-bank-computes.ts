import { sql } from 'kysely';
import { compileWhere } from '../domain/compile.ts';
import { nextAlias } from '../domain/search-env.ts';
import { missingBehaviour, OdooError, userError } from '../../errors.ts';
import { fieldSql } from '../domain/field-sql.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { searchAsReader } from './partner-account-computes.ts';
import { VAT_PLACEHOLDER_EXAMPLES } from './partner-edi-facts.ts';

/**
 * Non-stored computes that clients browsing a user, a company or a bank account read with every
 * field (Odoo 18):
 *
 * | field | source | reads as |
 * |---|---|---|
 * | res.users crm_team_ids | sales_team res_users.py `_compute_crm_team_ids` | the teams of the user's memberships (crm_team_member_ids read as the reader: active ones, rules applied), in the members' `_order`, each once |
 * | res.company company_vat_placeholder | account company.py | base_vat's example VAT of the company's country, else of its fiscal country |
 * | res.company user_hard_lock_date | account company.py | the latest hard_lock_date of the company and its parents (sudo), else `date.min`, which Odoo writes "1-01-01" |
 * | res.company multi_vat_foreign_country_ids | account company.py | countries of the company's fiscal positions with a foreign VAT, `_read_group` as the reader |
 * | res.partner.bank money_transfer_service | account res_partner_bank.py | the service named by the sanitized number's characters 5-7 (Wise, Paynovate, PPS EU SA) |
 * | res.partner.bank user_has_group_validate_bank_account | account | the reader is in account.group_validate_bank_account |
 * | res.partner.bank lock_trust_fields | account | allow_out_payment (a saved record is its own origin) |
 * | res.company user_fiscalyear/tax/sale/purchase_lock_date | account company.py `_get_user_lock_date` | over the company and its parents (sudo) with that lock date: the reader's earliest-locking active exception (account.lock_exception searched as the reader; AccessError without the right, as Odoo only when a lock date is set), else the date; the latest of them, else "1-01-01"; exceptions ignored under context ignore_exceptions |
 * | res.company account_enabled_tax_country_ids | account company.py | none for a company not among the reader's; else the countries of the fiscal positions (searched as the reader, its company or a parent's or none) with a foreign VAT, then the fiscal country, each once |
 * | res.company uninstalled_l10n_module_ids | base res_company.py | auto-install modules of the company's country not installed (nor to install/upgrade) whose auto-install dependencies all are, by id (raw SQL in Odoo: no access checks) |
 * | crm.team dashboard_graph_data | sales_team crm_team.py `_graph_get_model` / `_graph_y_query` | without a module that names the graph's model (crm, or sale under context in_sales_app: not computed here, refused), Odoo's UserError "Undefined graph model for Sales Team: <name>": an all-fields read of a team fails |
 * | mail.alias.domain default_from_email | mail mail_alias_domain.py | default_from when it holds an '@', else default_from@name; '' without one |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

const MONEY_TRANSFER_SERVICES: Readonly<Record<string, string>> = { '967': 'Wise', '977': 'Paynovate', '974': 'PPS EU SA' };

function countryCodeOf(alias: string, name: string) {
  return sql`(SELECT lower(co.code) FROM res_country co WHERE co.id = ${column(alias, name)})`;
}

/** `_get_user_lock_date(field)` as JSON: {date, denied}: `denied` is the AccessError text when the reader may not search exceptions and a lock date is set. */
function userLockDate(field: 'fiscalyear_lock_date' | 'tax_lock_date' | 'sale_lock_date' | 'purchase_lock_date'): ComputedField {
  const name = `user_${field}`;
  return {
    dependsOn: [], readsTables: ['res_company', 'account_lock_exception'],
    select: (a, scope) => {
      const f = sql.ref(field);
      const ancestors = sql`(SELECT c.* FROM res_company c WHERE c.id::text = ANY(string_to_array(trim(trailing '/' from ${column(a, 'parent_path')}), '/')))`;
      const ignore = Boolean(scope.env.context?.ignore_exceptions);
      const { exception, denied } = ignore ? { exception: sql`NULL::date`, denied: null } : lockException(scope, field);
      return sql`(SELECT json_build_object(
          'date', to_char(max(COALESCE(${exception}, c.${f})) FILTER (WHERE c.${f} IS NOT NULL), 'YYYY-MM-DD'),
          'denied', CASE WHEN bool_or(c.${f} IS NOT NULL) THEN ${denied}::text END)
        FROM ${ancestors} c)`;
    },
    compute: (r) => {
      const facts = (typeof r[name] === 'string' ? JSON.parse(r[name] as string) : r[name]) as { date: string | null; denied: string | null } | null;
      if (facts?.denied) throw new OdooError('odoo.exceptions.AccessError', facts.denied);
      // Python's date.min formatted by strftime: the year unpadded.
      return !facts?.date || facts.date === '0001-01-01' ? '1-01-01' : facts.date;
    },
  };
}

/** The exception `_get_user_lock_date` searches for the ancestor `c`, as the reader (its lock date), or why the reader may not search. */
function lockException(scope: ComputeScope, field: string) {
  const model = scope.env.registry.model('account.lock_exception');
  let denied: string | null = null;
  try {
    if (model) scope.checkRead?.(model);
  } catch (error) {
    if (!(error instanceof OdooError)) throw error;
    denied = error.message;
  }
  if (!model?.table || denied !== null) return { exception: sql`NULL::date`, denied };
  const alias = nextAlias(scope.env, model);
  const e = (name: string) => sql.ref(`${alias}.${name}`);
  const where = compileWhere(scope.env, model, [], alias);
  // The exception's `<field>` is its lock_date when it changes that lock date (else date.max), searched as
  // `lock_date_field = field AND (lock_date IS NULL OR lock_date < value)`; an empty one reads as date.min.
  const exception = sql`(SELECT COALESCE(${e('lock_date')}, '0001-01-01'::date) FROM ${sql.table(model.table)} AS ${sql.table(alias)}
      WHERE ${e('active')} AND (${e('end_datetime')} IS NULL OR ${e('end_datetime')} >= (now() AT TIME ZONE 'UTC'))
        AND (${e('user_id')} IS NULL OR ${e('user_id')} = ${sql.lit(scope.uid)}) AND ${e('company_id')} = c.id
        AND ${e('lock_date_field')} = ${sql.lit(field)} AND (${e('lock_date')} IS NULL OR ${e('lock_date')} < c.${sql.ref(field)}) AND ${where}
      ORDER BY ${e('lock_date')} ASC NULLS FIRST, ${e('id')} LIMIT 1)`;
  return { exception, denied };
}

export const COMPANY_USER_BANK_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'res.users.crm_team_ids': {
    dependsOn: [], readsTables: ['crm_team_member'],
    select: (a, scope) => {
      const members = searchAsReader(scope, 'crm.team.member', []);
      const m = (name: string) => sql.ref(`${members.alias}.${name}`);
      return sql`(SELECT COALESCE(json_agg(t.team ORDER BY t.pos), '[]') FROM (
          SELECT x.team, min(x.pos) AS pos FROM (
            SELECT ${m('crm_team_id')} AS team, row_number() OVER (ORDER BY ${m('create_date')} ASC, ${m('id')}) AS pos
              FROM ${sql.table(members.table)} AS ${sql.table(members.alias)}
             WHERE ${m('user_id')} = ${column(a, 'id')} AND ${m('crm_team_id')} IS NOT NULL AND ${members.where}) x
          GROUP BY x.team) t)`;
    },
    compute: (r) => (typeof r.crm_team_ids === 'string' ? JSON.parse(r.crm_team_ids) : (r.crm_team_ids ?? [])) as number[],
  },
  'res.company.company_vat_placeholder': {
    dependsOn: [], readsTables: ['res_country', 'res_partner'],
    select: (a) => sql`COALESCE((SELECT lower(co.code) FROM res_partner p JOIN res_country co ON co.id = p.country_id WHERE p.id = ${column(a, 'partner_id')}),
      ${countryCodeOf(a, 'account_fiscal_country_id')})`,
    compute: (r) => {
      const example = typeof r.company_vat_placeholder === 'string' ? VAT_PLACEHOLDER_EXAMPLES[r.company_vat_placeholder] : undefined;
      return example ? `${example}, or / if not applicable` : '/ if not applicable';
    },
  },
  'res.company.user_hard_lock_date': {
    dependsOn: [], readsTables: ['res_company'],
    select: (a) => sql`(SELECT to_char(max(p.hard_lock_date), 'YYYY-MM-DD') FROM res_company p
      WHERE p.id::text = ANY(string_to_array(trim(trailing '/' from ${column(a, 'parent_path')}), '/')))`,
    // Python's date.min formatted by strftime('%Y-%m-%d') on glibc: the year unpadded.
    compute: (r) => (typeof r.user_hard_lock_date === 'string' ? r.user_hard_lock_date : '1-01-01'),
  },
  'res.company.multi_vat_foreign_country_ids': {
    dependsOn: [], readsTables: ['account_fiscal_position'],
    select: (a, scope) => {
      const positions = searchAsReader(scope, 'account.fiscal.position', [['foreign_vat', '!=', false]]);
      const f = (name: string) => sql.ref(`${positions.alias}.${name}`);
      return sql`(SELECT COALESCE(json_agg(${f('country_id')} ORDER BY ${f('id')}) FILTER (WHERE ${f('country_id')} IS NOT NULL), '[]')
          FROM ${sql.table(positions.table)} AS ${sql.table(positions.alias)} WHERE ${f('company_id')} = ${column(a, 'id')} AND ${positions.where})`;
    },
    compute: (r) => [...new Set((typeof r.multi_vat_foreign_country_ids === 'string' ? JSON.parse(r.multi_vat_foreign_country_ids) : (r.multi_vat_foreign_country_ids ?? [])) as number[])],
  },
  'res.company.user_fiscalyear_lock_date': userLockDate('fiscalyear_lock_date'),
  'res.company.user_tax_lock_date': userLockDate('tax_lock_date'),
  'res.company.user_sale_lock_date': userLockDate('sale_lock_date'),
  'res.company.user_purchase_lock_date': userLockDate('purchase_lock_date'),
  'res.company.account_enabled_tax_country_ids': {
    dependsOn: [], readsTables: ['account_fiscal_position', 'res_company', 'res_company_users_rel'],
    select: (a, scope) => {
      const positions = searchAsReader(scope, 'account.fiscal.position', [['foreign_vat', '!=', false]]);
      const f = (name: string) => sql.ref(`${positions.alias}.${name}`);
      const order = sql`${f('sequence')}, ${f('id')}`;
      return sql`(CASE WHEN EXISTS (SELECT 1 FROM res_company_users_rel r WHERE r.cid = ${column(a, 'id')} AND r.user_id = ${sql.lit(scope.uid)}) THEN
          (SELECT COALESCE(json_agg(x.country ORDER BY x.pos), '[]') FROM (
             SELECT ${f('country_id')} AS country, row_number() OVER (ORDER BY ${order}) AS pos
               FROM ${sql.table(positions.table)} AS ${sql.table(positions.alias)}
              WHERE ${f('country_id')} IS NOT NULL AND ${positions.where}
                AND (${f('company_id')} IS NULL OR ${f('company_id')}::text = ANY(string_to_array(trim(trailing '/' from ${column(a, 'parent_path')}), '/')))
             UNION ALL SELECT ${column(a, 'account_fiscal_country_id')}, 1000000000 WHERE ${column(a, 'account_fiscal_country_id')} IS NOT NULL) x)
        ELSE '[]' END)`;
    },
    compute: (r) => [...new Set((typeof r.account_enabled_tax_country_ids === 'string' ? JSON.parse(r.account_enabled_tax_country_ids) : (r.account_enabled_tax_country_ids ?? [])) as number[])],
  },
  'res.company.uninstalled_l10n_module_ids': {
    dependsOn: [], readsTables: ['ir_module_module', 'ir_module_module_dependency', 'module_country', 'res_partner'],
    select: (a) => sql`(SELECT COALESCE(json_agg(module.id ORDER BY module.id), '[]') FROM ir_module_module module
        WHERE module.auto_install AND module.state NOT IN ('installed', 'to install', 'to upgrade')
          AND NOT EXISTS (SELECT 1 FROM ir_module_module_dependency d JOIN ir_module_module mdep ON d.name = mdep.name
                           WHERE d.module_id = module.id AND d.auto_install_required AND mdep.state NOT IN ('installed', 'to install', 'to upgrade'))
          AND EXISTS (SELECT 1 FROM module_country mc WHERE mc.module_id = module.id
                         AND mc.country_id = (SELECT p.country_id FROM res_partner p WHERE p.id = ${column(a, 'partner_id')})))`,
    compute: (r) => (typeof r.uninstalled_l10n_module_ids === 'string' ? JSON.parse(r.uninstalled_l10n_module_ids) : (r.uninstalled_l10n_module_ids ?? [])) as number[],
  },
  'res.partner.bank.money_transfer_service': {
    dependsOn: ['sanitized_acc_number'],
    compute: (r) => (typeof r.sanitized_acc_number === 'string' && r.sanitized_acc_number ? MONEY_TRANSFER_SERVICES[r.sanitized_acc_number.slice(4, 7)] ?? false : false),
  },
  'res.partner.bank.user_has_group_validate_bank_account': {
    dependsOn: [], readsTables: ['res_groups_users_rel', 'ir_model_data'],
    select: (_a, scope) => sql`EXISTS (SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
        AND d.module = 'account' AND d.name = 'group_validate_bank_account' WHERE r.uid = ${sql.lit(scope.uid)})`,
    compute: (r) => r.user_has_group_validate_bank_account === true,
  },
  'res.partner.bank.lock_trust_fields': { dependsOn: ['allow_out_payment'], compute: (r) => r.allow_out_payment === true },
  'crm.team.dashboard_graph_data': {
    dependsOn: [],
    select: (a, scope) => {
      if (scope.env.registry.modules.has('crm') || scope.env.context?.in_sales_app) throw missingBehaviour('crm.team', 'dashboard_graph_data (the dashboard graph query)');
      return fieldSql(scope.env, scope.env.registry.model('crm.team')!.fields.get('name')!, a);
    },
    compute: (r) => {
      throw userError(`Undefined graph model for Sales Team: ${r.dashboard_graph_data ?? 'False'}`);
    },
  },
  'mail.alias.domain.default_from_email': {
    dependsOn: ['default_from', 'name'],
    compute: (r) => {
      const from = typeof r.default_from === 'string' ? r.default_from : '';
      if (!from) return '';
      return from.includes('@') ? from : `${from}@${String(r.name ?? 'False')}`;
    },
  },
};
