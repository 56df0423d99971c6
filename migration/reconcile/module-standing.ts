import type pg from 'pg';
import type { Phase } from '../control/phases.ts';
import { readPhase, readTransitions } from '../control/store/phase-store.ts';
import type { StandingLookup } from './module-copies.ts';

/**
 * Each module's phase and last step, read from the migration control database. No control
 * database (or one the control plane never wrote to) means nothing has moved yet: the lookup
 * answers null and the report says the phase was taken as legacy. `livePhase` (a running
 * Ficus's phase book) answers the phase without a query.
 */
export function standingFromControl(control: pg.Pool, livePhase?: (code: string) => Phase): StandingLookup {
  let present: Promise<boolean> | undefined;
  return async (code) => {
    present ??= control
      .query<{ ok: boolean }>(`SELECT to_regclass('ficus_migration.transition') IS NOT NULL AS ok`)
      .then((r) => r.rows[0]?.ok === true, (error: { code?: string }) => {
        if (error.code === '3D000') return false; // no control database: no migration ever ran here
        throw error;
      });
    if (!(await present)) return null;
    const [phase, [last]] = await Promise.all([livePhase ? { phase: livePhase(code) } : readPhase(control, code), readTransitions(control, code, 1)]);
    return { phase: phase.phase, ...(last ? { lastStep: { step: last.step, from: last.from, to: last.to, at: last.at } } : {}) };
  };
}
