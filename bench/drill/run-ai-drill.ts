import { aiBaseline, checkAiSide } from './ai-drill-checks.ts';
import type { AiLoadReport } from './ai-load.ts';
import type { DrillStack } from './drill-stack.ts';
import { callLatencies, percentile } from './drill-figures.ts';
import { startLoadThread } from './load-thread.ts';
import { drillPassThrough, hasRest, restLoadOptions, runServiceDrill, serviceDrillClean, serviceLostAndDuplicated, type ServiceDrillResult, type ServiceDrillRunOptions } from './service-drill.ts';

/** M16 (hp_ai): the ai service's one module. */
export const AI_DRILL_MODULES = ['M16'] as const;

export interface AiDrillOptions extends ServiceDrillRunOptions {
  operators: number;
}

export type AiDrillResult = ServiceDrillResult<AiLoadReport>;

/**
 * The cutover drill on M16 (the ai service): the ai load (ai-load.ts: generation tasks created by
 * members, run and finished or failed by operators with the addon's refusals asked for, AI models
 * registered and retired, insights written and raised; content generation over REST run by the
 * service's worker wherever M16's rows live, some cancelled, the status URL read back, health
 * analyses; reads and searches of the three models, on XML-RPC, JSON-RPC and REST) through every
 * phase (module-drill.ts). Ai's REST writes and its worker work on M16's home at that moment
 * (db/ai-home.ts), so they run in every phase and through every freeze. Then, on both sides
 * (service-drill.ts, ai-drill-checks.ts): every row a client was answered with exists once with
 * the values its last accepted write gave it, every REST task ended done or failed, the health
 * analyses stored each finding once, and `ficus reconcile M16` is clean, business rules
 * (ai-rules.ts) included.
 */
export async function runAiCutoverDrill(stack: DrillStack, o: AiDrillOptions): Promise<AiDrillResult> {
  return runServiceDrill(stack, {
    service: 'ai',
    modules: AI_DRILL_MODULES,
    users: { members: o.members, operators: o.operators },
    dwellMs: o.dwellMs,
    restWrites: hasRest(o) ? 'always' : 'never',
    baseline: (legacy, users) => aiBaseline(legacy, users.members),
    startLoad: (users) =>
      startLoadThread<typeof import('./ai-load.ts'), 'startAiLoad'>(new URL('./ai-load.ts', import.meta.url), 'startAiLoad', {
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, coaches: 0, operators: o.operators, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
        ...restLoadOptions(o, [...users.members, ...users.operators]),
      }),
    checkSide: checkAiSide,
    ...drillPassThrough(o),
  });
}

/** Whether the drill held every invariant: no failed call, nothing lost, doubled or wrong on either side, no stale read outside canary, reconcile clean. */
export const aiDrillClean = serviceDrillClean;

/** Lost (missing on a side), duplicated (extra) and wrong rows over both sides. */
export const aiLostAndDuplicated = serviceLostAndDuplicated;

/** p50 / p99 of every call, and per kind of call, slowest p99 first. */
export const aiLatencies = callLatencies;

/** The worker's queued → done times of the REST tasks (p50, p99, ms; finished_at has whole seconds). */
export const workerLatency = (report: AiLoadReport) => ({ p50: percentile(report.workerLatencies, 50), p99: percentile(report.workerLatencies, 99) });
