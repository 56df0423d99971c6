import type pg from 'pg';
import type { CallHandler, OdooCall } from '../../../odoo-bridge/call.ts';
import { emitDrainMarker, waitApplied } from '../sync/drain.ts';
import { diffAnswers } from './answer-diff.ts';
import type { ShadowStats } from './shadow-stats.ts';

export interface ShadowComparerOptions {
  stats: ShadowStats;
  legacyPool: pg.Pool;
  servicePoolFor: (module: string) => pg.Pool;
  forwardSlotFor: (module: string) => string;
  /** Comparisons running at once; beyond `maxQueued` waiting ones are skipped (counted). */
  concurrency?: number;
  maxQueued?: number;
}

interface Job {
  module: string;
  call: OdooCall;
  legacyAnswer: unknown;
  legacy: CallHandler;
  service: CallHandler;
}

/**
 * Shadow's second opinion, off the hot path: after the client has its legacy answer, the same
 * read is asked of the service and the answers are compared. The service copy trails legacy
 * by the sync's lag, so a difference is settled before it counts: the forward sync is drained
 * to a WAL marker, both sides are asked again, and only a difference that survives is
 * unmatched. A planted difference survives; a row written a millisecond ago does not.
 */
export class ShadowComparer {
  readonly #queue: Job[] = [];
  #running = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(private readonly options: ShadowComparerOptions) {}

  submit(job: Job): void {
    if (this.#queue.length >= (this.options.maxQueued ?? 1000)) {
      this.options.stats.record(job.module, `${job.call.model}.${job.call.method}`, 'skipped');
      return;
    }
    this.#queue.push(job);
    this.#pump();
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.#queue.length && !this.#running) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  #pump(): void {
    while (this.#running < (this.options.concurrency ?? 4) && this.#queue.length) {
      const job = this.#queue.shift()!;
      this.#running++;
      void this.#compare(job).finally(() => {
        this.#running--;
        if (!this.#queue.length && !this.#running) for (const w of this.#idleWaiters.splice(0)) w();
        this.#pump();
      });
    }
  }

  async #compare(job: Job): Promise<void> {
    const name = `${job.call.model}.${job.call.method}`;
    const { stats } = this.options;
    try {
      const first = await settle(job.service(job.call));
      if (first.ok && diffAnswers(job.legacyAnswer, first.value, 1).length === 0) return stats.record(job.module, name, 'matched');
      // Settle: legacy first, then the service once the forward sync has applied everything
      // committed before a marker written after that read. A "latest rows" read can still race
      // a concurrent write, so a difference counts only if it survives every attempt.
      let differences: ReturnType<typeof diffAnswers> = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const legacy = await settle(job.legacy(job.call));
        if (!legacy.ok) return stats.record(job.module, name, 'failed');
        const marker = await emitDrainMarker(this.options.legacyPool, 'shadow');
        await waitApplied(this.options.servicePoolFor(job.module), this.options.forwardSlotFor(job.module), marker, 2000);
        const service = await settle(job.service(job.call));
        if (!service.ok) {
          // The service refused what legacy answered: a behaviour difference, shown as failed.
          return stats.record(job.module, name, 'failed', { uid: job.call.uid, differences: [{ path: '(error)', legacy: 'answer', service: errorName(service.error) }] });
        }
        differences = diffAnswers(legacy.value, service.value);
        if (!differences.length) return stats.record(job.module, name, 'matched');
      }
      stats.record(job.module, name, 'unmatched', { uid: job.call.uid, differences });
    } catch {
      stats.record(job.module, name, 'failed');
    }
  }
}

async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

function errorName(error: unknown): string {
  const e = error as { name?: string; odooName?: string };
  return e?.odooName ?? e?.name ?? 'error';
}
