import { OdooError, userError, validationError } from '../../../errors.ts';
import { pythonRepr, pythonStr } from '../../../wire/xmlrpc/python-repr.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { moduleInstalled, xmlidToResId } from './xmlid.ts';

/**
 * `@api.ondelete(at_uninstall=False)` guards of the installed addons that Ficus re-implements.
 * Odoo runs a model's guards in the order of their method names (`_ondelete_methods` is built
 * with `getmembers`, which sorts), so res.partner's `_unlink_except_user` (base) is asked before
 * `_unlink_if_partner_in_account_move` (account). Each guard is registered under its model in
 * that order; the write engine calls them (beforeUnlink) after ACL and rules, before the DELETE.
 */

/** A translated char column in the caller's language (en_US fallback), as `record.name` reads it. */
function nameIn(column: string, lang: string): string {
  return `COALESCE(${column}->>'${lang.replace(/'/g, "''")}', ${column}->>'en_US')`;
}

/** An Odoo exception whose arguments are several values: `exception_to_unicode` prints one per line. */
function withArguments(name: 'odoo.exceptions.RedirectWarning', args: unknown[], printed: string[]): OdooError {
  return new OdooError(name, printed.join('\n'), { arguments: args });
}

/**
 * `str()` of `users._action_show()` as Python prints it: the domain's leaf is a tuple and the
 * list view's id None (the wire carries them as a list and null).
 */
function actionStr(action: Record<string, unknown>): string {
  const leafStr = (leaf: unknown[]) => `(${leaf.map(pythonRepr).join(', ')})`;
  const entries = Object.entries(action).map(([key, value]) => {
    if (key === 'domain' && Array.isArray(value)) return `${pythonRepr(key)}: [${value.map((leaf) => leafStr(leaf as unknown[])).join(', ')}]`;
    return `${pythonRepr(key)}: ${pythonRepr(value)}`;
  });
  return `{${entries.join(', ')}}`;
}

/** What refusing a contact of an active user says: to who may write res.users, and to anyone else. */
interface ActiveUserContactTexts {
  forUserManagers: string;
  forOthers: string;
}

const CANNOT_DELETE: ActiveUserContactTexts = {
  forUserManagers: 'You cannot delete contacts linked to an active user.\nYou should rather archive them after archiving their associated user.\n\nLinked active users : ',
  forOthers: 'You cannot delete contacts linked to an active user.\nAsk an administrator to archive their associated user first.\n\nLinked active users :\n',
};

export const CANNOT_ARCHIVE: ActiveUserContactTexts = {
  forUserManagers: 'You cannot archive contacts linked to an active user.\nYou first need to archive their associated user.\n\nLinked active users : ',
  forOthers: 'You cannot archive contacts linked to an active user.\nAsk an administrator to archive their associated user first.\n\nLinked active users :\n',
};

/**
 * A contact of an active user (sudo search, so active users only, in res.users' order) can be
 * neither deleted (res.partner `_unlink_except_user`) nor archived (Partner.write with
 * `active` False), odoo/addons/base/models/res_partner.py. A caller who may write res.users
 * gets a RedirectWarning with `users._action_show()` (the form of the one user, or a list of
 * several) and "Go to users"; anyone else a ValidationError.
 */
export async function refuseContactsOfActiveUsers(ctx: CallContext, ids: number[], texts: ActiveUserContactTexts): Promise<void> {
  const users = await ctx.db.query<{ id: number; name: string | null }>(
    `SELECT u.id, p.name FROM res_users u JOIN res_partner p ON p.id = u.partner_id
      WHERE u.partner_id = ANY($1::int4[]) AND u.active ORDER BY p.name, u.login`,
    [ids],
  );
  if (!users.rowCount) return;
  const names = users.rows.map((u) => pythonStr(u.name ?? false)).join(', ');
  const usersModel = ctx.registry.model('res.users');
  if (usersModel && ctx.access.hasModel(usersModel, 'write')) {
    const message = texts.forUserManagers + names;
    const viewId = await xmlidToResId(ctx.db, 'base.view_users_form', 'ir.ui.view');
    const action: Record<string, unknown> = { type: 'ir.actions.act_window', res_model: 'res.users', context: { create: false } };
    if (users.rows.length > 1) {
      Object.assign(action, {
        name: 'Users',
        view_mode: 'list,form',
        views: [[null, 'list'], [viewId ?? false, 'form']],
        domain: [['id', 'in', users.rows.map((u) => u.id)]],
      });
    } else {
      Object.assign(action, { view_mode: 'form', views: [[viewId ?? false, 'form']], res_id: users.rows[0]!.id });
    }
    throw withArguments('odoo.exceptions.RedirectWarning', [message, action, 'Go to users', null], [message, actionStr(action), 'Go to users', 'None']);
  }
  throw validationError(texts.forOthers + names);
}

const unlinkExceptUser = (ctx: CallContext, ids: number[]) => refuseContactsOfActiveUsers(ctx, ids, CANNOT_DELETE);

/** account's res.partner `_unlink_if_partner_in_account_move` (addons/account/models/partner.py): draft or posted moves keep their partner. */
async function unlinkIfPartnerInAccountMove(ctx: CallContext, ids: number[]): Promise<void> {
  if (!(await moduleInstalled(ctx.db, 'account'))) return;
  const moves = await ctx.db.query(`SELECT 1 FROM account_move WHERE partner_id = ANY($1::int4[]) AND state IN ('draft', 'posted') LIMIT 1`, [ids]);
  if (moves.rowCount) throw userError('The partner cannot be deleted because it is used in Accounting');
}

/**
 * uom.uom `_unlink_except_master_data` (addons/uom/models/uom_uom.py): units with an external id
 * of the uom module, other than the `_unprotected_uom_xml_ids` (hour, dozen), are the system's.
 */
async function unlinkExceptMasterData(ctx: CallContext, ids: number[]): Promise<void> {
  const unprotected = ['product_uom_hour', 'product_uom_dozen'];
  if (await moduleInstalled(ctx.db, 'hr_timesheet')) unprotected.splice(0, 1);
  const locked = await ctx.db.query<{ name: string | null }>(
    `SELECT ${nameIn('u.name', ctx.lang)} AS name FROM uom_uom u
      WHERE u.id IN (SELECT res_id FROM ir_model_data WHERE model = 'uom.uom' AND module = 'uom' AND res_id = ANY($1::int4[]) AND NOT (name = ANY($2::text[])))
      ORDER BY u.factor DESC, u.id`,
    [ids, unprotected],
  );
  if (locked.rowCount) {
    throw userError(
      `The following units of measure are used by the system and cannot be deleted: ${locked.rows.map((r) => pythonStr(r.name ?? false)).join(', ')}\nYou can archive them instead.`,
    );
  }
}

/** product.category `_unlink_except_default_category` (addons/product/models/product_category.py). */
async function unlinkExceptDefaultCategory(ctx: CallContext, ids: number[]): Promise<void> {
  const all = await xmlidToResId(ctx.db, 'product.product_category_all', 'product.category');
  if (all != null && ids.includes(all)) throw userError('You cannot delete this product category, it is the default generic category.');
  const expense = await xmlidToResId(ctx.db, 'product.cat_expense', 'product.category');
  if (expense != null && ids.includes(expense)) {
    const r = await ctx.db.query<{ name: string | null }>(`SELECT name FROM product_category WHERE id = $1`, [expense]);
    throw userError(`You cannot delete the ${pythonStr(r.rows[0]?.name ?? false)} product category.`);
  }
}

/** mail.activity.type `_unlink_except_todo` (addons/mail/models/mail_activity_type.py). */
async function unlinkExceptTodo(ctx: CallContext, ids: number[]): Promise<void> {
  const todo = await xmlidToResId(ctx.db, 'mail.mail_activity_data_todo', 'mail.activity.type');
  if (todo != null && ids.includes(todo)) {
    throw userError("The 'To-Do' activity type is used to create reminders from the top bar menu and the command palette. Consequently, it cannot be archived or deleted.");
  }
}

/**
 * utm.medium `_unlink_except_utm_medium_record` (addons/utm/models/utm_medium.py): the mediums of
 * SELF_REQUIRED_UTM_MEDIUMS_REF (email, direct, website, twitter, facebook, linkedin), in that order.
 */
async function unlinkExceptUtmMedium(ctx: CallContext, ids: number[]): Promise<void> {
  for (const xmlid of ['email', 'direct', 'website', 'twitter', 'facebook', 'linkedin'].map((n) => `utm.utm_medium_${n}`)) {
    const id = await xmlidToResId(ctx.db, xmlid, 'utm.medium');
    if (id == null || !ids.includes(id)) continue;
    const r = await ctx.db.query<{ name: string | null }>(`SELECT name FROM utm_medium WHERE id = $1`, [id]);
    throw userError(
      `Oops, you can't delete the Medium '${pythonStr(r.rows[0]?.name ?? false)}'.\nDoing so would be like tearing down a load-bearing wall \u2014 not the best idea.`,
    );
  }
}

/** crm.team `_unlink_except_default` (addons/sales_team/models/crm_team.py): the website and point-of-sale teams, in the records' order. */
async function unlinkExceptDefaultTeam(ctx: CallContext, ids: number[]): Promise<void> {
  const defaults = new Set<number>();
  for (const xmlid of ['sales_team.salesteam_website_sales', 'sales_team.pos_sales_team']) {
    const id = await xmlidToResId(ctx.db, xmlid, 'crm.team');
    if (id != null) defaults.add(id);
  }
  for (const id of ids) {
    if (!defaults.has(id)) continue;
    const r = await ctx.db.query<{ name: string | null }>(`SELECT ${nameIn('name', ctx.lang)} AS name FROM crm_team WHERE id = $1`, [id]);
    throw userError(`Cannot delete default team "${pythonStr(r.rows[0]?.name ?? false)}"`);
  }
}

/**
 * sale's crm.team `_unlink_except_used_for_sales` (addons/sale/models/crm_team.py): a team with
 * five or more orders not cancelled (`sale_order_count`) is in use.
 */
async function unlinkExceptUsedForSales(ctx: CallContext, ids: number[]): Promise<void> {
  if (!(await moduleInstalled(ctx.db, 'sale'))) return;
  const teams = await ctx.db.query<{ id: number; name: string | null; orders: number }>(
    `SELECT t.id, ${nameIn('t.name', ctx.lang)} AS name,
            (SELECT count(*)::int FROM sale_order o WHERE o.team_id = t.id AND o.state <> 'cancel') AS orders
       FROM crm_team t WHERE t.id = ANY($1::int4[])`,
    [ids],
  );
  const byId = new Map(teams.rows.map((t) => [t.id, t]));
  for (const id of ids) {
    const team = byId.get(id);
    if (team && team.orders >= 5) {
      throw userError(`Team ${pythonStr(team.name ?? false)} has ${team.orders} active sale orders. Consider cancelling them or archiving the team instead.`);
    }
  }
}

/** res.lang `_unlink_except_default_lang` (odoo/addons/base/models/res_lang.py), record by record. */
async function unlinkExceptDefaultLang(ctx: CallContext, ids: number[]): Promise<void> {
  const langs = await ctx.db.query<{ id: number; code: string; active: boolean | null }>(`SELECT id, code, active FROM res_lang WHERE id = ANY($1::int4[])`, [ids]);
  const byId = new Map(langs.rows.map((l) => [l.id, l]));
  const contextLang = typeof ctx.context.lang === 'string' ? ctx.context.lang : '';
  for (const id of ids) {
    const language = byId.get(id);
    if (!language) continue;
    if (language.code === 'en_US') throw userError("Base Language 'en_US' can not be deleted.");
    if (contextLang && language.code === contextLang) throw userError("You cannot delete the language which is the user's preferred language.");
    if (language.active) throw userError('You cannot delete the language which is Active!\nPlease de-activate the language first.');
  }
}

export function registerOndeleteGuards(behaviours: BehaviourRegistry): void {
  behaviours.register('res.partner', { beforeUnlink: unlinkExceptUser });
  behaviours.register('res.partner', { beforeUnlink: unlinkIfPartnerInAccountMove });
  behaviours.register('uom.uom', { beforeUnlink: unlinkExceptMasterData });
  behaviours.register('product.category', { beforeUnlink: unlinkExceptDefaultCategory });
  behaviours.register('mail.activity.type', { beforeUnlink: unlinkExceptTodo });
  behaviours.register('utm.medium', { beforeUnlink: unlinkExceptUtmMedium });
  behaviours.register('crm.team', { beforeUnlink: unlinkExceptDefaultTeam });
  behaviours.register('crm.team', { beforeUnlink: unlinkExceptUsedForSales });
  behaviours.register('res.lang', { beforeUnlink: unlinkExceptDefaultLang });
}
