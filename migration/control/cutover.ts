import type pg from 'pg';
import { forwardSlot, reverseSlot, type ModulePlan } from './module-plan.ts';
import type { Phase } from './phases.ts';
import { beginFreeze, endFreeze, gatewaysNotAcked } from './store/freeze-store.ts';
import { CutoverJournal } from './store/cutover-journal.ts';
import { recordTransition, type GateOutcome } from './store/phase-store.ts';
import { dropOpenSwitches, fixSwitch, openSwitch } from './store/sync-store.ts';
import { emitDrainMarker, waitApplied } from './sync/drain.ts';
import { splitIdSpaces } from './sync/id-split.ts';
import { DEFAULT_FREEZE_GRACE_MS } from './freeze-gate.ts';
import { holdServiceWrites, prepareServiceWriteHold, setWriteOwner, type HeldServiceWrites } from './service-write-gate.ts';

export interface CutoverOptions {
  plan: ModulePlan;
  control: pg.Pool;
  legacy: pg.Pool;
  service: pg.Pool;
  from: Phase;
  to: Phase;
  canaryPercent: number;
  version: number;
  actor: string;
  reason: string | null;
  forced: boolean;
  gates: GateOutcome[];
  /** How long gateways hold writes before they give up on this cutover (its process died). */
  leaseMs?: number;
  /** How long to wait for every live gateway to acknowledge the freeze. */
  ackTimeoutMs?: number;
  /** From the freeze, how long the service's REST writes in flight may run before they are cancelled (and run again after the step). */
  freezeGraceMs?: number;
  drainTimeoutMs?: number;
  /** Test hook: stop (sleep) after this journal step, so a test can SIGKILL the process there. */
  stallAfter?: string;
  /** Test hook: awaited after each journal step, so a test can act inside the freeze. */
  afterStep?: (step: string) => Promise<void>;
}

export interface CutoverResult {
  cutoverId: number;
  freezeMs: number;
  steps: string[];
}

/**
 * DESIGN "Cutover must lose nothing", for one module, legacy-owned → service-owned:
 * freeze (gateways hold the module's writes and acknowledge once none is in flight: after a
 * short grace the ones not yet committing are cancelled and held, freeze-gate.ts) → the
 * ownership switches are opened (readers pause at them) → a WAL marker is written in legacy
 * inside the freeze and becomes the forward switch point → the forward sync is drained to it →
 * id spaces are split → a marker in the service database starts reverse sync → the phase flips
 * and the freeze lifts in one conditional UPDATE (only while the lease still runs). Any failure
 * before the flip aborts: switches dropped, freeze lifted, the module stays where it was, and
 * the held writes go on to it as before.
 */
export async function runCutover(o: CutoverOptions): Promise<CutoverResult> {
  return (await runOwnershipChanges([o], 'cutover'))[0]!;
}

/** The mirror image: service-owned → legacy-owned, back to the phase the cutover came from. */
export async function runServiceRollback(o: CutoverOptions): Promise<CutoverResult> {
  return (await runOwnershipChanges([o], 'rollback'))[0]!;
}

/**
 * Several modules of one service in one freeze and one flip: modules whose models write each
 * other's tables (M20's grabs assign M04's orders) must never have different owners while
 * clients call them. Stepped one after the other, in between the monolith would decide a grab
 * on an order trade owns (its assignment reaching trade later, as a command) or on one trade
 * created that reverse sync has not brought over yet. The steps run per module in the order
 * given (each module's journal records its own), the flip commits all of them or none.
 */
export async function runCutoverTogether(list: CutoverOptions[]): Promise<CutoverResult[]> {
  return runOwnershipChanges(list, 'cutover');
}

export async function runServiceRollbackTogether(list: CutoverOptions[]): Promise<CutoverResult[]> {
  return runOwnershipChanges(list, 'rollback');
}

interface ModuleChange {
  o: CutoverOptions;
  module: string;
  journal: CutoverJournal;
  steps: string[];
  epoch?: number;
  serviceWrites?: HeldServiceWrites;
  step(name: string, detail?: Record<string, unknown>): Promise<void>;
}

async function runOwnershipChanges(list: CutoverOptions[], kind: 'cutover' | 'rollback'): Promise<CutoverResult[]> {
  if (!list.length) return [];
  const first = list[0]!;
  const changes: ModuleChange[] = [];
  for (const o of list) {
    const journal = await CutoverJournal.begin(o.control, o.plan.code, kind, o.from, o.to);
    const steps: string[] = [];
    changes.push({
      o, module: o.plan.code, journal, steps,
      async step(name, detail = {}) {
        steps.push(name);
        await journal.step(name, detail);
        if (o.stallAfter === name) await new Promise((r) => setTimeout(r, 120_000));
        await o.afterStep?.(name);
      },
    });
  }
  for (const c of changes) await c.step('started', { from: c.o.from, to: c.o.to, ...(changes.length > 1 ? { together: changes.map((x) => x.module) } : {}) });
  const frozenAt = Date.now();
  const toService = kind === 'cutover';
  let flipped = false;
  try {
    for (const c of changes) c.epoch = (await beginFreeze(c.o.control, c.module, c.o.leaseMs ?? 5000)).epoch;
    // The hold's connections and owner rows are made ready while the gateways quiesce (a few round trips off the freeze's path).
    const holdsPrepared = new Map(changes.map((c) => [c.module, prepareServiceWriteHold(c.o.service, c.module)]));
    // Its failure is met where the hold is taken; until then it must not count as unhandled.
    for (const prepared of holdsPrepared.values()) prepared.catch(() => undefined);
    try {
      for (const c of changes) await c.step('writes frozen', { epoch: c.epoch });
      await Promise.all(changes.map((c) => waitForAcks(c.o, c.epoch!)));
      // The service's own REST writes reach its database without a gateway: held there
      // (service-write-gate.ts), in module order as a REST write takes them, so that a write
      // holding one module's row never waits for ours on the next while we wait for it.
      for (const c of [...changes].sort((a, b) => a.module.localeCompare(b.module))) {
        const graceLeft = Math.max(0, frozenAt + (c.o.freezeGraceMs ?? DEFAULT_FREEZE_GRACE_MS) - Date.now());
        const prepared = await holdsPrepared.get(c.module)!;
        holdsPrepared.delete(c.module);
        c.serviceWrites = await holdServiceWrites(c.o.service, c.module, c.journal.id, c.o.ackTimeoutMs ?? 2000, graceLeft, prepared);
      }
    } finally {
      // A step that failed before taking every hold gives the prepared connections back.
      for (const left of holdsPrepared.values()) void left.then((client) => client.release(), () => undefined);
    }
    for (const c of changes) await c.step('writes quiesced');

    // Each module has its own slots, switches and tables: their drains run side by side, inside the one freeze.
    await Promise.all(changes.map(async ({ o, module, journal, step }) => {
      const forwardSeq = await openSwitch(o.control, module, 'forward', toService ? 'command' : 'apply', journal.id);
      const reverseSeq = await openSwitch(o.control, module, 'reverse', toService ? 'apply' : 'ignore', journal.id);
      if (toService) {
        const legacyLsn = await emitDrainMarker(o.legacy, `cutover ${journal.id}`);
        await fixSwitch(o.control, module, 'forward', forwardSeq, legacyLsn);
        await step('legacy WAL position taken', { lsn: legacyLsn });
        const drainMs = await waitApplied(o.service, forwardSlot(module), legacyLsn, o.drainTimeoutMs ?? 3000);
        await step('forward sync drained', { drainMs });
        const split = await splitIdSpaces(o.legacy, o.service, o.plan.tables);
        await step('id spaces split', { tables: split });
        const serviceLsn = await emitDrainMarker(o.service, `cutover ${journal.id}`);
        await fixSwitch(o.control, module, 'reverse', reverseSeq, serviceLsn);
        await step('reverse sync started', { lsn: serviceLsn });
      } else {
        const serviceLsn = await emitDrainMarker(o.service, `rollback ${journal.id}`);
        await fixSwitch(o.control, module, 'reverse', reverseSeq, serviceLsn);
        await step('service WAL position taken', { lsn: serviceLsn });
        const drainMs = await waitApplied(o.legacy, reverseSlot(module), serviceLsn, o.drainTimeoutMs ?? 3000);
        await step('reverse sync drained', { drainMs });
        const legacyLsn = await emitDrainMarker(o.legacy, `rollback ${journal.id}`);
        await fixSwitch(o.control, module, 'forward', forwardSeq, legacyLsn);
        await waitApplied(o.service, forwardSlot(module), legacyLsn, o.drainTimeoutMs ?? 3000);
        await waitCommandsApplied(o.service, o.drainTimeoutMs ?? 3000);
        await step('forward sync resumed', { lsn: legacyLsn });
      }
    }));

    // Take away first, grant after (service-write-gate.ts): a rollback stops the service's REST
    // writes before the flip, a cutover allows them after it.
    if (!toService) for (const c of changes) await c.serviceWrites!.release('legacy');
    const freezeMs = await flip(first.control, changes, frozenAt);
    flipped = true;
    for (const c of changes) {
      if (toService) await c.serviceWrites!.release('service');
      c.steps.push('phase flipped');
    }
    return changes.map((c) => ({ cutoverId: c.journal.id, freezeMs, steps: c.steps }));
  } catch (error) {
    if (!flipped) {
      for (const c of changes) {
        await c.serviceWrites?.release().catch(() => undefined);
        // A rollback that recorded `legacy` before a flip that failed: the service still owns it.
        if (!toService && c.serviceWrites) await setWriteOwner(c.o.service, c.module, 'service', c.journal.id).catch(() => undefined);
        await dropOpenSwitches(c.o.control, c.journal.id).catch(() => undefined);
        if (c.epoch !== undefined) await endFreeze(c.o.control, c.module, c.epoch).catch(() => undefined);
        await c.journal.finish('aborted', `aborted before the flip: ${(error as Error).message}; ${c.module} stays ${c.o.from}, held writes went on to it`, Date.now() - frozenAt).catch(() => undefined);
      }
    }
    throw error;
  }
}

async function waitForAcks(o: CutoverOptions, epoch: number): Promise<void> {
  const deadline = Date.now() + (o.ackTimeoutMs ?? 2000);
  for (;;) {
    const missing = await gatewaysNotAcked(o.control, o.plan.code, epoch, 3000);
    if (!missing.length) return;
    if (Date.now() > deadline) throw new Error(`gateways did not acknowledge the freeze: ${missing.join(', ')}`);
    // Every 10 ms: a query each 2 ms per module kept a core busy on a small machine while the
    // gateways were cancelling and unwinding their writes, which is what the freeze waits for.
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function waitCommandsApplied(service: pg.Pool, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await service
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM ficus_cdc.legacy_command WHERE done_at IS NULL`)
      .catch(() => ({ rows: [{ n: 0 }] }));
    if ((rows[0]?.n ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error(`${rows[0]!.n} legacy commands still pending in the service`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Phases, freeze releases, transitions and journals in one transaction, only while every lease runs. */
async function flip(control: pg.Pool, changes: ModuleChange[], frozenAt: number): Promise<number> {
  const client = await control.connect();
  try {
    await client.query('BEGIN');
    for (const { o, epoch } of changes) {
      const { rowCount } = await client.query(
        `SELECT 1 FROM ficus_migration.module_phase WHERE module = $1 AND freeze_epoch = $2 AND freeze_until > clock_timestamp() FOR UPDATE`,
        [o.plan.code, epoch],
      );
      if (rowCount !== 1) throw new Error(`the freeze lease of ${o.plan.code} ran out before the flip (gateways released the writes to the old phase)`);
    }
    const freezeMs = Date.now() - frozenAt;
    for (const { o, journal } of changes) {
      await recordTransition(client, {
        module: o.plan.code,
        step: o.to === 'service' ? 'cutover' : 'rollback',
        from: o.from,
        to: o.to,
        canaryPercent: o.canaryPercent,
        actor: o.actor,
        reason: o.reason,
        forced: o.forced,
        gates: o.gates,
      });
      await client.query(`INSERT INTO ficus_migration.cutover_step (cutover_id, step, detail) VALUES ($1, 'phase flipped', $2::jsonb)`, [journal.id, JSON.stringify({ to: o.to, freezeMs })]);
      await journal.finish('completed', `${o.plan.code} is ${o.to}`, freezeMs, client);
    }
    await client.query('COMMIT');
    return freezeMs;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
