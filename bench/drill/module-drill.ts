import type pg from 'pg';
import { GateRefusal, type StepOptions, type StepResult } from '../../migration/control/controller.ts';
import { forwardSlot, reverseSlot } from '../../migration/control/module-plan.ts';
import { readShadowStats } from '../../migration/control/shadow/shadow-stats.ts';
import { emitDrainMarker, waitApplied } from '../../migration/control/sync/drain.ts';
import { reconcileModules } from '../../migration/reconcile/index.ts';
import { heldWriteLatencies, journalTimelines, percentile, stepTimer, type DrillStep } from './drill-figures.ts';
import type { DrillStack } from './drill-stack.ts';
import type { LoadThread } from './load-thread.ts';

/**
 * The phase every module of the drill was in over a span of wall-clock time (epoch ms), to place
 * what a client saw: `backfilled`, `shadow`, `canary steps` (the modules taken to canary one by
 * one: some routed by canary, the others still by shadow), `canary`, `service`, the phase a
 * rollback returned to (`canary after rollback`), or `freeze after <phase>` for a cutover or rollback step from its
 * start to the gateway learning its flip (reads are still routed by the phase before).
 */
export interface PhaseWindow {
  phase: string;
  from: number;
  to: number;
}

export interface ModuleDrillOptions<Report> {
  /** The service taking the modules over (its database is reconciled against the monolith's). */
  service: string;
  /** In cutover order; rollbacks take them in reverse. Several modules change owner together (controller.together). */
  modules: readonly string[];
  /** Traffic before each step, so shadow collects samples and canary has something to answer. */
  dwellMs: number;
  /** Starts the load once the modules are backfilled (a worker thread, load-thread.ts). */
  startLoad(): Promise<LoadThread<Report>>;
  /** Each write the load made (start, latency), to find the ones a freeze held. */
  writesOf(report: Report): readonly { at: number; ms: number }[];
  /**
   * When the load's REST writes run: `always` (the service writes wherever its rows are owned at
   * the moment, held by a freeze like RPC writes), `in service` (only while it owns the modules:
   * turned on after each cutover, off before the rollback), or `never`.
   */
  restWrites: 'always' | 'in service' | 'never';
  /**
   * How several modules change owner: `together` (default: one freeze for all, controller.together, as coupled modules
   * must) or `one at a time` (each its own cutover or rollback, back to back, as modules that change owner on their own
   * do in production; the others keep their phase meanwhile). In the phase windows the whole sequence is one freeze.
   */
  ownerChanges?: 'together' | 'one at a time';
  /** Steps through their gates without --force (canary waits for the shadow samples the gate needs); default: forced, gates shown. */
  strictGates?: boolean;
  /** How long gateways hold writes before releasing them to the old phase (default 5 s, cutover.ts). */
  leaseMs?: number;
  /** Before the first cutover (the coupling gate's refusals, for instance): its answer is returned as `beforeCutover`. */
  beforeCutover?(stack: DrillStack): Promise<string>;
  log?: (line: string) => void;
}

export interface ShadowSummary {
  module: string;
  call: string;
  compared: number;
  unexplained: number;
  fields: string[];
  lastDiff: string | null;
}

export interface ModuleDrillRun<Report> {
  steps: DrillStep[];
  load: Report;
  /** From the load's start to its stop. */
  elapsedMs: number;
  phases: PhaseWindow[];
  freezeHoldP99Ms: number;
  freezeHoldMaxMs: number;
  shadow: ShadowSummary[];
  reconcileClean: boolean;
  reconcileDetail: string;
  rules: { checked: number; skipped: number; breaches: string[] };
  beforeCutover: string;
  timelines: string[];
}

/**
 * The cutover drill every service runs for its modules (SERVICES.md point 5): with the service's
 * mixed RPC + REST load running throughout, backfill → shadow → canary 10 → cutover → rollback →
 * cutover, each ownership change of all the modules in one freeze; then both sync directions and
 * the legacy commands drained, and `ficus reconcile <modules>` (rows and business rules). What
 * the clients were answered (failed calls, writes lost or doubled, stale reads) is the service's
 * own check over the returned load report and the settled databases.
 */
export async function runModuleDrill<Report>(stack: DrillStack, o: ModuleDrillOptions<Report>): Promise<ModuleDrillRun<Report>> {
  const log = o.log ?? (() => undefined);
  const c = stack.controller;
  const steps: DrillStep[] = [];
  const freeze: StepOptions = { ackTimeoutMs: 30_000, ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}) };
  const gates: StepOptions = o.strictGates
    ? freeze
    : { ...freeze, force: true, reason: 'drill: gates shown, not waited for', thresholds: { minShadowSamples: 1, minMatchRate: 0.99 } };
  const patienceMs = o.strictGates ? 60_000 : 0;
  const timed = stepTimer(steps, log);
  const phases: PhaseWindow[] = [];
  let current: { phase: string; from: number } = { phase: 'backfilled', from: Date.now() };
  const enter = (phase: string) => {
    const now = Date.now();
    phases.push({ ...current, to: now });
    current = { phase, from: now };
  };

  const each = async (name: string, work: (module: string) => Promise<StepResult>) => {
    for (const module of o.modules) await timed(`${name} ${module}`, () => whenGatesOpen(() => work(module), `${name} ${module}`, patienceMs, log));
  };
  const ownerChange = async (name: string, step: 'cutover' | 'rollback') => {
    const order = step === 'cutover' ? [...o.modules] : [...o.modules].reverse();
    const started = Date.now();
    enter(`freeze after ${current.phase}`);
    const alone = (module: string) => (step === 'cutover' ? c.cutover(module, gates) : c.rollback(module, gates));
    const results: StepResult[] = [];
    /** When each result's step ended (one at a time: each module's step is timed from the previous one's end). */
    const ended: number[] = [];
    if (order.length > 1 && o.ownerChanges === 'one at a time') {
      for (const module of order) {
        results.push(await whenGatesOpen(() => alone(module), `${name} ${module}`, patienceMs, log));
        ended.push(Date.now());
      }
    } else {
      results.push(...(await whenGatesOpen(() => (order.length === 1 ? alone(order[0]!).then((r) => [r]) : c.together(step, order, gates)), `${name} ${order.join(' + ')}`, patienceMs, log)));
      ended.push(...results.map(() => Date.now()));
    }
    for (const [i, r] of results.entries()) {
      const from = o.ownerChanges === 'one at a time' && i > 0 ? ended[i - 1]! : started;
      steps.push({ step: `${name} ${r.module}`, ms: ended[i]! - from, ...(r.cutover ? { freezeMs: r.cutover.freezeMs } : {}), forced: r.forced, message: r.message });
    }
    log(`${name} ${order.join(' + ')}: ${results.map((r) => r.message).join('; ')} (${Date.now() - started} ms)`);
    await routedTo(stack, o.modules, step === 'cutover' ? 'service' : 'legacy');
    enter(step === 'cutover' ? 'service' : `${results[0]!.to} after rollback`);
  };

  for (const module of o.modules) {
    const bf = await c.backfill(module, { waitMs: 120_000 });
    if (!bf.ok) throw new Error(bf.message);
    steps.push({ step: `backfill ${module}`, ms: 0, forced: false, message: bf.message });
  }
  const load = await o.startLoad();
  if (o.restWrites === 'always') await load.setRestWrites(true);
  const restInService = async (on: boolean) => {
    if (o.restWrites === 'in service') await load.setRestWrites(on);
  };
  const started = Date.now();
  enter('backfilled');
  const dwell = () => new Promise((r) => setTimeout(r, o.dwellMs));
  let beforeCutover = '';
  try {
    await dwell();
    await each('shadow', (m) => c.shadow(m));
    enter('shadow');
    await dwell();
    // From the first canary step on, a module's reads may be routed by canary (the others' still by shadow).
    enter('canary steps');
    await each('canary 10', (m) => c.canary(m, 10, gates));
    enter('canary');
    await dwell();
    if (o.beforeCutover) beforeCutover = await o.beforeCutover(stack);
    await ownerChange('cutover', 'cutover');
    await restInService(true);
    await dwell();
    await restInService(false);
    await ownerChange('rollback', 'rollback');
    await dwell();
    await ownerChange('cutover again', 'cutover');
    await restInService(true);
    await dwell();
  } catch (error) {
    // A step that fails stops the drill; what the clients saw until then tells why.
    const seen = (await load.stop()) as { failures?: unknown[]; slowest?: unknown[] };
    log(`drill stopped: ${(error as Error).message}; failures ${JSON.stringify(seen.failures?.slice(0, 5))}; slowest ${JSON.stringify(seen.slowest?.slice(0, 8))}`);
    for (const line of await journalTimelines(c.control).catch(() => [])) log(line);
    throw error;
  }
  const report = await load.stop();
  const elapsedMs = Date.now() - started;
  enter('service');
  await stack.runtime.shadowIdle();

  const held = await heldWriteLatencies(c.control, o.writesOf(report));
  const timelines = await journalTimelines(c.control);
  await settleModules(stack, o.modules);
  const rec = await reconcileModules({ sourceUrl: stack.endpoints.legacyUrl, targetUrl: stack.endpoints.serviceUrlFor(o.service), modules: [...o.modules], lag: { lagWindowMs: 2000 } });
  const breaches = rec.rules.flatMap((r) => r.breaches.map((b) => `${r.id} (${r.side}): ${b.detail}`));
  return {
    steps,
    load: report,
    elapsedMs,
    phases,
    freezeHoldP99Ms: percentile(held, 99),
    freezeHoldMaxMs: held.length ? Math.max(...held) : 0,
    shadow: await shadowSummary(c.control, o.modules),
    reconcileClean: rec.summary.tablesWithDifferences === 0 && rec.summary.ruleBreaches === 0,
    reconcileDetail: `${rec.summary.tables} tables, ${rec.summary.rowsSource} legacy rows, ${rec.summary.rowsTarget} service rows, ${rec.summary.missingInTarget + rec.summary.missingInSource + rec.summary.different} differences; rules ${rec.summary.rulesChecked} checked, ${rec.summary.rulesSkipped} skipped, ${rec.summary.ruleBreaches} breaches`,
    rules: { checked: rec.summary.rulesChecked, skipped: rec.summary.rulesSkipped, breaches: breaches.slice(0, 10) },
    beforeCutover,
    timelines,
  };
}

/** The phase the drill's modules were in at `at` (epoch ms), from the windows the drill recorded. */
export function phaseAt(phases: readonly PhaseWindow[], at: number): string {
  return phases.find((w) => at >= w.from && at < w.to)?.phase ?? phases.at(-1)?.phase ?? 'backfilled';
}

/** Waits until the gateway's phase book routes every module to `phase`'s owner (a hang guard of 5 s). */
async function routedTo(stack: DrillStack, modules: readonly string[], owner: 'service' | 'legacy'): Promise<void> {
  const started = Date.now();
  while (modules.some((m) => (stack.runtime.book.get(m).phase === 'service') !== (owner === 'service'))) {
    if (Date.now() - started > 5000) throw new Error(`the gateway did not learn the ${owner === 'service' ? 'cutover' : 'rollback'}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Strict drills take each step as an operator following the runbook would: a refused gate (the
 * shadow gate still short of its samples, reconcile meeting a row the forward sync had not copied
 * yet) is shown and the step asked again a second later, for at most `patienceMs`.
 */
export async function whenGatesOpen<T>(step: () => Promise<T>, name: string, patienceMs: number, log: (line: string) => void): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof GateRefusal) || Date.now() > deadline) throw error;
      log(`${name} waits: ${error.message}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * Both directions drained for every module (the service's writes are in legacy, legacy's in the
 * service), and no legacy command pending. A legacy command applied in the service (a payment
 * succeeding in Odoo that marks a trade order paid) is itself a service write the reverse sync
 * must then carry back: so the commands are waited for first, and the reverse direction drained
 * once more after the last of them.
 */
export async function settleModules(stack: DrillStack, modules: readonly string[]): Promise<void> {
  await waitLegacyCommandsDone(stack);
  for (const module of modules) {
    await waitApplied(stack.legacyPool, reverseSlot(module), await emitDrainMarker(stack.servicePool, 'drill end'), 10_000);
    await waitApplied(stack.servicePool, forwardSlot(module), await emitDrainMarker(stack.legacyPool, 'drill end'), 10_000);
  }
  await waitLegacyCommandsDone(stack);
  for (const module of modules) await waitApplied(stack.legacyPool, reverseSlot(module), await emitDrainMarker(stack.servicePool, 'drill end, after commands'), 10_000);
}

async function waitLegacyCommandsDone(stack: DrillStack): Promise<void> {
  const deadline = Date.now() + 10_000;
  // No command table yet: no forward reader has met a legacy write since the cutover, so none is pending.
  const pending = async () =>
    (await stack.servicePool.query<{ n: number }>(
      `SELECT CASE WHEN to_regclass('ficus_cdc.legacy_command') IS NULL THEN 0
              ELSE (SELECT count(*)::int FROM ficus_cdc.legacy_command WHERE done_at IS NULL) END AS n`,
    )).rows[0]!.n;
  while ((await pending()) > 0) {
    if (Date.now() > deadline) throw new Error('legacy commands still pending after the drill');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Shadow and canary comparisons per module and call: compared, unexplained, the fields that differed. */
export async function shadowSummary(control: pg.Pool, modules: readonly string[]): Promise<ShadowSummary[]> {
  const rows: ShadowSummary[] = [];
  for (const module of modules) {
    for (const r of await readShadowStats(control, module)) {
      rows.push({
        module, call: r.call, compared: r.compared, unexplained: r.unexplained, fields: r.fields.slice(0, 5).map((f) => `${f.field} ×${f.count}`),
        lastDiff: r.lastDiff ? JSON.stringify(r.lastDiff).slice(0, 300) : null,
      });
    }
  }
  return rows;
}
