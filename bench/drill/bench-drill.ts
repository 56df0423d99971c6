import os from 'node:os';
import { createLogger } from '../../platform/logger.ts';
import type { ServiceDefinition } from '../../services/kit/index.ts';
import { startBenchCluster } from '../support/bench-cluster.ts';
import { freshDrillDatabases } from '../support/drill-databases.ts';
import { percentile } from './drill-figures.ts';
import { startDrillStack, type DrillStack } from './drill-stack.ts';
import type { ModuleDrillRun } from './module-drill.ts';
import { serviceMount, type ServiceMount } from './service-mount.ts';
import type { RestRoutesUsed } from './paced-load.ts';
import type { ServiceDrillResult, ServiceLoadReport } from './service-drill.ts';
import { lostAndDuplicated, type SideCheck } from './side-check.ts';

/** The knobs every bench/cutover-<service>.ts takes from the environment, with the service's defaults. */
export interface DrillSettings {
  /** DRILL_RATE: calls/s offered. */
  rate: number;
  /** DRILL_MEMBERS, DRILL_COACHES, DRILL_OPERATORS: demo users of each role the load logs in as. */
  members: number;
  coaches: number;
  operators: number;
  /** DRILL_DWELL_MS: traffic before each step. */
  dwellMs: number;
  /** DRILL_STRICT=1: steps through the gates without --force. */
  strict: boolean;
  /** DRILL_LEASE_MS: a freeze longer than the production 5 s before gateways release held writes (a loaded machine). */
  leaseMs: number | undefined;
}

export function drillSettings(defaults: { rate: number; members: number; coaches?: number; operators?: number; dwellMs: number }): DrillSettings {
  const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  return {
    rate: env('DRILL_RATE', defaults.rate),
    members: env('DRILL_MEMBERS', defaults.members),
    coaches: env('DRILL_COACHES', defaults.coaches ?? 0),
    operators: env('DRILL_OPERATORS', defaults.operators ?? 0),
    dwellMs: env('DRILL_DWELL_MS', defaults.dwellMs),
    strict: process.env.DRILL_STRICT === '1',
    leaseMs: process.env.DRILL_LEASE_MS ? Number(process.env.DRILL_LEASE_MS) : undefined,
  };
}

/** The 1-minute load average sampled each second of a run: its mean, at the end, and the cores. */
export interface LoadAverage {
  mean: number;
  end: number;
  cores: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * A bench drill of one service, as `ficus start` runs it: fresh databases in the shared bench
 * cluster, the service mounted on the gateway (its REST API) before anything is migrated. `run`
 * is given the stack and the mount and timed with the load average sampled; then everything
 * stops and the databases are dropped.
 */
export async function benchServiceDrill<Result>(o: {
  prefix: string;
  definition: ServiceDefinition<any>;
  modules: readonly string[];
  run(stack: DrillStack, mount: () => ServiceMount): Promise<Result>;
}): Promise<{ result: Result; loadAverage: LoadAverage }> {
  const bench = await startBenchCluster();
  const drill = await freshDrillDatabases(bench, { prefix: o.prefix, service: o.definition.name, modules: o.modules });
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
  let mounted: ServiceMount | undefined;
  const stack = await startDrillStack({
    legacyUrl: drill.legacyUrl, controlUrl: drill.controlUrl, serviceUrl: drill.serviceUrl, logger, service: o.definition.name,
    mount: serviceMount(o.definition, drill.serviceUrl, bench.cluster.url('postgres'), (m) => (mounted = m)),
  });
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(os.loadavg()[0]!), 1000);
  try {
    const result = await o.run(stack, () => mounted!);
    const loadAverage = { mean: round2(loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : os.loadavg()[0]!), end: round2(os.loadavg()[0]!), cores: os.cpus().length };
    return { result, loadAverage };
  } finally {
    clearInterval(sampler);
    await stack.stop();
    await drill.clean();
    await bench.stop();
  }
}

/** The routes of a service as `METHOD /path`, the form the drills' REST clients know them by. */
export const routeNames = (definition: ServiceDefinition<any>): string[] => definition.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);

/** Lines every drill prints after its own: steps, the freeze journal, shadow, reconcile, the sides' checks, the load average. */
export function drillTable(run: ModuleDrillRun<unknown> & { sides?: readonly SideCheck[] }, modules: readonly string[], loadAverage: LoadAverage): string[] {
  const lines: string[] = [];
  for (const s of run.steps) lines.push(`  ${s.step.padEnd(20)} ${String(s.ms).padStart(6)} ms${s.freezeMs !== undefined ? `  freeze ${s.freezeMs} ms` : ''}${s.forced ? '  (forced)' : ''}  ${s.message}`);
  for (const t of run.timelines) lines.push(`  ${t}`);
  for (const r of run.shadow) lines.push(`  shadow ${r.module} ${r.call}: ${r.compared} compared, ${r.unexplained} unexplained${r.fields.length ? ` (${r.fields.join(', ')})` : ''}${r.lastDiff ? `; last ${r.lastDiff}` : ''}`);
  lines.push(`  reconcile ${modules.join(' ')}: ${run.reconcileClean ? 'clean' : 'DIFFERENCES'} (${run.reconcileDetail})`);
  for (const b of run.rules.breaches) lines.push(`    breach: ${b}`);
  for (const side of run.sides ?? []) lines.push(`  ${side.side}: missing ${side.missing.length}, extra ${side.extra.length}, wrong ${side.wrong.length}${[...side.missing, ...side.extra, ...side.wrong].slice(0, 3).map((x) => `; ${x}`).join('')}`);
  lines.push(`  load average: ${loadAverage.mean} mean during the run, ${loadAverage.end} at the end (1 min, ${loadAverage.cores} cores)`);
  return lines;
}

/** The fields every drill's JSON line carries about its steps, freezes, writes, gates, shadow and reconcile. */
export function drillFigures(run: ModuleDrillRun<{ writeLatencies: { ms: number }[] }>, settings: DrillSettings) {
  const writes = run.load.writeLatencies.map((w) => w.ms);
  return {
    freezeMs: Object.fromEntries(run.steps.filter((s) => s.freezeMs !== undefined).map((s) => [s.step, s.freezeMs])),
    heldWriteP99Ms: run.freezeHoldP99Ms,
    heldWriteMaxMs: run.freezeHoldMaxMs,
    writeP50Ms: percentile(writes, 50),
    writeP99Ms: percentile(writes, 99),
    gates: settings.strict ? 'default thresholds, no --force' : '--force offered, shadow gate relaxed to 1 sample and 99 %',
    gatesOverridden: run.steps.some((s) => s.forced),
    shadow: { compared: run.shadow.reduce((n, r) => n + r.compared, 0), unexplained: run.shadow.reduce((n, r) => n + r.unexplained, 0) },
    reconcileClean: run.reconcileClean,
    rulesChecked: run.rules.checked,
  };
}

/** The figures of a service drill's load (service-drill.ts) every bench prints first: calls by channel, rate, REST routes, read-backs. */
export function serviceLoadLines(result: ServiceDrillResult<ServiceLoadReport & RestRoutesUsed>, settings: DrillSettings, title: string): string[] {
  const l = result.load;
  const channels = Object.entries(l.byChannel).map(([channel, n]) => `${CHANNEL_NAMES[channel] ?? channel} ${n}`).join(', ');
  return [
    `\ncutover drill (${title}${settings.strict ? ', gates not forced' : ''})`,
    `  load: ${l.calls} calls (${l.reads} reads, ${l.writes} writes; ${channels}) at ${result.achievedRate.toFixed(0)}/s (offered ${settings.rate}/s, ${l.late} started late), ${l.failures.length} failed`,
    `  REST routes in the load: ${l.restRoutesUsed.join(', ') || 'none'}`,
    `  read-backs: ${l.readBacks}, stale ${l.staleReads.length} ${JSON.stringify(result.staleByPhase)} (${result.staleInCanary.length} while routed by canary, ${result.staleOutsideCanary.length} outside)`,
  ];
}

const CHANNEL_NAMES: Record<string, string> = { xmlrpc: 'XML-RPC', jsonrpc: 'JSON-RPC', rest: 'REST' };

/** The fields of a service drill's JSON line about its load and rows (rate, calls, failures, lost, duplicated, stale reads). */
export function serviceLoadFigures(result: ServiceDrillResult<ServiceLoadReport & RestRoutesUsed>, settings: DrillSettings) {
  const l = result.load;
  return {
    rate: Math.round(result.achievedRate),
    offeredRate: settings.rate,
    leaseMs: settings.leaseMs ?? 5000,
    late: l.late,
    calls: l.calls,
    byChannel: l.byChannel,
    restRoutes: l.restRoutesUsed,
    failed: l.failures.length,
    ...lostAndDuplicated(result.sides),
    readBacks: l.readBacks,
    staleReads: l.staleReads.length,
    staleReadsInCanary: result.staleInCanary.length,
  };
}
