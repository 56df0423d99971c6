import type { DrillStack } from './drill-stack.ts';
import { callLatencies } from './drill-figures.ts';
import { startLoadThread } from './load-thread.ts';
import { drillPassThrough, hasRest, restLoadOptions, runServiceDrill, serviceDrillClean, serviceLostAndDuplicated, type ServiceDrillResult, type ServiceDrillRunOptions } from './service-drill.ts';
import { checkM02Side, m02Baseline } from './user-drill-checks.ts';
import type { UserLoadReport } from './user-load.ts';

export const USER_DRILL_MODULES = ['M02'] as const;

export type UserDrillOptions = ServiceDrillRunOptions;

export type UserDrillResult = ServiceDrillResult<UserLoadReport>;

/**
 * The cutover drill on M02 (the user service): the user load (user-load.ts: health records,
 * goal lifecycles with action_record_progress, device bindings, coaches' assessments, reads and
 * read-backs, on XML-RPC, JSON-RPC and the REST routes the service has) through every phase
 * (module-drill.ts). The user service's REST writes work where M02's rows are owned at that
 * moment (services/user/db/user-home.ts), so they run in every phase and through every freeze.
 * Then, on both sides (service-drill.ts): every row a client was answered with exists once with
 * the values its last accepted write gave it, no other row of the drill's members appeared, and
 * `ficus reconcile M02` is clean, business rules included.
 */
export function runUserCutoverDrill(stack: DrillStack, o: UserDrillOptions): Promise<UserDrillResult> {
  return runServiceDrill(stack, {
    service: 'user',
    modules: USER_DRILL_MODULES,
    users: { members: o.members, coaches: o.coaches },
    dwellMs: o.dwellMs,
    restWrites: hasRest(o) ? 'always' : 'never',
    baseline: (legacy, users) => m02Baseline(legacy, users.members),
    startLoad: (users) =>
      startLoadThread<typeof import('./user-load.ts'), 'startUserLoad'>(new URL('./user-load.ts', import.meta.url), 'startUserLoad', {
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, coaches: o.coaches, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
        ...restLoadOptions(o, [...users.members, ...users.coaches]),
      }),
    checkSide: checkM02Side,
    ...drillPassThrough(o),
  });
}

/** Whether the drill held every invariant: no failed call, nothing lost, doubled or wrong on either side, no stale read outside canary, reconcile clean. */
export const userDrillClean = serviceDrillClean;

/** p50 / p99 / count of each kind of call, slowest p99 first: which call a saturated gateway spends its time on. */
export const latencyTable = (report: UserLoadReport): string[] => callLatencies(report).byMethod;

/** Lost (missing on a side) and duplicated (extra) rows over both sides, for the one-line summaries. */
export const userLostAndDuplicated = serviceLostAndDuplicated;
