import type { Queryable } from '../../../odoo-bridge/orm/sql/execute.ts';

/**
 * `env.user.has_group(xmlid)`: the user's groups closed over implied groups, read from the
 * tables (on a service database, from its reference copies). `__system__` (uid 1) is sudo.
 */
export async function hasGroup(db: Queryable, uid: number, xmlid: string): Promise<boolean> {
  if (uid === 1) return true;
  const [module, name] = xmlid.split('.') as [string, string];
  const r = await db.query<{ ok: boolean }>(
    `WITH RECURSIVE closure(gid) AS (
       SELECT gid FROM res_groups_users_rel WHERE uid = $1
       UNION
       SELECT i.hid FROM res_groups_implied_rel i JOIN closure c ON c.gid = i.gid
     )
     SELECT EXISTS (
       SELECT 1 FROM closure c JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = c.gid
        WHERE d.module = $2 AND d.name = $3
     ) AS ok`,
    [uid, module, name],
  );
  return r.rows[0]?.ok === true;
}

export const OPERATOR_GROUP = 'hp_account.group_hp_operator';
