import type { MigrationController, StatusReport } from './controller.ts';
import type { Phase } from './phases.ts';
import { readShadowStats, shadowTotals } from './shadow/shadow-stats.ts';
import { readPhase, readTransitions } from './store/phase-store.ts';

/** One line of `ficus migrate status` without a module: where each module of the monolith stands. */
export interface ModuleOverview {
  code: string;
  addon: string;
  title: string;
  service: string;
  /** False while the service is only planned (services/catalog.ts has no definition for it yet). */
  serviceBuilt: boolean;
  phase: Phase;
  canaryPercent: number;
  frozen: boolean;
  /** A short word or two: not started, streaming, behind, … */
  sync: string;
  /**
   * Shadow comparisons so far, or null before any: `matched` are those time explains or that
   * matched outright (the gate's numerator), `timing` those explained by time alone.
   */
  shadowMatch: { matched: number; total: number; timing: number; unexplained: number } | null;
  lastTransition: { at: Date; step: string; actor: string } | null;
}

/**
 * Every module of the monolith, from the legacy database's registry (codes, titles) and the
 * service catalogue. Modules still in `legacy` are read from the control database only; the
 * others get the full status (sync gates), summarised.
 */
export async function statusOverview(controller: MigrationController): Promise<ModuleOverview[]> {
  const plans = [...(await controller.plans()).values()].sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
  const rows: ModuleOverview[] = [];
  for (const plan of plans) {
    const [phase, shadow, [last]] = await Promise.all([readPhase(controller.control, plan.code), readShadowStats(controller.control, plan.code), readTransitions(controller.control, plan.code, 1)]);
    const totals = shadowTotals(shadow);
    const sync = phase.phase === 'legacy' && !last ? 'not started' : summariseSync(await controller.status(plan.code).catch(() => null), phase.phase);
    rows.push({
      code: plan.code,
      addon: plan.technicalName,
      title: plan.module.title,
      service: plan.service,
      serviceBuilt: plan.definition !== undefined,
      phase: phase.phase,
      canaryPercent: phase.canaryPercent,
      frozen: phase.freeze !== null,
      sync,
      shadowMatch: totals.compared ? { matched: totals.compared - totals.unexplained, total: totals.compared, timing: totals.counts.timing, unexplained: totals.unexplained } : null,
      lastTransition: last ? { at: last.at, step: last.step, actor: last.actor } : null,
    });
  }
  return rows;
}

function summariseSync(status: StatusReport | null, phase: Phase): string {
  if (!status) return 'unknown';
  const { backfill, forwardLag, reverseLag } = status.sync;
  const needed = [...(syncExpected('backfill', phase) ? [backfill] : []), ...(syncExpected('forward', phase) ? [forwardLag] : []), ...(syncExpected('reverse', phase) ? [reverseLag] : [])];
  if (!needed.length) return backfill.ok ? 'backfilled' : 'not started';
  const failing = needed.filter((g) => !g.ok);
  return failing.length ? failing.map((g) => `${g.gate}: ${g.detail}`).join('; ') : 'streaming';
}

/**
 * Which syncs a phase needs. In `legacy` none (a backfill may or may not have been started); from
 * `shadow` on, the service's copy must be complete and follow the monolith; once the service owns
 * the module (`service`, `retired`), its writes flow back to the monolith by the reverse sync.
 */
export function syncExpected(sync: 'backfill' | 'forward' | 'reverse', phase: Phase): boolean {
  if (phase === 'legacy') return false;
  if (sync === 'reverse') return phase === 'service' || phase === 'retired';
  return true;
}
