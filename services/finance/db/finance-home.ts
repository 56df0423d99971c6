import type { Kysely } from 'kysely';
import type pg from 'pg';
import { moduleHome, type ModuleId, type RowHome } from '../../kit/index.ts';
import type { FinanceLegacyTables } from './tables.ts';

/** M13 (hp_payment), M14 (hp_points), M15 (hp_gift): they change owner in one freeze (index.ts movesTogether). */
export const FINANCE_MODULES: readonly ModuleId[] = ['M13', 'M14', 'M15'];
/**
 * Where finance's rows live right now, for every read and write its REST routes and event
 * handlers make (the kit's moduleHome): the monolith's tables until the control plane records
 * finance as the owner of all three modules, svc_finance from cutover on. Both sides are READ
 * COMMITTED: the ledger's reads after its lock see every commit.
 */
export type FinanceHome = RowHome;

/** The modules' rows (the kit's moduleHome): where they are, and a request's read or write there. */
export const financeRows = moduleHome<FinanceLegacyTables>(FINANCE_MODULES);

export const financeHome: (db: Kysely<any>, legacyPool: pg.Pool | null, options: { hold: boolean }) => Promise<FinanceHome> = financeRows.home;
export const inFinanceHome = financeRows.inHome;
export const financeReader = financeRows.reader;
export const legacyFinanceDatabase = financeRows.legacyDatabase;
