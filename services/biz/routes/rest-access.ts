import type { Kysely } from 'kysely';
import { asProblems, busEventSink, checkRecords, type RouteContext } from '../../kit/index.ts';
import type { BizHome, BizModuleHome } from '../db/biz-home.ts';
import type { BizDatabase, BizLegacyTables } from '../db/tables.ts';
import type { BizEventSink } from '../domain/biz-events.ts';

type HomeContext = Pick<RouteContext<BizDatabase>, 'db' | 'legacyPool'>;

/** The ACL, then the record rules on the rows where the module lives now (404 outside read, 403 outside the mode): the kit's. */
/** The ACL and record rules on the rows' home (the kit's), and the domain's refusals as problems (the kit's). */
export { asProblems, checkRecords };

/**
 * A REST write on one module's rows: the home is decided holding the module's owner row (its
 * cutover or rollback waits for this request), then `work` runs on it: the request's own
 * transaction of svc_biz, or a transaction of the monolith's database that commits just before it.
 */
export function writeInHome<T>(rows: BizModuleHome, ctx: HomeContext, work: (db: Kysely<BizLegacyTables>, home: BizHome) => Promise<T>): Promise<T> {
  return rows.writeIn(ctx, work);
}

/** Where a REST read finds one module's rows now (svc_biz after its cutover, the monolith before). */
export function readerOfHome(rows: BizModuleHome, ctx: HomeContext): Promise<Kysely<BizLegacyTables>> {
  return rows.readerNow(ctx);
}

/**
 * Events of a REST request: svc_biz's outbox in the request's transaction. After cutover that is
 * the transaction of the change itself; before it the change is on the monolith, in a transaction
 * that commits just before the request's, so the event commits with the request's idempotency
 * record (the monolith publishes nothing for biz's modules: this is the only announcement).
 */
export function restEventSink(ctx: Pick<RouteContext<BizDatabase>, 'db' | 'bus'>): BizEventSink {
  return busEventSink(ctx);
}

