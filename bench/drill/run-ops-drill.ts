import type { DrillStack } from './drill-stack.ts';
import { callLatencies } from './drill-figures.ts';
import { startLoadThread } from './load-thread.ts';
import { checkOpsSide, coachAveragesDiffer, opsBaseline } from './ops-drill-checks.ts';
import type { OpsLoadReport } from './ops-load.ts';
import { drillPassThrough, hasRest, restLoadOptions, runServiceDrill, serviceDrillClean, serviceLostAndDuplicated, type ServiceDrillResult, type ServiceDrillRunOptions } from './service-drill.ts';

/** M05 (hp_growth), M17 (hp_operations), M18 (hp_risk): the ops service's modules, in cutover order. */
export const OPS_DRILL_MODULES = ['M05', 'M17', 'M18'] as const;

export interface OpsDrillOptions extends ServiceDrillRunOptions {
  operators: number;
}

export type OpsDrillResult = ServiceDrillResult<OpsLoadReport>;

/**
 * The cutover drill on M05, M17 and M18 (the ops service): the ops load (ops-load.ts: ratings
 * and the coaches' stored averages, notifications sent and marked read, operations through their
 * states and refusals, risk rules scanned and their alerts acted on, reads and searches of all
 * seven models, and the REST routes the service has, on XML-RPC, JSON-RPC and REST) through every
 * phase (module-drill.ts), each module changing owner in its own freeze while the others keep
 * their phase (no movesTogether). Ops's REST writes work where each module's rows live at that
 * moment (db/ops-home.ts), so they run in every phase and through every freeze. Then, on both
 * sides (service-drill.ts, ops-drill-checks.ts): every row a client was answered with exists once
 * with the values its last accepted write gave it, the drill's rules' alerts are one per matching
 * rating and complete, each coach's stored average is the mean of its ratings on that side, and
 * `ficus reconcile M05 M17 M18` is clean, business rules (ops-rules.ts) included.
 */
export async function runOpsCutoverDrill(stack: DrillStack, o: OpsDrillOptions): Promise<OpsDrillResult> {
  const result = await runServiceDrill(stack, {
    service: 'ops',
    modules: OPS_DRILL_MODULES,
    ownerChanges: 'one at a time',
    users: { members: o.members, coaches: o.coaches, operators: o.operators },
    dwellMs: o.dwellMs,
    restWrites: hasRest(o) ? 'always' : 'never',
    baseline: (legacy, users) => opsBaseline(legacy, users),
    startLoad: (users) =>
      startLoadThread<typeof import('./ops-load.ts'), 'startOpsLoad'>(new URL('./ops-load.ts', import.meta.url), 'startOpsLoad', {
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, coaches: o.coaches, operators: o.operators, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
        ...restLoadOptions(o, [...users.members, ...users.coaches, ...users.operators]),
      }),
    checkSide: checkOpsSide,
    ...drillPassThrough(o),
  });
  const [legacy, service] = result.sides;
  legacy!.wrong.push(...(await coachAveragesDiffer(stack.legacyPool, stack.legacyPool, result.load.coachIds)));
  service!.wrong.push(...(await coachAveragesDiffer(stack.legacyPool, stack.servicePool, result.load.coachIds)));
  return result;
}

/** Whether the drill held every invariant: no failed call, nothing lost, doubled or wrong on either side, no stale read outside canary, reconcile clean. */
export const opsDrillClean = serviceDrillClean;

/** Lost (missing on a side), duplicated (extra) and wrong rows over both sides. */
export const opsLostAndDuplicated = serviceLostAndDuplicated;

/** p50 / p99 of every call, and per kind of call, slowest p99 first. */
export const opsLatencies = callLatencies;
