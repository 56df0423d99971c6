import type pg from 'pg';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ShadowDifference } from './noise-aware-diff.ts';

/**
 * What one shadow comparison found. `match`: the service gave the client's answer. `timing`:
 * it differed, but only where legacy itself changed between the answers around the service's
 * (or the service copy was still behind). The rest are unexplained: `value` (a field differs),
 * `missing` / `extra` (a row legacy has and the service not, or the reverse), `error` (the
 * service failed where legacy answered).
 */
export const SHADOW_CLASSES = ['match', 'timing', 'value', 'missing', 'extra', 'error'] as const;
export type ShadowClass = (typeof SHADOW_CLASSES)[number];
export const UNEXPLAINED_CLASSES: readonly ShadowClass[] = ['value', 'missing', 'extra', 'error'];

/** One comparison's evidence, kept as a sample per class: who asked, and where the answers differ. */
export interface ShadowSample {
  uid: number;
  differences: ShadowDifference[];
  /** Why time explains it, for `timing`: "legacy changed in between", "service copy behind". */
  note?: string;
}

/** Reads shadow did not compare: the comparer was full (`skipped`), or the service copy was too far behind (`behind`). */
export type NotCompared = 'skipped' | 'behind';

interface Pending {
  counts: Record<ShadowClass, number>;
  notCompared: Record<NotCompared, number>;
  fields: Map<string, number>;
  samples: Partial<Record<ShadowClass, ShadowSample & { at: string }>>;
}

const noCounts = (): Record<ShadowClass, number> => ({ match: 0, timing: 0, value: 0, missing: 0, extra: 0, error: 0 });
const noPending = (): Pending => ({ counts: noCounts(), notCompared: { skipped: 0, behind: 0 }, fields: new Map(), samples: {} });

/**
 * Shadow comparison counts per module, model.method and class: Prometheus counters
 * (ficus_shadow_calls_total{module,call,outcome}, ficus_shadow_field_differences_total{module,call,field})
 * and, flushed every `flushMs`, rows in the control database that `ficus migrate status` and the
 * match-rate gate read (they may run in another process). One sample per class and flush: enough
 * to see what differs.
 */
export class ShadowStats {
  readonly #calls: Counter;
  readonly #fieldDifferences: Counter;
  readonly #positionWait: Histogram;
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** Call names proven real (the monolith answered them), the only ones used as metric labels. */
  readonly #knownCalls = new Set<string>();
  readonly #knownFields = new Set<string>();

  constructor(private readonly options: { control: pg.Pool; metrics: Registry; logger: Logger; flushMs?: number }) {
    const m = options.metrics;
    this.#calls =
      (m.getSingleMetric('ficus_shadow_calls_total') as Counter | undefined) ??
      new Counter({ name: 'ficus_shadow_calls_total', help: 'Shadow comparisons of legacy and service answers, by class (match, timing, value, missing, extra, error), and reads not compared (skipped, behind)', labelNames: ['module', 'call', 'outcome'], registers: [m] });
    this.#fieldDifferences =
      (m.getSingleMetric('ficus_shadow_field_differences_total') as Counter | undefined) ??
      new Counter({ name: 'ficus_shadow_field_differences_total', help: 'Shadow comparisons with an unexplained difference in this field', labelNames: ['module', 'call', 'field'], registers: [m] });
    this.#positionWait =
      (m.getSingleMetric('ficus_shadow_position_wait_seconds') as Histogram | undefined) ??
      new Histogram({ name: 'ficus_shadow_position_wait_seconds', help: 'How long a shadow comparison waited for the service copy to apply the legacy WAL position', labelNames: ['module', 'reached'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [m] });
    const tick = () => {
      void this.flush().finally(() => (this.#timer = setTimeout(tick, options.flushMs ?? 250)));
    };
    this.#timer = setTimeout(tick, options.flushMs ?? 250);
  }

  /**
   * `model.method` is client input: a made-up method would be a new time series per name. A name
   * becomes a label once a comparison of it ran (only calls the monolith answered are compared);
   * skipped ones alone count as `other`. Field names come from legacy's answers, so they are real fields.
   */
  #label(known: Set<string>, name: string, proven: boolean): string {
    if (known.has(name)) return name;
    if (proven && known.size < 2000 && name.length <= 128) {
      known.add(name);
      return name;
    }
    return 'other';
  }

  /**
   * One comparison's class, or why there was none: `skipped` (the comparer was full) and
   * `behind` (the service copy did not reach the legacy position in time) are counted, in the
   * metric and apart in the control database, but are not comparisons.
   */
  record(module: string, call: string, outcome: ShadowClass | NotCompared, sample?: ShadowSample): void {
    const callLabel = this.#label(this.#knownCalls, call, outcome !== 'skipped');
    this.#calls.inc({ module, call: callLabel, outcome });
    if (outcome === 'skipped' || outcome === 'behind') {
      const key = `${module}\u0000${call}`;
      const entry = this.#pending.get(key) ?? noPending();
      entry.notCompared[outcome]++;
      this.#pending.set(key, entry);
      return;
    }
    const key = `${module}\u0000${call}`;
    const entry = this.#pending.get(key) ?? noPending();
    entry.counts[outcome]++;
    if (sample && !entry.samples[outcome]) entry.samples[outcome] = { at: new Date().toISOString(), ...sample };
    if (outcome === 'value') {
      for (const field of new Set(sample?.differences.filter((d) => d.kind === 'value').map((d) => d.field ?? '(answer)'))) {
        entry.fields.set(field, (entry.fields.get(field) ?? 0) + 1);
        this.#fieldDifferences.inc({ module, call: callLabel, field: this.#label(this.#knownFields, field, true) });
      }
    }
    this.#pending.set(key, entry);
    if (UNEXPLAINED_CLASSES.includes(outcome)) this.options.logger.warn({ module, call, outcome, differences: sample?.differences }, 'shadow answers differ');
  }

  /** Time a comparison waited for the service copy to reach the legacy position. */
  observePositionWait(module: string, seconds: number, reached: boolean): void {
    this.#positionWait.observe({ module, reached: String(reached) }, seconds);
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
        const classes = [...SHADOW_CLASSES.filter((c) => e.counts[c] > 0), ...(['skipped', 'behind'] as const).filter((c) => e.notCompared[c] > 0)];
        const count = (c: ShadowClass | NotCompared) => (c === 'skipped' || c === 'behind' ? e.notCompared[c] : e.counts[c]);
        const sample = (c: ShadowClass | NotCompared) => (c === 'skipped' || c === 'behind' ? undefined : e.samples[c]);
        if (classes.length) await this.options.control.query(
          `INSERT INTO ficus_migration.shadow_outcome (module, call, outcome, count, last_sample, last_sample_at)
           SELECT $1, $2, c.outcome, c.count, c.sample, CASE WHEN c.sample IS NULL THEN NULL ELSE now() END
             FROM unnest($3::text[], $4::bigint[], $5::jsonb[]) AS c(outcome, count, sample)
           ON CONFLICT (module, call, outcome) DO UPDATE SET
             count = shadow_outcome.count + EXCLUDED.count,
             last_sample = COALESCE(EXCLUDED.last_sample, shadow_outcome.last_sample),
             last_sample_at = COALESCE(EXCLUDED.last_sample_at, shadow_outcome.last_sample_at)`,
          [module, call, classes, classes.map(count), classes.map((c) => (sample(c) ? JSON.stringify(sample(c)) : null))],
        );
        if (e.fields.size) {
          await this.options.control.query(
            `INSERT INTO ficus_migration.shadow_field (module, call, field, count)
             SELECT $1, $2, f.field, f.count FROM unnest($3::text[], $4::bigint[]) AS f(field, count)
             ON CONFLICT (module, call, field) DO UPDATE SET count = shadow_field.count + EXCLUDED.count`,
            [module, call, [...e.fields.keys()], [...e.fields.values()]],
          );
        }
      }
    } catch (error) {
      // Put the counts back: a lost flush must not lose samples.
      for (const [key, e] of batch) {
        const cur = this.#pending.get(key) ?? noPending();
        for (const c of SHADOW_CLASSES) cur.counts[c] += e.counts[c];
        cur.notCompared.skipped += e.notCompared.skipped;
        cur.notCompared.behind += e.notCompared.behind;
        for (const [f, n] of e.fields) cur.fields.set(f, (cur.fields.get(f) ?? 0) + n);
        cur.samples = { ...e.samples, ...cur.samples };
        this.#pending.set(key, cur);
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
  counts: Record<ShadowClass, number>;
  /** Reads not compared, and why (not part of `compared`). */
  notCompared: Record<NotCompared, number>;
  compared: number;
  /** value + missing + extra + error: what the match-rate gate counts against the service. */
  unexplained: number;
  /** Fields that differed (value class), most often first. */
  fields: { field: string; count: number }[];
  samples: Partial<Record<ShadowClass, ShadowSample & { at: string }>>;
  /** Summaries in the first comparer's terms: agreed (match + timing), unmatched (value, missing, extra), failed (error). */
  matched: number;
  unmatched: number;
  failed: number;
  /** The latest sample of an unexplained class, and when. */
  lastDiff: (ShadowSample & { outcome: ShadowClass }) | null;
  lastDiffAt: Date | null;
}

export async function readShadowStats(db: pg.Pool, module: string): Promise<ShadowStatRow[]> {
  const [{ rows: outcomes }, { rows: fields }] = await Promise.all([
    db.query<{ call: string; outcome: ShadowClass | NotCompared; count: string; last_sample: (ShadowSample & { at: string }) | null; last_sample_at: Date | null }>(
      'SELECT call, outcome, count, last_sample, last_sample_at FROM ficus_migration.shadow_outcome WHERE module = $1',
      [module],
    ),
    db.query<{ call: string; field: string; count: string }>('SELECT call, field, count FROM ficus_migration.shadow_field WHERE module = $1 ORDER BY count DESC, field', [module]),
  ]);
  const byCall = new Map<string, ShadowStatRow>();
  const row = (call: string) => {
    let r = byCall.get(call);
    if (!r) {
      r = { call, counts: noCounts(), notCompared: { skipped: 0, behind: 0 }, compared: 0, unexplained: 0, fields: [], samples: {}, matched: 0, unmatched: 0, failed: 0, lastDiff: null, lastDiffAt: null };
      byCall.set(call, r);
    }
    return r;
  };
  for (const o of outcomes) {
    if (o.outcome === 'skipped' || o.outcome === 'behind') {
      row(o.call).notCompared[o.outcome] += Number(o.count);
      continue;
    }
    if (!SHADOW_CLASSES.includes(o.outcome)) continue;
    const r = row(o.call);
    r.counts[o.outcome] += Number(o.count);
    if (o.last_sample) r.samples[o.outcome] = o.last_sample;
    if (UNEXPLAINED_CLASSES.includes(o.outcome) && o.last_sample && o.last_sample_at && (!r.lastDiffAt || o.last_sample_at > r.lastDiffAt)) {
      r.lastDiff = { ...o.last_sample, outcome: o.outcome };
      r.lastDiffAt = o.last_sample_at;
    }
  }
  for (const f of fields) row(f.call).fields.push({ field: f.field, count: Number(f.count) });
  for (const r of byCall.values()) {
    const c = r.counts;
    r.compared = SHADOW_CLASSES.reduce((n, k) => n + c[k], 0);
    r.unexplained = UNEXPLAINED_CLASSES.reduce((n, k) => n + c[k], 0);
    r.matched = c.match + c.timing;
    r.unmatched = c.value + c.missing + c.extra;
    r.failed = c.error;
  }
  return [...byCall.values()].sort((a, b) => a.call.localeCompare(b.call));
}

/** A module's totals over every call: compared, unexplained, and per class. */
export function shadowTotals(rows: readonly ShadowStatRow[]): { compared: number; unexplained: number; counts: Record<ShadowClass, number>; notCompared: Record<NotCompared, number> } {
  const counts = noCounts();
  const notCompared = { skipped: 0, behind: 0 };
  for (const r of rows) {
    for (const c of SHADOW_CLASSES) counts[c] += r.counts[c];
    notCompared.skipped += r.notCompared.skipped;
    notCompared.behind += r.notCompared.behind;
  }
  return { compared: rows.reduce((n, r) => n + r.compared, 0), unexplained: rows.reduce((n, r) => n + r.unexplained, 0), counts, notCompared };
}

/** Counts start over when shadow starts (a new comparison run). */
export async function resetShadowStats(db: pg.Pool | pg.ClientBase, module: string): Promise<void> {
  await db.query('DELETE FROM ficus_migration.shadow_outcome WHERE module = $1', [module]);
  await db.query('DELETE FROM ficus_migration.shadow_field WHERE module = $1', [module]);
}
