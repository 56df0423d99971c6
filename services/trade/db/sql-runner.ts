import { sqlBuilder } from '../../kit/index.ts';
import type { TradeTables } from './tables.ts';

export { onKysely, onQueryable, queryableOf, type SqlRunner } from '../../kit/index.ts';

/** Trade's queries, run on the ORM engine's transaction (Odoo RPC) or a kysely one (REST) alike. */
export const build = sqlBuilder<TradeTables>();
