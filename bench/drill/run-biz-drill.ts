import type pg from 'pg';
import { checkBizSide, bizBaseline, type BizSideCheck } from './biz-drill-checks.ts';
import type { BizLoadReport, StaleRead } from './biz-load.ts';
import { startBizLoadThread } from './biz-load-thread.ts';
import type { DrillStack } from './drill-stack.ts';
import { runModuleDrill, phaseAt, type ModuleDrillRun } from './module-drill.ts';

/** M03 (hp_workbench), M07 (hp_live), M08 (hp_community_biz): the biz service's modules, in cutover order. */
export const BIZ_DRILL_MODULES = ['M03', 'M07', 'M08'] as const;

export interface BizDrillOptions {
  members: number;
  coaches: number;
  operators: number;
  ratePerSecond: number;
  dwellMs: number;
  runTag: string;
  /** The biz service's REST API and its routes (`POST /live-streams`, …); REST calls run only when given. */
  restUrl?: string;
  restRoutes?: readonly string[];
  /** Bearer tokens for the drill's users (the mount's key set, service-mount.ts). */
  tokensFor?: (uids: readonly number[]) => Record<string, string>;
  strictGates?: boolean;
  leaseMs?: number;
  log?: (line: string) => void;
}

export interface BizDrillResult extends ModuleDrillRun<BizLoadReport> {
  achievedRate: number;
  sides: BizSideCheck[];
  /** Read-backs that missed their own write, by the phases the modules were in when the write was sent and when the read was (`canary → service`). */
  staleByPhase: Record<string, number>;
  /**
   * Those read while reads were routed by phase canary (canary, a freeze from it, canary after a
   * rollback): a canary user's reads go to svc_biz while writes stay on the monolith, so a read
   * right after a write may trail it by the forward sync's lag (MIGRATION.md, "In canary, writes
   * stay on legacy"). Every other stale read is a broken read-your-writes.
   */
  staleInCanary: StaleRead[];
  staleOutsideCanary: StaleRead[];
}

/**
 * The cutover drill on M03, M07 and M08 (the biz service): the biz load (biz-load.ts: coaches'
 * live streams through go-live and end, community groups and memberships joined, left and banned,
 * reads of dashboards, streams, groups and members, and the REST routes the service has, on
 * XML-RPC, JSON-RPC and REST) through every phase (module-drill.ts), each module changing owner in
 * its own freeze while the others keep their phase. Biz's REST writes work where each module's
 * rows are owned at that moment (services/biz/db/biz-home.ts), so they run in every phase and
 * through every freeze. Then, on both sides: every row a client was answered with
 * exists once with the values its last accepted write gave it, no other row of the drill's users
 * appeared, and `ficus reconcile M03 M07 M08` is clean, business rules (biz-rules.ts) included.
 */
export async function runBizCutoverDrill(stack: DrillStack, o: BizDrillOptions): Promise<BizDrillResult> {
  const memberIds = await uidsOf(stack.legacyPool, 'member', o.members);
  const coachIds = await uidsOf(stack.legacyPool, 'coach', o.coaches);
  // Nothing writes these tables before the load starts: the monolith's rows now are every side's "before".
  const baseline = await bizBaseline(stack.legacyPool, { members: memberIds, coaches: coachIds });
  const withRest = o.restUrl !== undefined && (o.restRoutes?.length ?? 0) > 0;
  const run = await runModuleDrill(stack, {
    service: 'biz',
    modules: BIZ_DRILL_MODULES,
    // M03, M07 and M08 change owner on their own (no movesTogether): each its own freeze, back to back.
    ownerChanges: 'one at a time',
    dwellMs: o.dwellMs,
    restWrites: withRest ? 'always' : 'never',
    writesOf: (report) => report.writeLatencies,
    startLoad: () =>
      startBizLoadThread({
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, coaches: o.coaches, operators: o.operators, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
        ...(withRest ? { restUrl: o.restUrl!, restRoutes: o.restRoutes!, restTokens: o.tokensFor?.([...memberIds, ...coachIds]) ?? {} } : {}),
      }),
    ...(o.strictGates ? { strictGates: true } : {}),
    ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  const sides = [
    await checkBizSide('legacy', stack.legacyPool, baseline, run.load),
    await checkBizSide('service', stack.servicePool, baseline, run.load),
  ];
  const canaryRouted = (s: StaleRead) => /^(canary|freeze after canary)/.test(phaseAt(run.phases, s.readAt));
  const staleByPhase: BizDrillResult['staleByPhase'] = {};
  for (const s of run.load.staleReads) {
    const phases = `${phaseAt(run.phases, s.writtenAt)} → ${phaseAt(run.phases, s.readAt)}`;
    staleByPhase[phases] = (staleByPhase[phases] ?? 0) + 1;
  }
  return {
    ...run, achievedRate: run.load.calls / (run.elapsedMs / 1000), sides, staleByPhase,
    staleInCanary: run.load.staleReads.filter(canaryRouted), staleOutsideCanary: run.load.staleReads.filter((s) => !canaryRouted(s)),
  };
}

/** Whether the drill held every invariant: no failed call, nothing lost, doubled or wrong on either side, no stale read outside canary, reconcile clean. */
export function bizDrillClean(r: BizDrillResult): boolean {
  return r.load.failures.length === 0 && r.staleOutsideCanary.length === 0 && r.sides.every((s) => !s.missing.length && !s.extra.length && !s.wrong.length) && r.reconcileClean;
}

/** Lost (missing on a side), duplicated (extra) and wrong rows over both sides, for the one-line summaries. */
export function bizLostAndDuplicated(r: BizDrillResult): { lost: number; duplicated: number; wrong: number } {
  return {
    lost: r.sides.reduce((n, s) => n + s.missing.length, 0),
    duplicated: r.sides.reduce((n, s) => n + s.extra.length, 0),
    wrong: r.sides.reduce((n, s) => n + s.wrong.length, 0),
  };
}

/** p99 of every call the load made (ms), and per kind of call, slowest p99 first. */
export function bizLatencies(report: BizLoadReport): { p50: number; p99: number; byMethod: string[] } {
  const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const all = Object.values(report.latencyByMethod).flat().sort((a, b) => a - b);
  const byMethod = Object.entries(report.latencyByMethod)
    .map(([method, ms]) => ({ method, sorted: [...ms].sort((a, b) => a - b) }))
    .sort((a, b) => pct(b.sorted, 99) - pct(a.sorted, 99))
    .map(({ method, sorted }) => `${method}: ${sorted.length} calls, p50 ${pct(sorted, 50)} ms, p99 ${pct(sorted, 99)} ms`);
  return { p50: pct(all, 50), p99: pct(all, 99), byMethod };
}

async function uidsOf(legacy: pg.Pool, role: 'member' | 'coach', count: number): Promise<number[]> {
  const logins = Array.from({ length: count }, (_, i) => `${role}${String(i + 1).padStart(3, '0')}@hp.example`);
  const { rows } = await legacy.query<{ id: number }>('SELECT id FROM res_users WHERE login = ANY($1) ORDER BY login', [logins]);
  if (rows.length !== count) throw new Error(`expected ${count} demo ${role}s, found ${rows.length}`);
  return rows.map((r) => r.id);
}
