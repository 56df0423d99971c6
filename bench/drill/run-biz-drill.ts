import { bizBaseline, checkBizSide } from './biz-drill-checks.ts';
import type { BizLoadReport } from './biz-load.ts';
import type { DrillStack } from './drill-stack.ts';
import { callLatencies } from './drill-figures.ts';
import { startLoadThread } from './load-thread.ts';
import { drillPassThrough, hasRest, restLoadOptions, runServiceDrill, serviceDrillClean, serviceLostAndDuplicated, type ServiceDrillResult, type ServiceDrillRunOptions } from './service-drill.ts';

/** M03 (hp_workbench), M07 (hp_live), M08 (hp_community_biz): the biz service's modules, in cutover order. */
export const BIZ_DRILL_MODULES = ['M03', 'M07', 'M08'] as const;

export interface BizDrillOptions extends ServiceDrillRunOptions {
  operators: number;
}

export type BizDrillResult = ServiceDrillResult<BizLoadReport>;

/**
 * The cutover drill on M03, M07 and M08 (the biz service): the biz load (biz-load.ts: coaches'
 * live streams through go-live and end, community groups and memberships joined, left and banned,
 * reads of dashboards, streams, groups and members, and the REST routes the service has, on
 * XML-RPC, JSON-RPC and REST) through every phase (module-drill.ts), each module changing owner in
 * its own freeze while the others keep their phase. Biz's REST writes work where each module's
 * rows are owned at that moment (services/biz/db/biz-home.ts), so they run in every phase and
 * through every freeze. Then, on both sides (service-drill.ts): every row a client was answered
 * with exists once with the values its last accepted write gave it, no other row of the drill's
 * users appeared, and `ficus reconcile M03 M07 M08` is clean, business rules (biz-rules.ts) included.
 */
export function runBizCutoverDrill(stack: DrillStack, o: BizDrillOptions): Promise<BizDrillResult> {
  return runServiceDrill(stack, {
    service: 'biz',
    modules: BIZ_DRILL_MODULES,
    // M03, M07 and M08 change owner on their own (no movesTogether): each its own freeze, back to back.
    ownerChanges: 'one at a time',
    users: { members: o.members, coaches: o.coaches },
    dwellMs: o.dwellMs,
    restWrites: hasRest(o) ? 'always' : 'never',
    baseline: (legacy, users) => bizBaseline(legacy, { members: users.members, coaches: users.coaches }),
    startLoad: (users) =>
      startLoadThread<typeof import('./biz-load.ts'), 'startBizLoad'>(new URL('./biz-load.ts', import.meta.url), 'startBizLoad', {
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, coaches: o.coaches, operators: o.operators, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
        ...restLoadOptions(o, [...users.members, ...users.coaches]),
      }),
    checkSide: checkBizSide,
    ...drillPassThrough(o),
  });
}

/** Whether the drill held every invariant: no failed call, nothing lost, doubled or wrong on either side, no stale read outside canary, reconcile clean. */
export const bizDrillClean = serviceDrillClean;

/** Lost (missing on a side), duplicated (extra) and wrong rows over both sides, for the one-line summaries. */
export const bizLostAndDuplicated = serviceLostAndDuplicated;

/** p99 of every call the load made (ms), and per kind of call, slowest p99 first. */
export const bizLatencies = callLatencies;
