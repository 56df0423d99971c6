import type pg from 'pg';
import type { StepResult } from '../../migration/control/controller.ts';

export interface DrillStep { step: string; ms: number; freezeMs?: number; forced: boolean; message: string }

/** Runs one controller step, recording its duration (and freeze, for a cutover or rollback) in `steps`. */
export function stepTimer(steps: DrillStep[], log: (line: string) => void) {
  return async (step: string, work: () => Promise<StepResult>): Promise<StepResult> => {
    const started = Date.now();
    const r = await work();
    steps.push({ step, ms: Date.now() - started, ...(r.cutover ? { freezeMs: r.cutover.freezeMs } : {}), forced: r.forced, message: r.message });
    log(`${step}: ${r.message} (${Date.now() - started} ms)`);
    return r;
  };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Latencies of the writes that overlapped a freeze window (journal timestamps): what clients felt held. */
export async function heldWriteLatencies(control: pg.Pool, writes: readonly { at: number; ms: number }[]): Promise<number[]> {
  const { rows: windows } = await control.query<{ start: Date; end: Date }>(
    `SELECT min(s.at) FILTER (WHERE s.step = 'writes frozen') AS start, max(s.at) FILTER (WHERE s.step = 'phase flipped') AS end
       FROM ficus_migration.cutover_step s GROUP BY s.cutover_id`,
  );
  return writes.filter((w) => windows.some((win) => win.start && win.end && w.at <= win.end.getTime() && w.at + w.ms >= win.start.getTime())).map((w) => w.ms);
}

/**
 * Of the writes that overlapped a freeze window, how long each took after the window closed
 * (its answer minus the phase flip; 0 for one answered before): whether a held write's time
 * went to the freeze itself or to waiting behind other calls once it lifted.
 */
export async function heldWritesAfterFlip(control: pg.Pool, writes: readonly { at: number; ms: number }[]): Promise<number[]> {
  const { rows: windows } = await control.query<{ start: Date; end: Date }>(
    `SELECT min(s.at) FILTER (WHERE s.step = 'writes frozen') AS start, max(s.at) FILTER (WHERE s.step = 'phase flipped') AS end
       FROM ficus_migration.cutover_step s GROUP BY s.cutover_id`,
  );
  const after: number[] = [];
  for (const w of writes) {
    const win = windows.find((v) => v.start && v.end && w.at <= v.end.getTime() && w.at + w.ms >= v.start.getTime());
    if (win) after.push(Math.max(0, w.at + w.ms - win.end.getTime()));
  }
  return after;
}

/** Per cutover/rollback: each journal step and the ms since the previous one. */
export async function journalTimelines(control: pg.Pool): Promise<string[]> {
  const { rows } = await control.query<{ cutover_id: string; module: string; kind: string; step: string; at: Date }>(
    `SELECT s.cutover_id, c.module, c.kind, s.step, s.at FROM ficus_migration.cutover_step s JOIN ficus_migration.cutover c ON c.id = s.cutover_id ORDER BY s.cutover_id, s.seq`,
  );
  const timelines: string[] = [];
  for (const id of [...new Set(rows.map((r) => r.cutover_id))]) {
    const list = rows.filter((r) => r.cutover_id === id);
    timelines.push(`#${id} ${list[0]!.module} ${list[0]!.kind}: ` + list.map((r, i) => `${r.step} +${i ? r.at.getTime() - list[i - 1]!.at.getTime() : 0}`).join(', '));
  }
  return timelines;
}

/** p50 / p99 of every call a load made (ms), and per kind of call (`method: n calls, p50, p99`), slowest p99 first: which call a saturated gateway spends its time on. */
export function callLatencies(report: { latencyByMethod: Record<string, number[]> }): { p50: number; p99: number; byMethod: string[] } {
  const all = Object.values(report.latencyByMethod).flat();
  const byMethod = Object.entries(report.latencyByMethod)
    .map(([method, ms]) => ({ method, ms, p50: percentile(ms, 50), p99: percentile(ms, 99) }))
    .sort((a, b) => b.p99 - a.p99)
    .map(({ method, ms, p50, p99 }) => `${method}: ${ms.length} calls, p50 ${p50} ms, p99 ${p99} ms`);
  return { p50: percentile(all, 50), p99: percentile(all, 99), byMethod };
}
