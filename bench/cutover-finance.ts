// The cutover drill on M13 + M14 + M15 (finance, issue 21): `npx tsx bench/cutover-finance.ts`. Prints a table, then one JSON line.
// DRILL_RATE (200), DRILL_MEMBERS (24), DRILL_DWELL_MS (6000); DRILL_STRICT=1 steps through the gates without --force;
// DRILL_LEASE_MS gives a freeze longer than the production 5 s before gateways release held writes (a loaded machine).
import os from 'node:os';
import { createLogger } from '../platform/logger.ts';
import { startDrillStack } from './drill/drill-stack.ts';
import { percentile } from './drill/drill-figures.ts';
import { financeServiceMount, type FinanceMount } from './drill/finance-service-mount.ts';
import { financeDrillClean, lostAndDuplicated, runFinanceCutoverDrill } from './drill/run-finance-drill.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { freshDrillDatabases } from './support/drill-databases.ts';

const RATE = Number(process.env.DRILL_RATE ?? 200);
const MEMBERS = Number(process.env.DRILL_MEMBERS ?? 24);
const DWELL_MS = Number(process.env.DRILL_DWELL_MS ?? 6000);
const STRICT = process.env.DRILL_STRICT === '1';
const LEASE_MS = process.env.DRILL_LEASE_MS ? Number(process.env.DRILL_LEASE_MS) : undefined;

const bench = await startBenchCluster();
const drill = await freshDrillDatabases(bench, { prefix: 'fdrill', service: 'finance', modules: ['M13', 'M14', 'M15'] });

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error', format: 'json' });
const serviceUrl = drill.serviceUrl;
let finance: FinanceMount | undefined;
// As `ficus start`: finance runs (its REST API on the gateway) before anything is migrated.
const stack = await startDrillStack({
  legacyUrl: drill.legacyUrl, controlUrl: drill.controlUrl, serviceUrl, logger, service: 'finance',
  mount: financeServiceMount(serviceUrl, bench.cluster.url('postgres'), (m) => (finance = m)),
});
const loads: number[] = [];
const sampler = setInterval(() => loads.push(os.loadavg()[0]!), 1000);
const memberIds = Array.from({ length: MEMBERS }, (_, i) => 6 + i);
const result = await runFinanceCutoverDrill(stack, {
  restUrl: stack.gatewayUrl, restTokens: finance!.tokensFor(memberIds), members: MEMBERS, ratePerSecond: RATE, dwellMs: DWELL_MS,
  runTag: String(Date.now()), strictGates: STRICT, ...(LEASE_MS ? { leaseMs: LEASE_MS } : {}), log: (l) => process.stderr.write(`${l}\n`),
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
const { lost, duplicated } = lostAndDuplicated(result);
const refusals = { overdraft: l.refusals.filter((r) => r.kind === 'overdraft').length, selfGift: l.refusals.filter((r) => r.kind === 'self-gift').length };
console.log(`\ncutover drill (M13 + M14 + M15 → finance, embedded${STRICT ? ', gates not forced' : ''})`);
console.log(`  load: ${l.calls} calls (${l.reads} reads, ${l.writes} writes; XML-RPC ${l.byChannel.xmlrpc}, JSON-RPC ${l.byChannel.jsonrpc}, odoo-await ${l.byChannel.odooAwait}, REST ${l.byChannel.rest}) at ${result.achievedRate.toFixed(0)}/s (offered ${RATE}/s, ${l.late} started late), ${l.failures.length} failed`);
console.log(`  ledger: ${l.accepted.length} rows accepted (${l.accepted.filter((a) => a.giftOrderId !== undefined).length} gift debits), ${refusals.overdraft} overdrafts and ${refusals.selfGift} gifts to oneself refused; ${l.payments.length} payments (${l.payments.filter((x) => x.sourceOrderId).length} paying service orders)`);
console.log(`  write latency all run: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const s of result.steps) console.log(`  ${s.step.padEnd(20)} ${String(s.ms).padStart(6)} ms${s.freezeMs !== undefined ? `  freeze ${s.freezeMs} ms` : ''}${s.forced ? '  (forced)' : ''}  ${s.message}`);
console.log(`  cutover M15 alone: refused: ${result.loneCutoverRefusal}`);
for (const t of result.timelines) console.log(`  ${t}`);
for (const r of result.shadow) console.log(`  shadow ${r.module} ${r.call}: ${r.compared} compared, ${r.unexplained} unexplained${r.fields.length ? ` (${r.fields.join(', ')})` : ''}${r.lastDiff ? `; last ${r.lastDiff}` : ''}`);
console.log(`  reconcile M13 M14 M15: ${result.reconcileClean ? 'clean' : 'DIFFERENCES'} (${result.reconcileDetail})`);
for (const b of result.rules.breaches) console.log(`    breach: ${b}`);
for (const side of result.ledger) console.log(`  ledger ${side.side}: missing ${side.missing.length}, extra ${side.extra.length}, wrong ${side.wrong.length}, broken chains ${side.brokenChains.length}, balance mismatches ${side.balanceMismatches.length}${[...side.missing, ...side.extra, ...side.wrong, ...side.brokenChains, ...side.balanceMismatches].slice(0, 3).map((x) => `; ${x}`).join('')}`);
for (const side of result.payments) console.log(`  payments ${side.side}: missing ${side.missing.length}, duplicated ${side.duplicated.length}, wrong state ${side.wrongState.length}${[...side.missing, ...side.duplicated, ...side.wrongState].slice(0, 3).map((x) => `; ${x}`).join('')}`);
if (result.inconsistentRefusals.length) console.log(`  refusals that were no overdraft: ${result.inconsistentRefusals.slice(0, 3).join('; ')}`);
if (result.sourcesNotPaid.length) console.log(`  service orders not paid as their payment says: ${result.sourcesNotPaid.slice(0, 3).join('; ')}`);
console.log(`  load average: ${loadAverage.mean} mean during the run, ${loadAverage.end} at the end (1 min, ${loadAverage.cores} cores)`);
for (const w of l.slowest.slice(0, 8)) console.log(`  slow: ${w.method} ${w.ms} ms`);
for (const f of l.failures.slice(0, 5)) console.log(`  failure: ${f.method}: ${f.message}`);
const ok = financeDrillClean(result);
console.log(JSON.stringify({
  bench: 'cutover-finance',
  rate: Math.round(result.achievedRate),
  offeredRate: RATE,
  leaseMs: LEASE_MS ?? 5000,
  late: l.late,
  calls: l.calls,
  byChannel: l.byChannel,
  failed: l.failures.length,
  lost,
  duplicated,
  ledgerRows: l.accepted.length,
  refusals,
  payments: l.payments.length,
  freezeMs: Object.fromEntries(result.steps.filter((s) => s.freezeMs !== undefined).map((s) => [s.step, s.freezeMs])),
  heldWriteP99Ms: result.freezeHoldP99Ms,
  heldWriteMaxMs: result.freezeHoldMaxMs,
  // issue 18's bar for held writes; reported, not part of ok (a loaded machine's backlog shows here, not a lost write).
  heldWriteWithin1s: result.freezeHoldP99Ms <= 1000,
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
