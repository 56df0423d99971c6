import type pg from 'pg';
import type { DrillStack } from './drill-stack.ts';
import { runModuleDrill, phaseAt, type ModuleDrillRun } from './module-drill.ts';
import { checkM02Side, m02Baseline, type M02SideCheck } from './user-drill-checks.ts';
import type { StaleRead, UserLoadReport } from './user-load.ts';
import { startUserLoadThread } from './user-load-thread.ts';

export const USER_DRILL_MODULES = ['M02'] as const;

export interface UserDrillOptions {
  members: number;
  coaches: number;
  ratePerSecond: number;
  dwellMs: number;
  runTag: string;
  /** The user service's REST API and its routes (`POST /users/:id/health-actions`, …); REST calls run only when given. */
  restUrl?: string;
  restRoutes?: readonly string[];
  /** Bearer tokens for the drill's members and coaches (the mount's key set, service-mount.ts). */
  tokensFor?: (uids: readonly number[]) => Record<string, string>;
  strictGates?: boolean;
  leaseMs?: number;
  log?: (line: string) => void;
}

export interface UserDrillResult extends ModuleDrillRun<UserLoadReport> {
  achievedRate: number;
  sides: M02SideCheck[];
  /** Read-backs that missed their own write, by the phases M02 was in when the write was sent and when the read was (`canary → service`). */
  staleByPhase: Record<string, number>;
  /**
   * Those read while reads were routed by phase canary (canary, a freeze from it, canary after a
   * rollback): a canary user's reads go to svc_user while writes stay on the monolith, so a read
   * right after a write may trail it by the forward sync's lag (MIGRATION.md, "In canary, writes
   * stay on legacy"). Every other stale read is a broken read-your-writes.
   */
  staleInCanary: StaleRead[];
  staleOutsideCanary: StaleRead[];
}

/**
 * The cutover drill on M02 (the user service): the user load (user-load.ts: health records,
 * goal lifecycles with action_record_progress, device bindings, coaches' assessments, reads and
 * read-backs, on XML-RPC, JSON-RPC and the REST routes the service has) through every phase
 * (module-drill.ts). The user service's REST writes work where M02's rows are owned at that
 * moment (services/user/db/user-home.ts), so they run in every phase and through every freeze.
 * Then, on both sides: every row a client was answered with exists once with the values its last
 * accepted write gave it, no other row of the drill's members appeared, and `ficus reconcile M02`
 * is clean, business rules included.
 */
export async function runUserCutoverDrill(stack: DrillStack, o: UserDrillOptions): Promise<UserDrillResult> {
  const memberIds = await uidsOf(stack.legacyPool, 'member', o.members);
  const coachIds = await uidsOf(stack.legacyPool, 'coach', o.coaches);
  // Nothing writes M02 before the load starts: the monolith's rows now are every side's "before".
  const baseline = await m02Baseline(stack.legacyPool, memberIds);
  const withRest = o.restUrl !== undefined && (o.restRoutes?.length ?? 0) > 0;
  const run = await runModuleDrill(stack, {
    service: 'user',
    modules: USER_DRILL_MODULES,
    dwellMs: o.dwellMs,
    restWrites: withRest ? 'always' : 'never',
    writesOf: (report) => report.writeLatencies,
    startLoad: () =>
      startUserLoadThread({
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, coaches: o.coaches, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
        ...(withRest ? { restUrl: o.restUrl!, restRoutes: o.restRoutes!, restTokens: o.tokensFor?.([...memberIds, ...coachIds]) ?? {} } : {}),
      }),
    ...(o.strictGates ? { strictGates: true } : {}),
    ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  const sides = [
    await checkM02Side('legacy', stack.legacyPool, baseline, run.load),
    await checkM02Side('service', stack.servicePool, baseline, run.load),
  ];
  const canaryRouted = (s: StaleRead) => /^(canary|freeze after canary)/.test(phaseAt(run.phases, s.readAt));
  const staleByPhase: UserDrillResult['staleByPhase'] = {};
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
export function userDrillClean(r: UserDrillResult): boolean {
  return r.load.failures.length === 0 && r.staleOutsideCanary.length === 0 && r.sides.every((s) => !s.missing.length && !s.extra.length && !s.wrong.length) && r.reconcileClean;
}

/** p50 / p99 / count of each kind of call, slowest p99 first: which call a saturated gateway spends its time on. */
export function latencyTable(report: UserLoadReport): string[] {
  const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return Object.entries(report.latencyByMethod)
    .map(([method, ms]) => ({ method, sorted: [...ms].sort((a, b) => a - b) }))
    .sort((a, b) => pct(b.sorted, 99) - pct(a.sorted, 99))
    .map(({ method, sorted }) => `${method}: ${sorted.length} calls, p50 ${pct(sorted, 50)} ms, p99 ${pct(sorted, 99)} ms`);
}

/** Lost (missing on a side) and duplicated (extra) rows over both sides, for the one-line summaries. */
export function userLostAndDuplicated(r: UserDrillResult): { lost: number; duplicated: number; wrong: number } {
  return {
    lost: r.sides.reduce((n, s) => n + s.missing.length, 0),
    duplicated: r.sides.reduce((n, s) => n + s.extra.length, 0),
    wrong: r.sides.reduce((n, s) => n + s.wrong.length, 0),
  };
}

async function uidsOf(legacy: pg.Pool, role: 'member' | 'coach', count: number): Promise<number[]> {
  const logins = Array.from({ length: count }, (_, i) => `${role}${String(i + 1).padStart(3, '0')}@hp.example`);
  const { rows } = await legacy.query<{ id: number }>('SELECT id FROM res_users WHERE login = ANY($1) ORDER BY login', [logins]);
  if (rows.length !== count) throw new Error(`expected ${count} demo ${role}s, found ${rows.length}`);
  return rows.map((r) => r.id);
}
