import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { currentWriteOwners } from '../cdc/write-owner.ts';
import type { ModuleId } from '../define-service.ts';

/**
 * Where a service's rows live right now: its own database ('service') once the control plane
 * records the service as the owner of every one of `modules`, the monolith's ('legacy') before.
 * Until cutover the monolith's tables are the truth (Odoo serves and changes them; the forward
 * sync only copies them into the service's database later), so the service's REST routes and
 * event handlers then work on the monolith's tables through the legacy pool: the domain
 * functions run unchanged there, the tables having the same names and columns. From cutover on
 * the service's database is the truth and the reverse sync keeps the monolith equal. Without a
 * monolith beside it (`ficus serve <name>` with no LEGACY_DATABASE_URL, a bench) the service's
 * database is all there is.
 */
export type RowHome = 'legacy' | 'service';

export interface ModuleHome<Tables> {
  readonly modules: readonly ModuleId[];
  /**
   * The home of the modules' rows for this request or event. With `hold` (inside a write
   * transaction of the service's database) the owner rows are held FOR SHARE until that
   * transaction ends, so a cutover or rollback waits for the write and the write for a step in
   * progress: what the caller writes lands on the side that owns the modules when it commits.
   */
  home(db: Kysely<any>, legacyPool: pg.Pool | null, options: { hold: boolean }): Promise<RowHome>;
  /**
   * Runs `work` on the home: the caller's own transaction when the service owns the modules,
   * otherwise a transaction of the monolith's database that commits before the caller's does
   * (the caller's FOR SHARE on the owner rows keeps a cutover from starting in between). The two
   * cannot commit as one, so work on the legacy side must be safe to repeat.
   */
  inHome<T>(db: Kysely<any>, legacyPool: pg.Pool | null, home: RowHome, work: (rows: Kysely<Tables>) => Promise<T>): Promise<T>;
  /** Where to read the rows for a read-only request (no transaction). */
  reader(db: Kysely<any>, legacyPool: pg.Pool | null, home: RowHome): Kysely<Tables>;
  /** The monolith's database as a query builder (one per pool). */
  legacyDatabase(pool: pg.Pool): Kysely<Tables>;
  /**
   * A request's write: the home decided holding the owner rows (a cutover or rollback waits for
   * the request), then `work` on it (`inHome`).
   */
  writeIn<T>(ctx: HomeContext, work: (rows: Kysely<Tables>, home: RowHome) => Promise<T>): Promise<T>;
  /** Where a request reads the rows now, without holding anything. */
  readerNow(ctx: HomeContext): Promise<Kysely<Tables>>;
}

/** What a request brings to find the rows: its transaction (or pool) of the service's database and the monolith's pool, if any. */
export interface HomeContext {
  db: Kysely<any>;
  legacyPool: pg.Pool | null;
}

/** The home of the rows of `modules`, which change owner together (one freeze). */
export function moduleHome<Tables>(modules: readonly ModuleId[]): ModuleHome<Tables> {
  const legacyDatabases = new WeakMap<pg.Pool, Kysely<Tables>>();
  // Held once, the owner cannot change before the transaction ends: the other events of a
  // consumer's batch (one transaction, one Kysely object) need not ask again.
  const heldHomes = new WeakMap<Kysely<any>, RowHome>();
  const legacyDatabase = (pool: pg.Pool): Kysely<Tables> => {
    let db = legacyDatabases.get(pool);
    if (!db) {
      db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
      legacyDatabases.set(pool, db);
    }
    return db;
  };
  const moduleHomeOf: ModuleHome<Tables> = {
    modules,
    legacyDatabase,
    async home(db, legacyPool, options) {
      if (!legacyPool) return 'service';
      const held = options.hold ? heldHomes.get(db) : undefined;
      if (held) return held;
      const owners = await currentWriteOwners(db, modules, options);
      const home: RowHome = typeof owners !== 'string' && modules.every((m) => owners.get(m) === 'service') ? 'service' : 'legacy';
      // Only a row actually held pins the owner (before any cutover there is no row to hold).
      if (options.hold && db.isTransaction && typeof owners !== 'string') heldHomes.set(db, home);
      return home;
    },
    inHome(db, legacyPool, home, work) {
      if (home === 'service' || !legacyPool) return work(db as Kysely<Tables>);
      return legacyDatabase(legacyPool).transaction().execute(work);
    },
    reader(db, legacyPool, home) {
      return home === 'service' || !legacyPool ? (db as Kysely<Tables>) : legacyDatabase(legacyPool);
    },
    async writeIn(ctx, work) {
      const home = await moduleHomeOf.home(ctx.db, ctx.legacyPool, { hold: true });
      return moduleHomeOf.inHome(ctx.db, ctx.legacyPool, home, (rows) => work(rows, home));
    },
    async readerNow(ctx) {
      return moduleHomeOf.reader(ctx.db, ctx.legacyPool, await moduleHomeOf.home(ctx.db, ctx.legacyPool, { hold: false }));
    },
  };
  return moduleHomeOf;
}
