import { sqlBuilder } from '../../kit/index.ts';
import type { AiDatabase } from './tables.ts';

export { onKysely, onQueryable, queryableOf, type SqlRunner } from '../../kit/index.ts';

/**
 * The ai service's queries: its rules run on the ORM engine's transaction over svc_ai (Odoo RPC
 * after cutover) or over the monolith (phase legacy, embedded mode), and on kysely transactions
 * (REST, events, the task worker). The tables have the same names and columns on both
 * databases, so each rule is written once against a SqlRunner.
 */
export const build = sqlBuilder<AiDatabase>();
