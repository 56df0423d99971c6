import type pg from 'pg';
import type { CallFigures } from './call-recorder.ts';
import type { DrillStack } from './drill-stack.ts';
import type { LoadThread } from './load-thread.ts';
import { phaseAt, runModuleDrill, type ModuleDrillOptions, type ModuleDrillRun } from './module-drill.ts';
import type { ReadBackFigures, StaleRead } from './read-backs.ts';
import { lostAndDuplicated, sideClean, type SideCheck } from './side-check.ts';

/** What a service drill's load reports: its calls, and its writes read back. */
export type ServiceLoadReport = CallFigures<string> & ReadBackFigures;

/** What a service's drill runner takes (run-<service>-drill.ts): its load's users and rate, the REST API, the gates. */
export interface ServiceDrillRunOptions {
  members: number;
  coaches: number;
  ratePerSecond: number;
  dwellMs: number;
  runTag: string;
  /** The service's REST API and its routes (`METHOD /path`); REST calls run only when given. */
  restUrl?: string;
  restRoutes?: readonly string[];
  /** Bearer tokens for the drill's users (the mount's key set, service-mount.ts). */
  tokensFor?: (uids: readonly number[]) => Record<string, string>;
  strictGates?: boolean;
  leaseMs?: number;
  log?: (line: string) => void;
}

/** The module-drill options every runner passes on as it was given them. */
export function drillPassThrough(o: ServiceDrillRunOptions): { strictGates?: true; leaseMs?: number; log?: (line: string) => void } {
  return { ...(o.strictGates ? { strictGates: true } : {}), ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}), ...(o.log ? { log: o.log } : {}) };
}

/** The REST part of a load's options, when the drill was given a REST API with routes: its URL, routes and the users' tokens. */
export function restLoadOptions(o: ServiceDrillRunOptions, uids: readonly number[]): { restUrl?: string; restRoutes?: readonly string[]; restTokens?: Record<string, string> } {
  return hasRest(o) ? { restUrl: o.restUrl!, restRoutes: o.restRoutes!, restTokens: o.tokensFor?.(uids) ?? {} } : {};
}

export const hasRest = (o: ServiceDrillRunOptions): boolean => o.restUrl !== undefined && (o.restRoutes?.length ?? 0) > 0;

/** The demo users a drill's load logs in as, by role (`member001@hp.example`…), their uids on the monolith. */
export interface DrillUsers {
  members: number[];
  coaches: number[];
  operators: number[];
}

export interface ServiceDrillOptions<Report extends ServiceLoadReport, Baseline> extends Omit<ModuleDrillOptions<Report>, 'startLoad' | 'writesOf'> {
  /** How many demo users of each role the load logs in as (operators are operator002…: operator001 is also an admin). */
  users: { members: number; coaches?: number; operators?: number };
  /** The rows of the drill's users before the load starts (nothing writes them before it): every side's "before". */
  baseline(legacy: pg.Pool, users: DrillUsers): Promise<Baseline>;
  /** Starts the load (load-thread.ts) once the modules are backfilled. */
  startLoad(users: DrillUsers): Promise<LoadThread<Report>>;
  /** One side's rows against what the load was answered (side-check.ts). */
  checkSide(side: SideCheck['side'], pool: pg.Pool, baseline: Baseline, report: Report): Promise<SideCheck>;
}

export interface ServiceDrillResult<Report extends ServiceLoadReport> extends ModuleDrillRun<Report> {
  achievedRate: number;
  sides: SideCheck[];
  /** Read-backs that missed their own write, by the phases the modules were in when the write was sent and when the read was (`canary → service`). */
  staleByPhase: Record<string, number>;
  /**
   * Those read while reads were routed by phase canary (the canary steps, canary, a freeze from it,
   * canary after a rollback): a canary user's reads go to the service while writes stay on the monolith, so a
   * read right after a write may trail it by the forward sync's lag (MIGRATION.md, "In canary,
   * writes stay on legacy"). Every other stale read is a broken read-your-writes.
   */
  staleInCanary: StaleRead[];
  staleOutsideCanary: StaleRead[];
}

/**
 * A service's cutover drill (module-drill.ts) with what every service checks after it: the
 * drill's users' rows taken before the load, then on both sides every row a client was answered
 * with present once with the values its last accepted write gave it and no other new row
 * (`checkSide`), read-backs that missed their write placed in the phases they crossed, and the
 * rate the load achieved. The service's own checks (beyond rows) are its runner's.
 */
export async function runServiceDrill<Report extends ServiceLoadReport, Baseline>(stack: DrillStack, o: ServiceDrillOptions<Report, Baseline>): Promise<ServiceDrillResult<Report>> {
  const users: DrillUsers = {
    members: await demoUids(stack.legacyPool, 'member', o.users.members),
    coaches: await demoUids(stack.legacyPool, 'coach', o.users.coaches ?? 0),
    operators: (await demoUids(stack.legacyPool, 'operator', (o.users.operators ?? 0) + (o.users.operators ? 1 : 0))).slice(1),
  };
  const baseline = await o.baseline(stack.legacyPool, users);
  const { users: _users, baseline: _baseline, checkSide: _checkSide, ...drill } = o;
  const run = await runModuleDrill(stack, { ...drill, startLoad: () => o.startLoad(users), writesOf: (report) => report.writeLatencies });
  const sides = [await o.checkSide('legacy', stack.legacyPool, baseline, run.load), await o.checkSide('service', stack.servicePool, baseline, run.load)];
  const canaryRouted = (s: StaleRead) => /^(canary|freeze after canary)/.test(phaseAt(run.phases, s.readAt));
  const staleByPhase: Record<string, number> = {};
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
export function serviceDrillClean(r: ServiceDrillResult<ServiceLoadReport>): boolean {
  return r.load.failures.length === 0 && r.staleOutsideCanary.length === 0 && r.sides.every(sideClean) && r.reconcileClean;
}

/** Lost (missing on a side), duplicated (extra) and wrong rows over both sides. */
export const serviceLostAndDuplicated = (r: { sides: readonly SideCheck[] }) => lostAndDuplicated(r.sides);

/** The uids of the demo users `<role>001@hp.example`… (`count` of them), in login order. */
export async function demoUids(legacy: pg.Pool, role: 'member' | 'coach' | 'operator' | 'merchant', count: number): Promise<number[]> {
  if (count === 0) return [];
  const logins = Array.from({ length: count }, (_, i) => `${role}${String(i + 1).padStart(3, '0')}@hp.example`);
  const { rows } = await legacy.query<{ id: number }>('SELECT id FROM res_users WHERE login = ANY($1) ORDER BY login', [logins]);
  if (rows.length !== count) throw new Error(`expected ${count} demo ${role}s, found ${rows.length}`);
  return rows.map((r) => r.id);
}
