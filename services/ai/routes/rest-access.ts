import type { Kysely } from 'kysely';
import { asProblems, checkRecords, rulesSql, type RouteContext } from '../../kit/index.ts';
import type { AiHome, AiModuleHome } from '../db/ai-home.ts';
import type { AiDatabase, AiLegacyTables } from '../db/tables.ts';

type HomeContext = Pick<RouteContext<AiDatabase>, 'db' | 'legacyPool'>;

/** The ACL and record rules on the rows' home (the kit's), and the domain's refusals as problems (the kit's). */
export { asProblems, checkRecords, rulesSql };

/**
 * A REST write on M16's rows: the home is decided holding the module's owner row (its cutover
 * or rollback waits for this request), then `work` runs on it: the request's own transaction of
 * svc_ai, or a transaction of the monolith's database that commits just before it.
 */
export function writeInHome<T>(rows: AiModuleHome, ctx: HomeContext, work: (db: Kysely<AiLegacyTables>, home: AiHome) => Promise<T>): Promise<T> {
  return rows.writeIn(ctx, work);
}

/** Where a REST read finds M16's rows now (svc_ai after its cutover, the monolith before). */
export function readerOfHome(rows: AiModuleHome, ctx: HomeContext): Promise<Kysely<AiLegacyTables>> {
  return rows.readerNow(ctx);
}
