// The cutover drill on M09 and M10 (the ec service, issue 25): `npx tsx bench/cutover-ec.ts`. Prints a table, then one JSON line.
// DRILL_RATE (200), DRILL_MEMBERS (20), DRILL_MERCHANTS (4), DRILL_DWELL_MS (6000); DRILL_STRICT=1 steps through the gates without
// --force; DRILL_LEASE_MS gives a freeze longer than the production 5 s before gateways release held writes (a loaded machine).
import ec from '../services/ec/index.ts';
import { benchServiceDrill, drillFigures, drillSettings, drillTable, routeNames, serviceLoadFigures, serviceLoadLines } from './drill/bench-drill.ts';
import { ecDrillClean, ecLatencies, runEcCutoverDrill, EC_DRILL_MODULES } from './drill/run-ec-drill.ts';

const settings = drillSettings({ rate: 200, members: 20, dwellMs: 6000 });
const merchants = Number(process.env.DRILL_MERCHANTS ?? 4);
const { result, loadAverage } = await benchServiceDrill({
  prefix: 'edrill', definition: ec, modules: EC_DRILL_MODULES,
  run: (stack, mount) => runEcCutoverDrill(stack, {
    members: settings.members, coaches: 0, merchants, ratePerSecond: settings.rate, dwellMs: settings.dwellMs, runTag: String(Date.now()),
    restUrl: stack.gatewayUrl, restRoutes: routeNames(ec), tokensFor: (uids) => mount().tokensFor(uids),
    strictGates: settings.strict, ...(settings.leaseMs ? { leaseMs: settings.leaseMs } : {}), log: (l) => process.stderr.write(`${l}\n`),
  }),
});

const l = result.load;
const figures = drillFigures(result, settings);
const latency = ecLatencies(l);
const restImpressions = l.campaigns.reduce((n, c) => n + c.restImpressions, 0);
const states = ['draft', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
for (const line of serviceLoadLines(result, settings, 'M09, M10 → ec, embedded, one freeze per module')) console.log(line);
console.log(`  rows: ${l.orders.length} mall orders (${states.map((s) => `${l.orders.filter((o) => o.state === s).length} ${s}`).join(', ')}; ${l.orders.reduce((n, o) => n + o.lines.length, 0)} lines), ${l.inventories.length} inventories kept, ${l.campaigns.length} campaigns, ${l.impressions.length} impressions over RPC and ${restImpressions} over REST (${l.replayedBatches} batches replayed), ${l.spentReads} spends read back; ${l.refusals.length} refusals asked for`);
console.log(`  latency all calls: p50 ${latency.p50} ms, p99 ${latency.p99} ms; writes p50 ${figures.writeP50Ms} ms, p99 ${figures.writeP99Ms} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const line of drillTable(result, EC_DRILL_MODULES, loadAverage)) console.log(line);
for (const line of latency.byMethod.slice(0, 8)) console.log(`  latency ${line}`);
for (const s of l.staleReads.slice(0, 5)) console.log(`  stale: ${s.method}: ${s.detail}`);
for (const f of l.failures.slice(0, 5)) console.log(`  failure: ${f.method}: ${f.message}`);
const ok = ecDrillClean(result);
console.log(JSON.stringify({
  bench: 'cutover-ec',
  modules: EC_DRILL_MODULES,
  ...serviceLoadFigures(result, settings),
  rows: {
    orders: l.orders.length, lines: l.orders.reduce((n, o) => n + o.lines.length, 0), inventories: l.inventories.length, campaigns: l.campaigns.length,
    rpcImpressions: l.impressions.length, restImpressions, replayedBatches: l.replayedBatches, spentReads: l.spentReads, refusals: l.refusals.length,
  },
  ...figures,
  p50Ms: latency.p50,
  p99Ms: latency.p99,
  loadAverage,
  ok,
  failures: l.failures.slice(0, 5),
}));
process.exit(ok ? 0 : 1);
