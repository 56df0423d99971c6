// The cutover drill on M01 (auth, issue 20): `npx tsx bench/cutover-auth.ts`. Prints a table, then one JSON line.
import { createLogger } from '../platform/logger.ts';
import { authServiceMount } from './drill/auth-service-mount.ts';
import { startDrillStack } from './drill/drill-stack.ts';
import { runAuthCutoverDrill } from './drill/run-auth-drill.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { freshDrillDatabases } from './support/drill-databases.ts';

const RATE = Number(process.env.DRILL_RATE ?? 200);
const DWELL_MS = Number(process.env.DRILL_DWELL_MS ?? 8000);
const BASELINE_MS = Number(process.env.DRILL_BASELINE_MS ?? DWELL_MS);

const bench = await startBenchCluster();
const drill = await freshDrillDatabases(bench, { prefix: 'adrill', service: 'auth', modules: ['M01'] });

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const serviceUrl = drill.serviceUrl;
// As `ficus start`: auth runs (and answers /auth/*) on the gateway before anything is migrated.
const stack = await startDrillStack({
  legacyUrl: drill.legacyUrl, controlUrl: drill.controlUrl, serviceUrl, logger, service: 'auth',
  mount: authServiceMount(serviceUrl, bench.cluster.url('postgres')),
});
const result = await runAuthCutoverDrill(stack, {
  ratePerSecond: RATE, dwellMs: DWELL_MS, baselineMs: BASELINE_MS,
  // One login in 400 calls (0.5/s): each costs Odoo's 600,000 PBKDF2 rounds, about half a core-second,
  // so more would measure the hash, not the cutover (bench/auth.ts measures logins).
  load: { rpcMembers: 16, restLogins: 240, initialSessions: 16, loginEvery: 400, refreshesPerSession: 10, stepPacingMs: 1500 },
  log: (l) => process.stderr.write(`${l}\n`),
});
await stack.stop();
await drill.clean();
await bench.stop();

const l = result.load;
const t = result.tokens;
const lost = t.missingInService.length + t.missingInLegacy.length + t.unbooked.length;
const duplicated = t.extraInService + t.extraInLegacy;
console.log('\ncutover drill (M01 → auth, embedded)');
console.log(`  load: ${l.calls} calls (${l.reads} reads, ${l.writes} writes; XML-RPC ${l.byChannel.xmlrpc}, JSON-RPC ${l.byChannel.jsonrpc}, REST ${l.byChannel.rest}) at ${result.achievedRate.toFixed(0)}/s (offered ${RATE}/s, ${l.late} started late), ${l.failures.length} failed`);
console.log(`  logins: ${l.sessions.started} (${l.sessions.loggedOut} logged out, ${l.sessions.revokedOverRpc} revoked by admin over RPC, ${l.sessions.refusedAfterEnd} refusals after the end as expected); ${l.issued.length} refresh tokens issued, ${l.refreshes.length} refreshes`);
console.log(`  baseline (M01 in Odoo, no sync, same run): ${result.baseline.calls} calls, p50 ${result.baseline.p50Ms} ms, p99 ${result.baseline.p99Ms} ms, write p99 ${result.baseline.writeP99Ms} ms`);
console.log(`  drill (backfill on):                      ${result.drill.calls} calls, p50 ${result.drill.p50Ms} ms, p99 ${result.drill.p99Ms} ms, write p99 ${result.drill.writeP99Ms} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const s of result.steps) console.log(`  ${s.step.padEnd(14)} ${String(s.ms).padStart(6)} ms${s.freezeMs !== undefined ? `  freeze ${s.freezeMs} ms` : ''}  ${s.message}`);
for (const c of result.changes) console.log(`  ${c.label}: ${c.refreshesAcross} refreshes of a token issued before the freeze, after the flip`);
for (const line of result.timelines) console.log(`  ${line}`);
console.log(`  reconcile M01: ${result.reconcileClean ? 'clean' : 'DIFFERENCES'} (${result.reconcileDetail})`);
console.log(`  tokens lost ${lost} (svc_auth ${t.missingInService.length}, legacy ${t.missingInLegacy.length}, unbooked ${t.unbooked.length}), duplicated ${duplicated}; revocations missing ${t.notRevoked.length}, wrong ${t.wronglyRevoked.length}`);
console.log(`  load average: ${result.loadAverage.mean} mean during the run, ${result.loadAverage.end} at the end (1 min)`);
for (const w of l.slowest.slice(0, 8)) console.log(`  slow: ${w.method} ${w.ms} ms`);
for (const f of l.failures.slice(0, 5)) console.log(`  failure: ${f.method}: ${f.message}`);
const ok = l.failures.length === 0 && result.reconcileClean && lost === 0 && duplicated === 0 && !t.notRevoked.length && !t.wronglyRevoked.length && result.changes.every((c) => c.refreshesAcross > 0);
console.log(JSON.stringify({
  bench: 'cutover-auth',
  rate: Math.round(result.achievedRate),
  offeredRate: RATE,
  late: l.late,
  calls: l.calls,
  byChannel: l.byChannel,
  failed: l.failures.length,
  lost,
  duplicated,
  refreshTokens: l.issued.length,
  logins: l.sessions.started,
  freezeMs: Object.fromEntries(result.steps.filter((s) => s.freezeMs !== undefined).map((s) => [s.step, s.freezeMs])),
  refreshesAcross: Object.fromEntries(result.changes.map((c) => [c.label, c.refreshesAcross])),
  heldWriteP99Ms: result.freezeHoldP99Ms,
  heldWriteMaxMs: result.freezeHoldMaxMs,
  baseline: result.baseline,
  drill: result.drill,
  p99VsBaseline: result.baseline.p99Ms ? Math.round((result.drill.p99Ms / result.baseline.p99Ms) * 100) / 100 : null,
  reconcileClean: result.reconcileClean,
  loadAverage: result.loadAverage,
  ok,
  failures: l.failures.slice(0, 5),
}));
process.exit(ok ? 0 : 1);
