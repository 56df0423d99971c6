// The cutover drill on M03, M07 and M08 (the biz service, issue 24): `npx tsx bench/cutover-biz.ts`. Prints a table, then one JSON line.
// DRILL_RATE (200), DRILL_MEMBERS (20), DRILL_COACHES (8), DRILL_OPERATORS (2), DRILL_DWELL_MS (6000); DRILL_STRICT=1 steps through the
// gates without --force; DRILL_LEASE_MS gives a freeze longer than the production 5 s before gateways release held writes (a loaded machine).
import os from 'node:os';
import { createLogger } from '../platform/logger.ts';
import biz from '../services/biz/index.ts';
import { startDrillStack } from './drill/drill-stack.ts';
import { percentile } from './drill/drill-figures.ts';
import { bizDrillClean, bizLatencies, bizLostAndDuplicated, runBizCutoverDrill, BIZ_DRILL_MODULES } from './drill/run-biz-drill.ts';
import { serviceMount, type ServiceMount } from './drill/service-mount.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { freshDrillDatabases } from './support/drill-databases.ts';

const RATE = Number(process.env.DRILL_RATE ?? 200);
const MEMBERS = Number(process.env.DRILL_MEMBERS ?? 20);
const COACHES = Number(process.env.DRILL_COACHES ?? 8);
const OPERATORS = Number(process.env.DRILL_OPERATORS ?? 2);
const DWELL_MS = Number(process.env.DRILL_DWELL_MS ?? 6000);
const STRICT = process.env.DRILL_STRICT === '1';
const LEASE_MS = process.env.DRILL_LEASE_MS ? Number(process.env.DRILL_LEASE_MS) : undefined;

const bench = await startBenchCluster();
const drill = await freshDrillDatabases(bench, { prefix: 'bdrill', service: 'biz', modules: BIZ_DRILL_MODULES });

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
let mounted: ServiceMount | undefined;
// As `ficus start`: the biz service runs (its REST API on the gateway) before anything is migrated.
const stack = await startDrillStack({
  legacyUrl: drill.legacyUrl, controlUrl: drill.controlUrl, serviceUrl: drill.serviceUrl, logger, service: 'biz',
  mount: serviceMount(biz, drill.serviceUrl, bench.cluster.url('postgres'), (m) => (mounted = m)),
});
const loads: number[] = [];
const sampler = setInterval(() => loads.push(os.loadavg()[0]!), 1000);
const result = await runBizCutoverDrill(stack, {
  members: MEMBERS, coaches: COACHES, operators: OPERATORS, ratePerSecond: RATE, dwellMs: DWELL_MS, runTag: String(Date.now()),
  restUrl: stack.gatewayUrl, restRoutes: biz.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`), tokensFor: (uids) => mounted!.tokensFor(uids),
  strictGates: STRICT, ...(LEASE_MS ? { leaseMs: LEASE_MS } : {}), log: (l) => process.stderr.write(`${l}\n`),
});
clearInterval(sampler);
const round2 = (x: number) => Math.round(x * 100) / 100;
const loadAverage = { mean: round2(loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : os.loadavg()[0]!), end: round2(os.loadavg()[0]!), cores: os.cpus().length };
await stack.stop();
await drill.clean();
await bench.stop();

const l = result.load;
const writes = l.writeLatencies.map((w) => w.ms);
const p = (q: number) => percentile(writes, q * 100);
const latency = bizLatencies(l);
const { lost, duplicated, wrong } = bizLostAndDuplicated(result);
console.log(`\ncutover drill (M03, M07, M08 → biz, embedded, one freeze per module${STRICT ? ', gates not forced' : ''})`);
console.log(`  load: ${l.calls} calls (${l.reads} reads, ${l.writes} writes; XML-RPC ${l.byChannel.xmlrpc}, JSON-RPC ${l.byChannel.jsonrpc}, REST ${l.byChannel.rest}) at ${result.achievedRate.toFixed(0)}/s (offered ${RATE}/s, ${l.late} started late), ${l.failures.length} failed`);
console.log(`  REST routes in the load: ${l.restRoutesUsed.join(', ') || 'none'}`);
console.log(`  rows: ${l.streams.length} live streams (${l.streams.filter((s) => s.via === 'rest').length} over REST; ${l.streams.filter((s) => s.state === 'ended').length} ended, ${l.streams.filter((s) => s.state === 'live').length} live), ${l.groups.length} groups, ${l.memberships.length} memberships (${['active', 'left', 'banned'].map((st) => `${l.memberships.filter((m) => m.state === st).length} ${st}`).join(', ')}); ${l.refusals.length} refusals asked for`);
console.log(`  read-backs: ${l.readBacks}, stale ${l.staleReads.length} ${JSON.stringify(result.staleByPhase)} (${result.staleInCanary.length} while routed by canary, ${result.staleOutsideCanary.length} outside)`);
console.log(`  latency all calls: p50 ${latency.p50} ms, p99 ${latency.p99} ms; writes p50 ${p(0.5)} ms, p99 ${p(0.99)} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const s of result.steps) console.log(`  ${s.step.padEnd(20)} ${String(s.ms).padStart(6)} ms${s.freezeMs !== undefined ? `  freeze ${s.freezeMs} ms` : ''}${s.forced ? '  (forced)' : ''}  ${s.message}`);
for (const t of result.timelines) console.log(`  ${t}`);
for (const r of result.shadow) console.log(`  shadow ${r.module} ${r.call}: ${r.compared} compared, ${r.unexplained} unexplained${r.fields.length ? ` (${r.fields.join(', ')})` : ''}${r.lastDiff ? `; last ${r.lastDiff}` : ''}`);
console.log(`  reconcile ${BIZ_DRILL_MODULES.join(' ')}: ${result.reconcileClean ? 'clean' : 'DIFFERENCES'} (${result.reconcileDetail})`);
for (const b of result.rules.breaches) console.log(`    breach: ${b}`);
for (const side of result.sides) console.log(`  ${side.side}: missing ${side.missing.length}, extra ${side.extra.length}, wrong ${side.wrong.length}${[...side.missing, ...side.extra, ...side.wrong].slice(0, 3).map((x) => `; ${x}`).join('')}`);
console.log(`  load average: ${loadAverage.mean} mean during the run, ${loadAverage.end} at the end (1 min, ${loadAverage.cores} cores)`);
for (const line of latency.byMethod.slice(0, 8)) console.log(`  latency ${line}`);
for (const s of l.staleReads.slice(0, 5)) console.log(`  stale: ${s.method}: ${s.detail}`);
for (const f of l.failures.slice(0, 5)) console.log(`  failure: ${f.method}: ${f.message}`);
const ok = bizDrillClean(result);
console.log(JSON.stringify({
  bench: 'cutover-biz',
  modules: BIZ_DRILL_MODULES,
  rate: Math.round(result.achievedRate),
  offeredRate: RATE,
  leaseMs: LEASE_MS ?? 5000,
  late: l.late,
  calls: l.calls,
  byChannel: l.byChannel,
  restRoutes: l.restRoutesUsed,
  failed: l.failures.length,
  lost,
  duplicated,
  wrong,
  readBacks: l.readBacks,
  staleReads: l.staleReads.length,
  staleReadsInCanary: result.staleInCanary.length,
  rows: { streams: l.streams.length, groups: l.groups.length, memberships: l.memberships.length, refusals: l.refusals.length },
  freezeMs: Object.fromEntries(result.steps.filter((s) => s.freezeMs !== undefined).map((s) => [s.step, s.freezeMs])),
  heldWriteP99Ms: result.freezeHoldP99Ms,
  heldWriteMaxMs: result.freezeHoldMaxMs,
  p50Ms: latency.p50,
  p99Ms: latency.p99,
  writeP50Ms: p(0.5),
  writeP99Ms: p(0.99),
  gates: STRICT ? 'default thresholds, no --force' : '--force offered, shadow gate relaxed to 1 sample and 99 %',
  gatesOverridden: result.steps.some((s) => s.forced),
  shadow: { compared: result.shadow.reduce((n, r) => n + r.compared, 0), unexplained: result.shadow.reduce((n, r) => n + r.unexplained, 0) },
  reconcileClean: result.reconcileClean,
  rulesChecked: result.rules.checked,
  loadAverage,
  ok,
  failures: l.failures.slice(0, 5),
}));
process.exit(ok ? 0 : 1);
