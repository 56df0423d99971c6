import type { DrillStack } from './drill-stack.ts';
import { callLatencies } from './drill-figures.ts';
import { checkEcSide, ecBaseline, reservedAgreesWithLedger } from './ec-drill-checks.ts';
import type { EcLoadReport } from './ec-load.ts';
import { startLoadThread } from './load-thread.ts';
import { phaseAt } from './module-drill.ts';
import { demoUids, drillPassThrough, hasRest, restLoadOptions, runServiceDrill, serviceDrillClean, serviceLostAndDuplicated, type ServiceDrillResult, type ServiceDrillRunOptions } from './service-drill.ts';

/** M09 (hp_mall) and M10 (hp_ads): the ec service's modules, in cutover order. */
export const EC_DRILL_MODULES = ['M09', 'M10'] as const;

export interface EcDrillOptions extends ServiceDrillRunOptions {
  merchants: number;
}

export type EcDrillResult = ServiceDrillResult<EcLoadReport>;

/** operator001: an operator and an administrator (the drill's impressions are created in its name). */
const ADMIN_LOGIN = 'operator001@hp.example';

/**
 * The cutover drill on M09 and M10 (the ec service): the ec load (ec-load.ts: mall orders with
 * lines through their states and refusals, the drill's inventory rows kept by merchants,
 * campaigns started and paused, impressions over RPC and in REST batches with every third sent
 * again, campaigns' spent read back at once, reads and searches of all five models and the
 * products, on XML-RPC, JSON-RPC and REST) through every phase (module-drill.ts), each module
 * changing owner in its own freeze while the other keeps its phase. Ec's REST writes work where
 * M10's rows live at that moment (db/ec-home.ts), so they run in every phase and through every
 * freeze. Then, on both sides (service-drill.ts, ec-drill-checks.ts): every row a client was
 * answered with exists once with the values its last accepted write gave it, every campaign's
 * spent is exactly its impressions' costs, the drill's stocked rows reserve what ec's ledger says
 * and no finished order holds stock, and `ficus reconcile M09 M10` is clean, business rules
 * (ec-rules.ts) included.
 */
export async function runEcCutoverDrill(stack: DrillStack, o: EcDrillOptions): Promise<EcDrillResult> {
  const merchants = await demoUids(stack.legacyPool, 'merchant', o.merchants);
  const { rows: [admin] } = await stack.legacyPool.query<{ id: number }>('SELECT id FROM res_users WHERE login = $1', [ADMIN_LOGIN]);
  const result = await runServiceDrill(stack, {
    service: 'ec',
    modules: EC_DRILL_MODULES,
    ownerChanges: 'one at a time',
    users: { members: o.members },
    dwellMs: o.dwellMs,
    restWrites: hasRest(o) ? 'always' : 'never',
    baseline: (legacy, users) => ecBaseline(legacy, users.members),
    startLoad: (users) =>
      startLoadThread<typeof import('./ec-load.ts'), 'startEcLoad'>(new URL('./ec-load.ts', import.meta.url), 'startEcLoad', {
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, coaches: 0, merchants: o.merchants, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
        ...restLoadOptions(o, [...users.members, ...merchants, admin!.id]),
      }),
    checkSide: checkEcSide,
    ...drillPassThrough(o),
  });
  const [legacy, service] = result.sides;
  const phase = (at: number) => phaseAt(result.phases, at);
  legacy!.wrong.push(...(await reservedAgreesWithLedger(stack.legacyPool, stack.servicePool, result.load, phase)));
  service!.wrong.push(...(await reservedAgreesWithLedger(stack.servicePool, stack.servicePool, result.load, phase)));
  return result;
}

/** Whether the drill held every invariant: no failed call, nothing lost, doubled or wrong on either side, no stale read outside canary, reconcile clean. */
export const ecDrillClean = serviceDrillClean;

/** Lost (missing on a side), duplicated (extra) and wrong rows over both sides. */
export const ecLostAndDuplicated = serviceLostAndDuplicated;

/** p50 / p99 of every call, and per kind of call, slowest p99 first. */
export const ecLatencies = callLatencies;
