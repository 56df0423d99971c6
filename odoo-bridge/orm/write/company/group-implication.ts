import type { CallContext } from '../../call-context.ts';
import { xmlidToResId } from '../core/xmlid.ts';

/**
 * `res.groups._apply_group` / `_remove_group` (base/models/res_users.py GroupsImplied) on the
 * groups named by xml id: the implication row, and the users of the implying group (archived
 * ones too) given every group the new one implies, or taken out of it when no other of their
 * groups implies it. Returns false when either xml id is unknown.
 */
export async function applyImpliedGroup(ctx: CallContext, groupXmlid: string, impliedXmlid: string): Promise<boolean> {
  const [group, implied] = await groupIds(ctx, groupXmlid, impliedXmlid);
  if (group == null || implied == null) return false;
  const added = await ctx.db.query(`INSERT INTO res_groups_implied_rel (gid, hid) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [group, implied]);
  if (!added.rowCount) return true;
  // GroupsImplied.write: every user of the group gets the transitive closure of what it implies.
  await ctx.db.query(
    `WITH RECURSIVE group_imply(gid, hid) AS (
       SELECT gid, hid FROM res_groups_implied_rel
       UNION SELECT i.gid, r.hid FROM res_groups_implied_rel r JOIN group_imply i ON i.hid = r.gid
     )
     INSERT INTO res_groups_users_rel (gid, uid)
     SELECT i.hid, r.uid FROM group_imply i JOIN res_groups_users_rel r ON r.gid = i.gid WHERE i.gid = $1
     ON CONFLICT DO NOTHING`,
    [group],
  );
  return true;
}

export async function removeImpliedGroup(ctx: CallContext, groupXmlid: string, impliedXmlid: string): Promise<void> {
  const [group, implied] = await groupIds(ctx, groupXmlid, impliedXmlid);
  if (group == null || implied == null) return;
  const removed = await ctx.db.query(`DELETE FROM res_groups_implied_rel WHERE gid = $1 AND hid = $2`, [group, implied]);
  if (!removed.rowCount) return;
  // Users of the group keep the implied group only when another of their groups still implies it.
  await ctx.db.query(
    `WITH RECURSIVE closure(uid, gid) AS (
       SELECT uid, gid FROM res_groups_users_rel WHERE gid <> $2
       UNION SELECT c.uid, r.hid FROM res_groups_implied_rel r JOIN closure c ON r.gid = c.gid
     )
     DELETE FROM res_groups_users_rel d
      WHERE d.gid = $2
        AND d.uid IN (SELECT uid FROM res_groups_users_rel WHERE gid = $1)
        AND NOT EXISTS (SELECT 1 FROM closure c WHERE c.uid = d.uid AND c.gid = $2)`,
    [group, implied],
  );
}

async function groupIds(ctx: CallContext, a: string, b: string): Promise<[number | null, number | null]> {
  return [await xmlidToResId(ctx.db, a, 'res.groups'), await xmlidToResId(ctx.db, b, 'res.groups')];
}

/** `user._has_group(xmlid)` read in the call's transaction (groups applied a moment ago count). */
export async function userHasGroupNow(ctx: CallContext, uid: number, xmlid: string): Promise<boolean> {
  const group = await xmlidToResId(ctx.db, xmlid, 'res.groups');
  if (group == null) return false;
  const r = await ctx.db.query(
    `WITH RECURSIVE closure(gid) AS (
       SELECT gid FROM res_groups_users_rel WHERE uid = $1
       UNION SELECT r.hid FROM res_groups_implied_rel r JOIN closure c ON r.gid = c.gid
     ) SELECT 1 FROM closure WHERE gid = $2`,
    [uid, group],
  );
  return (r.rowCount ?? 0) > 0;
}
