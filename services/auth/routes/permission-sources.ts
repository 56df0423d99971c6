import type { Kysely } from 'kysely';
import { CompiledQuery } from 'kysely';
import type { Queryable } from '../../../odoo-bridge/orm/index.ts';
import type { RouteContext } from '../../kit/index.ts';
import type { AuthDatabase } from '../db/tables.ts';
import { tokenHome } from '../db/token-home.ts';
import type { PermissionSources } from '../domain/user-permissions.ts';
import { monolith } from './monolith.ts';

/** The monolith for users, groups and ACLs; hp.permission rows from wherever M01 lives now. */
export async function permissionSources(ctx: Pick<RouteContext<AuthDatabase>, 'db' | 'legacyPool'>): Promise<PermissionSources> {
  const legacy = monolith(ctx.legacyPool);
  const home = await tokenHome(ctx.db, ctx.legacyPool, { hold: false });
  return { legacy, permissions: home === 'legacy' ? legacy : queryableOf(ctx.db) };
}

/** The service database behind a query builder, as the pg-shaped `query` the domain's SQL uses. */
function queryableOf(db: Kysely<any>): Queryable {
  const query = async (text: string, values?: unknown[]) => db.executeQuery(CompiledQuery.raw(text, values ?? []));
  return { query } as unknown as Queryable;
}
