import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { currentWriteOwners, type ModuleId } from '../../kit/index.ts';
import type { FinanceLegacyTables } from './tables.ts';

/** M13 (hp_payment), M14 (hp_points), M15 (hp_gift): they change owner in one freeze (index.ts movesTogether). */
export const FINANCE_MODULES: readonly ModuleId[] = ['M13', 'M14', 'M15'];

/**
 * Where finance's rows live right now, for every read and write its REST routes and event
 * handlers make. Until the control plane records finance as the owner of M13–M15, the
 * monolith's `payments`, `points_transactions`, `gift_orders`… are the truth (Odoo serves and
 * changes them; the forward sync only copies them into svc_finance later), so finance then works
 * on the monolith's tables through the legacy pool: the domain functions run unchanged there,
 * the tables having the same names and columns. From cutover on, svc_finance is the truth and
 * the reverse sync keeps the monolith equal. Without a monolith beside it (`ficus serve finance`
 * with no LEGACY_DATABASE_URL, the bench) the service database is all there is.
 */
export type FinanceHome = 'legacy' | 'service';

const legacyDatabases = new WeakMap<pg.Pool, Kysely<FinanceLegacyTables>>();

/** The monolith's database as a query builder (one per pool). */
export function legacyFinanceDatabase(pool: pg.Pool): Kysely<FinanceLegacyTables> {
  let db = legacyDatabases.get(pool);
  if (!db) {
    db = new Kysely<FinanceLegacyTables>({ dialect: new PostgresDialect({ pool }) });
    legacyDatabases.set(pool, db);
  }
  return db;
}

/** The home each open transaction holds the modules' owner rows for. */
const heldHomes = new WeakMap<Kysely<any>, FinanceHome>();

/**
 * The home of finance's rows for this request or event. With `hold` (inside a write transaction
 * of svc_finance) the owner rows are held FOR SHARE until that transaction ends, so a cutover or
 * rollback waits for the write and the write for a step in progress: what the caller writes
 * lands on the side that owns the modules when it commits. The three modules move together, so
 * finance is home only when it owns all three.
 */
export async function financeHome(db: Kysely<any>, legacyPool: pg.Pool | null, options: { hold: boolean }): Promise<FinanceHome> {
  if (!legacyPool) return 'service';
  const held = options.hold ? heldHomes.get(db) : undefined;
  if (held) return held;
  const owners = await currentWriteOwners(db, FINANCE_MODULES, options);
  const home = typeof owners !== 'string' && FINANCE_MODULES.every((m) => owners.get(m) === 'service') ? 'service' : 'legacy';
  if (options.hold && db.isTransaction && typeof owners !== 'string') heldHomes.set(db, home);
  return home;
}

/**
 * Runs `work` on the home: the caller's own transaction of svc_finance when finance owns the
 * modules, otherwise a transaction of the monolith's database that commits before the caller's
 * does (the caller's FOR SHARE on the owner rows keeps a cutover from starting in between). The
 * two cannot commit as one, so work on the legacy side must be safe to repeat. Both are READ
 * COMMITTED: the ledger's reads after its lock see every commit (no committed-heads reader needed).
 */
export async function inFinanceHome<T>(db: Kysely<any>, legacyPool: pg.Pool | null, home: FinanceHome, work: (rows: Kysely<FinanceLegacyTables>) => Promise<T>): Promise<T> {
  if (home === 'service' || !legacyPool) return work(db as Kysely<FinanceLegacyTables>);
  return legacyFinanceDatabase(legacyPool).transaction().execute(work);
}

/** Where to read finance's rows for a read-only request (no transaction). */
export function financeReader(db: Kysely<any>, legacyPool: pg.Pool | null, home: FinanceHome): Kysely<FinanceLegacyTables> {
  return home === 'service' || !legacyPool ? (db as Kysely<FinanceLegacyTables>) : legacyFinanceDatabase(legacyPool);
}
