import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { currentWriteOwners, type ModuleId } from '../../kit/index.ts';
import type { UserLegacyTables } from './tables.ts';

/** M02 (hp_personal): the one module the user service takes over. */
export const USER_MODULES: readonly ModuleId[] = ['M02'];

/**
 * Where M02's rows live right now, for every read and write the user service's REST routes
 * make. Until the control plane records the user service as M02's owner, the monolith's
 * `health_records`, `health_goals`… are the truth (Odoo serves and changes them; the forward
 * sync only copies them into svc_user later), so the routes then work on the monolith's tables
 * through the legacy pool: the domain functions run unchanged there, the tables having the same
 * names and columns. From cutover on, svc_user is the truth and the reverse sync keeps the
 * monolith equal. Without a monolith beside it (`ficus serve user` with no LEGACY_DATABASE_URL,
 * the bench) the service database is all there is.
 */
export type UserHome = 'legacy' | 'service';

const legacyDatabases = new WeakMap<pg.Pool, Kysely<UserLegacyTables>>();

/** The monolith's database as a query builder (one per pool). */
export function legacyUserDatabase(pool: pg.Pool): Kysely<UserLegacyTables> {
  let db = legacyDatabases.get(pool);
  if (!db) {
    db = new Kysely<UserLegacyTables>({ dialect: new PostgresDialect({ pool }) });
    legacyDatabases.set(pool, db);
  }
  return db;
}

/** The home each open transaction holds M02's owner row for. */
const heldHomes = new WeakMap<Kysely<any>, UserHome>();

/**
 * The home of M02's rows for this request. With `hold` (inside a write transaction of svc_user)
 * the owner row is held FOR SHARE until that transaction ends, so a cutover or rollback waits
 * for the write and the write for a step in progress: what the caller writes lands on the side
 * that owns M02 when it commits.
 */
export async function userHome(db: Kysely<any>, legacyPool: pg.Pool | null, options: { hold: boolean }): Promise<UserHome> {
  if (!legacyPool) return 'service';
  const held = options.hold ? heldHomes.get(db) : undefined;
  if (held) return held;
  const owners = await currentWriteOwners(db, USER_MODULES, options);
  const home = typeof owners !== 'string' && USER_MODULES.every((m) => owners.get(m) === 'service') ? 'service' : 'legacy';
  if (options.hold && db.isTransaction && typeof owners !== 'string') heldHomes.set(db, home);
  return home;
}

/**
 * Runs `work` on the home: the caller's own transaction of svc_user when the service owns M02,
 * otherwise a transaction of the monolith's database that commits before the caller's does (the
 * caller's FOR SHARE on the owner row keeps a cutover from starting in between).
 */
export async function inUserHome<T>(db: Kysely<any>, legacyPool: pg.Pool | null, home: UserHome, work: (rows: Kysely<UserLegacyTables>) => Promise<T>): Promise<T> {
  if (home === 'service' || !legacyPool) return work(db as Kysely<UserLegacyTables>);
  return legacyUserDatabase(legacyPool).transaction().execute(work);
}

/** Where to read M02's rows for a read-only request (no transaction). */
export function userReader(db: Kysely<any>, legacyPool: pg.Pool | null, home: UserHome): Kysely<UserLegacyTables> {
  return home === 'service' || !legacyPool ? (db as Kysely<UserLegacyTables>) : legacyUserDatabase(legacyPool);
}
