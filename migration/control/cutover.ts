import type pg from 'pg';
import { forwardSlot, reverseSlot, type ModulePlan } from './module-plan.ts';
import type { Phase } from './phases.ts';
import { beginFreeze, endFreeze, gatewaysNotAcked } from './store/freeze-store.ts';
import { CutoverJournal } from './store/cutover-journal.ts';
import { recordTransition, type GateOutcome } from './store/phase-store.ts';
import { dropOpenSwitches, fixSwitch, openSwitch } from './store/sync-store.ts';
import { emitDrainMarker, waitApplied } from './sync/drain.ts';
import { splitIdSpaces } from './sync/id-split.ts';
import { holdServiceWrites, type HeldServiceWrites } from './service-write-gate.ts';

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
 * freeze (gateways hold the module's writes and acknowledge once none is in flight) → the
 * ownership switches are opened (readers pause at them) → a WAL marker is written in legacy
 * inside the freeze and becomes the forward switch point → the forward sync is drained to it →
 * id spaces are split → a marker in the service database starts reverse sync → the phase flips
 * and the freeze lifts in one conditional UPDATE (only while the lease still runs). Any failure
 * before the flip aborts: switches dropped, freeze lifted, the module stays where it was, and
 * the held writes go to legacy as before.
 */
export async function runCutover(o: CutoverOptions): Promise<CutoverResult> {
  return runOwnershipChange(o, 'cutover');
}

/** The mirror image: service-owned → legacy-owned, back to the phase the cutover came from. */
export async function runServiceRollback(o: CutoverOptions): Promise<CutoverResult> {
  return runOwnershipChange(o, 'rollback');
}

async function runOwnershipChange(o: CutoverOptions, kind: 'cutover' | 'rollback'): Promise<CutoverResult> {
  const module = o.plan.code;
  const journal = await CutoverJournal.begin(o.control, module, kind, o.from, o.to);
  const steps: string[] = [];
  const step = async (name: string, detail: Record<string, unknown> = {}) => {
    steps.push(name);
    await journal.step(name, detail);
    if (o.stallAfter === name) await new Promise((r) => setTimeout(r, 120_000));
    await o.afterStep?.(name);
  };
  await step('started', { from: o.from, to: o.to });
  const { epoch } = await beginFreeze(o.control, module, o.leaseMs ?? 5000);
  const frozenAt = Date.now();
  let flipped = false;
  let serviceWrites: HeldServiceWrites | undefined;
  try {
    await step('writes frozen', { epoch });
    await waitForAcks(o, epoch);
    // The service's own REST writes reach its database without a gateway: held there (service-write-gate.ts).
    serviceWrites = await holdServiceWrites(o.service, module, journal.id, o.ackTimeoutMs ?? 2000);
    await step('writes quiesced');

    const toService = kind === 'cutover';
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

    const freezeMs = await flip(o, journal, epoch, frozenAt);
    flipped = true;
    await serviceWrites.release(toService ? 'service' : 'legacy');
    steps.push('phase flipped');
    return { cutoverId: journal.id, freezeMs, steps };
  } catch (error) {
    if (!flipped) {
      await serviceWrites?.release().catch(() => undefined);
      await dropOpenSwitches(o.control, journal.id).catch(() => undefined);
      await endFreeze(o.control, module, epoch).catch(() => undefined);
      await journal.finish('aborted', `aborted before the flip: ${(error as Error).message}; ${module} stays ${o.from}, held writes went on to it`, Date.now() - frozenAt).catch(() => undefined);
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
    await new Promise((r) => setTimeout(r, 2));
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

/** Phase, freeze release, transition and journal in one transaction, only while our lease runs. */
async function flip(o: CutoverOptions, journal: CutoverJournal, epoch: number, frozenAt: number): Promise<number> {
  const client = await o.control.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `SELECT 1 FROM ficus_migration.module_phase WHERE module = $1 AND freeze_epoch = $2 AND freeze_until > clock_timestamp() FOR UPDATE`,
      [o.plan.code, epoch],
    );
    if (rowCount !== 1) throw new Error('the freeze lease ran out before the flip (gateways released the writes to the old phase)');
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
    const freezeMs = Date.now() - frozenAt;
    await client.query(`INSERT INTO ficus_migration.cutover_step (cutover_id, step, detail) VALUES ($1, 'phase flipped', $2::jsonb)`, [journal.id, JSON.stringify({ to: o.to, freezeMs })]);
    await journal.finish('completed', `${o.plan.code} is ${o.to}`, freezeMs, client);
    await client.query('COMMIT');
    return freezeMs;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
