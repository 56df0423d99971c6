// The cutover drill under load (issue 8): `npx tsx bench/cutover.ts`. Prints a table, then one JSON line.
import { loadavg } from 'node:os';
import { createLogger } from '../platform/logger.ts';
import { startDrillStack } from './drill/drill-stack.ts';
import { runCutoverDrill } from './drill/run-drill.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { freshDrillDatabases } from './support/drill-databases.ts';
import { startCpuHogs } from './support/cpu-hogs.ts';

const RATE = Number(process.env.DRILL_RATE ?? 250);
const MEMBERS = Number(process.env.DRILL_MEMBERS ?? 24);
const DWELL_MS = Number(process.env.DRILL_DWELL_MS ?? 4000);
/** Busy-loop processes beside the drill (issue 18: held writes must stay bounded with the cores taken). */
const CPU_HOGS = Number(process.env.DRILL_CPU_HOGS ?? 0);
/** DRILL_FORCE=1 forces the steps through their gates (the old drill); by default they must pass them. */
const GATED = process.env.DRILL_FORCE !== '1';

const bench = await startBenchCluster();
const drill = await freshDrillDatabases(bench, { prefix: 'drill', service: 'dynamic', modules: ['M19'] });

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const stack = await startDrillStack({ legacyUrl: drill.legacyUrl, controlUrl: drill.controlUrl, serviceUrl: drill.serviceUrl, logger });
const hogs = startCpuHogs(CPU_HOGS);
const result = await runCutoverDrill(stack, { members: MEMBERS, ratePerSecond: RATE, dwellMs: DWELL_MS, gated: GATED, log: (l) => process.stderr.write(`${l}\n`) }).finally(() => hogs.stop());
await stack.stop();
await drill.clean();
await bench.stop();

const writes = result.load.writeLatencies.map((w) => w.ms).sort((a, b) => a - b);
const p = (q: number) => writes[Math.min(writes.length - 1, Math.ceil(q * writes.length) - 1)] ?? 0;
console.log('\ncutover drill (M19, embedded)');
console.log(`  ${GATED ? 'every step through its gates at the default thresholds' : 'steps forced through their gates'}; ${CPU_HOGS} CPU hog(s) beside it; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`  load: ${result.load.calls} calls (${result.load.reads} reads, ${result.load.writes} writes) at ${result.achievedRate.toFixed(0)}/s (offered ${RATE}/s, ${result.load.late} started late), ${result.load.failures.length} failed`);
console.log(`  write latency all run: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const s of result.steps) console.log(`  ${s.step.padEnd(14)} ${String(s.ms).padStart(6)} ms${s.freezeMs !== undefined ? `  freeze ${s.freezeMs} ms` : ''}${s.forced ? '  FORCED' : ''}  ${s.message}`);
for (const t of result.timelines) console.log(`  ${t}`);
console.log(`  reconcile: ${result.reconcileClean ? 'clean' : 'DIFFERENCES'} (${result.reconcileDetail}); lost activities ${result.lostActivities.length}, duplicated ${result.duplicatedActivities}`);
console.log(JSON.stringify({
  bench: 'cutover',
  rate: Math.round(result.achievedRate),
  offeredRate: RATE,
  gated: GATED,
  forcedSteps: result.steps.filter((s) => s.forced).map((s) => s.step),
  cpuHogs: CPU_HOGS,
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  late: result.load.late,
  calls: result.load.calls,
  failed: result.load.failures.length,
  freezeMs: result.steps.filter((s) => s.freezeMs !== undefined).map((s) => s.freezeMs),
  heldWriteP99Ms: result.freezeHoldP99Ms,
  heldWriteMaxMs: result.freezeHoldMaxMs,
  writeP50Ms: p(0.5),
  writeP99Ms: p(0.99),
  reconcileClean: result.reconcileClean,
  lost: result.lostActivities.length,
  duplicated: result.duplicatedActivities,
  failures: result.load.failures.slice(0, 5),
}));
process.exit(result.load.failures.length || !result.reconcileClean || result.lostActivities.length || result.steps.some((s) => s.forced && GATED) ? 1 : 0);
