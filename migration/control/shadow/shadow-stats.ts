import type pg from 'pg';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { AnswerDifference } from './answer-diff.ts';

export type ShadowOutcome = 'matched' | 'unmatched' | 'failed' | 'skipped';

interface Pending {
  matched: number;
  unmatched: number;
  failed: number;
  diff: { at: string; uid: number; differences: AnswerDifference[] } | null;
}

/**
 * Shadow comparison counts per module and model.method: a Prometheus counter
 * (ficus_shadow_calls_total{module,call,outcome}) and, flushed every `flushMs`, rows in the
 * control database that `ficus migrate status` and the match-rate gate read (they may run in
 * another process). One diff sample per call kind and flush: enough to see what differs.
 */
export class ShadowStats {
  readonly #counter: Counter;
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** Call names proven real (the monolith answered them), the only ones used as metric labels. */
  readonly #knownCalls = new Set<string>();

  /**
   * `model.method` is client input: a made-up method would be a new time series per name. A name
   * becomes a label once the monolith answered it (matched or unmatched); the rest count as `other`.
   */
  #callLabel(call: string, outcome: ShadowOutcome): string {
    if (this.#knownCalls.has(call)) return call;
    if ((outcome === 'matched' || outcome === 'unmatched') && this.#knownCalls.size < 2000 && call.length <= 128) {
      this.#knownCalls.add(call);
      return call;
    }
    return 'other';
  }

  constructor(private readonly options: { control: pg.Pool; metrics: Registry; logger: Logger; flushMs?: number }) {
    const name = 'ficus_shadow_calls_total';
    this.#counter =
      (options.metrics.getSingleMetric(name) as Counter | undefined) ??
      new Counter({ name, help: 'Shadow comparisons of legacy and service answers', labelNames: ['module', 'call', 'outcome'], registers: [options.metrics] });
    const tick = () => {
      void this.flush().finally(() => (this.#timer = setTimeout(tick, options.flushMs ?? 250)));
    };
    this.#timer = setTimeout(tick, options.flushMs ?? 250);
  }

  record(module: string, call: string, outcome: ShadowOutcome, diff?: { uid: number; differences: AnswerDifference[] }): void {
    this.#counter.inc({ module, call: this.#callLabel(call, outcome), outcome });
    if (outcome === 'skipped') return;
    const key = `${module}\u0000${call}`;
    const entry = this.#pending.get(key) ?? { matched: 0, unmatched: 0, failed: 0, diff: null };
    entry[outcome]++;
    if (diff && !entry.diff) entry.diff = { at: new Date().toISOString(), ...diff };
    this.#pending.set(key, entry);
    if (outcome === 'unmatched') this.options.logger.warn({ module, call, differences: diff?.differences }, 'shadow answers differ');
  }

  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write()).catch((error) => this.options.logger.warn({ err: error }, 'shadow stats not stored; will retry'));
    return this.#flushing;
  }

  async #write(): Promise<void> {
    if (!this.#pending.size) return;
    const batch = [...this.#pending.entries()];
    this.#pending.clear();
    try {
      for (const [key, e] of batch) {
        const [module, call] = key.split('\u0000') as [string, string];
        await this.options.control.query(
          `INSERT INTO ficus_migration.shadow_stat (module, call, matched, unmatched, failed, last_diff, last_diff_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, CASE WHEN $6::jsonb IS NULL THEN NULL ELSE now() END)
           ON CONFLICT (module, call) DO UPDATE SET
             matched = shadow_stat.matched + EXCLUDED.matched, unmatched = shadow_stat.unmatched + EXCLUDED.unmatched,
             failed = shadow_stat.failed + EXCLUDED.failed,
             last_diff = COALESCE(EXCLUDED.last_diff, shadow_stat.last_diff),
             last_diff_at = COALESCE(EXCLUDED.last_diff_at, shadow_stat.last_diff_at)`,
          [module, call, e.matched, e.unmatched, e.failed, e.diff ? JSON.stringify(e.diff) : null],
        );
      }
    } catch (error) {
      // Put the counts back: a lost flush must not lose samples.
      for (const [key, e] of batch) {
        const cur = this.#pending.get(key) ?? { matched: 0, unmatched: 0, failed: 0, diff: null };
        this.#pending.set(key, { matched: cur.matched + e.matched, unmatched: cur.unmatched + e.unmatched, failed: cur.failed + e.failed, diff: cur.diff ?? e.diff });
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    await this.flush();
  }
}

export interface ShadowStatRow {
  call: string;
  matched: number;
  unmatched: number;
  failed: number;
  lastDiff: unknown;
  lastDiffAt: Date | null;
}

export async function readShadowStats(db: pg.Pool, module: string): Promise<ShadowStatRow[]> {
  const { rows } = await db.query(
    'SELECT call, matched, unmatched, failed, last_diff, last_diff_at FROM ficus_migration.shadow_stat WHERE module = $1 ORDER BY call',
    [module],
  );
  return rows.map((r) => ({ call: r.call, matched: Number(r.matched), unmatched: Number(r.unmatched), failed: Number(r.failed), lastDiff: r.last_diff, lastDiffAt: r.last_diff_at }));
}

/** Counts start over when shadow starts (a new comparison run). */
export async function resetShadowStats(db: pg.Pool | pg.ClientBase, module: string): Promise<void> {
  await db.query('DELETE FROM ficus_migration.shadow_stat WHERE module = $1', [module]);
}
