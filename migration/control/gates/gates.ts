import { reconcileModules } from '../../reconcile/index.ts';
import { forwardSlot, referenceSlot, reverseSlot } from '../module-plan.ts';
import { describeUnexplained } from '../shadow/shadow-summary.ts';
import { summariseParked } from '../../../cdc/apply/parked-changes.ts';
import { syncSource } from '../sync/sync-source.ts';
import { readShadowStats, shadowTotals } from '../shadow/shadow-stats.ts';
import { legacyBusinessMethods } from './business-methods.ts';
import type { Gate, GateContext } from './gate.ts';
import { linkedCopiesComplete } from './linked-copies.ts';

/** The forward reader's snapshot of the module's tables is complete in the service database. */
export const backfillComplete: Gate = {
  name: 'backfill complete',
  async check(ctx) {
    const slots = [forwardSlot(ctx.plan.code), referenceSlot(ctx.plan.service)];
    const { rows } = await ctx.service
      .query<{ source: string; done: boolean | null }>(`SELECT source, (position->>'snapshotDone')::boolean AS done FROM ficus_cdc.checkpoint WHERE source = ANY($1)`, [slots])
      .catch(() => ({ rows: [] as { source: string; done: boolean | null }[] }));
    const pending = slots.filter((slot) => !rows.some((r) => r.source === slot && r.done === true));
    return {
      gate: this.name,
      ok: pending.length === 0,
      detail: pending.length ? `snapshot not complete for ${pending.join(', ')}: run \`ficus migrate backfill\` (a running Ficus performs it)` : `snapshot of ${ctx.plan.tables.length} tables and the reference copies done, streaming`,
    };
  },
};

async function slotLag(ctx: GateContext, source: 'legacy' | 'service', slot: string) {
  const pool = source === 'legacy' ? ctx.legacy : ctx.service;
  const { rows } = await pool.query<{ active: boolean; lag: string | null }>(
    `SELECT active, (pg_current_wal_lsn() - confirmed_flush_lsn)::text AS lag FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  return rows[0] ? { active: rows[0].active, lag: Number(rows[0].lag ?? 0) } : null;
}

function lagGate(direction: 'forward' | 'reverse'): Gate {
  return {
    name: `${direction} sync lag`,
    async check(ctx) {
      const slot = direction === 'forward' ? forwardSlot(ctx.plan.code) : reverseSlot(ctx.plan.code);
      const state = await slotLag(ctx, direction === 'forward' ? 'legacy' : 'service', slot);
      if (!state) return { gate: this.name, ok: false, detail: `slot ${slot} does not exist` };
      const ok = state.active && state.lag <= ctx.thresholds.maxLagBytes;
      return { gate: this.name, ok, detail: `${state.active ? 'streaming' : 'reader not connected'}, ${state.lag} bytes behind (max ${ctx.thresholds.maxLagBytes})` };
    },
  };
}
export const forwardLag = lagGate('forward');
export const reverseLag = lagGate('reverse');

/**
 * No change of the sync is parked (refused by the side it writes, cdc/apply/parked-changes.ts):
 * a parked reverse change is a write the monolith does not have yet, so rolling back or retiring
 * would lose it; a parked forward change is one the service lacks, so cutting over would.
 */
function nothingParkedGate(direction: 'forward' | 'reverse'): Gate {
  return {
    name: `no ${direction} changes parked`,
    async check(ctx) {
      const target = direction === 'forward' ? ctx.service : ctx.legacy;
      const parked = await summariseParked(target, syncSource(direction, ctx.plan.code));
      const count = parked.reduce((n, p) => n + p.count, 0);
      const where = parked.map((p) => `${p.table} (${p.count}, SQLSTATE ${p.code}${p.constraint ? ` ${p.constraint}` : ""})`).join(', ');
      return {
        gate: this.name,
        ok: count === 0,
        detail: count === 0
          ? `none parked`
          : `${count} change${count === 1 ? '' : 's'} refused by the ${direction === 'forward' ? 'service' : 'monolith'} and parked: ${where}; fix the cause (ficus migrate status), they apply by themselves`,
      };
    },
  };
}
export const nothingParkedForward = nothingParkedGate('forward');
export const nothingParkedReverse = nothingParkedGate('reverse');

/** `ficus reconcile` of the module's tables finds no difference. */
export const reconcileClean: Gate = {
  name: 'reconcile clean',
  async check(ctx) {
    const report = await reconcileModules({
      sourceUrl: ctx.legacyUrl,
      targetUrl: ctx.serviceUrl,
      modules: [ctx.plan.code],
      rules: false,
      lag: { lagWindowMs: ctx.thresholds.reconcileLagWindowMs },
    });
    const s = report.summary;
    const ok = s.tablesWithDifferences === 0;
    return { gate: this.name, ok, detail: ok ? `${s.tables} tables, ${s.rowsSource} rows equal` : `${s.tablesWithDifferences} tables differ: ${s.missingInTarget} missing in service, ${s.missingInSource} missing in legacy, ${s.different} different` };
  },
};

/**
 * Shadow compared enough reads, and few enough differed in a way time does not explain: a
 * `timing` comparison (legacy itself changed between the answers around the service's) is not
 * held against the service; value, missing/extra row and error are.
 */
export const shadowMatchRate: Gate = {
  name: 'shadow match rate',
  async check(ctx) {
    const rows = await readShadowStats(ctx.control, ctx.plan.code);
    const { compared, unexplained, counts, notCompared } = shadowTotals(rows);
    const rate = compared ? (compared - unexplained) / compared : 0;
    const ok = compared >= ctx.thresholds.minShadowSamples && rate >= ctx.thresholds.minMatchRate;
    const need = `need ≥ ${(ctx.thresholds.minMatchRate * 100).toFixed(2)} % over ≥ ${ctx.thresholds.minShadowSamples}`;
    const explained = `${counts.match} match, ${counts.timing} explained by time`;
    const uncompared = notCompared.behind + notCompared.skipped ? `; not compared: ${notCompared.behind} copy behind, ${notCompared.skipped} skipped` : '';
    const worst = rows.filter((r) => r.unexplained).map((r) => `${r.call}: ${describeUnexplained(r)}`);
    return {
      gate: this.name,
      ok,
      detail: `${compared - unexplained}/${compared} agree (${(rate * 100).toFixed(2)} %; ${explained}; ${unexplained} unexplained${worst.length ? `: ${worst.join('; ')}` : ''}${uncompared}; ${need})`,
    };
  },
};

/** Every public business method of the addon's Python is provided by the owning service. */
export const businessMethodsProvided: Gate = {
  name: 'business methods provided',
  async check(ctx) {
    const legacy = await legacyBusinessMethods(ctx.addonsPath, ctx.plan.technicalName);
    const missing: string[] = [];
    let count = 0;
    for (const [model, methods] of legacy) {
      for (const method of methods) {
        count++;
        if (!ctx.providedMethods[model]?.includes(method)) missing.push(`${model}.${method}`);
      }
    }
    return { gate: this.name, ok: missing.length === 0, detail: missing.length ? `missing: ${missing.join(', ')}` : `${count} of ${count} provided` };
  },
};

/** Which gates each step checks. */
export const STEP_GATES = {
  backfill: [],
  shadow: [backfillComplete, linkedCopiesComplete, forwardLag],
  canary: [backfillComplete, linkedCopiesComplete, forwardLag, shadowMatchRate],
  cutover: [backfillComplete, linkedCopiesComplete, forwardLag, nothingParkedForward, reconcileClean, shadowMatchRate, businessMethodsProvided],
  rollback: [reverseLag, nothingParkedReverse],
  retire: [reverseLag, nothingParkedReverse, reconcileClean],
} as const satisfies Record<string, readonly Gate[]>;
