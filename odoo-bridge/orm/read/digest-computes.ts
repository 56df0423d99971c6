import { sql } from 'kysely';
import { accessError, missingBehaviour } from '../../errors.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';

/**
 * digest.digest computes an all-fields read answers (addons/digest and the modules adding KPIs, Odoo 18):
 *
 * | field | value |
 * |---|---|
 * | is_subscribed | the reader is among the digest's user_ids |
 * | available_fields | `'<kpi>_value'` of each set `kpi_*` / `x_kpi_*` / `x_studio_kpi_*` boolean, in field order, `', '`-joined |
 * | kpi_*_value | the KPI over `start_datetime`..`end_datetime` of the context; without them the period's bounds are False, which no row matches: 0. What each KPI reads is still read as the reader first (its model's read right: res.users, mail.message, sale.report, crm.lead…; account's revenue needs account.group_account_invoice, else its AccessError). A period in the context is refused. |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** The model each KPI's `_read_group` / `search_count` runs on as the reader, or the group account's revenue demands (it reads as superuser). */
const KPI_READS: Readonly<Record<string, { model: string } | { group: [string, string]; message: string }>> = {
  kpi_res_users_connected_value: { model: 'res.users' },
  kpi_mail_message_total_value: { model: 'mail.message' },
  kpi_account_total_revenue_value: { group: ['account', 'group_account_invoice'], message: "Do not have access, skip this data for user's digest email" },
  kpi_all_sale_total_value: { model: 'sale.report' },
  kpi_website_sale_total_value: { model: 'sale.report' },
  kpi_crm_lead_created_value: { model: 'crm.lead' },
  kpi_crm_opportunities_won_value: { model: 'crm.lead' },
  kpi_hr_recruitment_new_colleagues_value: { model: 'hr.employee' },
  kpi_pos_total_value: { model: 'pos.order' },
  kpi_project_task_opened_value: { model: 'project.task' },
};

function kpiValue(name: string): ComputedField {
  return {
    dependsOn: [], readsTables: ['res_groups_users_rel', 'ir_model_data'],
    select: (_a, scope) => {
      const context = scope.env.context ?? {};
      if (context.start_datetime || context.end_datetime) throw missingBehaviour('digest.digest', `the computed field ${name} over a period`);
      const reads = KPI_READS[name];
      if (!reads) throw missingBehaviour('digest.digest', `the computed field ${name}`);
      if ('model' in reads) {
        const model = scope.env.registry.model(reads.model);
        if (model) scope.checkRead?.(model);
        return sql`NULL`;
      }
      if (!scope.checkRead) return sql`NULL`;
      return sql`EXISTS (SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
        AND d.module = ${reads.group[0]} AND d.name = ${reads.group[1]} WHERE r.uid = ${sql.lit(scope.uid)})`;
    },
    compute: (r) => {
      const reads = KPI_READS[name]!;
      if ('group' in reads && r[name] === false) throw accessError(reads.message);
      return 0;
    },
  };
}

function kpiSwitches(model: ModelInfo): string[] {
  return model.fieldOrder.filter((name) => /^(kpi_|x_kpi_|x_studio_kpi_)/.test(name) && model.fields.get(name)?.type === 'boolean' && !!model.fields.get(name)?.column);
}

export function digestComputedFields(): Record<string, ComputedField> {
  return Object.fromEntries(Object.keys(KPI_READS).map((name) => [`digest.digest.${name}`, kpiValue(name)]));
}

export const DIGEST_COMPUTED_FIELDS: Record<string, ComputedField> = {
  ...digestComputedFields(),
  'digest.digest.is_subscribed': {
    dependsOn: [], readsTables: ['digest_digest_res_users_rel'],
    select: (a, scope) => {
      const users = scope.env.registry.model('digest.digest')?.fields.get('user_ids');
      if (!users?.relationTable || !users.column1 || !users.column2) return sql`false`;
      return sql`EXISTS (SELECT 1 FROM ${sql.table(users.relationTable)} rel WHERE ${sql.ref(`rel.${users.column1}`)} = ${column(a, 'id')} AND ${sql.ref(`rel.${users.column2}`)} = ${sql.lit(scope.uid)})`;
    },
    compute: (r) => r.is_subscribed === true,
  },
  'digest.digest.available_fields': {
    dependsOn: [],
    select: (a, scope) => {
      const switches = kpiSwitches(scope.env.registry.model('digest.digest')!);
      if (!switches.length) return sql`'[]'::json`;
      return sql`json_build_array(${sql.join(switches.map((name) => sql`CASE WHEN ${column(a, name)} THEN ${name + '_value'}::text END`))})`;
    },
    compute: (r) => json<(string | null)[]>(r.available_fields).filter((name): name is string => !!name).join(', '),
  },
};
