import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { currentWriteOwners } from '../../kit/index.ts';

/**
 * Where M02's rows are the truth right now, for a read of health data (the rule finance's
 * db/finance-home.ts follows): the monolith's tables until the control plane records the user
 * service as M02's owner in svc_user (Odoo serves them; svc_user only holds the forward sync's
 * copy, which lags), svc_user from cutover on. Without a monolith beside the service (`ficus
 * serve user` with no LEGACY_DATABASE_URL, the bench) svc_user is all there is. The tables have
 * the same names and columns on both sides, so every query runs unchanged on either.
 */
export async function healthDataReader(db: Kysely<any>, legacyPool: pg.Pool | null): Promise<Kysely<any>> {
  if (!legacyPool) return db;
  const owners = await currentWriteOwners(db, ['M02'], { hold: false });
  return typeof owners !== 'string' && owners.get('M02') === 'service' ? db : legacyDatabase(legacyPool);
}

const legacyDatabases = new WeakMap<pg.Pool, Kysely<any>>();

function legacyDatabase(pool: pg.Pool): Kysely<any> {
  let db = legacyDatabases.get(pool);
  if (!db) legacyDatabases.set(pool, (db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })));
  return db;
}
