// The cutover drill on M16 (the ai service, issue 28): `npx tsx bench/cutover-ai.ts`. Prints a table, then one JSON line.
// DRILL_RATE (200), DRILL_MEMBERS (20), DRILL_OPERATORS (2), DRILL_DWELL_MS (6000); DRILL_STRICT=1 steps through the gates without
// --force; DRILL_LEASE_MS gives a freeze longer than the production 5 s before gateways release held writes (a loaded machine).
import ai from '../services/ai/index.ts';
import { benchServiceDrill, drillFigures, drillSettings, drillTable, routeNames, serviceLoadFigures, serviceLoadLines } from './drill/bench-drill.ts';
import { aiDrillClean, aiLatencies, runAiCutoverDrill, workerLatency, AI_DRILL_MODULES } from './drill/run-ai-drill.ts';

const settings = drillSettings({ rate: 200, members: 20, operators: 2, dwellMs: 6000 });
const { result, loadAverage } = await benchServiceDrill({
  prefix: 'adrill', definition: ai, modules: AI_DRILL_MODULES,
  run: (stack, mount) => runAiCutoverDrill(stack, {
    members: settings.members, coaches: 0, operators: settings.operators, ratePerSecond: settings.rate, dwellMs: settings.dwellMs, runTag: String(Date.now()),
    restUrl: stack.gatewayUrl, restRoutes: routeNames(ai), tokensFor: (uids) => mount().tokensFor(uids),
    strictGates: settings.strict, ...(settings.leaseMs ? { leaseMs: settings.leaseMs } : {}), log: (l) => process.stderr.write(`${l}\n`),
  }),
});

const l = result.load;
const figures = drillFigures(result, settings);
const latency = aiLatencies(l);
const worker = workerLatency(l);
const tasks = (state: string, rest: boolean) => l.tasks.filter((t) => t.state === state && (t.via === 'rest') === rest).length;
for (const line of serviceLoadLines(result, settings, 'M16 → ai, embedded')) console.log(line);
console.log(`  rows: ${l.tasks.length - l.restTasks} tasks over RPC (${['queued', 'running', 'done', 'failed'].map((s) => `${tasks(s, false)} ${s}`).join(', ')}), ${l.restTasks} over REST (${tasks('done', true)} done, ${tasks('failed', true)} failed, ${l.cancelled} cancelled, ${l.retriedCreates} asked twice), ${l.models.length} models, ${l.insights.length} insights, ${l.healthAnalyses} health analyses; ${l.refusals.length} refusals asked for`);
console.log(`  latency all calls: p50 ${latency.p50} ms, p99 ${latency.p99} ms; writes p50 ${figures.writeP50Ms} ms, p99 ${figures.writeP99Ms} ms; worker queued → done p50 ${worker.p50} ms, p99 ${worker.p99} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const line of drillTable(result, AI_DRILL_MODULES, loadAverage)) console.log(line);
for (const line of latency.byMethod.slice(0, 8)) console.log(`  latency ${line}`);
for (const s of l.staleReads.slice(0, 5)) console.log(`  stale: ${s.method}: ${s.detail}`);
for (const f of l.failures.slice(0, 5)) console.log(`  failure: ${f.method}: ${f.message}`);
const ok = aiDrillClean(result);
console.log(JSON.stringify({
  bench: 'cutover-ai',
  modules: AI_DRILL_MODULES,
  ...serviceLoadFigures(result, settings),
  rows: {
    rpcTasks: l.tasks.length - l.restTasks, restTasks: l.restTasks, restDone: tasks('done', true), restFailed: tasks('failed', true), cancelled: l.cancelled,
    retriedCreates: l.retriedCreates, models: l.models.length, insights: l.insights.length, healthAnalyses: l.healthAnalyses, refusals: l.refusals.length,
  },
  workerP50Ms: worker.p50,
  workerP99Ms: worker.p99,
  ...figures,
  p50Ms: latency.p50,
  p99Ms: latency.p99,
  loadAverage,
  ok,
  failures: l.failures.slice(0, 5),
}));
process.exit(ok ? 0 : 1);
