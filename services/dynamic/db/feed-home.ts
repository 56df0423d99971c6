import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { currentWriteOwners } from '../../kit/index.ts';
import type { M19Tables } from './tables.ts';

/**
 * Where M19's rows live right now, for every read and write dynamic makes of them. Until the
 * control plane records dynamic as M19's owner, the monolith's `activities` and `user_feeds` are
 * the truth: Odoo serves them, Odoo clients change them, and the forward sync only copies them
 * into svc_dynamic some milliseconds later. So dynamic then reads and writes the monolith's
 * tables through the legacy pool (an event turned into an activity lands where Odoo sees it at
 * once, and a visibility changed over RPC is seen by the next REST read, not the next synced
 * one). From cutover on, svc_dynamic is the truth and the reverse sync keeps the monolith equal.
 * Without a monolith beside it (`ficus serve dynamic` with no LEGACY_DATABASE_URL, the bench),
 * the service database is all there is.
 */
export type FeedHome = 'legacy' | 'service';

const legacyDatabases = new WeakMap<pg.Pool, Kysely<M19Tables>>();

/** The monolith's database as a query builder (one per pool). */
export function legacyFeedDatabase(pool: pg.Pool): Kysely<M19Tables> {
  let db = legacyDatabases.get(pool);
  if (!db) {
    db = new Kysely<M19Tables>({ dialect: new PostgresDialect({ pool }) });
    legacyDatabases.set(pool, db);
  }
  return db;
}

/**
 * The home of M19's rows for this request or event. With `hold` (inside a write transaction of
 * svc_dynamic) the owner row is held FOR SHARE until that transaction ends, so a cutover or
 * rollback waits for the write, and the write for a step in progress: what the caller writes
 * lands on the side that owns M19 when it commits. A service database no migration touches,
 * or one being copied into before any cutover, defers to the monolith when there is one.
 */
export async function feedHome(db: Kysely<any>, legacyPool: pg.Pool | null, options: { hold: boolean }): Promise<FeedHome> {
  if (!legacyPool) return 'service';
  // Held once, the owner cannot change before the transaction ends: the other events of a
  // consumer's batch (one transaction, one Kysely object) need not ask again. Before the first
  // cutover there is no row to hold; a write to the monolith's tables that a first cutover
  // overtakes still reaches svc_dynamic, as the forward sync turns it into a command.
  const held = options.hold ? heldHomes.get(db) : undefined;
  if (held) return held;
  const owners = await currentWriteOwners(db, ['M19'], options);
  const home = typeof owners !== 'string' && owners.get('M19') === 'service' ? 'service' : 'legacy';
  // Only a row actually held pins the owner (before any cutover there is no row to hold).
  if (options.hold && db.isTransaction && typeof owners !== 'string') heldHomes.set(db, home);
  return home;
}

/** The home each open transaction holds M19's owner row for (see feedHome). */
const heldHomes = new WeakMap<Kysely<any>, FeedHome>();

/**
 * Runs `work` on the home: the caller's own transaction of svc_dynamic when dynamic owns M19,
 * otherwise a transaction of the monolith's database that commits before the caller's does (the
 * caller's FOR SHARE on the owner row keeps a cutover from starting in between). The two cannot
 * commit as one: work on the legacy side must be safe to repeat (domain/record-activity.ts
 * dedupes what an event made by the fact it records).
 */
export async function inFeedHome<T>(db: Kysely<any>, legacyPool: pg.Pool | null, home: FeedHome, work: (rows: Kysely<M19Tables>) => Promise<T>): Promise<T> {
  if (home === 'service' || !legacyPool) return work(db as Kysely<M19Tables>);
  return legacyFeedDatabase(legacyPool).transaction().execute(work);
}

/** Where to read M19's rows from for a read-only request (no transaction). */
export function feedReader(db: Kysely<any>, legacyPool: pg.Pool | null, home: FeedHome): Kysely<M19Tables> {
  return home === 'service' || !legacyPool ? (db as Kysely<M19Tables>) : legacyFeedDatabase(legacyPool);
}
