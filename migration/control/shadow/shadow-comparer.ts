import type pg from 'pg';
import type { CallHandler, OdooCall } from '../../../odoo-bridge/call.ts';
import { AppliedPosition } from './applied-position.ts';
import { LegacyPositions } from './legacy-position.ts';
import { WorkLimit } from './work-limit.ts';
import { sameAnswer, unexplainedDifferences, type ShadowDifference } from './noise-aware-diff.ts';
import { AGGREGATE_METHODS } from './aggregate-diff.ts';
import { rowsChangedSince } from './copy-churn.ts';
import type { ShadowClass, ShadowSample, ShadowStats } from './shadow-stats.ts';

export interface ShadowComparerOptions {
  stats: ShadowStats;
  /** For WAL markers, and a module's service database for its forward reader's checkpoint: small pools of their own. */
  legacyPool: pg.Pool;
  servicePoolFor: (module: string) => pg.Pool;
  forwardSlotFor: (module: string) => string;
  /** Reads of comparisons running at once (a comparison waiting for the service copy holds none). */
  concurrency?: number;
  /** Comparisons in progress at most; a read beyond is not compared (`skipped`, counted): under overload shadow compares a sample. */
  maxInProgress?: number;
  /**
   * Longest wait for the service copy to apply the legacy position of an answer (default 2 s).
   * A waiting comparison holds no connection; a copy further behind is not compared. The forward
   * sync trails by milliseconds on a healthy machine, by 0.5–1.2 s on a CI machine at load 12:
   * 500 ms left four comparisons in five uncompared there.
   */
  positionWaitMs?: number;
  /** Attempts before a difference counts: it must survive every one. */
  rounds?: number;
}

interface Job {
  module: string;
  call: OdooCall;
  legacyAnswer: unknown;
  legacy: CallHandler;
  service: CallHandler;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Verdict {
  outcome: ShadowClass;
  sample?: ShadowSample;
}

/**
 * Shadow's second opinion, off the hot path: after the client has its legacy answer, the same
 * read is asked of the service and the answers are compared. A difference counts only when
 * time does not explain it (as Diffy and GitHub's Scientist separate noise from differences):
 *
 * 1. The comparison is made at the same position: a marker in legacy's WAL written after the
 *    client's answer (legacy-position.ts), and the service asked once its copy applied it
 *    (≤ `positionWaitMs`, applied-position.ts; a copy further behind is not compared: `behind`).
 *    The same answer is a `match`.
 * 2. Otherwise legacy is asked again. The service's state lies between the two legacy answers;
 *    a difference where those two agree is the service's, one where legacy itself moved is
 *    `timing` (noise-aware-diff.ts).
 *    An aggregate (read_group, web_read_group, search_count) is judged by the rows that
 *    changed instead: a count moves both ways between the two legacy answers, so their
 *    agreeing proves nothing (and their disagreeing excuses no count however far off). The
 *    copy is followed to a marker past the later legacy answer, and a count within the number
 *    of rows it changed since the service's position is `timing` (aggregate-diff.ts).
 * 3. An unexplained difference is tried again (`rounds`) from the newest legacy answer: it
 *    counts only if it survives every round, so a race no rule foresaw cannot close the gate,
 *    and a planted wrong field, which survives them all, does.
 */
export class ShadowComparer {
  #inProgress = 0;
  #idleWaiters: (() => void)[] = [];
  readonly #reads: WorkLimit;
  readonly #positions: LegacyPositions;
  readonly #applied = new Map<string, AppliedPosition>();

  constructor(private readonly options: ShadowComparerOptions) {
    this.#positions = new LegacyPositions(options.legacyPool);
    this.#reads = new WorkLimit(options.concurrency ?? 4);
  }

  /** Called right after the client's answer: any legacy WAL marker written from now on covers it. */
  submit(job: Job): void {
    if (this.#inProgress >= (this.options.maxInProgress ?? 64)) {
      this.options.stats.record(job.module, `${job.call.model}.${job.call.method}`, 'skipped');
      return;
    }
    this.#inProgress++;
    void this.#compare(job, performance.now()).finally(() => {
      if (--this.#inProgress === 0) for (const w of this.#idleWaiters.splice(0)) w();
    });
  }

  /** Resolves when no comparison is in progress (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.#inProgress) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  #appliedFor(module: string): AppliedPosition {
    let applied = this.#applied.get(module);
    if (!applied) {
      applied = new AppliedPosition({ service: this.options.servicePoolFor(module), slot: this.options.forwardSlotFor(module) });
      this.#applied.set(module, applied);
    }
    return applied;
  }

  /**
   * Rows of the module's copy changed after position `lsn` (at or before the service's answer)
   * up to a marker written now, past legacy's later answer: how far an aggregate may have moved
   * in between. Null when the copy does not reach the marker within the position wait.
   */
  async #churnSince(module: string, lsn: number): Promise<number | null> {
    const marker = await this.#positions.after(performance.now());
    if (!(await this.#appliedFor(module).reached(marker, this.options.positionWaitMs ?? 2000))) return null;
    return rowsChangedSince(this.options.servicePoolFor(module), lsn);
  }

  async #compare(job: Job, answeredAt: number): Promise<void> {
    const name = `${job.call.model}.${job.call.method}`;
    const { stats } = this.options;
    try {
      let before: Settled = { ok: true, value: job.legacyAnswer };
      let since = answeredAt;
      let verdict: Verdict = { outcome: 'error' };
      const rounds = Math.max(1, this.options.rounds ?? 3);
      for (let round = 0; round < rounds; round++) {
        const lsn = await this.#positions.after(since);
        const waitStarted = performance.now();
        const reached = await this.#appliedFor(job.module).reached(lsn, this.options.positionWaitMs ?? 2000);
        stats.observePositionWait(job.module, (performance.now() - waitStarted) / 1000, reached);
        // A copy further behind than the bound cannot be compared at the same position: the
        // comparison proves nothing either way, and costs nothing more on a machine already behind.
        if (!reached) return stats.record(job.module, name, 'behind');
        // The service, then (unless it gave `before`) legacy again at once, in one turn of the
        // read limit: every moment between them widens the window time may explain.
        const answers = await this.#reads.run(async () => {
          const service = await settle(job.service(job.call));
          if (service.ok && before.ok && sameAnswer(before.value, service.value)) return { service, after: null };
          return { service, after: await settle(job.legacy(job.call)) };
        });
        if (!answers.after) {
          verdict = round === 0 ? { outcome: 'match' } : { outcome: 'timing', sample: { uid: job.call.uid, differences: [], note: 'the same answer one round later' } };
          break;
        }
        const { service, after } = answers;
        since = performance.now();
        // An aggregate the service answered otherwise than legacy's later answer is judged by the
        // rows changed in between, never by the legacy answers' agreeing or not: a count moves both ways.
        const churn = AGGREGATE_METHODS.has(job.call.method) && service.ok && after.ok && !sameAnswer(service.value, after.value) ? await this.#churnSince(job.module, lsn) : undefined;
        if (churn === null) return stats.record(job.module, name, 'behind');
        verdict = judge(before, service, after, job.call.uid, churn);
        if (verdict.outcome === 'match' || verdict.outcome === 'timing') break;
        if (after.ok) before = after;
      }
      stats.record(job.module, name, verdict.outcome, verdict.sample);
    } catch (error) {
      // The comparison itself failed (a legacy marker, a pool): unexplained, so the gate stays shut until it works.
      stats.record(job.module, name, 'error', { uid: job.call.uid, differences: [{ kind: 'value', path: '(comparison)', field: null, legacy: 'answer', service: errorName(error) }] });
    }
  }
}

/**
 * One round's verdict from the legacy answer before the service's state, the service's answer
 * (not the same as `before`: that is settled by the caller), and the legacy answer after it.
 */
function judge(before: Settled, service: Settled, after: Settled, uid: number, churn?: number): Verdict {
  if (!before.ok) return { outcome: 'error' }; // never: `before` is an answer legacy gave
  if (!service.ok) {
    // Legacy failing now as the service did: the record went away in between.
    if (!after.ok && errorName(after.error) === errorName(service.error)) return { outcome: 'timing', sample: { uid, differences: [], note: 'legacy failed the same way after the service' } };
    return { outcome: 'error', sample: { uid, differences: [{ kind: 'value', path: '(error)', field: null, legacy: 'answer', service: errorName(service.error) }] } };
  }
  const afterValue = after.ok ? after.value : before.value;
  const note = churn === undefined ? 'legacy changed in between' : `within the ${churn} rows changed in between`;
  const timing: Verdict = { outcome: 'timing', sample: { uid, differences: firstDifferences(before.value, service.value), note } };
  if (sameAnswer(afterValue, service.value)) return timing;
  const differences = unexplainedDifferences(before.value, service.value, afterValue, 10, churn);
  return differences.length ? { outcome: classOf(differences), sample: { uid, differences } } : timing;
}

/** What a timing sample shows: where the two answers differ, as if nothing had changed in between. */
function firstDifferences(legacy: unknown, service: unknown): ShadowDifference[] {
  return unexplainedDifferences(legacy, service, legacy, 3);
}

function classOf(differences: readonly ShadowDifference[]): ShadowClass {
  if (differences.some((d) => d.kind === 'value')) return 'value';
  if (differences.some((d) => d.kind === 'missing')) return 'missing';
  return 'extra';
}

async function settle(p: Promise<unknown>): Promise<Settled> {
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
