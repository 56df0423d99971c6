import { GateRefusal } from '../../migration/control/controller.ts';
import type { DrillStack } from './drill-stack.ts';
import { checkLedger, checkPayments, ledgerBaseline, paymentBaseline, unpaidSources, type LedgerCheck, type PaymentCheck } from './finance-drill-checks.ts';
import type { FinanceLoadReport } from './finance-load.ts';
import { startLoadThread } from './load-thread.ts';
import { runModuleDrill, type ModuleDrillRun } from './module-drill.ts';
import { demoUids } from './service-drill.ts';

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

export interface FinanceDrillResult extends ModuleDrillRun<FinanceLoadReport> {
  achievedRate: number;
  /** What the controller answered to a cutover of M15 alone (it must refuse: M14 is tied to it). */
  loneCutoverRefusal: string;
  ledger: LedgerCheck[];
  payments: PaymentCheck[];
  /** Refusals whose figures do not show an overdraft (balance < 0, or balance + delta ≥ 0). */
  inconsistentRefusals: string[];
  /** Service orders paid by a succeeded payment that the monolith does not show paid (or the reverse). */
  sourcesNotPaid: string[];
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
  const userIds = await demoUids(stack.legacyPool, 'member', o.members);
  // Nothing writes the ledger or payments before the load starts: the monolith's rows now are every side's "before".
  const before = await ledgerBaseline(stack.legacyPool, userIds);
  const paymentsBefore = await paymentBaseline(stack.legacyPool, userIds);
  const run = await runModuleDrill(stack, {
    service: 'finance',
    modules: FINANCE_DRILL_MODULES,
    dwellMs: o.dwellMs,
    // Finance's REST writes land wherever its rows live (the monolith's tables until it owns the three
    // modules, db/finance-home.ts), holding the modules' owner rows: they run in every phase, through every freeze.
    restWrites: 'always',
    writesOf: (report) => report.writeLatencies,
    startLoad: () =>
      startLoadThread<typeof import('./finance-load.ts'), 'startFinanceLoad'>(new URL('./finance-load.ts', import.meta.url), 'startFinanceLoad', {
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
        ...(o.restUrl ? { restUrl: o.restUrl, restTokens: o.restTokens ?? {} } : {}),
      }),
    beforeCutover: async () => {
      const refusal = await refusedLoneCutover(stack, 'M15');
      o.log?.(`cutover M15 alone: ${refusal}`);
      return refusal;
    },
    ...(o.strictGates ? { strictGates: true } : {}),
    ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  const report = run.load;
  return {
    ...run,
    achievedRate: report.calls / (run.elapsedMs / 1000),
    loneCutoverRefusal: run.beforeCutover,
    ledger: [
      await checkLedger('legacy', stack.legacyPool, before, report.accepted),
      await checkLedger('service', stack.servicePool, before, report.accepted),
    ],
    payments: [
      await checkPayments('legacy', stack.legacyPool, paymentsBefore, report.payments),
      await checkPayments('service', stack.servicePool, paymentsBefore, report.payments),
    ],
    inconsistentRefusals: report.refusals
      .filter((r) => r.kind === 'overdraft' && r.balance !== undefined && r.delta !== undefined && (r.balance < 0 || r.balance + r.delta >= 0))
      .map((r) => `${r.method} user ${r.userId}: balance ${r.balance}, delta ${r.delta}`),
    sourcesNotPaid: await unpaidSources(stack.legacyPool, report.payments),
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
