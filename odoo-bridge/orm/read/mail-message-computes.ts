import { sql } from 'kysely';
import type { ComputedField, ComputeScope } from './computed-field.ts';

/**
 * The reading user's view of a message and of a channel member, as mail (and sms) compute them
 * in Odoo 18 (addons/mail/models/mail_message.py, sms/models/mail_message.py,
 * mail/models/discuss/discuss_channel_member.py); an all-fields read of mail.message (a chatter,
 * odoorpc's browse) asks for all of them:
 *
 * | field | value |
 * |---|---|
 * | `mail.message.is_current_user_or_guest_author` | the author is the user's partner and the user is not public (RPC carries no guest) |
 * | `mail.message.needaction` | an unread notification of the message for the user's partner (read as superuser) |
 * | `mail.message.starred` | the user's partner is among the message's `starred_partner_ids` |
 * | `mail.message.has_error` | a notification of the message bounced or failed |
 * | `mail.message.has_sms_error` | sms: an sms notification of the message failed |
 * | `discuss.channel.member.is_self` | the member is the user's partner and the user is not public |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

/** `env.user.partner_id`. */
const userPartner = (scope: ComputeScope) => sql`(SELECT u.partner_id FROM res_users u WHERE u.id = ${scope.uid})`;

/** `_get_current_persona()[0]` / `not user._is_public() and user.partner_id`: none for a public user. */
const personaPartner = (scope: ComputeScope) => sql`(SELECT u.partner_id FROM res_users u WHERE u.id = ${scope.uid} AND NOT EXISTS (
  SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid AND d.module = 'base' AND d.name = 'group_public'
   WHERE r.uid = u.id))`;

const bool = (name: string) => (r: Record<string, unknown>) => r[name] === true;

export const MAIL_MESSAGE_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'mail.message.is_current_user_or_guest_author': {
    dependsOn: [], readsTables: ['mail_message', 'res_users', 'res_groups_users_rel', 'ir_model_data'],
    select: (a, scope) => sql`COALESCE(${column(a, 'author_id')} = ${personaPartner(scope)}, false)`,
    compute: bool('is_current_user_or_guest_author'),
  },
  'mail.message.needaction': {
    dependsOn: [], readsTables: ['mail_notification', 'res_users'],
    select: (a, scope) => sql`EXISTS (SELECT 1 FROM mail_notification n WHERE n.mail_message_id = ${column(a, 'id')}
      AND n.res_partner_id = ${userPartner(scope)} AND NOT COALESCE(n.is_read, false))`,
    compute: bool('needaction'),
  },
  'mail.message.starred': {
    dependsOn: [], readsTables: ['mail_message_res_partner_starred_rel', 'res_users'],
    select: (a, scope) => sql`EXISTS (SELECT 1 FROM mail_message_res_partner_starred_rel s WHERE s.mail_message_id = ${column(a, 'id')}
      AND s.res_partner_id = ${userPartner(scope)})`,
    compute: bool('starred'),
  },
  'mail.message.has_error': {
    dependsOn: [], readsTables: ['mail_notification'],
    select: (a) => sql`EXISTS (SELECT 1 FROM mail_notification n WHERE n.mail_message_id = ${column(a, 'id')} AND n.notification_status IN ('bounce', 'exception'))`,
    compute: bool('has_error'),
  },
  'mail.message.has_sms_error': {
    dependsOn: [], readsTables: ['mail_notification'],
    select: (a) => sql`EXISTS (SELECT 1 FROM mail_notification n WHERE n.mail_message_id = ${column(a, 'id')}
      AND n.notification_type = 'sms' AND n.notification_status = 'exception')`,
    compute: bool('has_sms_error'),
  },
  'discuss.channel.member.is_self': {
    dependsOn: [], readsTables: ['res_users', 'res_groups_users_rel', 'ir_model_data'],
    select: (a, scope) => sql`COALESCE(${column(a, 'partner_id')} = ${personaPartner(scope)}, false)`,
    compute: bool('is_self'),
  },
};
