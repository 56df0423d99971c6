import { missingBehaviour, validationError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { normalizeCommands } from '../x2many-commands.ts';
import { configParameter, moduleInstalled, str2bool, xmlidToResId } from './xmlid.ts';

/**
 * Group membership rules of res.users (odoo/addons/base/models/res_users.py 18.0:
 * `_default_groups`, `UsersImplied`, `_check_one_user_type`; base_setup's `_default_groups`).
 */

/**
 * New users' groups when the caller gives none: the template user's (`base.default_user`),
 * or — base_setup with `base_setup.default_user_rights` off — Internal User and what it implies.
 */
export async function defaultGroupIds(ctx: CallContext): Promise<number[]> {
  if (await moduleInstalled(ctx.db, 'base_setup')) {
    const templateRights = str2bool(await configParameter(ctx.db, 'base_setup.default_user_rights'), false);
    if (!templateRights) {
      const employee = await xmlidToResId(ctx.db, 'base.group_user', 'res.groups');
      return employee == null ? [] : withImplied(ctx, [employee]);
    }
  }
  const template = await xmlidToResId(ctx.db, 'base.default_user', 'res.users');
  if (template == null) return [];
  const r = await ctx.db.query<{ gid: number }>(`SELECT gid FROM res_groups_users_rel WHERE uid = $1 ORDER BY gid`, [template]);
  return r.rows.map((row) => row.gid);
}

/** The groups plus every group they imply, transitively (`g | g.trans_implied_ids`). */
export async function withImplied(ctx: CallContext, groupIds: readonly number[]): Promise<number[]> {
  if (!groupIds.length) return [];
  const r = await ctx.db.query<{ id: number }>(
    `WITH RECURSIVE closure(id) AS (
       SELECT unnest($1::int4[])
       UNION SELECT r.hid FROM res_groups_implied_rel r JOIN closure c ON r.gid = c.id
     ) SELECT id FROM closure ORDER BY id`,
    [[...groupIds]],
  );
  return r.rows.map((row) => row.id);
}

/**
 * The groups a `groups_id` value gives a record that has none yet (`self.new(values).groups_id._origin`).
 * Creating or updating groups from inside a user's vals (commands 0/1) is group behaviour of its own.
 */
export function groupsFromCommands(value: unknown): number[] {
  let ids = new Set<number>();
  for (const [code, id, arg] of normalizeCommands(value)) {
    if (code === 6) ids = new Set(Array.isArray(arg) ? arg.map(Number) : []);
    else if (code === 5) ids = new Set();
    else if (code === 4) ids.add(id);
    else if (code === 3) ids.delete(id);
    else throw missingBehaviour('res.users', `groups_id command ${code} (creating or changing groups from a user's values)`);
  }
  return [...ids];
}

/** `UsersImplied.write` after the plain write: each user also gets what its groups imply. */
export async function addImpliedGroups(ctx: CallContext, userIds: readonly number[]): Promise<void> {
  await ctx.db.query(
    `WITH RECURSIVE closure(uid, gid) AS (
       SELECT uid, gid FROM res_groups_users_rel WHERE uid = ANY($1::int4[])
       UNION SELECT c.uid, r.hid FROM res_groups_implied_rel r JOIN closure c ON r.gid = c.gid
     )
     INSERT INTO res_groups_users_rel (uid, gid) SELECT uid, gid FROM closure ON CONFLICT DO NOTHING`,
    [[...userIds]],
  );
}

/** Users among `userIds` that are internal (in base.group_user): `_is_internal`. */
export async function internalUsers(ctx: CallContext, userIds: readonly number[]): Promise<Set<number>> {
  const employee = await xmlidToResId(ctx.db, 'base.group_user', 'res.groups');
  if (employee == null || !userIds.length) return new Set();
  const r = await ctx.db.query<{ uid: number }>(`SELECT uid FROM res_groups_users_rel WHERE gid = $1 AND uid = ANY($2::int4[])`, [employee, [...userIds]]);
  return new Set(r.rows.map((row) => row.uid));
}

/** `_check_one_user_type`: a user is in at most one of the "User types" groups (internal, portal, public). */
export async function checkOneUserType(ctx: CallContext, userIds: readonly number[]): Promise<void> {
  const category = await xmlidToResId(ctx.db, 'base.module_category_user_type', 'ir.module.category');
  if (category == null) return;
  const r = await ctx.db.query(
    `SELECT r.uid FROM res_groups_users_rel r JOIN res_groups g ON g.id = r.gid
      WHERE g.category_id = $1 AND r.uid = ANY($2::int4[]) GROUP BY r.uid HAVING count(*) > 1 LIMIT 1`,
    [category, [...userIds]],
  );
  if (r.rowCount) throw validationError('The user cannot have more than one user types.');
}
