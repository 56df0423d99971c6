import { sql, type RawBuilder } from 'kysely';
import type { ModelInfo } from '../registry/types.ts';
import type { ComputedField, ComputeScope } from './computed-field.ts';

type Sql = RawBuilder<unknown>;

/**
 * The non-stored computes every model inheriting mail.thread or mail.activity.mixin carries
 * (addons/mail/models/mail_thread.py, mail_activity_mixin.py, Odoo 18), which list views and
 * odoorpc read constantly. A model has them when it has the mixin's anchor field (`message_ids`
 * one2many to mail.message, `activity_ids` to mail.activity); the values come from
 * mail_followers, mail_message, mail_notification, mail_activity and ir_attachment rows of
 * (model, id), for the reading user where Python uses `env.user` (its partner).
 *
 * mail.activity's `_order` is `date_deadline ASC, id ASC`; `activity_ids` hold the active ones.
 */
const id = (alias: string) => sql.ref(`${alias}.id`);
const userPartner = (scope: ComputeScope) => sql`(SELECT partner_id FROM res_users WHERE id = ${scope.uid})`;

function activities(alias: string, scope: ComputeScope): Sql {
  return sql`mail_activity a WHERE a.res_model = ${scope.model} AND a.res_id = ${id(alias)} AND a.active`;
}

/** The first activity's column (fields.first(record.activity_ids)). */
function firstActivity(column: string) {
  return (alias: string, scope: ComputeScope): Sql => sql`(SELECT ${sql.ref(`a.${column}`)} FROM ${activities(alias, scope)} ORDER BY a.date_deadline, a.id LIMIT 1)`;
}

const THREAD: Record<string, ComputedField> = {
  // _compute_message_is_follower: the reading user's partner follows the record.
  message_is_follower: {
    dependsOn: [], readsTables: ['mail_followers', 'res_users'],
    select: (a, scope) => sql`EXISTS (SELECT 1 FROM mail_followers f WHERE f.res_model = ${scope.model} AND f.res_id = ${id(a)} AND f.partner_id = ${userPartner(scope)})`,
    compute: (r) => r.message_is_follower === true,
  },
  // _compute_message_partner_ids: message_follower_ids.mapped('partner_id'), followers by id.
  message_partner_ids: {
    dependsOn: [], readsTables: ['mail_followers'],
    select: (a, scope) => sql`(SELECT coalesce(json_agg(p ORDER BY first), '[]') FROM (SELECT f.partner_id AS p, min(f.id) AS first FROM mail_followers f
      WHERE f.res_model = ${scope.model} AND f.res_id = ${id(a)} AND f.partner_id IS NOT NULL GROUP BY f.partner_id) AS followers)`,
    compute: (r) => r.message_partner_ids ?? [],
  },
  // _compute_has_message: any message posted on the record.
  has_message: {
    dependsOn: [], readsTables: ['mail_message'],
    select: (a, scope) => sql`EXISTS (SELECT 1 FROM mail_message m WHERE m.model = ${scope.model} AND m.res_id = ${id(a)})`,
    compute: (r) => r.has_message === true,
  },
  // _compute_message_needaction: unread notifications of the reading user's partner.
  message_needaction_counter: { dependsOn: [], readsTables: ['mail_message', 'mail_notification', 'res_users'], select: (a, scope) => needaction(a, scope), compute: (r) => Number(r.message_needaction_counter ?? 0) },
  message_needaction: { dependsOn: [], readsTables: ['mail_message', 'mail_notification', 'res_users'], select: (a, scope) => needaction(a, scope), compute: (r) => Number(r.message_needaction ?? 0) > 0 },
  // _compute_message_has_error: notifications in exception or bounce of messages the reading user's partner wrote.
  message_has_error_counter: { dependsOn: [], readsTables: ['mail_message', 'mail_notification', 'res_users'], select: (a, scope) => hasError(a, scope), compute: (r) => Number(r.message_has_error_counter ?? 0) },
  message_has_error: { dependsOn: [], readsTables: ['mail_message', 'mail_notification', 'res_users'], select: (a, scope) => hasError(a, scope), compute: (r) => Number(r.message_has_error ?? 0) > 0 },
  // sms's _compute_message_has_sms_error: SMS notifications in exception of messages the reading user's partner wrote.
  message_has_sms_error: {
    dependsOn: [], readsTables: ['mail_message', 'mail_notification', 'res_users'],
    select: (a, scope) => sql`EXISTS (SELECT 1 FROM mail_message msg JOIN mail_notification notif ON notif.mail_message_id = msg.id
      WHERE notif.notification_type = 'sms' AND notif.notification_status = 'exception' AND notif.author_id = ${userPartner(scope)}
        AND msg.model = ${scope.model} AND msg.res_id = ${id(a)} AND msg.message_type <> 'user_notification')`,
    compute: (r) => r.message_has_sms_error === true,
  },
  // _compute_message_attachment_count: the record's attachments (not those of binary fields).
  message_attachment_count: {
    dependsOn: [], readsTables: ['ir_attachment'],
    select: (a, scope) => sql`(SELECT count(*)::int FROM ir_attachment t WHERE t.res_model = ${scope.model} AND t.res_id = ${id(a)} AND t.res_field IS NULL)`,
    compute: (r) => Number(r.message_attachment_count ?? 0),
  },
};

function needaction(alias: string, scope: ComputeScope): Sql {
  return sql`(SELECT count(*)::int FROM mail_message msg JOIN mail_notification rel ON rel.mail_message_id = msg.id
    AND rel.res_partner_id = ${userPartner(scope)} AND (rel.is_read = false OR rel.is_read IS NULL)
    WHERE msg.model = ${scope.model} AND msg.res_id = ${id(alias)} AND msg.message_type <> 'user_notification')`;
}

function hasError(alias: string, scope: ComputeScope): Sql {
  return sql`(SELECT count(*)::int FROM mail_message msg JOIN mail_notification notif ON notif.mail_message_id = msg.id
    WHERE notif.notification_status IN ('exception', 'bounce') AND notif.author_id = ${userPartner(scope)}
      AND msg.model = ${scope.model} AND msg.res_id = ${id(alias)} AND msg.message_type <> 'user_notification')`;
}

interface ActivityType {
  d: string | null;
  i: string | null;
  t: number;
}

/**
 * _compute_activity_exception_type: over the activities' types in order of first appearance,
 * the first 'danger' one, else the last 'warning' one.
 */
function exceptionType(types: ActivityType[] | null | undefined): ActivityType | null {
  let found: ActivityType | null = null;
  const seen = new Set<number>();
  for (const type of types ?? []) {
    if (seen.has(type.t)) continue;
    seen.add(type.t);
    if (type.d === 'danger') return type;
    if (type.d === 'warning') found = type;
  }
  return found;
}

const ACTIVITY: Record<string, ComputedField> = {
  // _compute_activity_state: the most urgent of the activities' states, each from its deadline and
  // today in the assignee's timezone (user_tz), as _search_activity_state computes it in SQL.
  activity_state: {
    dependsOn: [], readsTables: ['mail_activity'],
    select: (a, scope) => sql`(SELECT min(sign(extract(day FROM (a.date_deadline - date_trunc('day', now() AT TIME ZONE coalesce(a.user_tz, 'utc'))))))::int FROM ${activities(a, scope)})`,
    compute: (r) => (r.activity_state === null || r.activity_state === undefined ? false : ({ '-1': 'overdue', '0': 'today', '1': 'planned' } as Record<string, string>)[String(r.activity_state)] ?? false),
  },
  // _compute_activity_user_id: the first activity's assignee.
  activity_user_id: { dependsOn: [], readsTables: ['mail_activity'], select: firstActivity('user_id'), compute: (r) => r.activity_user_id ?? false, many2one: 'res.users' },
  // _compute_activity_date_deadline: the first activity's deadline.
  activity_date_deadline: { dependsOn: [], readsTables: ['mail_activity'], select: (a, scope) => sql`to_char(${firstActivity('date_deadline')(a, scope)}, 'YYYY-MM-DD')`, compute: (r) => r.activity_date_deadline ?? false },
  // _compute_my_activity_date_deadline: the first activity assigned to the reading user.
  my_activity_date_deadline: {
    dependsOn: [], readsTables: ['mail_activity'],
    select: (a, scope) => sql`(SELECT to_char(a.date_deadline, 'YYYY-MM-DD') FROM ${activities(a, scope)} AND a.user_id = ${scope.uid} ORDER BY a.date_deadline, a.id LIMIT 1)`,
    compute: (r) => r.my_activity_date_deadline ?? false,
  },
  activity_exception_decoration: {
    dependsOn: [], readsTables: ['mail_activity', 'mail_activity_type'],
    select: (a, scope) => typesOf(a, scope),
    compute: (r) => exceptionType(r.activity_exception_decoration as ActivityType[] | null)?.d ?? false,
  },
  activity_exception_icon: {
    dependsOn: [], readsTables: ['mail_activity', 'mail_activity_type'],
    select: (a, scope) => typesOf(a, scope),
    compute: (r) => exceptionType(r.activity_exception_icon as ActivityType[] | null)?.i ?? false,
  },
};

function typesOf(alias: string, scope: ComputeScope): Sql {
  return sql`(SELECT json_agg(json_build_object('d', t.decoration_type, 'i', t.icon, 't', t.id) ORDER BY a.date_deadline, a.id)
    FROM mail_activity a JOIN mail_activity_type t ON t.id = a.activity_type_id
    WHERE a.res_model = ${scope.model} AND a.res_id = ${id(alias)} AND a.active)`;
}

// mail.thread.blacklist `_compute_is_blacklisted`: the normalized email is on the (active) blacklist, read with sudo.
const IS_BLACKLISTED: ComputedField = {
  dependsOn: [], readsTables: ['mail_blacklist'],
  select: (a) => sql`EXISTS (SELECT 1 FROM mail_blacklist b WHERE b.email = ${sql.ref(`${a}.email_normalized`)} AND b.active)`,
  compute: (r) => r.is_blacklisted === true,
};

// mail.thread.phone `_compute_blacklisted`: the sanitized number is on the (active) phone blacklist, read with sudo.
const PHONE_SANITIZED_BLACKLISTED: ComputedField = {
  dependsOn: [], readsTables: ['phone_blacklist'],
  select: (a) => sql`EXISTS (SELECT 1 FROM phone_blacklist b WHERE b.number = ${sql.ref(`${a}.phone_sanitized`)} AND b.active)`,
  compute: (r) => r.phone_sanitized_blacklisted === true,
};

/**
 * mail.thread.phone `_compute_blacklisted`, phone_blacklisted / mobile_blacklisted: the sanitized
 * number is blacklisted and `_phone_format(fname)` of the `phone` (resp. `mobile`) field equals it.
 * `_phone_format` is the number unchanged without the `phonenumbers` library, as on the databases
 * Ficus serves (write/core/mixin-computes.ts refuses to store phone_sanitized where rows show the
 * library's E.164 formatting).
 */
const numberBlacklisted = (numberField: 'phone' | 'mobile'): ComputedField => ({
  dependsOn: [], readsTables: ['phone_blacklist'],
  select: (a) => sql`(${sql.ref(`${a}.${numberField}`)} = ${sql.ref(`${a}.phone_sanitized`)}
    AND EXISTS (SELECT 1 FROM phone_blacklist b WHERE b.number = ${sql.ref(`${a}.phone_sanitized`)} AND b.active))`,
  compute: (r) => r[`${numberField}_blacklisted`] === true,
});
const PHONE_BLACKLISTED = numberBlacklisted('phone');
const MOBILE_BLACKLISTED = numberBlacklisted('mobile');

/** The mixin compute of `field` on `model`, when the model inherits the mixin that defines it. */
export function mailMixinComputedField(model: ModelInfo, field: string): ComputedField | undefined {
  if (field === 'is_blacklisted' && model.fields.get('email_normalized')?.column) return IS_BLACKLISTED;
  if (field === 'phone_sanitized_blacklisted' && model.fields.get('phone_sanitized')?.column) return PHONE_SANITIZED_BLACKLISTED;
  if (field === 'phone_blacklisted' && model.fields.get('phone_sanitized')?.column && model.fields.get('phone')?.column) return PHONE_BLACKLISTED;
  if (field === 'mobile_blacklisted' && model.fields.get('phone_sanitized')?.column && model.fields.get('mobile')?.column) return MOBILE_BLACKLISTED;
  if (field in THREAD && model.fields.get('message_ids')?.relation === 'mail.message') return THREAD[field];
  if (field in ACTIVITY && model.fields.get('activity_ids')?.relation === 'mail.activity') return ACTIVITY[field];
  return undefined;
}
