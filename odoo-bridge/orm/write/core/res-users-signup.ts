import { missingBehaviour, OdooError, userError, valueError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { idsOf, type MethodSpec } from '../../methods/method.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { updateRecords } from '../record-writes.ts';
import { inTransaction } from '../transaction.ts';
import { checkExist, checkRules, type WriteEnv } from '../write-env.ts';
import { configParameter, moduleInstalled, xmlidToResId } from './xmlid.ts';
import { copyRecords } from '../copy-records.ts';
import type { Vals } from '../behaviour-registry.ts';

/**
 * auth_signup's invitation and password-reset mails (addons/auth_signup/models/res_users.py,
 * res_partner.py), as a stock Odoo 18 without a reachable outgoing mail server runs them (Ficus
 * delivers no mail; Odoo then falls back to localhost:25, which refuses):
 * - `_action_reset_password(signup_type)`: nothing under `install_mode`/`import_file`; an archived
 *   user is a UserError; the partners' `signup_type` is written (signup_prepare); then per user
 *   (no email: UserError) a mail.mail is created and sent inside `closing(savepoint())`, which
 *   always rolls it back: what stays is the ids its mail.message and mail.mail drew from their
 *   sequences. With the `create_user` template (auth_signup.set_password_email) the send raises
 *   MailDeliveryException at the first user; without it (reset) the failure is only logged and
 *   every user gets their try.
 * - `create`: users with an email, unless `no_reset_password`, get that with create_user; the
 *   MailDeliveryException cancels the signup (`signup_type` back to NULL).
 * - `action_reset_password` (RPC): `create_user == 1` makes it a signup, whose delivery failure is
 *   the UserError "Could not contact the mail server…"; otherwise a reset, answered with the
 *   display_notification action.
 * What differs from Odoo: the mail body (a rendered QWeb template with a signed, time-stamped
 * token) is never built, since Odoo's own rollback leaves no trace of it.
 */

/** auth_signup's `MailDeliveryException` inside this module: the failed send of a template mail. */
class MailDeliveryFailure extends Error {}

/** What `_action_reset_password` left: the last user's notification text, or nothing (install_mode). */
type ResetOutcome = { message: string } | null;

async function actionResetPassword(w: WriteEnv, userIds: number[], signupType: 'signup' | 'reset'): Promise<ResetOutcome> {
  const { ctx } = w;
  if (ctx.context.install_mode || ctx.context.import_file) return null;
  const { rows: users } = await ctx.db.query<{ id: number; active: boolean; partner_id: number; email: string | null; name: string | null; lang: string | null }>(
    `SELECT u.id, u.active, u.partner_id, p.email, p.name, p.lang FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ANY($1::int4[])`,
    [userIds],
  );
  const model = ctx.registry.model('res.users');
  if (model) {
    // `self.filtered(lambda user: not user.active)` reads the users as the caller: missing ones, the ACL and the rules first.
    ctx.access.checkModel(model, 'read');
    await checkExist(w, model, userIds);
    await checkRules(w, model, 'read', userIds);
  }
  const byId = new Map(users.map((u) => [u.id, u]));
  const ordered = userIds.map((id) => byId.get(id)).filter((u): u is NonNullable<typeof u> => u !== undefined);
  if (ordered.some((u) => !u.active)) throw userError('You cannot perform this action on an archived user.');
  await writeSignupType(w, [...new Set(ordered.map((u) => u.partner_id))], signupType);
  const createMode = Boolean(ctx.context.create_user);
  const template = createMode ? await xmlidToResId(ctx.db, 'auth_signup.set_password_email', 'mail.template') : null;
  let message = '';
  for (const user of ordered) {
    if (!user.email) throw userError(`Cannot send email: user ${user.name ?? 'False'} has no email address.`);
    // The mail is rendered in the user's language (`with_context(lang=…)`): one that is not an
    // active language is env.lang's UserError, before any mail exists.
    if (user.lang && !(await activeLanguage(ctx, user.lang))) throw userError(`Invalid language code: ${user.lang}`);
    await attemptMail(ctx);
    // send_mail(raise_exception=True): the first undeliverable template mail ends the loop.
    if (template != null) throw new MailDeliveryFailure();
    message = signupType === 'reset' ? 'A reset password link was send by email' : 'A signup link was send by email';
  }
  return { message };
}

async function activeLanguage(ctx: CallContext, code: string): Promise<boolean> {
  const { rowCount } = await ctx.db.query(`SELECT 1 FROM res_lang WHERE code = $1 AND active`, [code]);
  return Boolean(rowCount);
}

/** A mail.mail created then rolled back with its savepoint: its mail.message and mail.mail ids are spent. */
async function attemptMail(ctx: CallContext): Promise<void> {
  await ctx.db.query(`SELECT nextval('mail_message_id_seq'), nextval('mail_mail_id_seq')`);
}

/** res.partner `signup_prepare` / `signup_cancel`: an ORM write of `signup_type` as the caller. */
async function writeSignupType(w: WriteEnv, partnerIds: number[], signupType: string | null): Promise<void> {
  const partner = w.ctx.registry.model('res.partner');
  if (!partner?.fields.has('signup_type') || !partnerIds.length) return;
  await updateRecords(w, partner, partnerIds, { signup_type: signupType ?? false });
}

/** auth_signup's res.users `create`: invite the new users that have an email. */
export async function inviteNewUsers(w: WriteEnv, ids: number[]): Promise<void> {
  const { ctx } = w;
  if (ctx.context.no_reset_password || !(await moduleInstalled(ctx.db, 'auth_signup'))) return;
  const { rows } = await ctx.db.query<{ id: number; partner_id: number }>(
    `SELECT u.id, u.partner_id FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ANY($1::int4[]) AND COALESCE(p.email, '') <> ''`,
    [ids],
  );
  const order = new Map(ids.map((id, i) => [id, i]));
  const withEmail = rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  if (!withEmail.length) return;
  const inviting: WriteEnv = { ...w, ctx: { ...ctx, context: { ...ctx.context, create_user: true } } };
  try {
    await actionResetPassword(inviting, withEmail.map((u) => u.id), 'signup');
  } catch (error) {
    if (!(error instanceof MailDeliveryFailure)) throw error;
    await writeSignupType(inviting, [...new Set(withEmail.map((u) => u.partner_id))], null);
  }
}

function actionResetPasswordMethod(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'records',
    signature: { qualname: 'ResUsers.action_reset_password', params: [] },
    run: (ctx, _model, _a, ids) =>
      inTransaction(ctx, async (tx) => {
        // `self.env.context.get('create_user') == 1`: True equals 1 in Python.
        const signup = tx.context.create_user === 1 || tx.context.create_user === true;
        let outcome: ResetOutcome;
        try {
          outcome = await actionResetPassword({ ctx: tx, behaviours }, idsOf(ids), signup ? 'signup' : 'reset');
        } catch (error) {
          // The refused SMTP connection (ConnectionRefusedError) is the first of the two texts.
          if (error instanceof MailDeliveryFailure) throw userError('Could not contact the mail server, please check your outgoing email server configuration');
          throw error;
        }
        if (!outcome) return null;
        return { type: 'ir.actions.client', tag: 'display_notification', params: { title: 'Notification', message: outcome.message, sticky: false } };
      }),
  };
}

const signupError = (message: string) => new OdooError('odoo.addons.auth_signup.models.res_partner.SignupError', message);

/**
 * `signup(values, token=None)` (@api.model, public): without a token, an uninvited signup: the
 * email is the login when none is given, and only `auth_signup.invitation_scope` b2c lets it
 * through (else SignupError); `_create_user_from_template` then copies the portal template user
 * (`base.template_portal_user_id`, literal_eval'd) with the values and `active` True, without
 * invitation, as the caller; the copy's failure is a SignupError of its text (psycopg2's own for
 * a duplicate login: the savepoint sees the IntegrityError before Odoo's translation). Answers
 * `(login, password)`. A token is decoded as `verify_hash_signed` does (a wrong version byte:
 * ValueError); checking its HMAC signature is not done by Ficus: refused.
 */
function signupMethod(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'model',
    signature: { qualname: 'ResUsers.signup', params: [{ name: 'values' }, { name: 'token', default: null }] },
    run: (ctx, users, a) =>
      inTransaction(ctx, async (tx) => {
        if (!a.values || typeof a.values !== 'object' || Array.isArray(a.values)) {
          throw new OdooError('builtins.AttributeError', `'${Array.isArray(a.values) ? 'list' : a.values === null ? 'NoneType' : typeof a.values === 'string' ? 'str' : typeof a.values === 'number' ? 'int' : 'bool'}' object has no attribute 'get'`);
        }
        const values: Vals = { ...(a.values as Vals) };
        if (a.token) {
          const token = Buffer.from(String(a.token).replace(/-/g, '+').replace(/_/g, '/'), 'base64');
          if (token[0] !== 0x01) throw valueError('Unknown token version');
          throw missingBehaviour('res.users', 'signup with a token (its hash_sign signature check)');
        }
        values.email = values.email || values.login;
        if (!('partner_id' in values) && ((await configParameter(tx.db, 'auth_signup.invitation_scope')) ?? 'b2b') !== 'b2c') {
          throw signupError('Signup is not allowed for uninvited users');
        }
        const templateId = Number.parseInt((await configParameter(tx.db, 'base.template_portal_user_id')) ?? '', 10);
        const template = Number.isInteger(templateId) ? await tx.db.query('SELECT 1 FROM res_users WHERE id = $1', [templateId]) : { rowCount: 0 };
        if (!template.rowCount) throw valueError('Signup: invalid template user');
        if (!values.login) throw valueError('Signup: no login given for new user');
        if (!values.partner_id && !values.name) throw valueError('Signup: no name or partner given for new user');
        values.active = true;
        const quiet: WriteEnv = { ctx: { ...tx, context: { ...tx.context, no_reset_password: true } }, behaviours };
        try {
          await copyRecords(quiet, users, [templateId], values);
        } catch (error) {
          const pg = error as { code?: unknown; message?: string; detail?: string };
          if (typeof pg.code === 'string') throw signupError(`${pg.message ?? ''}\n${pg.detail ? `DETAIL:  ${pg.detail}\n` : ''}`);
          throw signupError(error instanceof Error ? error.message : String(error));
        }
        return [values.login ?? null, values.password ?? null];
      }),
  };
}

export function registerResUsersSignup(behaviours: BehaviourRegistry): void {
  behaviours.register('res.users', {
    methods: { action_reset_password: actionResetPasswordMethod(behaviours), signup: signupMethod(behaviours) },
    afterCreate: (ctx, ids) => inviteNewUsers({ ctx, behaviours }, ids),
    // auth_signup's `copy`: no invitation unless `default` gives an email.
    copyContext: (defaults) => (defaults.email ? {} : { no_reset_password: true }),
  });
}
