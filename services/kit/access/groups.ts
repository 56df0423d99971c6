import { CompiledQuery, type Kysely } from 'kysely';
import { userInGroup, type Queryable, type UserAccess } from '../../../odoo-bridge/orm/index.ts';

/**
 * `env.user.has_group(xmlid)` for a user the engine's access policy already knows (the engine's
 * own check, odoo-bridge/orm/access/user-in-group.ts: implied groups included, the superuser has
 * every group). Works on a REST request (a Kysely connection) and inside an ORM call (`ctx.db`).
 */
export function userHasGroup(db: Kysely<any> | Queryable, access: UserAccess, xmlid: string): Promise<boolean> {
  return userInGroup(isKysely(db) ? onKysely(db) : db, access, xmlid);
}

/** A Kysely connection (the request's transaction) as the engine's Queryable. */
function onKysely(db: Kysely<any>): Queryable {
  return { query: (async (text: string, values?: unknown[]) => db.executeQuery(CompiledQuery.raw(text, values ?? []))) as unknown as Queryable['query'] };
}

function isKysely(db: Kysely<any> | Queryable): db is Kysely<any> {
  return typeof (db as Kysely<any>).executeQuery === 'function';
}
