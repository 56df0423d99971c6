import type pg from 'pg';
import { GateRefusal, type StepResult } from '../../migration/control/controller.ts';
import { reconcileModules } from '../../migration/reconcile/index.ts';
import type { DrillStack } from './drill-stack.ts';
import { settleModules, shadowSummary, whenGatesOpen, type ShadowSummary } from './module-drill.ts';
import { heldWriteLatencies, journalTimelines, percentile, stepTimer, type DrillStep } from './drill-figures.ts';
import { checkLedger, checkPayments, ledgerBaseline, paymentBaseline, unpaidSources, type LedgerCheck, type PaymentCheck } from './finance-drill-checks.ts';
import type { FinanceLoadReport } from './finance-load.ts';
import { startFinanceLoadThread } from './finance-load-thread.ts';

/**
 * Finance's modules change owner together (services/finance/index.ts `movesTogether`): a gift
 * order (M15) debits the ledger (M14) in its own transaction, and finance's REST routes and
 * event handlers write payments (M13) and the ledger on one side at a time.
 */
export const FINANCE_DRILL_MODULES = ['M13', 'M14', 'M15'] as const;

export interface FinanceDrillOptions {
  /** finance's REST API; REST calls run only when given. */
  restUrl?: string;
  restTokens?: Record<string, string>;
  members: number;
  ratePerSecond: number;
  dwellMs: number;
  runTag: string;
  /** Steps through their gates without --force (canary waits for the shadow samples the gate needs); default: forced, gates shown. */
  strictGates?: boolean;
  /**
   * How long gateways hold writes before releasing them to the old phase (default 5 s, cutover.ts):
   * a CI machine at load 10 may need longer for the freeze's steps, whose correctness is what counts there.
   */
  leaseMs?: number;
  log?: (line: string) => void;
}

export type { LedgerCheck, PaymentCheck };

export interface FinanceDrillResult {
  steps: DrillStep[];
  load: FinanceLoadReport;
  achievedRate: number;
  freezeHoldP99Ms: number;
  freezeHoldMaxMs: number;
  /** What the controller answered to a cutover of M15 alone (it must refuse: M14 is tied to it). */
  loneCutoverRefusal: string;
  ledger: LedgerCheck[];
  payments: PaymentCheck[];
  /** Refusals whose figures do not show an overdraft (balance < 0, or balance + delta ≥ 0). */
  inconsistentRefusals: string[];
  /** Service orders paid by a succeeded payment that the monolith does not show paid (or the reverse). */
  sourcesNotPaid: string[];
  /** Shadow and canary comparisons per module and call: compared, unexplained, the fields that differed. */
  shadow: ShadowSummary[];
  reconcileClean: boolean;
  reconcileDetail: string;
  rules: { checked: number; skipped: number; breaches: string[] };
  timelines: string[];
}

/**
 * The cutover drill on M13 + M14 + M15 (finance), the way run-trade-drill.ts does M04 + M20:
 * mixed traffic (finance-load.ts: payments, credits, debits with refused overdrafts, gift orders,
 * reads) throughout backfill → shadow → canary 10 → cutover → rollback → cutover, the ownership
 * changes of the three in one freeze; before the first cutover, a cutover of M15 alone, which
 * the coupling gate must refuse. Then: no client call failed, every ledger row and payment a
 * client was answered with exists exactly once on both sides (and nothing else of the drill's
 * users), every user's balance is the balance before plus the accepted deltas on both sides with
 * an unbroken, never negative chain, refusals really were overdrafts, payments on service orders
 * left those orders paid in the monolith, and `ficus reconcile M13 M14 M15` is clean, business
 * rules included.
 *
 * REST calls run throughout: finance's REST API answers in every phase, writing on the side that
 * owns the modules at that moment (services/finance/db/finance-home.ts), held by a freeze like RPC
 * writes.
 */
export async function runFinanceCutoverDrill(stack: DrillStack, o: FinanceDrillOptions): Promise<FinanceDrillResult> {
  const log = o.log ?? (() => undefined);
  const c = stack.controller;
  const steps: DrillStep[] = [];
  const freeze = { ackTimeoutMs: 30_000, ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}) };
  const gates = o.strictGates
    ? freeze
    : { ...freeze, force: true, reason: 'drill: gates shown, not waited for', thresholds: { minShadowSamples: 1, minMatchRate: 0.99 } };
  const timed = stepTimer(steps, log);
  const each = async (name: string, order: readonly string[], work: (module: string) => Promise<StepResult>) => {
    for (const module of order) await timed(`${name} ${module}`, () => work(module));
  };
  const together = async (name: string, step: 'cutover' | 'rollback', order: readonly string[]) => {
    const started = Date.now();
    const results = await whenGatesOpen(() => c.together(step, [...order], gates), `${name} ${order.join(' + ')}`, o.strictGates ? 60_000 : 0, log);
    for (const r of results) steps.push({ step: `${name} ${r.module}`, ms: Date.now() - started, ...(r.cutover ? { freezeMs: r.cutover.freezeMs } : {}), forced: r.forced, message: r.message });
    log(`${name} ${order.join(' + ')}: ${results.map((r) => r.message).join('; ')} (${Date.now() - started} ms)`);
  };
  const routedTo = async (phase: 'service' | 'legacy') => {
    const started = Date.now();
    while (FINANCE_DRILL_MODULES.some((m) => (stack.runtime.book.get(m).phase === 'service') !== (phase === 'service'))) {
      if (Date.now() - started > 5000) throw new Error(`the gateway did not learn the ${phase === 'service' ? 'cutover' : 'rollback'}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  for (const module of FINANCE_DRILL_MODULES) {
    const bf = await c.backfill(module, { waitMs: 120_000 });
    if (!bf.ok) throw new Error(bf.message);
    steps.push({ step: `backfill ${module}`, ms: 0, forced: false, message: bf.message });
  }
  const userIds = await memberIds(stack.legacyPool, o.members);
  const before = await ledgerBaseline(stack.legacyPool, userIds);
  const paymentsBefore = await paymentBaseline(stack.legacyPool, userIds);
  const load = await startFinanceLoadThread({
    gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
    ...(o.restUrl ? { restUrl: o.restUrl, restTokens: o.restTokens ?? {} } : {}),
  });
  // Finance's REST writes land wherever its rows live (the monolith's tables until it owns the three
  // modules, db/finance-home.ts), holding the modules' owner rows: they run in every phase, through every freeze.
  await load.setRestWrites(true);
  const started = Date.now();
  const dwell = () => new Promise((r) => setTimeout(r, o.dwellMs));
  let loneCutoverRefusal = '';
  try {
    await dwell();
    await each('shadow', FINANCE_DRILL_MODULES, (m) => c.shadow(m));
    await dwell();
    await each('canary 10', FINANCE_DRILL_MODULES, (m) => whenGatesOpen(() => c.canary(m, 10, gates), `canary 10 ${m}`, o.strictGates ? 60_000 : 0, log));
    await dwell();
    loneCutoverRefusal = await refusedLoneCutover(stack, 'M15');
    log(`cutover M15 alone: ${loneCutoverRefusal}`);
    await together('cutover', 'cutover', FINANCE_DRILL_MODULES);
    await routedTo('service');
    await dwell();
    await together('rollback', 'rollback', [...FINANCE_DRILL_MODULES].reverse());
    await routedTo('legacy');
    await dwell();
    await together('cutover again', 'cutover', FINANCE_DRILL_MODULES);
    await routedTo('service');
    await dwell();
  } catch (error) {
    // A step that fails stops the drill; what the clients saw until then tells why.
    const seen = await load.stop();
    log(`drill stopped: ${(error as Error).message}; failures ${JSON.stringify(seen.failures.slice(0, 5))}; slowest ${JSON.stringify(seen.slowest.slice(0, 8))}`);
    for (const line of await journalTimelines(c.control).catch(() => [])) log(line);
    throw error;
  }
  const report = await load.stop();
  const elapsed = (Date.now() - started) / 1000;
  await stack.runtime.shadowIdle();

  const held = await heldWriteLatencies(c.control, report.writeLatencies);
  const timelines = await journalTimelines(c.control);
  await settleModules(stack, FINANCE_DRILL_MODULES);
  const ledger = [
    await checkLedger('legacy', stack.legacyPool, before, report.accepted),
    await checkLedger('service', stack.servicePool, before, report.accepted),
  ];
  const payments = [
    await checkPayments('legacy', stack.legacyPool, paymentsBefore, report.payments),
    await checkPayments('service', stack.servicePool, paymentsBefore, report.payments),
  ];
  const rec = await reconcileModules({ sourceUrl: stack.endpoints.legacyUrl, targetUrl: stack.endpoints.serviceUrlFor('finance'), modules: [...FINANCE_DRILL_MODULES], lag: { lagWindowMs: 2000 } });
  const ruleBreaches = rec.rules.flatMap((r) => r.breaches.map((b) => `${r.id} (${r.side}): ${b.detail}`));
  return {
    steps,
    load: report,
    achievedRate: report.calls / elapsed,
    freezeHoldP99Ms: percentile(held, 99),
    freezeHoldMaxMs: held.length ? Math.max(...held) : 0,
    loneCutoverRefusal,
    ledger,
    payments,
    inconsistentRefusals: report.refusals
      .filter((r) => r.kind === 'overdraft' && r.balance !== undefined && r.delta !== undefined && (r.balance < 0 || r.balance + r.delta >= 0))
      .map((r) => `${r.method} user ${r.userId}: balance ${r.balance}, delta ${r.delta}`),
    sourcesNotPaid: await unpaidSources(stack.legacyPool, report.payments),
    shadow: await shadowSummary(c.control, FINANCE_DRILL_MODULES),
    reconcileClean: rec.summary.tablesWithDifferences === 0 && rec.summary.ruleBreaches === 0,
    reconcileDetail: `${rec.summary.tables} tables, ${rec.summary.rowsSource} legacy rows, ${rec.summary.rowsTarget} service rows, ${rec.summary.missingInTarget + rec.summary.missingInSource + rec.summary.different} differences; rules ${rec.summary.rulesChecked} checked, ${rec.summary.rulesSkipped} skipped, ${rec.summary.ruleBreaches} breaches`,
    rules: { checked: rec.summary.rulesChecked, skipped: rec.summary.rulesSkipped, breaches: ruleBreaches.slice(0, 10) },
    timelines,
  };
}

/** Whether a result holds every invariant the drill checks (failures, losses, balances, refusals, sources, reconcile). */
export function financeDrillClean(r: FinanceDrillResult): boolean {
  return r.load.failures.length === 0
    && r.ledger.every((l) => !l.missing.length && !l.extra.length && !l.wrong.length && !l.brokenChains.length && !l.balanceMismatches.length)
    && r.payments.every((p) => !p.missing.length && !p.duplicated.length && !p.wrongState.length)
    && !r.inconsistentRefusals.length && !r.sourcesNotPaid.length && r.reconcileClean;
}

/** Lost (missing on a side) and duplicated (extra) rows over both checks, for the one-line summaries. */
export function lostAndDuplicated(r: FinanceDrillResult): { lost: number; duplicated: number } {
  return {
    lost: r.ledger.reduce((n, l) => n + l.missing.length, 0) + r.payments.reduce((n, p) => n + p.missing.length, 0),
    duplicated: r.ledger.reduce((n, l) => n + l.extra.length, 0) + r.payments.reduce((n, p) => n + p.duplicated.length, 0),
  };
}

/** The coupling gate must refuse a cutover of one tied module alone; the refusal's text is returned (a step that goes through is an error). */
async function refusedLoneCutover(stack: DrillStack, module: string): Promise<string> {
  try {
    const r = await stack.controller.cutover(module, { ackTimeoutMs: 30_000 });
    throw new Error(`cutover of ${module} alone was not refused: ${r.message}`);
  } catch (error) {
    if (!(error instanceof GateRefusal)) throw error;
    const coupling = error.result.gates.find((g) => g.gate === 'coupled modules move together');
    if (!coupling || coupling.ok) throw new Error(`cutover of ${module} alone was refused, but not by the coupling gate: ${error.message}`);
    return coupling.detail;
  }
}

async function memberIds(legacy: pg.Pool, members: number): Promise<number[]> {
  const logins = Array.from({ length: members }, (_, i) => `member${String(i + 1).padStart(3, '0')}@hp.example`);
  const { rows } = await legacy.query<{ id: number }>('SELECT id FROM res_users WHERE login = ANY($1) ORDER BY login', [logins]);
  if (rows.length !== members) throw new Error(`expected ${members} demo members, found ${rows.length}`);
  return rows.map((r) => r.id);
}
