import { sql, type Kysely } from 'kysely';
import { asProblems, busEventSink, checkRecords, type EventSink, type RouteContext } from '../../kit/index.ts';
import type { EcHome, EcModuleHome } from '../db/ec-home.ts';
import type { EcDatabase, EcLegacyTables } from '../db/tables.ts';
import type { EcEventType } from '../odoo/behaviour-options.ts';

type HomeContext = Pick<RouteContext<EcDatabase>, 'db' | 'legacyPool'>;

/** The ACL and record rules on the rows' home (the kit's), and the domain's refusals as problems (the kit's). */
export { asProblems, checkRecords };

/**
 * A REST write on one module's rows: the home is decided holding the module's owner row (its
 * cutover or rollback waits for this request), then `work` runs on it: the request's own
 * transaction of svc_ec, or a transaction of the monolith's database that commits just before it.
 */
export function writeInHome<T>(rows: EcModuleHome, ctx: HomeContext, work: (db: Kysely<EcLegacyTables>, home: EcHome) => Promise<T>): Promise<T> {
  return rows.writeIn(ctx, work);
}

/** Where a REST read finds one module's rows now (svc_ec after its cutover, the monolith before). */
export function readerOfHome(rows: EcModuleHome, ctx: HomeContext): Promise<Kysely<EcLegacyTables>> {
  return rows.readerNow(ctx);
}

/**
 * Events of a REST request: svc_ec's outbox in the request's transaction. After cutover that is
 * the transaction of the change itself; before it the change is on the monolith, in a transaction
 * that commits just before the request's, so the event commits with the request's idempotency
 * record (the monolith publishes nothing for ec's modules: this is the only announcement).
 */
export function restEventSink<T extends EcEventType>(ctx: Pick<RouteContext<EcDatabase>, 'db' | 'bus'>): EventSink<T> {
  return busEventSink(ctx);
}

/** The caller's language for translated names (res.partner.lang), en_US when unset. */
export async function callerLang(rows: Kysely<any>, uid: number): Promise<string> {
  const { rows: found } = await sql<{ lang: string | null }>`SELECT p.lang FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = ${uid}`.execute(rows);
  return found[0]?.lang || 'en_US';
}
