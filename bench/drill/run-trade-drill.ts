import type pg from 'pg';
import { reconcileModules } from '../../migration/reconcile/index.ts';
import type { StepResult } from '../../migration/control/controller.ts';
import type { DrillStack } from './drill-stack.ts';
import { settleModules } from './module-drill.ts';
import { heldWriteLatencies, heldWritesAfterFlip, journalTimelines, percentile, stepTimer, type DrillStep } from './drill-figures.ts';
import type { TradeLoadReport } from './trade-load.ts';
import { startLoadThread } from './load-thread.ts';
import { mainThreadCpuMs, processCpuMs } from '../support/cpu-time.ts';
import { openPostgresWindow, type PostgresWindow } from '../support/pg-statements.ts';

/** M20's grabs write M04's orders: M04 moves first and comes back last. */
const MODULES = ['M04', 'M20'] as const;

export interface TradeDrillOptions {
  restUrl: string;
  restTokens: Record<string, string>;
  members: number;
  coaches: number;
  ratePerSecond: number;
  dwellMs: number;
  runTag: string;
  log?: (line: string) => void;
  /** The bench cluster, to measure what its PostgreSQL spent while the load ran. */
  postgres?: { dataDir: string; adminUrl: string };
}

export interface TradeDrillResult {
  steps: DrillStep[];
  load: TradeLoadReport;
  achievedRate: number;
  freezeHoldP99Ms: number;
  freezeHoldMaxMs: number;
  /** Of the held writes, p99 of the time each still took after its freeze lifted (the drain of the backlog). */
  heldAfterFlipP99Ms: number;
  reconcileClean: boolean;
  reconcileDetail: string;
  /** Business rules that ran (not skipped), and their breaches. */
  rules: { checked: number; skipped: number; breaches: string[] };
  lostOrders: number[];
  duplicatedOrders: number;
  /** Completed drill orders whose points award is missing from, or doubled in, the legacy ledger. */
  pointsMissing: number[];
  pointsDoubled: number[];
  timelines: string[];
  /** CPU ms per client call while the load ran: the main thread (gateway, syncs, steps) and the whole process (with the load's worker). */
  cpuMsPerCall: { mainThread: number; process: number; postgres?: number };
  /** Statements PostgreSQL ran per client call while the load ran (pg_stat_statements), by database. */
  statementsPerCall?: { all: number; byDatabase: Record<string, number> };
  /** Transactions rolled back per client call while the load ran (retried conflicts among them). */
  rollbacksPerCall?: number;
  /** The load window's most frequent statements, when counted. */
  topStatements?: PostgresWindow['top'];
}

/**
 * The cutover drill on M04 + M20 (trade), the way run-drill.ts does M19: mixed traffic
 * (trade-load.ts) throughout backfill → shadow → canary 10 → cutover → rollback → cutover, each
 * step taken for both modules (the ownership changes for both at once), then: no client call failed, every order created exists once on
 * both sides, every completed order's points were awarded once in the monolith's ledger, and
 * `ficus reconcile M04 M20` is clean, business rules included.
 *
 * REST writes run only while trade owns both modules: outside `service` trade's REST routes
 * refuse writes (svc_trade is a copy the monolith owns; services/kit/cdc/write-owner.ts),
 * and a refused call would count as failed. That they are held by a freeze and refused outside
 * `service` is shown by test/migration/control/trade-cutover.db.test.ts.
 */
export async function runTradeCutoverDrill(stack: DrillStack, o: TradeDrillOptions): Promise<TradeDrillResult> {
  const log = o.log ?? (() => undefined);
  const c = stack.controller;
  const steps: TradeDrillResult['steps'] = [];
  // Gates are shown, not waited for; gateways under the drill's own load (a CI machine at load 10)
  // may need more than the 2 s default to acknowledge a freeze: its correctness is what counts.
  // Likewise the freeze's lease (5 s by default, the gateways' safety net for a cutover process that
  // died): on a loaded machine the drill measures how long its freezes take, it does not abort them.
  const force = { force: true, reason: 'drill: gates shown, not waited for', ackTimeoutMs: 30_000, leaseMs: 60_000 };
  const thresholds = { thresholds: { minShadowSamples: 1, minMatchRate: 0.99 } };
  const timed = stepTimer(steps, log);
  const both = async (name: string, order: readonly string[], work: (module: string) => Promise<StepResult>) => {
    for (const module of order) await timed(`${name} ${module}`, () => work(module));
  };
  // Ownership changes move both modules in one freeze and one flip (controller.together): grabs
  // (M20) assign orders (M04), so the two must never have different owners while clients call.
  const together = async (name: string, step: 'cutover' | 'rollback', order: readonly string[]) => {
    const started = Date.now();
    const results = await c.together(step, [...order], step === 'cutover' ? { ...thresholds, ...force } : force);
    for (const r of results) steps.push({ step: `${name} ${r.module}`, ms: Date.now() - started, ...(r.cutover ? { freezeMs: r.cutover.freezeMs } : {}), forced: r.forced, message: r.message });
    log(`${name} ${order.join(' + ')}: ${results.map((r) => r.message).join('; ')} (${Date.now() - started} ms)`);
  };
  const routedToService = async () => {
    const started = Date.now();
    while (MODULES.some((m) => stack.runtime.book.get(m).phase !== 'service')) {
      if (Date.now() - started > 5000) throw new Error('the gateway did not learn the cutover');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  for (const module of MODULES) {
    const bf = await c.backfill(module, { waitMs: 120_000 });
    if (!bf.ok) throw new Error(bf.message);
    steps.push({ step: `backfill ${module}`, ms: 0, forced: false, message: bf.message });
  }
  const load = await startLoadThread<typeof import('./trade-load.ts'), 'startTradeLoad'>(new URL('./trade-load.ts', import.meta.url), 'startTradeLoad', { gatewayUrl: stack.gatewayUrl, restUrl: o.restUrl, database: 'hp_legacy', members: o.members, coaches: o.coaches, ratePerSecond: o.ratePerSecond, restTokens: o.restTokens, runTag: o.runTag });
  const started = Date.now();
  const cpuAtStart = { main: mainThreadCpuMs(), process: processCpuMs(process.pid) };
  const postgresWindow = o.postgres ? await openPostgresWindow(o.postgres.dataDir, o.postgres.adminUrl) : undefined;
  const dwell = () => new Promise((r) => setTimeout(r, o.dwellMs));
  try {
    await dwell();
    await both('shadow', MODULES, (m) => c.shadow(m));
    await dwell();
    await both('canary 10', MODULES, (m) => c.canary(m, 10, { ...thresholds, ...force }));
    await dwell();
    await together('cutover', 'cutover', MODULES);
    await routedToService();
    await load.setRestWrites(true);
    await dwell();
    await load.setRestWrites(false);
    await together('rollback', 'rollback', [...MODULES].reverse());
    await dwell();
    await together('cutover again', 'cutover', MODULES);
    await routedToService();
    await load.setRestWrites(true);
    await dwell();
  } catch (error) {
    // A step that fails stops the drill; what the clients saw until then tells why.
    const seen = await load.stop();
    log(`drill stopped: ${(error as Error).message}; failures ${JSON.stringify(seen.failures.slice(0, 5))}; slowest ${JSON.stringify(seen.slowest.slice(0, 8))}`);
    // Where each freeze's time went, up to the step that failed.
    for (const line of await journalTimelines(c.control).catch(() => [])) log(`  ${line}`);
    throw error;
  }
  const report = await load.stop();
  const elapsed = (Date.now() - started) / 1000;
  const perCall = (ms: number) => Math.round((ms / Math.max(1, report.calls)) * 100) / 100;
  const cpuMsPerCall: TradeDrillResult['cpuMsPerCall'] = { mainThread: perCall(mainThreadCpuMs() - cpuAtStart.main), process: perCall(processCpuMs(process.pid) - cpuAtStart.process) };
  const pgSpent = await postgresWindow?.();
  if (pgSpent) cpuMsPerCall.postgres = perCall(pgSpent.cpuMs);
  const rollbacksPerCall = pgSpent ? Math.round((pgSpent.rollbacks / Math.max(1, report.calls)) * 1000) / 1000 : undefined;
  const statementsPerCall = pgSpent?.statements != null
    ? { all: perCall(pgSpent.statements), byDatabase: Object.fromEntries(Object.entries(pgSpent.byDatabase).map(([db, n]) => [db, perCall(n)])) }
    : undefined;
  await stack.runtime.shadowIdle();

  const held = await heldWriteLatencies(c.control, report.writeLatencies);
  const heldAfterFlip = await heldWritesAfterFlip(c.control, report.writeLatencies);
  const timelines = await journalTimelines(c.control);
  await settleModules(stack, MODULES);
  const lost = [...new Set([...(await missingOrders(stack.legacyPool, report.createdOrders)), ...(await missingOrders(stack.servicePool, report.createdOrders))])];
  const points = await pointsAwards(stack.legacyPool, stack.servicePool, report.createdOrders);
  const rec = await reconcileModules({ sourceUrl: stack.endpoints.legacyUrl, targetUrl: stack.endpoints.serviceUrlFor('trade'), modules: [...MODULES], lag: { lagWindowMs: 2000 } });
  const ruleBreaches = rec.rules.flatMap((r) => r.breaches.map((b) => `${r.id} (${r.side}): ${b.detail}`));
  return {
    steps,
    load: report,
    achievedRate: report.calls / elapsed,
    freezeHoldP99Ms: percentile(held, 99),
    freezeHoldMaxMs: held.length ? Math.max(...held) : 0,
    heldAfterFlipP99Ms: percentile(heldAfterFlip, 99),
    reconcileClean: rec.summary.tablesWithDifferences === 0 && rec.summary.ruleBreaches === 0,
    reconcileDetail: `${rec.summary.tables} tables, ${rec.summary.rowsSource} legacy rows, ${rec.summary.rowsTarget} service rows, ${rec.summary.missingInTarget + rec.summary.missingInSource + rec.summary.different} differences; rules ${rec.summary.rulesChecked} checked, ${rec.summary.rulesSkipped} skipped, ${rec.summary.ruleBreaches} breaches`,
    rules: { checked: rec.summary.rulesChecked, skipped: rec.summary.rulesSkipped, breaches: ruleBreaches.slice(0, 10) },
    lostOrders: lost,
    duplicatedOrders: report.createdOrders.length - new Set(report.createdOrders).size,
    ...points,
    timelines,
    cpuMsPerCall,
    ...(statementsPerCall ? { statementsPerCall, topStatements: pgSpent!.top } : {}),
    ...(rollbacksPerCall !== undefined ? { rollbacksPerCall } : {}),
  };
}

async function missingOrders(pool: pg.Pool, ids: number[]): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM service_orders WHERE id = ANY($1::int4[])', [ids]);
  const present = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !present.has(id));
}

async function pointsAwards(legacy: pg.Pool, service: pg.Pool, ids: number[]): Promise<{ pointsMissing: number[]; pointsDoubled: number[] }> {
  const { rows: completed } = await service.query<{ id: number }>(`SELECT id FROM service_orders WHERE id = ANY($1::int4[]) AND state = 'completed' AND floor(amount) > 0`, [ids]);
  const { rows: awards } = await legacy.query<{ ref_id: number; n: number }>(
    `SELECT ref_id, count(*)::int AS n FROM points_transactions WHERE ref_model = 'hp.service.order' AND reason = 'order' AND ref_id = ANY($1::int4[]) GROUP BY ref_id`,
    [completed.map((r) => r.id)],
  );
  const byOrder = new Map(awards.map((a) => [a.ref_id, a.n]));
  return {
    pointsMissing: completed.filter((r) => !byOrder.has(r.id)).map((r) => r.id),
    pointsDoubled: completed.filter((r) => (byOrder.get(r.id) ?? 0) > 1).map((r) => r.id),
  };
}
