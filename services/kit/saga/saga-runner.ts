import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import { openSpan } from '../../../platform/tracing.ts';
import { currentTraceparent, runInWorkContext } from '../../../platform/work-context.ts';
import { backoffDelay, sleep } from '../../../platform/backoff.ts';
import { SagaRejected, sagaStepKey, type SagaBoundary, type SagaDefinition } from './saga.ts';

export type SagaOutcome = 'completed' | 'compensated';

export interface SagaRunnerOptions {
  service: string;
  db: Kysely<any>;
  /** For the session holding the per-saga advisory locks (released by PostgreSQL if the process dies). */
  pool: pg.Pool;
  sagas: SagaDefinition<any>[];
  logger: Logger;
  metrics: KitMetrics;
  /** Attempts of an action before the saga gives up and compensates. Compensations retry until they succeed. */
  maxActionAttempts?: number;
  /** Test seam: called at each boundary (crash tests kill the process here). */
  onBoundary?: (point: { saga: string; id: number; step: string; at: SagaBoundary }) => void | Promise<void>;
}

const SAGA_LOCK_CLASS = 0x73616761; // "saga"

interface Instance {
  id: number;
  saga: string;
  key: string;
  status: 'running' | 'compensating' | 'completed' | 'compensated' | 'failed';
  step: number;
  input: unknown;
  outputs: Record<string, unknown>;
  traceparent: string | null;
}

/**
 * Runs sagas with their state in the service database (saga_instances): each step's result is
 * recorded before the next starts, so after a crash `resumeAll()` continues every unfinished
 * saga from its last recorded step, re-running at most the step in flight (with the same key).
 * A saga runs in one process at a time: it holds an advisory lock on the runner's session.
 */
export class SagaRunner {
  private readonly sagas: Map<string, SagaDefinition<any>>;
  private lockClient: Promise<pg.PoolClient> | undefined;
  /** The lock session's last query, settled or not (see lockQuery). */
  private lockQueue: Promise<unknown> = Promise.resolve();
  private readonly stopping = new AbortController();
  private readonly active = new Set<Promise<unknown>>();

  constructor(private readonly options: SagaRunnerOptions) {
    this.sagas = new Map(options.sagas.map((s) => [s.name, s]));
  }

  /** Records a new saga (or finds the one with this key); pass the request's transaction to start it atomically with it. */
  async start<Input>(saga: SagaDefinition<Input>, key: string, input: Input, tx: Kysely<any> = this.options.db): Promise<number> {
    if (!this.sagas.has(saga.name)) throw new Error(`saga ${saga.name} is not registered with this runner`);
    const { rows } = await sql<{ id: number }>`
      INSERT INTO saga_instances (saga, key, status, step, input, traceparent)
      VALUES (${saga.name}, ${key}, 'running', 0, ${JSON.stringify(input)}::jsonb, ${currentTraceparent() ?? null})
      ON CONFLICT (saga, key) DO UPDATE SET updated_at = saga_instances.updated_at
      RETURNING id`.execute(tx);
    const id = rows[0]!.id;
    await this.boundary(saga.name, id, '', 'created');
    return id;
  }

  /**
   * Starts saga `name` inside the caller's transaction `tx` and runs its steps up to and including
   * `through` there, each through its `inTransaction` (with the key `run` would give it): the
   * saga's row records them as done, in `tx`, so the steps' effects, the row and whatever else the
   * caller writes (a REST request's idempotency record) commit together. Once `tx` committed,
   * `run(id)` continues with the next step, compensating these if a later one fails; a crash in
   * between is `resumeAll`'s. A step that fails here throws (a SagaRejected names its step): the
   * caller's transaction rolls back with everything the steps did, nothing is left to compensate.
   * The same key twice finds the saga and its recorded outputs instead of running the steps again.
   */
  async startInTransaction<Input>(name: string, key: string, input: Input, tx: Kysely<any>, options: { through: string }): Promise<{ id: number; outputs: Record<string, unknown> }> {
    const saga = this.sagas.get(name) as SagaDefinition<Input> | undefined;
    if (!saga) throw new Error(`saga ${name} is not registered with this runner`);
    const last = saga.steps.findIndex((s) => s.name === options.through);
    if (last < 0) throw new Error(`saga ${name} has no step ${options.through}`);
    const inline = saga.steps.slice(0, last + 1);
    const missing = inline.find((s) => !s.inTransaction);
    if (missing) throw new Error(`saga ${name}: step ${missing.name} cannot run in the caller's transaction (no inTransaction)`);
    const { rows } = await sql<{ id: number; step: number; outputs: Record<string, unknown>; fresh: boolean }>`
      INSERT INTO saga_instances (saga, key, status, step, input, traceparent)
      VALUES (${name}, ${key}, 'running', 0, ${JSON.stringify(input)}::jsonb, ${currentTraceparent() ?? null})
      ON CONFLICT (saga, key) DO UPDATE SET updated_at = saga_instances.updated_at
      RETURNING id, step, outputs, (xmax = 0) AS fresh`.execute(tx);
    const row = rows[0]!;
    if (!row.fresh) return { id: row.id, outputs: row.outputs };
    await this.boundary(name, row.id, '', 'created');
    const outputs: Record<string, unknown> = {};
    for (const step of inline) {
      await this.boundary(name, row.id, step.name, 'before-action');
      try {
        outputs[step.name] = (await step.inTransaction!(input, outputs, sagaStepKey(name, key, step.name, 'action'), tx)) ?? null;
      } catch (error) {
        if (error instanceof SagaRejected) error.step ??= step.name;
        throw error;
      }
      await this.boundary(name, row.id, step.name, 'after-action');
    }
    await sql`UPDATE saga_instances SET step = ${inline.length}, outputs = ${JSON.stringify(outputs)}::jsonb, updated_at = now() WHERE id = ${row.id}`.execute(tx);
    for (const step of inline) {
      await sql`INSERT INTO saga_step_log (saga_id, step, phase, outcome, detail) VALUES (${row.id}, ${step.name}, 'action', 'done', 'in the starting transaction')`.execute(tx);
    }
    return { id: row.id, outputs };
  }

  /** Drives the saga to its end; resolves with its outcome, or undefined if another process runs it. */
  async run(id: number): Promise<SagaOutcome | undefined> {
    const work = this.runLocked(id);
    this.active.add(work);
    try {
      return await work;
    } finally {
      this.active.delete(work);
    }
  }

  async startAndRun<Input>(saga: SagaDefinition<Input>, key: string, input: Input): Promise<SagaOutcome | undefined> {
    return this.run(await this.start(saga, key, input));
  }

  /** After a start or crash: continues every unfinished saga, `concurrency` at a time. */
  async resumeAll(concurrency = 8): Promise<number> {
    const { rows } = await sql<{ id: number }>`SELECT id FROM saga_instances WHERE status IN ('running', 'compensating') ORDER BY id`.execute(this.options.db);
    const queue = rows.map((r) => r.id);
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined && !this.stopping.signal.aborted; id = queue.shift()) await this.run(id);
    }));
    return rows.length;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.active]);
    const client = this.lockClient;
    this.lockClient = undefined;
    (await client?.catch(() => undefined))?.release();
  }

  /** One session for all of this runner's saga locks; concurrent first calls share the same connect. */
  private session(): Promise<pg.PoolClient> {
    this.lockClient ??= this.options.pool.connect();
    return this.lockClient;
  }

  /**
   * A query on the lock session, after the ones already asked: concurrent runs share that one
   * client, and a client runs one query at a time (pg 8 queued a second one itself, with a
   * DeprecationWarning; pg 9 refuses it). Lock and unlock statements are short: the wait is too.
   */
  private lockQuery<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
    const result = this.lockQueue.then(async () => (await this.session()).query<Row>(text, values));
    this.lockQueue = result.catch(() => undefined);
    return result;
  }

  private async runLocked(id: number): Promise<SagaOutcome | undefined> {
    const { rows } = await this.lockQuery<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [SAGA_LOCK_CLASS, id]);
    if (!rows[0]?.ok) return undefined;
    try {
      const instance = await this.load(id);
      const span = openSpan(`saga ${instance.saga}`, { role: 'internal', scope: 'ficus.saga', parent: instance.traceparent, attributes: { 'ficus.saga.id': id, 'ficus.saga.step': instance.step } });
      const { trace } = span;
      const log = this.options.logger.child({ saga: instance.saga, sagaId: id, traceId: trace.traceId });
      try {
        const outcome = await runInWorkContext({ trace, log }, () => this.drive(instance, log));
        span.setAttributes({ 'ficus.saga.outcome': outcome ?? 'pending' });
        span.end();
        return outcome;
      } catch (error) {
        span.end(error);
        throw error;
      }
    } finally {
      await this.lockQuery('SELECT pg_advisory_unlock($1, $2)', [SAGA_LOCK_CLASS, id]);
    }
  }

  private async drive(instance: Instance, log: Logger): Promise<SagaOutcome | undefined> {
    const saga = this.sagas.get(instance.saga);
    if (!saga) throw new Error(`saga ${instance.saga} (id ${instance.id}) is not registered with this runner`);
    const { steps } = saga;
    let { status, step } = instance;
    const outputs = { ...instance.outputs };
    const keyOf = (name: string, phase: 'action' | 'compensation') => sagaStepKey(saga.name, instance.key, name, phase);

    while (!this.stopping.signal.aborted) {
      if (status === 'completed' || status === 'compensated') return status;
      if (status === 'failed') return undefined;
      if (status === 'running') {
        if (step >= steps.length) {
          await this.record(instance.id, { status: 'completed', step }, null);
          this.options.metrics.sagas.inc({ service: this.options.service, saga: saga.name, outcome: 'completed' });
          log.info('saga completed');
          return 'completed';
        }
        const current = steps[step]!;
        await this.boundary(saga.name, instance.id, current.name, 'before-action');
        const outcome = await this.attemptAction(() => current.action(instance.input, outputs, keyOf(current.name, 'action')), log, current.name);
        if (outcome.ok) {
          await this.boundary(saga.name, instance.id, current.name, 'after-action');
          outputs[current.name] = outcome.output ?? null;
          step += 1;
          await this.record(instance.id, { status, step, outputs }, { step: current.name, phase: 'action', outcome: 'done' });
          await this.boundary(saga.name, instance.id, current.name, 'after-record');
        } else {
          // Rejected: this step did nothing, undo the earlier ones. Gave up: it may have acted, undo it too.
          status = 'compensating';
          step = outcome.rejected ? step - 1 : step;
          await this.record(instance.id, { status, step, failure: outcome.reason }, { step: current.name, phase: 'action', outcome: outcome.rejected ? 'rejected' : 'error', detail: outcome.reason });
          log.warn({ step: current.name, reason: outcome.reason }, 'saga step failed; compensating');
        }
        continue;
      }
      // compensating
      if (step < 0) {
        await this.record(instance.id, { status: 'compensated', step }, null);
        this.options.metrics.sagas.inc({ service: this.options.service, saga: saga.name, outcome: 'compensated' });
        log.info('saga compensated');
        return 'compensated';
      }
      const current = steps[step]!;
      if (current.compensate) {
        await this.boundary(saga.name, instance.id, current.name, 'before-compensation');
        for (let attempt = 1; ; attempt++) {
          try {
            await current.compensate(instance.input, outputs, keyOf(current.name, 'compensation'));
            break;
          } catch (error) {
            if (this.stopping.signal.aborted) return undefined;
            log.warn({ err: error, step: current.name, attempt }, 'compensation failed; retrying');
            await sleep(backoffDelay(attempt - 1, { baseMs: 100, maxMs: 30_000 }), this.stopping.signal);
          }
        }
        await this.boundary(saga.name, instance.id, current.name, 'after-compensation');
      }
      step -= 1;
      await this.record(instance.id, { status, step }, current.compensate ? { step: current.name, phase: 'compensation', outcome: 'done' } : null);
      if (current.compensate) await this.boundary(saga.name, instance.id, current.name, 'after-compensation-record');
    }
    return undefined;
  }

  private async attemptAction(action: () => Promise<unknown>, log: Logger, name: string): Promise<{ ok: true; output: unknown } | { ok: false; rejected: boolean; reason: string }> {
    const maxAttempts = this.options.maxActionAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, output: await action() };
      } catch (error) {
        if (error instanceof SagaRejected) return { ok: false, rejected: true, reason: error.message };
        if (attempt >= maxAttempts || this.stopping.signal.aborted) return { ok: false, rejected: false, reason: `gave up after ${attempt} attempts: ${(error as Error).message}` };
        log.warn({ err: error, step: name, attempt }, 'saga step failed; retrying');
        await sleep(backoffDelay(attempt - 1, { baseMs: 50, maxMs: 2_000 }), this.stopping.signal);
      }
    }
  }

  private async record(
    id: number,
    change: { status: Instance['status']; step: number; outputs?: Record<string, unknown>; failure?: string },
    entry: { step: string; phase: 'action' | 'compensation'; outcome: 'done' | 'rejected' | 'error'; detail?: string } | null,
  ): Promise<void> {
    await this.options.db.transaction().execute(async (tx) => {
      await sql`UPDATE saga_instances SET status = ${change.status}, step = ${change.step},
        outputs = COALESCE(${change.outputs ? JSON.stringify(change.outputs) : null}::jsonb, outputs),
        failure = COALESCE(${change.failure ?? null}, failure), updated_at = now() WHERE id = ${id}`.execute(tx);
      if (entry) {
        await sql`INSERT INTO saga_step_log (saga_id, step, phase, outcome, detail) VALUES (${id}, ${entry.step}, ${entry.phase}, ${entry.outcome}, ${entry.detail ?? null})`.execute(tx);
      }
    });
  }

  private async load(id: number): Promise<Instance> {
    const { rows } = await sql<Instance>`SELECT id, saga, key, status, step, input, outputs, traceparent FROM saga_instances WHERE id = ${id}`.execute(this.options.db);
    if (!rows[0]) throw new Error(`no saga ${id}`);
    return rows[0];
  }

  private async boundary(saga: string, id: number, step: string, at: SagaBoundary): Promise<void> {
    await this.options.onBoundary?.({ saga, id, step, at });
  }
}

