// The cutover drill on M03, M07 and M08 (the biz service, issue 24): `npx tsx bench/cutover-biz.ts`. Prints a table, then one JSON line.
// DRILL_RATE (200), DRILL_MEMBERS (20), DRILL_COACHES (8), DRILL_OPERATORS (2), DRILL_DWELL_MS (6000); DRILL_STRICT=1 steps through the
// gates without --force; DRILL_LEASE_MS gives a freeze longer than the production 5 s before gateways release held writes (a loaded machine).
import biz from '../services/biz/index.ts';
import { benchServiceDrill, drillFigures, drillSettings, drillTable, routeNames, serviceLoadFigures, serviceLoadLines } from './drill/bench-drill.ts';
import { bizDrillClean, bizLatencies, runBizCutoverDrill, BIZ_DRILL_MODULES } from './drill/run-biz-drill.ts';

const settings = drillSettings({ rate: 200, members: 20, coaches: 8, operators: 2, dwellMs: 6000 });
const { result, loadAverage } = await benchServiceDrill({
  prefix: 'bdrill', definition: biz, modules: BIZ_DRILL_MODULES,
  run: (stack, mount) => runBizCutoverDrill(stack, {
    members: settings.members, coaches: settings.coaches, operators: settings.operators, ratePerSecond: settings.rate, dwellMs: settings.dwellMs, runTag: String(Date.now()),
    restUrl: stack.gatewayUrl, restRoutes: routeNames(biz), tokensFor: (uids) => mount().tokensFor(uids),
    strictGates: settings.strict, ...(settings.leaseMs ? { leaseMs: settings.leaseMs } : {}), log: (l) => process.stderr.write(`${l}\n`),
  }),
});

const l = result.load;
const figures = drillFigures(result, settings);
const latency = bizLatencies(l);
for (const line of serviceLoadLines(result, settings, 'M03, M07, M08 → biz, embedded, one freeze per module')) console.log(line);
console.log(`  rows: ${l.streams.length} live streams (${l.streams.filter((s) => s.via === 'rest').length} over REST; ${l.streams.filter((s) => s.state === 'ended').length} ended, ${l.streams.filter((s) => s.state === 'live').length} live), ${l.groups.length} groups, ${l.memberships.length} memberships (${['active', 'left', 'banned'].map((st) => `${l.memberships.filter((m) => m.state === st).length} ${st}`).join(', ')}); ${l.refusals.length} refusals asked for`);
console.log(`  latency all calls: p50 ${latency.p50} ms, p99 ${latency.p99} ms; writes p50 ${figures.writeP50Ms} ms, p99 ${figures.writeP99Ms} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const line of drillTable(result, BIZ_DRILL_MODULES, loadAverage)) console.log(line);
for (const line of latency.byMethod.slice(0, 8)) console.log(`  latency ${line}`);
for (const s of l.staleReads.slice(0, 5)) console.log(`  stale: ${s.method}: ${s.detail}`);
for (const f of l.failures.slice(0, 5)) console.log(`  failure: ${f.method}: ${f.message}`);
const ok = bizDrillClean(result);
console.log(JSON.stringify({
  bench: 'cutover-biz',
  modules: BIZ_DRILL_MODULES,
  ...serviceLoadFigures(result, settings),
  rows: { streams: l.streams.length, groups: l.groups.length, memberships: l.memberships.length, refusals: l.refusals.length },
  ...figures,
  p50Ms: latency.p50,
  p99Ms: latency.p99,
  loadAverage,
  ok,
  failures: l.failures.slice(0, 5),
}));
process.exit(ok ? 0 : 1);
