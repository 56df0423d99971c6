import { AsyncLocalStorage } from 'node:async_hooks';
import { serverBusy } from '../errors.ts';
import type { AdmissionMetrics } from './admission-metrics.ts';

/** How many model calls of one database run at once, and how many may wait for a turn. */
export interface AdmissionLimits {
  /** Calls answered at the same time. */
  maxConcurrent: number;
  /** Calls waiting for a turn; one more is refused at once (503 / Odoo error), not piled onto the pool. */
  maxQueued: number;
}

/**
 * For the 20-connection legacy pool `ficus start` opens: 16 calls at once leave 4 connections
 * for what runs beside client calls on the same pool (shadow comparisons, logins and API-key
 * checks), so a burst of calls waits here, in order, instead of in the pool, where it would also
 * block those. 512 waiting is a few seconds of work at the rates the drills run; beyond that a
 * client is better told at once that the server is busy than left to time out.
 */
export const DEFAULT_ADMISSION: AdmissionLimits = { maxConcurrent: 16, maxQueued: 512 };

/** The admission slot the current call holds (AsyncLocalStorage follows it into everything it awaits). */
interface Holder {
  admission: CallAdmission;
  /** False while the slot is set aside (a write held by a cutover freeze). */
  holding: boolean;
  asides: number;
  reacquiring: Promise<void> | undefined;
  finished: boolean;
}

const holders = new AsyncLocalStorage<Holder>();

interface Waiter {
  admit: () => void;
  since: number;
  resuming: boolean;
}

/**
 * Bounded concurrency for the model calls of one served database. A call beyond
 * `maxConcurrent` waits in a FIFO queue; beyond `maxQueued` waiting it is refused with Odoo's
 * own shape for an overloaded server (werkzeug's ServiceUnavailable: 503 on JSON-2, an error
 * object on JSON-RPC, a fault on XML-RPC).
 *
 * Two kinds of waiting do not hold a slot:
 * - a call made inside an admitted call (a behaviour's `ModelCaller`, or anything else awaited
 *   by it) runs in its caller's slot: taking a second one could deadlock a saturated gateway,
 *   every slot held by a call waiting for a nested one that waits for a slot;
 * - a write held by a cutover freeze sets its slot aside while it waits (`withoutAdmissionSlot`)
 *   and takes it back, ahead of the queue, when the freeze lifts: held writes are not in flight,
 *   so a freeze cannot starve the reads and the other modules' calls.
 */
export class CallAdmission {
  #running = 0;
  readonly #queue: Waiter[] = [];

  constructor(
    readonly database: string,
    readonly limits: AdmissionLimits = DEFAULT_ADMISSION,
    private readonly metrics?: AdmissionMetrics,
  ) {
    if (!(limits.maxConcurrent >= 1) || !(limits.maxQueued >= 0)) throw new Error('admission: maxConcurrent must be at least 1 and maxQueued at least 0');
  }

  /** Calls holding a slot now, and calls waiting for one. */
  snapshot(): { running: number; queued: number } {
    return { running: this.#running, queued: this.#queue.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const outer = holders.getStore();
    if (outer && outer.admission === this && !outer.finished) return work();
    // A free slot is taken synchronously: awaiting an already settled acquisition costs a promise and a turn per call.
    if (!this.#tryAcquire()) await this.#acquire(false);
    const holder: Holder = { admission: this, holding: true, asides: 0, reacquiring: undefined, finished: false };
    try {
      return await holders.run(holder, work);
    } finally {
      // Work that outlives the call (a shadow comparison started by it) must not count as nested in a slot that is gone.
      holder.finished = true;
      if (holder.reacquiring) await holder.reacquiring;
      if (holder.holding) this.#release();
    }
  }

  /** Takes a slot: at once if one is free; else in the queue (at its head for `resuming` holders, never refused). */
  #acquire(resuming: boolean): Promise<void> {
    if (this.#tryAcquire()) return Promise.resolve();
    if (!resuming && this.#queue.filter((w) => !w.resuming).length >= this.limits.maxQueued) {
      this.metrics?.refused(this.database);
      return Promise.reject(serverBusy(this.database, this.#queue.length));
    }
    return new Promise<void>((admit) => {
      const waiter: Waiter = { admit, since: performance.now(), resuming };
      // Writes coming back from a freeze go ahead of new calls, in the order they came back.
      const at = resuming ? this.#queue.findIndex((w) => !w.resuming) : -1;
      if (at >= 0) this.#queue.splice(at, 0, waiter);
      else this.#queue.push(waiter);
      this.#changed();
    });
  }

  /** Takes a free slot when one is free and nobody waits for it. */
  #tryAcquire(): boolean {
    if (this.#running >= this.limits.maxConcurrent || this.#queue.length > 0) return false;
    this.#running++;
    this.#changed();
    return true;
  }

  /** A finished call's slot goes straight to the next waiter (no gap another call could jump into). */
  #release(): void {
    const next = this.#queue.shift();
    if (next) {
      this.metrics?.waited(this.database, (performance.now() - next.since) / 1000);
      next.admit();
    } else {
      this.#running--;
    }
    this.#changed();
  }

  #changed(): void {
    this.metrics?.levels(this.database, this.#running, this.#queue.length);
  }

  /** Used by `withoutAdmissionSlot`. */
  static setAside(holder: Holder): void {
    holder.asides++;
    if (holder.asides === 1 && holder.holding) {
      holder.holding = false;
      holder.admission.#release();
    }
  }

  static async takeBack(holder: Holder): Promise<void> {
    holder.asides--;
    if (holder.asides > 0 || holder.holding) return;
    holder.reacquiring ??= holder.admission.#acquire(true).then(() => {
      holder.holding = true;
      holder.reacquiring = undefined;
    });
    await holder.reacquiring;
  }
}

/**
 * Runs `wait` (a write waiting for a cutover freeze to lift) without the admission slot of the
 * call it belongs to, and takes the slot back afterwards. Outside an admitted call it just runs.
 */
export async function withoutAdmissionSlot<T>(wait: () => Promise<T>): Promise<T> {
  const holder = holders.getStore();
  if (!holder || holder.finished) return wait();
  CallAdmission.setAside(holder);
  try {
    return await wait();
  } finally {
    await CallAdmission.takeBack(holder);
  }
}
