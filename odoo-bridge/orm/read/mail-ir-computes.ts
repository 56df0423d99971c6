import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import { fieldSql } from '../domain/field-sql.ts';
import type { Sql } from '../domain/search-env.ts';
import { orderToSql } from '../sql/order.ts';
import { messagePreview } from '../write/mail/notification-layout.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';
import { ACTIVITY_WRITE_RIGHT } from './activity-write-right.ts';
import { DISCUSS_COMPUTED_FIELDS } from './discuss-computes.ts';
import { PAYMENT_PROVIDER_COMPUTED_FIELDS } from './payment-provider-computes.ts';
import { ONBOARDING_COMPUTED_FIELDS } from './onboarding-computes.ts';
import { DIGEST_COMPUTED_FIELDS } from './digest-computes.ts';
import { searchAsReader } from './partner-account-computes.ts';
import { pythonLiteralValue } from './python-literal.ts';
import { tzOffset } from './tz-offset.ts';
import { writableByReader } from './reader-rights.ts';

/**
 * Non-stored computes of mail.* and ir.* models (and resource's calendars) that an all-fields read
 * answers, each as its Odoo 18 compute gives it to the reading user:
 *
 * | field | source | value |
 * |---|---|---|
 * | ir.model count | base `_compute_count` | rows of the model's table (`SELECT COUNT(*)`) for a model with a table of its own (`_auto`, not abstract), else 0 |
 * | ir.model is_mail_thread_sms | sms | a mail thread whose `_phone_get_number_fields() + _mail_get_partner_fields()` name one of its fields |
 * | mail.message preview | mail | `textwrap.shorten(html_to_inner_content(body), 190)` |
 * | mail.message account_audit_log_* | account | a message on an audited move/account/tax/partner/company (sudo search under `DOMAINS`) names it; activated: a notification naming one |
 * | mail.message account_audit_log_preview | account | refused for an activated audit message (tracking values formatted), else False |
 * | mail.message snailmail_error | snailmail | a snailmail message whose first letter is in error |
 * | mail.mail mail_message_id_int | mail | the message id (body_content, html_sanitize(body_html), is left out: see docs/odoo-fidelity-read-rules.md) |
| mail.mail unrestricted_attachment_ids | mail | its attachments (ir.attachment's order, id desc) when the reader can search them all, else none |
 * | mail.mail restricted_attachment_count | mail | all its attachments (sudo) when the reader cannot search one of them, else 0 |
 * | mail.notification sms_id | sms | an sms notification's sms_id_int when that sms.sms exists (sudo) and is not to_delete |
 * | mail.activity.type delay_label | mail | `'<delay_count> <delay_unit label>'`, the label in the reader's language |
 * | mail.activity state | mail | done when archived, else overdue/today/planned against today in the assignee's timezone |
 * | mail.activity has_recommended_activities | mail | the previous activity type suggests next types |
 * | mail.activity can_write | mail | see activity-write-right.ts |
 * | mail.template / sms.template render_model | mail, sms | the template's model |
 * | mail.template template_category | mail | hidden when archived; base with an xml id and a description; hidden with an xml id only; else custom |
 * | mail.template is_template_editor | mail | the reader is in mail.group_mail_template_editor |
 * | mail.template can_write, mail.canned.response is_editable | mail | `_filtered_access('write')`: the write ACL, then the write rules (sudo, archived included) |
 * | ir.actions.act_window views | base `_compute_views` | the view lines (as the reader, sequence order), then the missing modes, view_id's first |
 * | ir.actions.act_window embedded_action_ids | base | none without `active_id` in the context (`is_visible` is False), refused with one |
 * | ir.actions.client params | base | `safe_eval(params_store)` of a literal, False without one |
 * | ir.actions.server available_model_ids | base | ir.model (as the reader, in its `_order`) of models the reader has any read ACL row for |
 * | ir.actions.server webhook_sample_payload | base | False unless a webhook action (then refused: it reads a sample record) |
 * | ir.actions.server value_field_to_show | base | by update_field_id's type: resource_ref, selection_value, update_boolean_value, else value |
 * | resource.calendar tz_offset | resource | now in the calendar's timezone (GMT without one) as `%z` |
 * | resource.calendar two_weeks_explanation | resource | today's (UTC) week, Monday to Sunday, and its parity (`get_week_type`: days since 0001-01-01 in weeks, mod 2) in words; en_US only |
 * | resource.calendar.attendance duration_hours | resource | hour_to - hour_from, 0 for a lunch period |
 * | discuss.channel / discuss.channel.member | mail | see discuss-computes.ts |
 * | payment.provider support_* / journal_id | payment, account_payment | see payment-provider-computes.ts |
 * | onboarding.onboarding(.step) progress computes | onboarding | see onboarding-computes.ts |
 * | digest.digest is_subscribed / available_fields / KPI values | digest | see digest-computes.ts |
 * | web_tour.tour sharing_url | web_tour | `<web.base.url>/odoo?tour=<name>` |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function groupMember(scope: ComputeScope, module: string, name: string): Sql {
  return sql`EXISTS (SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
    AND d.module = ${sql.lit(module)} AND d.name = ${sql.lit(name)} WHERE r.uid = ${sql.lit(scope.uid)})`;
}

/** Models with a table of their own: the registry's tables that PostgreSQL holds as tables (an `_auto = False` model is a view). */
function modelTables(scope: ComputeScope): { models: string[]; tables: string[] } {
  const models: string[] = [];
  const tables: string[] = [];
  for (const model of scope.env.registry.models.values()) {
    if (!model.table) continue;
    models.push(model.name);
    tables.push(model.table);
  }
  return { models, tables };
}

/** The overrides of `_phone_get_number_fields` / `_mail_get_partner_fields` (hr, hr_recruitment, sale); the others use the defaults. */
const SMS_FIELD_OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  'hr.employee': ['mobile_phone', 'user_partner_id'],
  'hr.applicant': ['partner_phone', 'partner_id', 'partner_ids'],
  'sale.order': ['partner_id', 'partner_ids'],
};
const SMS_DEFAULT_FIELDS = ['mobile', 'phone', 'partner_id', 'partner_ids'];

function smsThreadModels(scope: ComputeScope): string[] {
  return [...scope.env.registry.models.values()]
    .filter((model) => (SMS_FIELD_OVERRIDES[model.name] ?? SMS_DEFAULT_FIELDS).some((name) => model.fields.has(name)))
    .map((model) => model.name);
}

/**
 * account mail_message.py DOMAINS (`operator='=', value=True`): the audited records of each model,
 * as a condition on its row `r`.
 */
const AUDITED: Readonly<Record<string, { table: string; audited: (r: string) => Sql }>> = {
  'account.move': { table: 'account_move', audited: (r) => sql`EXISTS (SELECT 1 FROM res_company c WHERE c.id = ${column(r, 'company_id')} AND c.check_account_audit_trail)` },
  'account.account': {
    table: 'account_account',
    audited: (r) => sql`EXISTS (SELECT 1 FROM account_account_res_company_rel rel JOIN res_company c ON c.id = rel.res_company_id
      WHERE rel.account_account_id = ${column(r, 'id')} AND c.check_account_audit_trail)`,
  },
  'account.tax': { table: 'account_tax', audited: (r) => sql`EXISTS (SELECT 1 FROM res_company c WHERE c.id = ${column(r, 'company_id')} AND c.check_account_audit_trail)` },
  'res.partner': {
    table: 'res_partner',
    audited: (r) => sql`(${column(r, 'company_id')} IS NULL OR EXISTS (SELECT 1 FROM res_company c WHERE c.id = ${column(r, 'company_id')} AND c.check_account_audit_trail))
      AND (COALESCE(${column(r, 'customer_rank')}, 0) > 0 OR COALESCE(${column(r, 'supplier_rank')}, 0) > 0)`,
  },
  'res.company': { table: 'res_company', audited: (r) => sql`COALESCE(${column(r, 'check_account_audit_trail')}, false)` },
};

/** `_compute_audit_log_related_record_id(model)`: the message's res_id when it is an audited record of that model (searched with sudo, archived ones left out as search does). */
function auditedRecord(scope: ComputeScope, a: string, model: string): Sql {
  const target = AUDITED[model]!;
  const info = scope.env.registry.model(model);
  if (!info?.table) return sql`NULL`;
  const active = info.activeField ? sql` AND ${column('r', info.activeField)}` : sql``;
  return sql`(SELECT r.id FROM ${sql.table(target.table)} r WHERE ${column(a, 'model')} = ${model} AND r.id = ${column(a, 'res_id')} AND ${target.audited('r')}${active})`;
}

function auditField(model: string): ComputedField {
  const tables = [AUDITED[model]!.table, 'res_company', ...(model === 'account.account' ? ['account_account_res_company_rel'] : [])];
  const name = { 'account.move': 'move', 'account.account': 'account', 'account.tax': 'tax', 'res.partner': 'partner', 'res.company': 'company' }[model]!;
  return {
    dependsOn: [], readsTables: tables, many2one: model,
    select: (a, scope) => auditedRecord(scope, a, model),
    compute: (r) => r[`account_audit_log_${name}_id`] ?? false,
  };
}

function auditActivated(scope: ComputeScope, a: string): Sql {
  const any = Object.keys(AUDITED).map((model) => sql`(${auditedRecord(scope, a, model)}) IS NOT NULL`);
  return sql`(${column(a, 'message_type')} = 'notification' AND (${sql.join(any, sql` OR `)}))`;
}

function canWrite(modelName: string, name: string): ComputedField {
  return {
    dependsOn: [], readsTables: [],
    select: (a, scope) => sql`COALESCE(${writableByReader(scope, modelName, a)}, false)`,
    compute: (r) => r[name] === true,
  };
}

const AUDIT_TABLES = ['account_move', 'account_account', 'account_tax', 'res_partner', 'res_company', 'account_account_res_company_rel'];

/** `_compute_views`: the lines' (view, mode) pairs, then the modes of view_mode no line gives, view_id's own first. */
interface ViewFacts { lines: [number | null, string][] | null; mode: string | null; view_id: number | null; view_type: string | null }

function actionViews(facts: ViewFacts): [number | false, string][] {
  const views: [number | false, string][] = (facts.lines ?? []).map(([id, mode]) => [id ?? false, mode]);
  const got = new Set(views.map(([, mode]) => mode));
  const missing = String(facts.mode ?? '').split(',').filter((mode) => !got.has(mode));
  if (missing.length) {
    const first = facts.view_type !== null ? missing.indexOf(facts.view_type) : -1;
    if (first >= 0) {
      missing.splice(first, 1);
      views.push([facts.view_id ?? false, facts.view_type!]);
    }
    views.push(...missing.map((mode): [false, string] => [false, mode]));
  }
  return views;
}

/** `_compute_state_from_date`: the deadline against today in `tz` (the server's UTC day without one). */
function activityState(a: string): Sql {
  const tz = sql`(SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ${column(a, 'user_id')})`;
  return sql`CASE WHEN ${column(a, 'date_deadline')} IS NULL THEN NULL WHEN NOT COALESCE(${column(a, 'active')}, false) THEN 'done'
    ELSE (ARRAY['overdue', 'today', 'planned'])[sign(${column(a, 'date_deadline')} - (now() AT TIME ZONE COALESCE(${tz}, 'UTC'))::date)::int + 2] END`;
}

export const MAIL_IR_COMPUTED_FIELDS: Record<string, ComputedField> = {
  ...DISCUSS_COMPUTED_FIELDS,
  ...PAYMENT_PROVIDER_COMPUTED_FIELDS,
  ...ONBOARDING_COMPUTED_FIELDS,
  ...DIGEST_COMPUTED_FIELDS,
  'ir.model.count': {
    dependsOn: [], readsTables: ['ir_model', 'pg_class'],
    select: (a, scope) => {
      const { models, tables } = modelTables(scope);
      const table = sql`(${sql.val(tables)}::text[])[array_position(${sql.val(models)}::text[], ${column(a, 'model')}::text)]`;
      // One COUNT(*) per model read, the statement built from the registry's table name (never from the row's text).
      return sql`CASE WHEN EXISTS (SELECT 1 FROM pg_class pc WHERE pc.relname = ${table} AND pc.relkind IN ('r', 'p') AND pc.relnamespace = current_schema()::regnamespace)
        THEN (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', ${table}), false, true, '')))[1]::text::int ELSE 0 END`;
    },
    compute: (r) => Number(r.count ?? 0),
  },
  'ir.model.is_mail_thread_sms': {
    dependsOn: ['is_mail_thread'], readsTables: ['ir_model'],
    select: (a, scope) => sql`COALESCE(${column(a, 'is_mail_thread')}, false) AND ${column(a, 'model')}::text = ANY(${sql.val(smsThreadModels(scope))}::text[])`,
    compute: (r) => r.is_mail_thread_sms === true,
  },
  'mail.message.preview': { dependsOn: ['body'], compute: (r) => messagePreview(typeof r.body === 'string' ? r.body : '') },
  'mail.message.snailmail_error': {
    dependsOn: [], readsTables: ['snailmail_letter'],
    select: (a) => sql`(${column(a, 'message_type')} = 'snailmail' AND COALESCE((SELECT l.state = 'error' FROM snailmail_letter l WHERE l.message_id = ${column(a, 'id')} ORDER BY l.id LIMIT 1), false))`,
    compute: (r) => r.snailmail_error === true,
  },
  'mail.message.account_audit_log_move_id': auditField('account.move'),
  'mail.message.account_audit_log_account_id': auditField('account.account'),
  'mail.message.account_audit_log_tax_id': auditField('account.tax'),
  'mail.message.account_audit_log_partner_id': auditField('res.partner'),
  'mail.message.account_audit_log_company_id': auditField('res.company'),
  'mail.message.account_audit_log_activated': {
    dependsOn: [], readsTables: AUDIT_TABLES,
    select: (a, scope) => auditActivated(scope, a),
    compute: (r) => r.account_audit_log_activated === true,
  },
  'mail.message.account_audit_log_preview': {
    dependsOn: [], readsTables: AUDIT_TABLES,
    select: (a, scope) => auditActivated(scope, a),
    compute: (r) => {
      // An audit message's preview formats its tracking values (`_tracking_value_format`), not composed here.
      if (r.account_audit_log_preview === true) throw missingBehaviour('mail.message', 'the computed field account_audit_log_preview of an audit trail message');
      return false;
    },
  },
  'mail.mail.mail_message_id_int': { dependsOn: ['mail_message_id'], compute: (r) => r.mail_message_id ?? 0 },
  'mail.mail.unrestricted_attachment_ids': {
    dependsOn: [], readsTables: ['message_attachment_rel', 'ir_attachment'],
    select: (a, scope) => {
      const visible = searchAsReader(scope, 'ir.attachment', []);
      return sql`(SELECT CASE WHEN bool_or(NOT EXISTS (SELECT 1 FROM ${sql.table(visible.table)} AS ${sql.table(visible.alias)}
          WHERE ${sql.ref(`${visible.alias}.id`)} = rel.attachment_id AND ${visible.where})) THEN '[]'::json ELSE COALESCE(json_agg(rel.attachment_id ORDER BY rel.attachment_id DESC), '[]'::json) END
        FROM message_attachment_rel rel WHERE rel.message_id = ${column(a, 'mail_message_id')})`;
    },
    compute: (r) => json<number[]>(r.unrestricted_attachment_ids),
  },
  'mail.mail.restricted_attachment_count': {
    dependsOn: [], readsTables: ['message_attachment_rel', 'ir_attachment'],
    select: (a, scope) => {
      const visible = searchAsReader(scope, 'ir.attachment', []);
      // `_filter_attachment_access` keeps none when the reader may not read them all (`has_access('read')` on the set).
      return sql`(SELECT CASE WHEN bool_or(NOT EXISTS (SELECT 1 FROM ${sql.table(visible.table)} AS ${sql.table(visible.alias)}
          WHERE ${sql.ref(`${visible.alias}.id`)} = rel.attachment_id AND ${visible.where})) THEN count(*)::int ELSE 0 END
        FROM message_attachment_rel rel WHERE rel.message_id = ${column(a, 'mail_message_id')})`;
    },
    compute: (r) => Number(r.restricted_attachment_count ?? 0),
  },
  'mail.notification.sms_id': {
    dependsOn: [], readsTables: ['sms_sms'], many2one: 'sms.sms',
    select: (a) => sql`(SELECT s.id FROM sms_sms s WHERE ${column(a, 'notification_type')} = 'sms' AND s.id = ${column(a, 'sms_id_int')} AND s.to_delete IS NOT TRUE)`,
    compute: (r) => r.sms_id ?? false,
  },
  'mail.activity.type.delay_label': {
    dependsOn: ['delay_count'], readsTables: ['ir_model_fields_selection', 'ir_model_fields'],
    select: (a, scope) => sql`(SELECT COALESCE(s.name->>${scope.env.lang ?? 'en_US'}::text, s.name->>'en_US') FROM ir_model_fields_selection s
        JOIN ir_model_fields f ON f.id = s.field_id WHERE f.model = 'mail.activity.type' AND f.name = 'delay_unit' AND s.value = ${column(a, 'delay_unit')})`,
    compute: (r) => `${r.delay_count ?? 0} ${r.delay_label ?? ''}`,
  },
  'mail.activity.state': {
    dependsOn: [], readsTables: ['res_users', 'res_partner'],
    select: (a) => activityState(a),
    compute: (r) => r.state ?? false,
  },
  'mail.activity.can_write': ACTIVITY_WRITE_RIGHT,
  'mail.activity.has_recommended_activities': {
    dependsOn: [], readsTables: ['mail_activity_rel'],
    select: (a) => sql`EXISTS (SELECT 1 FROM mail_activity_rel rel WHERE rel.activity_id = ${column(a, 'previous_activity_type_id')})`,
    compute: (r) => r.has_recommended_activities === true,
  },
  'mail.template.render_model': { dependsOn: ['model'], compute: (r) => r.model ?? false },
  'sms.template.render_model': { dependsOn: ['model'], compute: (r) => r.model ?? false },
  'mail.template.template_category': {
    dependsOn: ['active'], readsTables: ['ir_model_data'],
    select: (a, scope) => {
      const description = scope.env.registry.model('mail.template')?.fields.get('description');
      const described = description ? sql`COALESCE(${fieldSql(scope.env, description, a)}, '') <> ''` : sql`false`;
      return sql`json_build_array(EXISTS (SELECT 1 FROM ir_model_data d WHERE d.model = 'mail.template' AND d.res_id = ${column(a, 'id')}), ${described})`;
    },
    compute: (r) => {
      const [external, described] = json<[boolean, boolean]>(r.template_category);
      if (!r.active) return 'hidden_template';
      return external && described ? 'base_template' : external ? 'hidden_template' : 'custom_template';
    },
  },
  'mail.template.can_write': canWrite('mail.template', 'can_write'),
  'mail.canned.response.is_editable': canWrite('mail.canned.response', 'is_editable'),
  'mail.template.is_template_editor': {
    dependsOn: [], readsTables: ['res_groups_users_rel', 'ir_model_data'],
    select: (_a, scope) => groupMember(scope, 'mail', 'group_mail_template_editor'),
    compute: (r) => r.is_template_editor === true,
  },
  'ir.actions.act_window.views': {
    dependsOn: [], readsTables: ['ir_act_window_view', 'ir_ui_view'],
    select: (a, scope) => {
      const lines = searchAsReader(scope, 'ir.actions.act_window.view', []);
      const l = (name: string) => sql.ref(`${lines.alias}.${name}`);
      return sql`json_build_object(
        'lines', (SELECT json_agg(json_build_array(${l('view_id')}, ${l('view_mode')}) ORDER BY ${l('sequence')}, ${l('id')})
                    FROM ${sql.table(lines.table)} AS ${sql.table(lines.alias)} WHERE ${l('act_window_id')} = ${column(a, 'id')} AND ${lines.where}),
        'mode', ${column(a, 'view_mode')}, 'view_id', ${column(a, 'view_id')},
        'view_type', (SELECT v.type FROM ir_ui_view v WHERE v.id = ${column(a, 'view_id')}))`;
    },
    compute: (r) => actionViews(json<ViewFacts>(r.views)),
  },
  'ir.actions.act_window.embedded_action_ids': {
    dependsOn: [], readsTables: [],
    select: (_a, scope) => {
      if (scope.env.context?.active_id) throw missingBehaviour('ir.actions.act_window', 'the computed field embedded_action_ids with active_id');
      return sql`NULL`;
    },
    compute: () => [],
  },
  'ir.actions.client.params': {
    dependsOn: ['params_store'],
    compute: (r) => clientParams(r.params_store, r.id as number),
  },
  'ir.actions.server.available_model_ids': {
    dependsOn: [], readsTables: ['ir_model', 'ir_model_access', 'res_groups_users_rel'],
    select: (_a, scope) => {
      const models = searchAsReader(scope, 'ir.model', []);
      const irModel = scope.env.registry.model('ir.model')!;
      const joins: Sql[] = [];
      // The search's order: ir.model's `_order` (mail's 'is_mail_thread DESC, name ASC' where mail is installed).
      const order = orderToSql(scope.env, irModel, models.alias, irModel.order, joins);
      const m = (name: string) => sql.ref(`${models.alias}.${name}`);
      return sql`(SELECT COALESCE(json_agg(${m('id')} ORDER BY ${sql.join(order)}), '[]'::json) FROM ${sql.table(models.table)} AS ${sql.table(models.alias)} ${sql.join(joins, sql` `)}
        WHERE ${models.where} AND EXISTS (SELECT 1 FROM ir_model_access acc WHERE acc.model_id = ${m('id')} AND acc.perm_read AND acc.active
          AND (acc.group_id IS NULL OR acc.group_id IN (SELECT r.gid FROM res_groups_users_rel r WHERE r.uid = ${sql.lit(scope.uid)}))))`;
    },
    compute: (r) => json<number[]>(r.available_model_ids),
  },
  'ir.actions.server.webhook_sample_payload': {
    dependsOn: ['state'],
    compute: (r) => {
      if (r.state === 'webhook') throw missingBehaviour('ir.actions.server', 'the computed field webhook_sample_payload of a webhook action');
      return false;
    },
  },
  'ir.actions.server.value_field_to_show': {
    dependsOn: [], readsTables: ['ir_model_fields'],
    select: (a) => sql`(SELECT f.ttype FROM ir_model_fields f WHERE f.id = ${column(a, 'update_field_id')})`,
    compute: (r) => {
      const type = r.value_field_to_show;
      return type === 'many2one' || type === 'many2many' ? 'resource_ref' : type === 'selection' ? 'selection_value' : type === 'boolean' ? 'update_boolean_value' : 'value';
    },
  },
  // web_tour tour.py `_compute_sharing_url`: `f"{get_base_url()}/odoo?tour={name}"`, the base url being web.base.url (sudo; None when unset).
  'web_tour.tour.sharing_url': {
    dependsOn: ['name'], readsTables: ['ir_config_parameter'],
    select: () => sql`(SELECT p.value FROM ir_config_parameter p WHERE p.key = 'web.base.url')`,
    compute: (r) => `${r.sharing_url ?? 'None'}/odoo?tour=${r.name ?? 'False'}`,
  },
  'resource.calendar.two_weeks_explanation': {
    dependsOn: [],
    select: (_a, scope) => {
      // The sentence and 'first'/'second' are code terms translated into the reader's language; Ficus holds only their source text.
      if (scope.env.lang && scope.env.lang !== 'en_US') throw missingBehaviour('resource.calendar', `the computed field two_weeks_explanation in ${scope.env.lang}`);
      return sql`NULL`;
    },
    compute: () => twoWeeksExplanation(new Date()),
  },
  'resource.calendar.tz_offset': { dependsOn: ['tz'], compute: (r) => tzOffset(typeof r.tz === 'string' ? r.tz : null) },
  'resource.calendar.attendance.duration_hours': {
    dependsOn: ['hour_from', 'hour_to', 'day_period'],
    compute: (r) => (r.day_period === 'lunch' ? 0 : Number(r.hour_to ?? 0) - Number(r.hour_from ?? 0)),
  },
};

/** `params_store and safe_eval(params_store, {'uid': uid})`: a literal (a dict, as stored by the inverse's `repr`), False when empty. */
function clientParams(stored: unknown, id: number): unknown {
  const text = Buffer.isBuffer(stored) ? stored.toString('utf8') : typeof stored === 'string' ? stored : '';
  if (!text) return false;
  const value = pythonLiteralValue(text);
  if (value === undefined) throw missingBehaviour('ir.actions.client', `the computed field params of action ${id} (not a literal)`);
  return value;
}

/** Days from 0001-01-01 (ordinal 1) to 1970-01-01: Python's `date(1970, 1, 1).toordinal()`. */
const EPOCH_ORDINAL = 719163;
const DAY_MS = 86_400_000;

/** resource_calendar.py `_compute_two_weeks_explanation` for `now`'s UTC date (fields.Date.today()). */
export function twoWeeksExplanation(now: Date): string {
  const days = Math.floor(now.getTime() / DAY_MS);
  const weekType = Math.floor((days + EPOCH_ORDINAL - 1) / 7) % 2;
  const weekday = (new Date(days * DAY_MS).getUTCDay() + 6) % 7; // Monday = 0, as calendar.weekday
  const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  return `The current week (from ${iso(days - weekday)} to ${iso(days - weekday + 6)}) corresponds to week number ${weekType ? 'second' : 'first'}.`;
}
