import type { Kysely } from 'kysely';
import { asProblems, busEventSink, checkRecords, rulesSql, type RouteContext } from '../../kit/index.ts';
import type { OpsHome, OpsModuleHome } from '../db/ops-home.ts';
import type { OpsDatabase, OpsLegacyTables } from '../db/tables.ts';
import type { OpsEventSink } from '../domain/ops-events.ts';

type HomeContext = Pick<RouteContext<OpsDatabase>, 'db' | 'legacyPool'>;

/** The ACL and record rules on the rows' home (the kit's), and the domain's refusals as problems (the kit's). */
export { asProblems, checkRecords, rulesSql };

/**
 * A REST write on one module's rows: the home is decided holding the module's owner row (its
 * cutover or rollback waits for this request), then `work` runs on it: the request's own
 * transaction of svc_ops, or a transaction of the monolith's database that commits just before it.
 */
export function writeInHome<T>(rows: OpsModuleHome, ctx: HomeContext, work: (db: Kysely<OpsLegacyTables>, home: OpsHome) => Promise<T>): Promise<T> {
  return rows.writeIn(ctx, work);
}

/** Where a REST read finds one module's rows now (svc_ops after its cutover, the monolith before). */
export function readerOfHome(rows: OpsModuleHome, ctx: HomeContext): Promise<Kysely<OpsLegacyTables>> {
  return rows.readerNow(ctx);
}

/**
 * Events of a REST request: svc_ops's outbox in the request's transaction. After cutover that is
 * the transaction of the change itself; before it the change is on the monolith, in a transaction
 * that commits just before the request's, so the event commits with the request's idempotency
 * record (the monolith publishes nothing for ops's modules: this is the only announcement).
 */
export function restEventSink(ctx: Pick<RouteContext<OpsDatabase>, 'db' | 'bus'>): OpsEventSink {
  return busEventSink(ctx);
}
