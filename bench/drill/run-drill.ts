import type pg from 'pg';
import { reconcileModules } from '../../migration/reconcile/index.ts';
import { DEFAULT_THRESHOLDS } from '../../migration/control/gates/gate.ts';
import { shadowTotals } from '../../migration/control/shadow/shadow-stats.ts';
import type { DrillStack } from './drill-stack.ts';
import type { LoadReport } from './feed-load.ts';
import { startFeedLoadThread } from './feed-load-thread.ts';
import { heldWriteLatencies, journalTimelines, percentile, stepTimer, type DrillStep } from './drill-figures.ts';

export interface DrillOptions {
  members: number;
  ratePerSecond: number;
  /** Traffic before each step, so shadow collects samples and canary has something to answer. */
  dwellMs: number;
  /**
   * Steps go through their gates at the default thresholds (no --force): canary waits until
   * shadow has compared what the gate needs. Off, the gates are shown and forced (a short CI drill).
   */
  gated?: boolean;
  log?: (line: string) => void;
}

export interface DrillResult {
  steps: DrillStep[];
  load: LoadReport;
  achievedRate: number;
  freezeHoldP99Ms: number;
  freezeHoldMaxMs: number;
  reconcileClean: boolean;
  reconcileDetail: string;
  lostActivities: number[];
  duplicatedActivities: number;
  /** Per cutover/rollback: each journal step and the ms since the previous one. */
  timelines: string[];
}

/**
 * The migration drill of issue 8: with mixed M19 traffic running throughout, backfill →
 * shadow → canary 10 → cutover → rollback → cutover, then checks that no client call failed,
 * every created activity exists exactly once on both sides, and reconcile is clean. Freeze
 * figures come from the journal (flip − freeze) and from the write calls that overlapped a
 * freeze (what clients felt).
 */
export async function runCutoverDrill(stack: DrillStack, o: DrillOptions): Promise<DrillResult> {
  const log = o.log ?? (() => undefined);
  const c = stack.controller;
  const steps: DrillResult['steps'] = [];
  // Gates are shown, not waited for; gateways under the drill's own load (a CI machine at load 10)
  // may need more than the 2 s default to acknowledge a freeze: its correctness is what counts.
  const forced = { force: true, reason: 'drill: gates shown, not waited for', ackTimeoutMs: 30_000, thresholds: { minShadowSamples: 1, minMatchRate: 0.99 } };
  const step = o.gated ? { actor: 'drill', ackTimeoutMs: 30_000, leaseMs: 15_000 } : forced;
  const timed = stepTimer(steps, log);
  const bf = await c.backfill('M19', { waitMs: 120_000 });
  if (!bf.ok) throw new Error(bf.message);
  steps.push({ step: 'backfill', ms: 0, forced: false, message: bf.message });
  const load = await startFeedLoadThread({ gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, ratePerSecond: o.ratePerSecond });
  const started = Date.now();
  const dwell = () => new Promise((r) => setTimeout(r, o.dwellMs));
  await dwell();
  await timed('shadow', () => c.shadow('M19', step));
  await dwell();
  if (o.gated) await shadowCompared(stack, DEFAULT_THRESHOLDS.minShadowSamples);
  await timed('canary 10', () => c.canary('M19', 10, step));
  await dwell();
  await timed('cutover', () => c.cutover('M19', step));
  await dwell();
  await timed('rollback', () => c.rollback('M19', step));
  await dwell();
  await timed('cutover again', () => c.cutover('M19', step));
  await dwell();
  const report = await load.stop();
  const elapsed = (Date.now() - started) / 1000;
  await stack.runtime.shadowIdle();

  const held = await heldWriteLatencies(stack.controller.control, report.writeLatencies);
  const timelines = await journalTimelines(stack.controller.control);
  await settle(stack);
  const lost = await missingIds(stack.legacyPool, report.createdActivities);
  const lostInService = await missingIds(stack.servicePool, report.createdActivities);
  const duplicated = report.createdActivities.length - new Set(report.createdActivities).size;
  const rec = await reconcileModules({ sourceUrl: stack.endpoints.legacyUrl, targetUrl: stack.endpoints.serviceUrlFor('dynamic'), modules: ['M19'], rules: false, lag: { lagWindowMs: 2000 } });
  return {
    steps,
    load: report,
    achievedRate: report.calls / elapsed,
    freezeHoldP99Ms: percentile(held, 99),
    freezeHoldMaxMs: held.length ? Math.max(...held) : 0,
    reconcileClean: rec.summary.tablesWithDifferences === 0,
    reconcileDetail: `${rec.summary.tables} tables, ${rec.summary.rowsSource} legacy rows, ${rec.summary.rowsTarget} service rows, ${rec.summary.missingInTarget + rec.summary.missingInSource + rec.summary.different} differences`,
    lostActivities: [...new Set([...lost, ...lostInService])],
    duplicatedActivities: duplicated,
    timelines,
  };
}

/** Waits (a hang guard of 150 s, not a timing claim) until shadow has compared `samples` reads of M19. */
async function shadowCompared(stack: DrillStack, samples: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const totals = shadowTotals((await stack.controller.status('M19')).shadow);
    if (totals.compared >= samples) return;
    if (Date.now() - started > 150_000) throw new Error(`shadow compared only ${totals.compared} of ${samples} reads in 150 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until the reverse sync has applied everything the service committed so far. */
async function settle(stack: DrillStack): Promise<void> {
  const { emitDrainMarker, waitApplied } = await import('../../migration/control/sync/drain.ts');
  const marker = await emitDrainMarker(stack.servicePool, 'drill end');
  await waitApplied(stack.legacyPool, 'ficus_rev_m19', marker, 10_000);
}

async function missingIds(pool: pg.Pool, ids: number[]): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM activities WHERE id = ANY($1::int4[])', [ids]);
  const present = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !present.has(id));
}
