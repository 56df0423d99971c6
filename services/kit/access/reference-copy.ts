import { sql, type Kysely } from 'kysely';
import { HttpProblem } from '../http/problem.ts';

/**
 * The legacy tables a service database must hold a copy of before its REST routes can answer
 * like Odoo: the users the tokens name, and the groups, ACLs and record rules that authorize them
 * (the access part of migration/control/sync/reference-tables.ts's ENGINE_REFERENCE_TABLES,
 * which the forward sync copies; listed here because the kit sits below migration/).
 */
export const ACCESS_REFERENCE_TABLES = [
  'res_users', 'res_partner', 'res_company', 'res_company_users_rel', 'res_groups', 'res_groups_users_rel',
  'res_groups_implied_rel', 'ir_model', 'ir_model_fields', 'ir_model_data', 'ir_model_access', 'ir_rule', 'rule_group_rel',
] as const;

/** How long a "ready" answer is reused: a copy does not become unready in normal operation. */
const READY_FOR_MS = 1_000;
const RETRY_AFTER_SECONDS = 30;

export interface CopyReadiness {
  /** Throws a 503 problem (Retry-After) while the service's copy of its modules is not complete. */
  assertReady(): Promise<void>;
}

export function notReadyProblem(detail: string): HttpProblem {
  return new HttpProblem(503, 'Service Unavailable', detail, { type: 'https://ficus.dev/problems/service-copy-not-ready', headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });
}

/**
 * Is the service database's copy complete: the reference tables and the service's own tables
 * exist, and where a forward sync writes this database (schema `ficus_cdc`), every snapshot it
 * records is done. Before that, an answer would be a 500 (a missing table) or, worse, an empty
 * list that reads as "no data"; a 503 says "not yet" instead.
 */
export function copyReadiness(db: Kysely<any>, service: string, ownTables: readonly string[]): CopyReadiness {
  const tables = [...ACCESS_REFERENCE_TABLES, ...ownTables];
  let readyUntil = 0;
  return {
    async assertReady() {
      if (Date.now() < readyUntil) return;
      const { rows } = await sql<{ missing: string[]; syncing: boolean }>`
        SELECT ARRAY(SELECT t FROM unnest(${tables}::text[]) AS t WHERE to_regclass(format('public.%I', t)) IS NULL) AS missing,
               to_regclass('ficus_cdc.checkpoint') IS NOT NULL AS syncing`.execute(db);
      const state = rows[0]!;
      if (state.missing.length) {
        throw notReadyProblem(`service ${service} does not hold its copy of the legacy data yet (run \`ficus migrate backfill\`); retry later`);
      }
      if (state.syncing) {
        const snapshot = await sql<{ sources: number; pending: number }>`
          SELECT count(*)::int AS sources, count(*) FILTER (WHERE position ? 'snapshotDone' AND (position->>'snapshotDone')::boolean IS NOT TRUE)::int AS pending
            FROM ficus_cdc.checkpoint`.execute(db);
        const { sources, pending } = snapshot.rows[0]!;
        if (!sources || pending) throw notReadyProblem(`service ${service} is still copying the legacy data (backfill in progress); retry later`);
      }
      readyUntil = Date.now() + READY_FOR_MS;
    },
  };
}
