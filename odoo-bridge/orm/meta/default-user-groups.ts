import type { CallContext } from '../call-context.ts';
import { transitiveImplied } from '../read/user-computes.ts';
import { configParameter, moduleInstalled, str2bool, xmlidToResId } from '../write/core/xmlid.ts';

/**
 * res.users `groups_id` default as `default_get` answers it: the ids of the recordset
 * `_default_groups()` returns, in that recordset's order (convert_to_write keeps it):
 * - base_setup with `base_setup.default_user_rights` off: `employee_group |
 *   employee_group.trans_implied_ids`, Internal User first, then its transitive implications in
 *   `_compute_trans_implied`'s order (user-computes.ts transitiveImplied);
 * - otherwise `default_user.sudo().groups_id`: the many2many read of the template user, whose
 *   query orders by res.groups `_order` ('name', translated) with no id after it; ties (two
 *   groups named "Administrator") come in the order PostgreSQL gives them, so the same query shape
 *   as Odoo's is sent (the relation joined to res_groups, ordered by the name expression alone).
 */
export async function defaultUserGroupsInOdooOrder(ctx: CallContext): Promise<number[]> {
  if (await moduleInstalled(ctx.db, 'base_setup')) {
    const templateRights = str2bool(await configParameter(ctx.db, 'base_setup.default_user_rights'), false);
    if (!templateRights) {
      const employee = await xmlidToResId(ctx.db, 'base.group_user', 'res.groups');
      return employee == null ? [] : [employee, ...(await impliedInOdooOrder(ctx, employee)).filter((id) => id !== employee)];
    }
  }
  const template = await xmlidToResId(ctx.db, 'base.default_user', 'res.users');
  if (template == null) return [];
  // models.py `_order_field_to_sql` of a translated field: `name->>'en_US'` in English, else COALESCE with en_US.
  const order = ctx.lang === 'en_US' ? `"res_groups"."name"->>$2` : `COALESCE("res_groups"."name"->>$2, "res_groups"."name"->>'en_US')`;
  const r = await ctx.db.query<{ gid: number }>(
    `SELECT "res_groups_users_rel"."uid", "res_groups_users_rel"."gid" FROM "res_groups"
       JOIN "res_groups_users_rel" ON ("res_groups_users_rel"."gid" = "res_groups"."id")
      WHERE "res_groups_users_rel"."uid" IN ($1) ORDER BY ${order}`,
    [template, ctx.lang],
  );
  return r.rows.map((row) => row.gid);
}

/** `group.trans_implied_ids`: `implied_ids | implied_ids.trans_implied_ids`, each `implied_ids` in res.groups' `_order`. */
async function impliedInOdooOrder(ctx: CallContext, group: number): Promise<number[]> {
  const r = await ctx.db.query<{ gid: number; hid: number }>(
    `SELECT r.gid, r.hid FROM res_groups_implied_rel r JOIN res_groups g ON g.id = r.hid
      ORDER BY r.gid, COALESCE(g.name->>$1, g.name->>'en_US'), g.id`,
    [ctx.lang],
  );
  const implied = new Map<number, number[]>();
  for (const { gid, hid } of r.rows) (implied.get(gid) ?? implied.set(gid, []).get(gid)!).push(hid);
  return transitiveImplied(group, implied);
}
