import type pg from 'pg';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { WriteAttempt } from '../../odoo-bridge/orm/write/write-attempt.ts';
import type { PhaseBook } from './phase-book.ts';
import { expireFreeze, recordFreezeAck } from './store/freeze-store.ts';
import type { ModulePhase } from './store/phase-store.ts';

/**
 * How long a freeze lets the module's writes in flight finish on their own before it cancels
 * the ones that have not started to commit (FICUS_FREEZE_GRACE_MS). Most writes take tens of
 * milliseconds; the ones still running after this are the slow ones (lock waits, retries after
 * a serialization failure, a saturated event loop), which would otherwise set the freeze's length.
 */
export const DEFAULT_FREEZE_GRACE_MS = 250;

/** A write in flight through this gateway; with an attempt, one the freeze may cancel. */
interface WriteSlot {
  attempt: WriteAttempt | undefined;
}

interface ModuleFreeze {
  epoch: number;
  released: Promise<void>;
  release: () => void;
  leaseTimer: NodeJS.Timeout;
  acked: boolean;
}

/**
 * The gateway's half of "writes are held, not refused": while the control database says a
 * module is frozen, write calls of its models wait here; once writes in flight have finished
 * the gateway acknowledges the freeze (the cutover waits for every live gateway's
 * acknowledgement before it takes its WAL position). When the freeze ends — the phase flipped
 * or the step aborted — held calls continue and are routed by the phase then in force. A
 * freeze whose lease runs out (the cutover's process died) is lifted by the gateway itself.
 *
 * The wait for writes in flight is bounded: after the grace, every one that has not started to
 * commit is cancelled (rolled back; odoo-bridge/orm/write/write-attempt.ts) and goes back through
 * this gate, held like a write that arrived during the freeze; only writes already committing
 * (and writes whose commit this process cannot stop: proxied to Odoo, or to a service elsewhere)
 * are waited for. The client gets one answer, from the owner after the flip, applied once.
 */
export class FreezeGate {
  readonly #frozen = new Map<string, ModuleFreeze>();
  readonly #inFlight = new Map<string, Set<WriteSlot>>();
  readonly #idle = new Map<string, (() => void)[]>();
  readonly #held: Histogram;
  readonly #cancelled: Counter;
  readonly #graceMs: number;

  constructor(private readonly options: { book: PhaseBook; control: pg.Pool; gatewayId: string; logger: Logger; metrics: Registry; graceMs?: number }) {
    const name = 'ficus_migration_write_hold_seconds';
    this.#held =
      (options.metrics.getSingleMetric(name) as Histogram | undefined) ??
      new Histogram({ name, help: 'How long write calls were held by a cutover or rollback freeze', labelNames: ['module'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5], registers: [options.metrics] });
    const cancelledName = 'ficus_migration_writes_cancelled_total';
    this.#cancelled =
      (options.metrics.getSingleMetric(cancelledName) as Counter | undefined) ??
      new Counter({ name: cancelledName, help: 'Writes in flight that a freeze cancelled after its grace (rolled back, then held and run again after the flip)', labelNames: ['module'], registers: [options.metrics] });
    this.#graceMs = options.graceMs ?? DEFAULT_FREEZE_GRACE_MS;
    options.book.onChange((phase) => this.#onPhase(phase));
  }

  /** Applies the phases already known (call once after the book started). */
  sync(phases: ModulePhase[]): void {
    for (const p of phases) this.#onPhase(p);
  }

  /**
   * Waits while the module is frozen; then the caller must `leave` once its write finished. A
   * write with an attempt may be cancelled while in flight; its wait here ends with WriteCancelled
   * when the attempt is cancelled meanwhile (it belongs to a write of another module).
   */
  async enterWrite(module: string, attempt?: WriteAttempt): Promise<() => void> {
    const started = Date.now();
    let waited = false;
    for (let freeze = this.#frozen.get(module); freeze; freeze = this.#frozen.get(module)) {
      waited = true;
      await (attempt ? attempt.race(freeze.released) : freeze.released);
    }
    if (waited) this.#held.observe({ module }, (Date.now() - started) / 1000);
    const slot: WriteSlot = { attempt };
    let slots = this.#inFlight.get(module);
    if (!slots) this.#inFlight.set(module, (slots = new Set()));
    slots.add(slot);
    return () => {
      if (!slots.delete(slot)) return;
      if (slots.size === 0) for (const wake of this.#idle.get(module)?.splice(0) ?? []) wake();
    };
  }

  isFrozen(module: string): boolean {
    return this.#frozen.has(module);
  }

  #onPhase(phase: ModulePhase): void {
    const current = this.#frozen.get(phase.module);
    if (phase.freeze && current?.epoch === phase.freeze.epoch) return;
    if (current) this.#lift(phase.module);
    if (!phase.freeze) return;
    if (phase.freeze.until.getTime() <= Date.now()) {
      void this.#expire(phase.module, phase.freeze.epoch);
      return;
    }
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const epoch = phase.freeze.epoch;
    const leaseTimer = setTimeout(() => void this.#expire(phase.module, epoch), phase.freeze.until.getTime() - Date.now() + 50);
    const freeze: ModuleFreeze = { epoch, released, release, leaseTimer, acked: false };
    this.#frozen.set(phase.module, freeze);
    void this.#acknowledgeWhenIdle(phase.module, freeze, Date.now());
  }

  async #acknowledgeWhenIdle(module: string, freeze: ModuleFreeze, seenAt: number): Promise<void> {
    const inFlight = this.#inFlight.get(module)?.size ?? 0;
    let cancelled = 0;
    let committing = 0;
    if (inFlight > 0) {
      const idle = new Promise<void>((resolve) => {
        const list = this.#idle.get(module) ?? [];
        list.push(resolve);
        this.#idle.set(module, list);
      });
      let graceTimer: NodeJS.Timeout | undefined;
      const graceOver = await Promise.race([
        idle.then(() => false),
        new Promise<boolean>((resolve) => (graceTimer = setTimeout(() => resolve(true), Math.max(0, seenAt + this.#graceMs - Date.now())))),
      ]);
      clearTimeout(graceTimer);
      if (graceOver && this.#frozen.get(module) === freeze) {
        for (const slot of this.#inFlight.get(module) ?? []) {
          if (slot.attempt?.cancel()) cancelled++;
          else committing++;
        }
        if (cancelled) this.#cancelled.inc({ module }, cancelled);
      }
      await idle;
    }
    if (this.#frozen.get(module) !== freeze) return;
    await recordFreezeAck(this.options.control, module, freeze.epoch, this.options.gatewayId).catch((error) =>
      this.options.logger.warn({ err: error, module }, 'could not acknowledge the freeze'),
    );
    freeze.acked = true;
    // The epoch is the control database's clock at the freeze: how late the signal arrived, and how long writes in flight kept the ack back.
    this.options.logger.info({ module, epoch: freeze.epoch, signalMs: seenAt - freeze.epoch, drainMs: Date.now() - seenAt, inFlight, cancelled, waitedForCommitting: committing }, 'freeze acknowledged');
  }

  async #expire(module: string, epoch: number): Promise<void> {
    try {
      const expired = await expireFreeze(this.options.control, module, epoch);
      if (expired) this.options.logger.warn({ module, epoch }, 'freeze lease ran out (the cutover stopped): writes released to the phase in force');
      const phase = await this.options.book.refresh(module);
      if (!phase.freeze || phase.freeze.epoch !== epoch) this.#lift(module);
    } catch (error) {
      this.options.logger.warn({ err: error, module }, 'could not expire the freeze; retrying');
      setTimeout(() => void this.#expire(module, epoch), 200);
    }
  }

  #lift(module: string): void {
    const freeze = this.#frozen.get(module);
    if (!freeze) return;
    clearTimeout(freeze.leaseTimer);
    this.#frozen.delete(module);
    freeze.release();
  }

  close(): void {
    for (const module of [...this.#frozen.keys()]) this.#lift(module);
  }
}
