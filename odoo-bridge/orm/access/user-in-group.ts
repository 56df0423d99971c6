import type { UserAccess } from '../access-policy.ts';
import type { Queryable } from '../sql/execute.ts';
import { SUPERUSER_ID, type FicusUserAccess } from './access-policy.ts';
import { loadUserFacts } from './user-facts.ts';

/**
 * `env.user.has_group(xmlid)`: the user's groups (closed over implied groups by user-facts.ts,
 * the one place that query lives) against the group the xml id names; the superuser has every
 * group, as under `sudo()`. Takes the groups and the xml ids' group ids from the access the
 * policy already loaded when it can (the same access tables and user facts, as fresh as each
 * other), else loads them on `db`.
 */
export async function userInGroup(db: Queryable, access: UserAccess, xmlid: string): Promise<boolean> {
  const ficus = access as Partial<FicusUserAccess>;
  if (ficus.superuser || access.uid === SUPERUSER_ID) return true;
  const groupId = ficus.groupIds ? ficus.groupIds.get(xmlid) : await groupIdOf(db, xmlid);
  if (groupId === undefined) return false;
  const groups = ficus.user?.groupIds ?? (await loadUserFacts(db, access.uid))?.groupIds;
  return groups?.has(groupId) ?? false;
}

async function groupIdOf(db: Queryable, xmlid: string): Promise<number | undefined> {
  const [module, name] = xmlid.split('.') as [string, string];
  const { rows } = await db.query<{ res_id: number }>(`SELECT res_id FROM ir_model_data WHERE model = 'res.groups' AND module = $1 AND name = $2`, [module, name]);
  return rows[0]?.res_id;
}

/**
 * `user._has_group(xmlid)` for any user id: that user's groups (user-facts.ts) against the group
 * the xml id names; null when no such user exists.
 */
export async function anyUserInGroup(db: Queryable, access: UserAccess, uid: number, xmlid: string): Promise<boolean | null> {
  const facts = await loadUserFacts(db, uid);
  if (!facts) return null;
  const ficus = access as Partial<FicusUserAccess>;
  const groupId = ficus.groupIds ? ficus.groupIds.get(xmlid) : await groupIdOf(db, xmlid);
  return groupId !== undefined && facts.groupIds.has(groupId);
}
