import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { currentWriteOwners, poolUrl, urlOfDatabase, type ModuleId } from '../../kit/index.ts';

/**
 * Where trade reaches finance's database (svc_finance) for the two things that cross from trade
 * to finance while both run: the order-creation saga's payment step (saga/finance-payment-port.ts)
 * and the question "who owns M13 / M14 right now" (the points award of a completed order). Trade
 * never imports finance; it talks to finance's database through what finance offers there: the
 * kit's write-owner rows (the control plane records each module's owner in the owning service's
 * database) and finance's reservation functions (finance migration 0003).
 *
 * Resolution, first match: an explicit pool (tests, a runtime that holds finance's pool),
 * FICUS_FINANCE_DATABASE_URL (trade served apart from finance), or the database `svc_finance` on
 * the server of a pool trade already has (embedded mode: every service database lives in the one
 * cluster). A finance database that does not exist (finance never started here) reads as "finance
 * owns nothing"; that answer is kept for a second, so a database created later is noticed.
 */
export interface FinanceReach {
  /** Finance's database as a query builder, or null when there is none. */
  database(): Promise<Kysely<any> | null>;
}

/** The database the kit's provisioning gives service finance (kit db/database.ts serviceDatabaseName). */
export const FINANCE_DATABASE = 'svc_finance';

const ABSENT_FOR_MS = 1000;
const NO_DATABASE_HERE = new Set(['3D000', '28P01', '28000', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const reaches = new Map<string, FinanceReach>();

/** Finance's database at `url` (one pool per URL in the process). */
export function financeAt(url: string): FinanceReach {
  let reach = reaches.get(url);
  if (reach) return reach;
  // Lives as long as the process, which it never holds open: idle connections close and let it exit.
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'ficus-trade-to-finance', idleTimeoutMillis: 2000, allowExitOnIdle: true });
  pool.on('error', () => undefined);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  let absentUntil = 0;
  reach = {
    async database() {
      if (Date.now() < absentUntil) return null;
      try {
        await pool.query('SELECT 1');
        return db;
      } catch (error) {
        // No finance database at that address: none was ever created there (3D000), or the
        // address holds none at all (another server, refused, unknown host, other credentials).
        // Anything else (a query failing on a live finance database) is a real error.
        if (!NO_DATABASE_HERE.has(String((error as { code?: string }).code))) throw error;
        absentUntil = Date.now() + ABSENT_FOR_MS;
        return null;
      }
    },
  };
  reaches.set(url, reach);
  return reach;
}

/** A pool that is already finance's (tests, or a runtime holding it). */
export function financeOnPool(pool: pg.Pool): FinanceReach {
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return { database: async () => db };
}

const registered = new WeakMap<pg.Pool, FinanceReach>();

/**
 * Remembers where finance is for code that holds only the monolith's pool (the points award of a
 * completed order is built from it): trade's runtime registers the reach it found beside its own
 * database when its sagas are built.
 */
export function rememberFinanceReach(legacy: pg.Pool, reach: FinanceReach): void {
  registered.set(legacy, reach);
}

/** The reach registered for this monolith pool, else finance's database beside it. */
export function financeFor(legacy: pg.Pool): FinanceReach {
  return registered.get(legacy) ?? financeBeside(legacy);
}

/** Finance's database beside `neighbour` (same server and credentials), or FICUS_FINANCE_DATABASE_URL when set. */
export function financeBeside(neighbour: pg.Pool): FinanceReach {
  const configured = process.env.FICUS_FINANCE_DATABASE_URL;
  if (configured) return financeAt(configured);
  // The neighbour's URL with only the database changed: a socket host (?host=/tmp) stays one.
  return financeAt(urlOfDatabase(poolUrl(neighbour), FINANCE_DATABASE));
}

export type FinanceOwnership = 'finance' | 'legacy';

/** Finance's modules: M13 (payments), M14 (points), M15 (gifts) change owner together (finance's movesTogether). */
export const FINANCE_MODULES: readonly ModuleId[] = ['M13', 'M14', 'M15'];

/**
 * Who owns finance's modules as finance's database records it, read in `db` (with `hold`, inside
 * a transaction of finance's database: a cutover or rollback waits for it, and it for one in
 * progress, exactly as finance's own writes do). Finance is the owner only when it owns all three,
 * the rule finance's own code applies (its db/finance-home.ts), so trade and finance never both act
 * or both hold back. A database no migration touches is finance's own only when no monolith is
 * configured beside it (auth's tokenHome reads it the same way).
 */
export async function financeOwnership(db: Kysely<any>, options: { hold: boolean; legacyConfigured: boolean }): Promise<FinanceOwnership> {
  const owners = await currentWriteOwners(db, FINANCE_MODULES, { hold: options.hold });
  if (owners === 'unmigrated') return options.legacyConfigured ? 'legacy' : 'finance';
  if (owners === 'not-gated') return 'legacy';
  return FINANCE_MODULES.every((m) => owners.get(m) === 'service') ? 'finance' : 'legacy';
}
