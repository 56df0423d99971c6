import type pg from 'pg';
import type { GateOutcome } from '../store/phase-store.ts';
import type { ModulePlan } from '../module-plan.ts';

/** Thresholds every gate reads; the CLI's options set them. */
export interface GateThresholds {
  /** Largest WAL distance (bytes) a sync slot may trail the source by. */
  maxLagBytes: number;
  /** Shadow match rate required, 0..1, over at least `minShadowSamples` compared reads. */
  minMatchRate: number;
  minShadowSamples: number;
  /** Rows changed this recently are re-checked by reconcile instead of reported. */
  reconcileLagWindowMs: number;
}

export const DEFAULT_THRESHOLDS: GateThresholds = { maxLagBytes: 16 * 1024 * 1024, minMatchRate: 0.999, minShadowSamples: 200, reconcileLagWindowMs: 2000 };

export interface GateContext {
  plan: ModulePlan;
  control: pg.Pool;
  legacy: pg.Pool;
  legacyUrl: string;
  service: pg.Pool;
  serviceUrl: string;
  thresholds: GateThresholds;
  addonsPath: string;
  /** Business methods the owning service provides, per model. */
  providedMethods: Readonly<Record<string, readonly string[]>>;
}

export interface Gate {
  name: string;
  check(ctx: GateContext): Promise<GateOutcome>;
}

export async function runGates(gates: readonly Gate[], ctx: GateContext): Promise<GateOutcome[]> {
  const out: GateOutcome[] = [];
  for (const gate of gates) {
    try {
      out.push(await gate.check(ctx));
    } catch (error) {
      out.push({ gate: gate.name, ok: false, detail: `could not check: ${(error as Error).message}` });
    }
  }
  return out;
}
