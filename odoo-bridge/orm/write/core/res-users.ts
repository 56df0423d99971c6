import { userError, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, ModelBehaviour, Vals } from '../behaviour-registry.ts';
import { computeNotificationType, computeSaleTeam, computeShare, computeSignature, computeTourEnabled } from './res-users-computes.ts';
import { addImpliedGroups, checkOneUserType, defaultGroupIds, groupsFromCommands, internalUsers, withImplied } from './res-users-groups.ts';
import { setPassword, takePassword, type PasswordChange } from './res-users-password.ts';
import { giveGeneratedAvatar } from './partner-avatar.ts';
import { configParameter, moduleInstalled, xmlidToResId } from './xmlid.ts';
import { subscribeUsersToGroupChannels } from './discuss-auto-subscribe.ts';
import { registerResUsersSignup } from './res-users-signup.ts';
import { registerPortalAccessLog } from './res-users-portal-log.ts';
import { registerResUsersChangePassword } from './res-users-change-password.ts';
import { registerChangePasswordWizard } from './change-password-wizard.ts';
import { pythonDefaults } from '../defaults.ts';
import { notifySecuritySettingUpdate } from '../mail/security-update-mail.ts';
import { emailNormalize } from '../mail/email-address.ts';

/**
 * res.users' Python behaviour in a stock Odoo 18 (base res_users.py with UsersImplied, base_setup,
 * mail, web_tour, sales_team, digest, auth_signup). The `_inherits` partner is created by the
 * engine from the inherited vals (name, email…). auth_signup's invitation is res-users-signup.ts.
 * Not reproduced, refused instead: creating/changing groups from a user's vals.
 */

/** Per-call state between a before- and an after-hook, keyed by the vals object both receive. */
const pendingPassword = new WeakMap<Vals, PasswordChange>();
const internalBefore = new WeakMap<Vals, Set<number>>();
const templateGroupsBefore = new WeakMap<Vals, number[]>();
/** Users whose email a write changes, with the address they had (mail's res.users write notifies the old one). */
const previousEmails = new WeakMap<Vals, Map<number, string>>();

const SUPERUSER_ID = 1;

function hasField(ctx: CallContext, name: string): boolean {
  return ctx.registry.model('res.users')?.fields.has(name) ?? false;
}

const resUsers: ModelBehaviour = {
  // Users.copy_data (base/models/res_users.py): the name unless `default` gives a name or a
  // partner, the login unless it gives one, each as the user's own + " (copy)".
  async copyData(ctx, id, vals, defaults) {
    const row = await ctx.db.query<{ name: string | null; login: string }>('SELECT p.name, u.login FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1', [id]);
    if (!('name' in defaults) && !('partner_id' in defaults)) vals.name = `${row.rows[0]?.name ?? 'False'} (copy)`;
    if (!('login' in defaults)) vals.login = `${row.rows[0]?.login ?? 'False'} (copy)`;
  },
  defaults(ctx) {
    const company = ctx.access.companyId;
    const vals: Vals = {};
    if (company != null) {
      vals.company_id = company;
      vals.company_ids = [[6, 0, [company]]];
    }
    if (hasField(ctx, 'notification_type')) vals.notification_type = 'email';
    return vals;
  },

  async beforeCreate(ctx, valsList) {
    for (const vals of valsList) {
      const change = takePassword(vals);
      if (change) pendingPassword.set(vals, change);
      // UsersImplied.create completes given groups with what they imply; the default groups come as they are.
      vals.groups_id = [[6, 0, 'groups_id' in vals ? await withImplied(ctx, groupsFromCommands(vals.groups_id)) : await defaultGroupIds(ctx)]];
    }
  },

  async afterCreate(ctx, ids, valsList) {
    for (const [i, id] of ids.entries()) {
      const change = pendingPassword.get(valsList[i]!);
      if (change) await setPassword(ctx, [id], change);
    }
    await checkOneUserType(ctx, ids);
    await refreshUserComputes(ctx, ids, { signature: true, tour: true });
    // "if partner is global we keep it that way"; the partner is as active as its user.
    await ctx.db.query(
      `UPDATE res_partner p SET company_id = CASE WHEN p.company_id IS NULL THEN NULL ELSE u.company_id END, active = u.active
         FROM res_users u WHERE u.partner_id = p.id AND u.id = ANY($1::int4[])`,
      [ids],
    );
    const internal = [...(await internalUsers(ctx, ids))];
    await createUserSettings(ctx, internal);
    await subscribeToDigest(ctx, ids);
    if (internal.length && hasField(ctx, 'image_1920')) {
      // Internal users without an image get an initials SVG avatar.
      const bare = await ctx.db.query<{ partner_id: number }>(
        `SELECT u.partner_id FROM res_users u WHERE u.id = ANY($1::int4[]) AND NOT u.share
            AND NOT EXISTS (SELECT 1 FROM ir_attachment a WHERE a.res_model = 'res.partner' AND a.res_field = 'image_1920' AND a.res_id = u.partner_id)
          ORDER BY u.id`,
        [internal],
      );
      for (const row of bare.rows) await giveGeneratedAvatar(ctx, row.partner_id);
    }
  },

  // Users.write's first lines (base/models/res_users.py), before any access check.
  refuseWrite(ctx, ids, vals) {
    if (vals.active && ids.includes(SUPERUSER_ID)) throw userError('You cannot activate the superuser.');
    if ((vals.active === false || vals.active === 0) && ids.includes(ctx.uid)) throw userError("You cannot deactivate the user you're currently logged in as.");
  },

  async beforeWrite(ctx, ids, vals) {
    if (vals.active) {
      await ctx.db.query(
        `UPDATE res_partner p SET active = true FROM res_users u WHERE u.partner_id = p.id AND u.id = ANY($1::int4[]) AND NOT u.active AND NOT p.active`,
        [ids],
      );
    }
    const change = takePassword(vals);
    if (change) pendingPassword.set(vals, change);
    if ('email' in vals) previousEmails.set(vals, await changedEmails(ctx, ids, vals.email));
    if (Array.isArray(vals.groups_id) ? vals.groups_id.length : vals.groups_id) {
      groupsFromCommands(vals.groups_id);
      internalBefore.set(vals, await internalUsers(ctx, ids));
      const template = await xmlidToResId(ctx.db, 'base.default_user', 'res.users');
      if (template != null && ids.includes(template) && (await appliesGroupsToEmployees(ctx))) templateGroupsBefore.set(vals, await defaultGroupIds(ctx));
    }
  },

  async afterWrite(ctx, ids, vals) {
    const change = pendingPassword.get(vals);
    if (change) await setPassword(ctx, ids, change);
    const before = internalBefore.get(vals);
    if (before) {
      const now = await internalUsers(ctx, ids);
      const demoted = [...before].filter((id) => !now.has(id));
      // Demoted users keep only the groups the write assigned: [(5,)] + the written commands.
      const assigned = groupsFromCommands(vals.groups_id);
      if (demoted.length) {
        await ctx.db.query(`DELETE FROM res_groups_users_rel WHERE uid = ANY($1::int4[])`, [demoted]);
        await ctx.db.query(`INSERT INTO res_groups_users_rel (uid, gid) SELECT u, g FROM unnest($1::int4[]) u, unnest($2::int4[]) g ON CONFLICT DO NOTHING`, [demoted, assigned]);
      }
      await addImpliedGroups(ctx, ids);
      await checkOneUserType(ctx, ids);
      await refreshUserComputes(ctx, ids, {});
      const oldDefaults = templateGroupsBefore.get(vals);
      if (oldDefaults) await applyNewDefaultGroups(ctx, ids, oldDefaults);
    }
    if ('name' in vals) await computeSignature(ctx, ids);
    if ('company_id' in vals) {
      await ctx.db.query(
        `UPDATE res_partner p SET company_id = u.company_id FROM res_users u
          WHERE u.partner_id = p.id AND u.id = ANY($1::int4[]) AND p.company_id IS NOT NULL AND p.company_id <> u.company_id`,
        [ids],
      );
    }
    await notifySecurityChanges(ctx, ids, vals, change !== undefined);
  },

  async beforeUnlink(ctx, ids) {
    if (ids.includes(SUPERUSER_ID)) throw userError('You can not remove the admin user as it is used internally for resources created by Odoo (updates, module installation, ...)');
    const admin = await xmlidToResId(ctx.db, 'base.user_admin', 'res.users');
    if (admin != null && ids.includes(admin)) {
      throw userError('You cannot delete the admin user because it is utilized in various places (such as security configurations,...). Instead, archive it.');
    }
    const templates = [await xmlidToResId(ctx.db, 'base.template_portal_user_id', 'res.users'), await xmlidToResId(ctx.db, 'base.default_user', 'res.users')];
    if (templates.some((t) => t != null && ids.includes(t))) {
      throw userError('Deleting the template users is not allowed. Deleting this profile will compromise critical functionalities.');
    }
  },

  compute: {
    share: computeShare,
    sale_team_id: computeSaleTeam,
    // mail_bot's fields are plain readonly columns (OdooBot's onboarding sets them), not computes.
    odoobot_state: async () => undefined,
    odoobot_failed: async () => undefined,
  },

  // base's res.users constraints (odoo/addons/base/models/res_users.py).
  checks: {
    _check_company: { flushed: checkCompany },
    _check_action_id: { flushed: checkActionId },
    // Also run after UsersImplied adds the implied groups (afterCreate / afterWrite).
    _check_one_user_type: { flushed: (ctx, ids) => checkOneUserType(ctx, ids) },
  },
};

/** Stored computes that follow groups and share (and, on create, the name and create_date ones). */
async function refreshUserComputes(ctx: CallContext, ids: number[], also: { signature?: boolean; tour?: boolean }): Promise<void> {
  await computeShare(ctx, ids);
  if (hasField(ctx, 'notification_type')) await computeNotificationType(ctx, ids);
  if (also.signature && hasField(ctx, 'signature')) await computeSignature(ctx, ids);
  if (also.tour && hasField(ctx, 'tour_enabled')) await computeTourEnabled(ctx, ids);
}

/** base `create`: internal users without settings get a res.users.settings row (its Python defaults). */
async function createUserSettings(ctx: CallContext, userIds: number[]): Promise<void> {
  const settings = ctx.registry.model('res.users.settings');
  if (!settings?.table || !userIds.length) return;
  // The settings' Python defaults (mail: voice_active_duration 200, sidebar categories open, push-to-talk off…).
  const defaults = await pythonDefaults(ctx, settings);
  delete defaults.user_id;
  const names = Object.keys(defaults);
  for (const uid of userIds) {
    const exists = await ctx.db.query(`SELECT 1 FROM res_users_settings WHERE user_id = $1`, [uid]);
    if (exists.rowCount) continue;
    const cols = ['user_id', 'create_uid', 'write_uid', ...names].map((n) => `"${n}"`).join(', ');
    // Created as sudo by the creating user: create_uid is theirs.
    const params = [uid, ctx.uid, ctx.uid, ...names.map((n) => defaults[n])];
    const placeholders = params.map((_, i) => `$${i + 1}`).join(', ');
    await ctx.db.query(
      `INSERT INTO res_users_settings (${cols}, create_date, write_date) VALUES (${placeholders}, (now() at time zone 'UTC'), (now() at time zone 'UTC'))`,
      params,
    );
  }
}

/** digest `create`: new internal users join the default digest when the settings say so. */
async function subscribeToDigest(ctx: CallContext, userIds: number[]): Promise<void> {
  if (!(await moduleInstalled(ctx.db, 'digest'))) return;
  const emails = await configParameter(ctx.db, 'digest.default_digest_emails');
  const digestId = Number.parseInt((await configParameter(ctx.db, 'digest.default_digest_id')) ?? '', 10);
  if (!emails || emails === 'False' || !Number.isInteger(digestId)) return;
  const added = await ctx.db.query(
    `INSERT INTO digest_digest_res_users_rel (digest_digest_id, res_users_id)
     SELECT d.id, u.id FROM digest_digest d, res_users u WHERE d.id = $1 AND u.id = ANY($2::int4[]) AND NOT u.share
     ON CONFLICT DO NOTHING`,
    [digestId, userIds],
  );
  // `digest.sudo().user_ids |= users` is a write of the digest: its log columns move.
  if (added.rowCount) await ctx.db.query(`UPDATE digest_digest SET write_uid = $2, write_date = (now() at time zone 'UTC') WHERE id = $1`, [digestId, ctx.uid]);
}

/** base_setup's `_apply_groups_to_existing_employees`: only when new users take the template's rights. */
async function appliesGroupsToEmployees(ctx: CallContext): Promise<boolean> {
  if (!(await moduleInstalled(ctx.db, 'base_setup'))) return true;
  const value = await configParameter(ctx.db, 'base_setup.default_user_rights');
  return value != null && ['y', 'yes', '1', 'true', 't', 'on'].includes(value.trim().toLowerCase());
}

/** Groups newly given to the template user are given to every other internal user too. */
async function applyNewDefaultGroups(ctx: CallContext, written: number[], oldDefaults: number[]): Promise<void> {
  const added = (await defaultGroupIds(ctx)).filter((g) => !oldDefaults.includes(g));
  const employee = await xmlidToResId(ctx.db, 'base.group_user', 'res.groups');
  if (!added.length || employee == null) return;
  const targets = await ctx.db.query<{ uid: number }>(`SELECT uid FROM res_groups_users_rel WHERE gid = $1 AND NOT (uid = ANY($2::int4[]))`, [employee, written]);
  const uids = targets.rows.map((r) => r.uid);
  if (!uids.length) return;
  await ctx.db.query(`INSERT INTO res_groups_users_rel (uid, gid) SELECT u, g FROM unnest($1::int4[]) u, unnest($2::int4[]) g ON CONFLICT DO NOTHING`, [uids, added]);
  await addImpliedGroups(ctx, uids);
  await refreshUserComputes(ctx, uids, {});
}

export function registerResUsers(behaviours: BehaviourRegistry): void {
  behaviours.register('res.users', resUsers);
  behaviours.register('res.users', { afterCreate: (ctx, ids) => subscribeUsersToGroupChannels(ctx, behaviours, ids) });
  registerPortalAccessLog(behaviours);
  // auth_signup's create wraps base's and mail's: the invitation comes after their work.
  registerResUsersSignup(behaviours);
  registerResUsersChangePassword(behaviours);
  registerChangePasswordWizard(behaviours);
}

/** The users whose normalized email differs from the one written, with their current address. */
async function changedEmails(ctx: CallContext, ids: number[], email: unknown): Promise<Map<number, string>> {
  const written = emailNormalize(typeof email === 'string' ? email : null);
  const { rows } = await ctx.db.query<{ id: number; email: string | null }>(
    `SELECT u.id, p.email FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ANY($1::int4[]) ORDER BY u.id`,
    [ids],
  );
  return new Map(rows.filter((r) => emailNormalize(r.email) && emailNormalize(r.email) !== written).map((r) => [r.id, r.email!]));
}

/** mail's res.users `write`: a security email per user for a changed login, password or email (the old address for the email). */
async function notifySecurityChanges(ctx: CallContext, ids: number[], vals: Vals, passwordChanged: boolean): Promise<void> {
  if ('login' in vals) await notifySecuritySettingUpdate(ctx, ids, { subject: 'Security Update: Login Changed', content: 'Your account login has been updated' });
  if (passwordChanged) await notifySecuritySettingUpdate(ctx, ids, { subject: 'Security Update: Password Changed', content: 'Your account password has been updated' });
  // Every user of the write now has the email written (Python's f-string shows a falsy one as False).
  const written = typeof vals.email === 'string' && vals.email ? vals.email : 'False';
  for (const previous of (previousEmails.get(vals) ?? new Map<number, string>()).values()) {
    await notifySecuritySettingUpdate(ctx, ids, {
      subject: 'Security Update: Email Changed',
      content: `Your account email has been changed from ${previous} to ${written}.`,
      emailTo: previous,
      suggestPasswordReset: false,
    });
  }
}

/** `_check_company`: an active user's default company is one of its allowed companies. */
async function checkCompany(ctx: CallContext, ids: number[]): Promise<void> {
  const bad = await ctx.db.query<{ company: string; user: string; allowed: string | null }>(
    `SELECT c.name AS company, p.name AS "user",
            (SELECT string_agg(a.name, ', ' ORDER BY a.sequence, a.name) FROM res_company_users_rel r JOIN res_company a ON a.id = r.cid WHERE r.user_id = u.id) AS allowed
       FROM res_users u JOIN res_company c ON c.id = u.company_id JOIN res_partner p ON p.id = u.partner_id
      WHERE u.id = ANY($1::int4[]) AND u.active
        AND NOT EXISTS (SELECT 1 FROM res_company_users_rel r WHERE r.user_id = u.id AND r.cid = u.company_id)
      LIMIT 1`,
    [ids],
  );
  const row = bad.rows[0];
  if (row) throw validationError(`Company ${row.company} is not in the allowed companies for user ${row.user} (${row.allowed ?? ''}).`);
}

/**
 * `_check_action_id`: the home action is neither the App Switcher (base.action_open_website), nor
 * a client action with the `reload` tag, nor a window action whose context names `active_id`.
 */
async function checkActionId(ctx: CallContext, ids: number[]): Promise<void> {
  const appSwitcher = await xmlidToResId(ctx.db, 'base.action_open_website');
  const { rows } = await ctx.db.query<{ action: number; type: string | null; tag: string | null; context: string | null; name: string | null }>(
    `SELECT u.action_id AS action, a.type, c.tag, w.context, COALESCE(c.name->>$2, c.name->>'en_US', w.name->>$2, w.name->>'en_US') AS name
       FROM res_users u JOIN ir_actions a ON a.id = u.action_id
       LEFT JOIN ir_act_client c ON c.id = a.id AND a.type = 'ir.actions.client'
       LEFT JOIN ir_act_window w ON w.id = a.id AND a.type = 'ir.actions.act_window'
      WHERE u.id = ANY($1::int4[]) ORDER BY u.id`,
    [ids, ctx.lang],
  );
  if (appSwitcher != null && rows.some((r) => r.action === appSwitcher)) throw validationError('The "App Switcher" action cannot be selected as home action.');
  for (const r of rows) {
    if (r.type === 'ir.actions.client' && r.tag === 'reload') throw validationError(`The "${r.name ?? ''}" action cannot be selected as home action.`);
    if (r.type === 'ir.actions.act_window' && r.context && r.context.includes('active_id')) {
      throw validationError(`The action "${r.name ?? ''}" cannot be set as the home action because it requires a record to be selected beforehand.`);
    }
  }
}
