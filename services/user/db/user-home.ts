import type { Kysely } from 'kysely';
import type pg from 'pg';
import { moduleHome, type ModuleId, type RowHome } from '../../kit/index.ts';
import type { UserLegacyTables } from './tables.ts';

/** M02 (hp_personal): the one module the user service takes over. */
export const USER_MODULES: readonly ModuleId[] = ['M02'];
/**
 * Where M02's rows live right now, for every read and write the user service's REST routes make
 * (the kit's moduleHome): the monolith's tables until the control plane records the user service
 * as M02's owner, svc_user from cutover on.
 */
export type UserHome = RowHome;

/** The modules' rows (the kit's moduleHome): where they are, and a request's read or write there. */
export const userRows = moduleHome<UserLegacyTables>(USER_MODULES);

export const userHome: (db: Kysely<any>, legacyPool: pg.Pool | null, options: { hold: boolean }) => Promise<UserHome> = userRows.home;
export const inUserHome = userRows.inHome;
export const userReader = userRows.reader;
export const legacyUserDatabase = userRows.legacyDatabase;
