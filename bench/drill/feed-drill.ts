import type pg from 'pg';
import type { DrillStack } from './drill-stack.ts';
import type { LoadReport } from './feed-load.ts';
import { startLoadThread } from './load-thread.ts';
import { runModuleDrill, type ModuleDrillRun } from './module-drill.ts';

export interface FeedDrillOptions {
  members: number;
  ratePerSecond: number;
  dwellMs: number;
  /** The dynamic service's REST API on the gateway, with tokens by uid for the members and for `serviceUid` (scope `service`). */
  rest?: { baseUrl: string; tokens: Record<string, string>; serviceUid: number };
  strictGates?: boolean;
  leaseMs?: number;
  log?: (line: string) => void;
}

export interface FeedDrillResult extends ModuleDrillRun<LoadReport> {
  achievedRate: number;
  /** Activities a client was answered with (RPC create or POST /activities) missing on either side once settled. */
  lostActivities: number[];
  duplicatedActivities: number;
}

/**
 * The M19 cutover drill on the module-drill kit (module-drill.ts): the feed load (feed-load.ts:
 * members over XML-RPC reading their feed, marking entries seen, posting; admin over odoo-await;
 * with `rest`, the dynamic service's REST API too: feed and preferences reads, mark-seen,
 * preferences changes and a service's POST /activities, each feed answer checked for another
 * user's private activity) through backfill → shadow → canary 10 → cutover → rollback → cutover.
 * Dynamic's REST writes go where M19's rows are owned at the moment (db/feed-home.ts), so they
 * run in every phase and through every freeze. Then, settled: every activity a client was
 * answered with exists exactly once on both sides, and `ficus reconcile M19` is clean.
 */
export async function runFeedCutoverDrill(stack: DrillStack, o: FeedDrillOptions): Promise<FeedDrillResult> {
  const run = await runModuleDrill<LoadReport>(stack, {
    service: 'dynamic',
    modules: ['M19'],
    dwellMs: o.dwellMs,
    restWrites: o.rest ? 'always' : 'never',
    startLoad: () =>
      startLoadThread<typeof import('./feed-load.ts'), 'startFeedLoad'>(new URL('./feed-load.ts', import.meta.url), 'startFeedLoad', {
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, ratePerSecond: o.ratePerSecond, ...(o.rest ? { rest: o.rest } : {}),
      }),
    writesOf: (report) => report.writeLatencies,
    ...(o.strictGates ? { strictGates: true } : {}),
    ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  const created = run.load.createdActivities;
  const lost = [...new Set([...(await missingIds(stack.legacyPool, created)), ...(await missingIds(stack.servicePool, created))])];
  const doubled = created.length - new Set(created).size + (await doubledSummaries(stack.legacyPool)) + (await doubledSummaries(stack.servicePool));
  return { ...run, achievedRate: run.load.calls / (run.elapsedMs / 1000), lostActivities: lost, duplicatedActivities: doubled };
}

/** The load's summaries are unique per call ('load n', 'admin n', 'rest n'): one recorded twice (a retried create) is a duplicate. */
async function doubledSummaries(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT coalesce(sum(c - 1), 0)::int AS n FROM (SELECT count(*) AS c FROM activities WHERE summary ~ '^(load|admin|rest) [0-9]+$' GROUP BY summary) s`);
  return rows[0]!.n;
}

async function missingIds(pool: pg.Pool, ids: number[]): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM activities WHERE id = ANY($1::int4[])', [ids]);
  const present = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !present.has(id));
}
