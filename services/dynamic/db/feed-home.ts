import type { Kysely } from 'kysely';
import type pg from 'pg';
import { moduleHome, type ModuleId, type RowHome } from '../../kit/index.ts';
import type { M19Tables } from './tables.ts';

const M19_MODULES: readonly ModuleId[] = ['M19'];
/**
 * Where M19's rows live right now, for every read and write dynamic makes of them (the kit's
 * moduleHome): the monolith's `activities` and `user_feeds` until the control plane records
 * dynamic as M19's owner (an event turned into an activity then lands where Odoo sees it at once,
 * and a visibility changed over RPC is seen by the next REST read), svc_dynamic from cutover on.
 * Work on the legacy side must be safe to repeat: domain/record-activity.ts dedupes what an event
 * made by the fact it records.
 */
export type FeedHome = RowHome;

const rows = moduleHome<M19Tables>(M19_MODULES);

export const feedHome: (db: Kysely<any>, legacyPool: pg.Pool | null, options: { hold: boolean }) => Promise<FeedHome> = rows.home;
export const inFeedHome = rows.inHome;
export const feedReader = rows.reader;
export const legacyFeedDatabase = rows.legacyDatabase;
