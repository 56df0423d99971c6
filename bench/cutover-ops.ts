// The cutover drill on M05, M17 and M18 (the ops service, issue 26): `npx tsx bench/cutover-ops.ts`. Prints a table, then one JSON line.
// DRILL_RATE (200), DRILL_MEMBERS (20), DRILL_COACHES (8), DRILL_OPERATORS (2), DRILL_DWELL_MS (6000); DRILL_STRICT=1 steps through the
// gates without --force; DRILL_LEASE_MS gives a freeze longer than the production 5 s before gateways release held writes (a loaded machine).
import ops from '../services/ops/index.ts';
import { benchServiceDrill, drillFigures, drillSettings, drillTable, routeNames, serviceLoadFigures, serviceLoadLines } from './drill/bench-drill.ts';
import { opsDrillClean, opsLatencies, runOpsCutoverDrill, OPS_DRILL_MODULES } from './drill/run-ops-drill.ts';

const settings = drillSettings({ rate: 200, members: 20, coaches: 8, operators: 2, dwellMs: 6000 });
const { result, loadAverage } = await benchServiceDrill({
  prefix: 'odrill', definition: ops, modules: OPS_DRILL_MODULES,
  run: (stack, mount) => runOpsCutoverDrill(stack, {
    members: settings.members, coaches: settings.coaches, operators: settings.operators, ratePerSecond: settings.rate, dwellMs: settings.dwellMs, runTag: String(Date.now()),
    restUrl: stack.gatewayUrl, restRoutes: routeNames(ops), tokensFor: (uids) => mount().tokensFor(uids),
    strictGates: settings.strict, ...(settings.leaseMs ? { leaseMs: settings.leaseMs } : {}), log: (l) => process.stderr.write(`${l}\n`),
  }),
});

const l = result.load;
const figures = drillFigures(result, settings);
const latency = opsLatencies(l);
const scans = l.rules.flatMap((r) => r.scans);
for (const line of serviceLoadLines(result, settings, 'M05, M17, M18 → ops, embedded, one freeze per module')) console.log(line);
console.log(`  rows: ${l.ratings.length} ratings (${l.averageReads} coach averages read back), ${l.notifications.length} notifications (${l.notifications.filter((n) => n.isRead).length} read, ${l.notifications.filter((n) => n.via === 'rest').length} over REST), ${l.operations.length} operations (${['draft', 'scheduled', 'done', 'cancelled'].map((st) => `${l.operations.filter((x) => x.state === st).length} ${st}`).join(', ')}), ${l.rules.length} risk rules, ${scans.length} scans creating ${scans.reduce((a, b) => a + b, 0)} alerts, ${l.alerts.length} alerts acted on; ${l.refusals.length} refusals asked for`);
console.log(`  latency all calls: p50 ${latency.p50} ms, p99 ${latency.p99} ms; writes p50 ${figures.writeP50Ms} ms, p99 ${figures.writeP99Ms} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const line of drillTable(result, OPS_DRILL_MODULES, loadAverage)) console.log(line);
for (const line of latency.byMethod.slice(0, 8)) console.log(`  latency ${line}`);
for (const s of l.staleReads.slice(0, 5)) console.log(`  stale: ${s.method}: ${s.detail}`);
for (const f of l.failures.slice(0, 5)) console.log(`  failure: ${f.method}: ${f.message}`);
const ok = opsDrillClean(result);
console.log(JSON.stringify({
  bench: 'cutover-ops',
  modules: OPS_DRILL_MODULES,
  ...serviceLoadFigures(result, settings),
  rows: { ratings: l.ratings.length, averageReads: l.averageReads, notifications: l.notifications.length, operations: l.operations.length, rules: l.rules.length, scans: scans.length, alertsCreated: scans.reduce((a, b) => a + b, 0), alertsActedOn: l.alerts.length, refusals: l.refusals.length },
  ...figures,
  p50Ms: latency.p50,
  p99Ms: latency.p99,
  loadAverage,
  ok,
  failures: l.failures.slice(0, 5),
}));
process.exit(ok ? 0 : 1);
