import { sql, type Kysely } from 'kysely';
import type { UserAccess } from '../../../odoo-bridge/orm/access-policy.ts';
import { SUPERUSER_ID, type FicusUserAccess } from '../../../odoo-bridge/orm/access/access-policy.ts';
import { loadUserFacts } from '../../../odoo-bridge/orm/access/user-facts.ts';
import type { Queryable } from '../../../odoo-bridge/orm/sql/execute.ts';

/**
 * `env.user.has_group(xmlid)` for a user the engine's access policy already knows: its group ids
 * (closed over implied groups by the engine, odoo-bridge/orm/access/user-facts.ts, the one place
 * that query lives) against the group the xml id names. The superuser has every group, as `sudo()`.
 * Works on a REST request (a Kysely connection) and inside an ORM call (`ctx.db`, `ctx.access`).
 */
export async function userHasGroup(db: Kysely<any> | Queryable, access: UserAccess, xmlid: string): Promise<boolean> {
  const ficus = access as Partial<FicusUserAccess>;
  if (ficus.superuser || access.uid === SUPERUSER_ID) return true;
  const [module, name] = xmlid.split('.') as [string, string];
  const query = isKysely(db)
    ? (await sql<{ res_id: number }>`SELECT res_id FROM ir_model_data WHERE model = 'res.groups' AND module = ${module} AND name = ${name}`.execute(db)).rows
    : (await db.query<{ res_id: number }>(`SELECT res_id FROM ir_model_data WHERE model = 'res.groups' AND module = $1 AND name = $2`, [module, name])).rows;
  const groupId = query[0]?.res_id;
  if (groupId === undefined) return false;
  // An engine built on another policy (no user facts in its access): the engine's own loader.
  const groups = ficus.user?.groupIds ?? (isKysely(db) ? undefined : (await loadUserFacts(db, access.uid))?.groupIds);
  return groups?.has(groupId) ?? false;
}

function isKysely(db: Kysely<any> | Queryable): db is Kysely<any> {
  return typeof (db as Kysely<any>).executeQuery === 'function';
}
