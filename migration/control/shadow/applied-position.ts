import type pg from 'pg';
import { readCheckpoint } from '../../../cdc/apply/bookkeeping.ts';

interface Waiter {
  lsn: number;
  deadline: number;
  resolve(reached: boolean): void;
}

/**
 * Waits for a service copy to apply a legacy WAL position: one poll of the forward reader's
 * checkpoint serves every comparison waiting on that module, and it runs only while someone
 * waits (a comparison waits at most its bound, then is told the copy is behind).
 */
export class AppliedPosition {
  #waiters: Waiter[] = [];
  #polling = false;
  #applied = 0;

  constructor(private readonly o: { service: pg.Pool; slot: string; pollMs?: number }) {}

  /** True once the service copy applied `lsn`; false if it had not after `timeoutMs`. */
  reached(lsn: number, timeoutMs: number): Promise<boolean> {
    if (this.#applied >= lsn) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.#waiters.push({ lsn, deadline: performance.now() + timeoutMs, resolve });
      if (!this.#polling) void this.#poll();
    });
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    try {
      while (this.#waiters.length) {
        const client = await this.o.service.connect().catch(() => null);
        if (client) {
          try {
            const checkpoint = await readCheckpoint<{ lsn?: number }>(client, this.o.slot).catch(() => null);
            this.#applied = Math.max(this.#applied, checkpoint?.lsn ?? 0);
          } finally {
            client.release();
          }
        }
        const now = performance.now();
        this.#waiters = this.#waiters.filter((w) => {
          if (this.#applied >= w.lsn) w.resolve(true);
          else if (now >= w.deadline) w.resolve(false);
          else return true;
          return false;
        });
        if (this.#waiters.length) await new Promise((r) => setTimeout(r, this.o.pollMs ?? 10));
      }
    } finally {
      this.#polling = false;
    }
  }
}
