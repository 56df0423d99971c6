// The cutover drill on M02 (the user service, issue 22): `npx tsx bench/cutover-user.ts`. Prints a table, then one JSON line.
// DRILL_RATE (200), DRILL_MEMBERS (24), DRILL_COACHES (8), DRILL_DWELL_MS (6000); DRILL_STRICT=1 steps through the gates
// without --force; DRILL_LEASE_MS gives a freeze longer than the production 5 s before gateways release held writes (a loaded machine).
import user from '../services/user/index.ts';
import { benchServiceDrill, drillFigures, drillSettings, drillTable, routeNames, serviceLoadFigures, serviceLoadLines } from './drill/bench-drill.ts';
import { latencyTable, runUserCutoverDrill, userDrillClean, USER_DRILL_MODULES } from './drill/run-user-drill.ts';

const settings = drillSettings({ rate: 200, members: 24, coaches: 8, dwellMs: 6000 });
const { result, loadAverage } = await benchServiceDrill({
  prefix: 'udrill', definition: user, modules: USER_DRILL_MODULES,
  run: (stack, mount) => runUserCutoverDrill(stack, {
    members: settings.members, coaches: settings.coaches, ratePerSecond: settings.rate, dwellMs: settings.dwellMs, runTag: String(Date.now()),
    restUrl: stack.gatewayUrl, restRoutes: routeNames(user), tokensFor: (uids) => mount().tokensFor(uids),
    strictGates: settings.strict, ...(settings.leaseMs ? { leaseMs: settings.leaseMs } : {}), log: (l) => process.stderr.write(`${l}\n`),
  }),
});

const l = result.load;
const figures = drillFigures(result, settings);
for (const line of serviceLoadLines(result, settings, 'M02 → user, embedded')) console.log(line);
console.log(`  rows: ${l.records.length} health records (${l.records.filter((r) => r.via === 'rest').length} over REST) and ${l.syncedReadings.length} synced readings, ${l.goals.length} goals (${l.goals.filter((g) => g.state === 'achieved').length} achieved), ${l.bindings.length} bindings, ${l.assessments.length} assessments; ${l.refusals.length} progress refusals on goals no longer active`);
console.log(`  write latency all run: p50 ${figures.writeP50Ms} ms, p99 ${figures.writeP99Ms} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const line of drillTable(result, USER_DRILL_MODULES, loadAverage)) console.log(line);
for (const line of latencyTable(l).slice(0, 8)) console.log(`  latency ${line}`);
for (const s of l.staleReads.slice(0, 5)) console.log(`  stale: ${s.method}: ${s.detail}`);
for (const f of l.failures.slice(0, 5)) console.log(`  failure: ${f.method}: ${f.message}`);
const ok = userDrillClean(result);
console.log(JSON.stringify({
  bench: 'cutover-user',
  ...serviceLoadFigures(result, settings),
  rows: { records: l.records.length, syncedReadings: l.syncedReadings.length, goals: l.goals.length, bindings: l.bindings.length, assessments: l.assessments.length },
  ...figures,
  loadAverage,
  ok,
  failures: l.failures.slice(0, 5),
}));
process.exit(ok ? 0 : 1);
