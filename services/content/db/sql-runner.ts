import { sqlBuilder } from '../../kit/index.ts';
import type { ContentDatabase } from './tables.ts';

export { onKysely, onQueryable, queryableOf, type SqlRunner } from '../../kit/index.ts';

/**
 * The content service's queries: its rules run on the ORM engine's transaction over svc_content
 * (Odoo RPC after cutover) or over the monolith (phase legacy, embedded mode), and on kysely
 * transactions (REST, events). The tables have the same names and columns on both databases, so
 * each rule is written once against a SqlRunner.
 */
export const build = sqlBuilder<ContentDatabase>();
