import type { Kysely } from 'kysely';
import { asProblems, busEventSink, checkRecords, rulesSql, type EventSink, type RouteContext } from '../../kit/index.ts';
import type { ContentHome, ContentModuleHome } from '../db/content-home.ts';
import type { ContentDatabase, ContentLegacyTables } from '../db/tables.ts';
import type { ContentEventType } from '../odoo/behaviour-options.ts';

type HomeContext = Pick<RouteContext<ContentDatabase>, 'db' | 'legacyPool'>;

/** The ACL and record rules on the rows' home (the kit's), and the domain's refusals as problems (the kit's). */
export { asProblems, checkRecords, rulesSql };

/**
 * A REST write on one module's rows: the home is decided holding the module's owner row (its
 * cutover or rollback waits for this request), then `work` runs on it: the request's own
 * transaction of svc_content, or a transaction of the monolith's database that commits just
 * before it.
 */
export function writeInHome<T>(rows: ContentModuleHome, ctx: HomeContext, work: (db: Kysely<ContentLegacyTables>, home: ContentHome) => Promise<T>): Promise<T> {
  return rows.writeIn(ctx, work);
}

/** Where a REST read finds one module's rows now (svc_content after its cutover, the monolith before). */
export function readerOfHome(rows: ContentModuleHome, ctx: HomeContext): Promise<Kysely<ContentLegacyTables>> {
  return rows.readerNow(ctx);
}

/**
 * Events of a REST request: svc_content's outbox in the request's transaction. After cutover that
 * is the transaction of the change itself; before it the change is on the monolith, in a
 * transaction that commits just before the request's, so the event commits with the request's
 * idempotency record (the monolith publishes nothing for content's modules: this is the only
 * announcement).
 */
export function restEventSink<T extends ContentEventType>(ctx: Pick<RouteContext<ContentDatabase>, 'db' | 'bus'>): EventSink<T> {
  return busEventSink(ctx);
}
