import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { currentWriteOwners, problems, type RouteContext } from '../../kit/index.ts';
import type { AuthDatabase, M01Tables } from './tables.ts';

/**
 * Where M01's rows live right now. Until the control plane records auth as M01's owner, the
 * monolith's `auth_tokens` and `permissions` are the truth (Odoo's own view of tokens stays true,
 * and hp.auth.token.action_revoke over RPC acts on the rows REST logins created); from cutover on,
 * svc_auth's copies are, and the reverse sync keeps the monolith's equal.
 */
export type TokenHome = 'legacy' | 'service';

const legacyDatabases = new WeakMap<pg.Pool, Kysely<M01Tables>>();

/** The monolith's database as a typed query builder (one per pool). */
export function legacyDatabase(pool: pg.Pool): Kysely<M01Tables> {
  let db = legacyDatabases.get(pool);
  if (!db) {
    db = new Kysely<M01Tables>({ dialect: new PostgresDialect({ pool }) });
    legacyDatabases.set(pool, db);
  }
  return db;
}

/**
 * The home of M01's rows for this request. In a write (`hold`), the owner row is held FOR SHARE
 * in the request's transaction, so a cutover or rollback waits for the request, and the request
 * for a step in progress. A service database outside any migration with a monolith beside it
 * still defers to the monolith: auth never becomes the owner of tokens by default.
 */
export async function tokenHome(db: Kysely<any>, legacyPool: pg.Pool | null, options: { hold: boolean }): Promise<TokenHome> {
  const owners = await currentWriteOwners(db, ['M01'], options);
  const owner = typeof owners === 'string' ? 'legacy' : (owners.get('M01') ?? 'legacy');
  if (owner === 'service' || !legacyPool) return 'service';
  return 'legacy';
}

/**
 * Runs `work` against the home of M01's rows: the request's own transaction when auth owns M01,
 * otherwise a transaction on the monolith's database that commits before the request's does
 * (the request's FOR SHARE on the owner row keeps a cutover from starting in between).
 */
export async function inTokenHome<T>(ctx: Pick<RouteContext<AuthDatabase>, 'db' | 'legacyPool'>, home: TokenHome, work: (rows: Kysely<M01Tables>) => Promise<T>): Promise<T> {
  if (home === 'service') return work(ctx.db as unknown as Kysely<M01Tables>);
  if (!ctx.legacyPool) throw problems.unavailable('the monolith\'s database is not configured for the auth service');
  return legacyDatabase(ctx.legacyPool).transaction().execute(work);
}
