import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { aiHome } from '../db/ai-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import { AiRefused } from './generation-refusal.ts';
import { guardedTaskStore, readTaskToRun, WORKER_UID, type TaskToRun } from './generation-records.ts';
import { failTasks, finishTasks, startTasks } from './generation-tasks.ts';
import { providerChoice, type ProviderChoice } from './provider-choice.ts';
import { openAiSettingsFromEnv } from './provider-config.ts';
import { DEFAULT_WORKER_POLICY, workerPolicyFromEnv, type WorkerPolicy } from './worker-settings.ts';
import { ProviderFailure, type GenerationAnswer } from './provider.ts';
import { claimRuns, closeLostAttempts, endAttempt, finishRun, holdRun, nextWakeAt, releaseRun, renewLease, retryRun, type ClaimedRun } from './task-runs.ts';

export { DEFAULT_WORKER_POLICY, type WorkerPolicy };

export interface WorkerPorts {
  /** svc_ai (the queue; M16's rows too after its cutover). */
  db: Kysely<any>;
  /** The monolith's database (M16's rows before its cutover), if one is configured. */
  legacyPool: pg.Pool | null;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  providers: ProviderChoice;
  policy: WorkerPolicy;
  /** Names the worker in ai_task_attempts (host:pid:random by default). */
  name?: string;
  /**
   * Called at each point a crash could split a run (tests kill the process there): `claimed`
   * (leased, nothing read), `started` (action_run committed), `answered` (the provider answered,
   * nothing written), `run-written` / `outcome-written` (action_run, or the outcome, written on
   * M16's home and svc_ai's run not yet committed: on the monolith's side that write has already
   * committed).
   */
  onBoundary?: (at: WorkerBoundary, taskId: number) => void;
}

export type WorkerBoundary = 'claimed' | 'run-written' | 'started' | 'answered' | 'outcome-written';

/** What one claimed run came to. */
export type RunOutcome = 'done' | 'retry' | 'failed' | 'superseded' | 'lost';

/** What a task's `error` says for a failure: the code, and the message when it adds something (never a key or an upstream body: ProviderFailure's are safe). */
function errorText(failure: ProviderFailure): string {
  return failure.message && failure.message !== failure.code ? `${failure.code}: ${failure.message}` : failure.code;
}

/**
 * Runs generation tasks off svc_ai's queue (domain/task-runs.ts): claims due runs, moves each
 * task queued → running on M16's home (action_run), asks its model's provider with no
 * transaction held and the lease renewed meanwhile, then writes the outcome under the lease:
 * action_done(result), a retry after backoff, or action_fail(error) after the last attempt or a
 * permanent failure. A run taken over after a crash finds its task running and resumes it; one
 * whose task is already done or failed (the crash came after the outcome's home write, or a
 * cancellation) is closed without running, so a result is written once.
 */
export class TaskWorker {
  readonly name: string;
  private readonly inflight = new Set<Promise<void>>();
  private looping: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private abandoning = false;
  private readonly aborts = new Set<AbortController>();

  constructor(private readonly ports: WorkerPorts) {
    this.name = ports.name ?? `${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Looks for due runs now (after a POST commits, at start, on the timer). */
  kick(): void {
    if (this.stopped) return;
    if (this.looping) {
      this.again = true;
      return;
    }
    this.looping = this.loop().finally(() => (this.looping = null));
  }

  /** Resolves when nothing is claimed or running (tests, a stop). */
  async idle(): Promise<void> {
    while (this.looping || this.inflight.size) {
      if (this.looping) await this.looping;
      await Promise.all([...this.inflight]);
    }
  }

  /**
   * Stops claiming; tasks in flight finish. With `abandon` (a service stopping: a slow provider
   * must not hold the shutdown) their provider calls are aborted and their runs given back, due
   * at once and the attempt not counted, for the next worker.
   */
  async stop(options: { abandon?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (options.abandon) {
      this.abandoning = true;
      for (const abort of this.aborts) abort.abort();
    }
    await this.idle();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        const free = this.ports.policy.concurrency - this.inflight.size;
        if (free <= 0) break;
        const claimed = await claimRuns(onKysely(this.ports.db), free, this.ports.policy.leaseMs, this.name);
        for (const run of claimed) this.track(run);
        if (claimed.length === free) this.again = true;
      } while (this.again && !this.stopped);
      await this.schedule();
    } catch (error) {
      this.ports.log.error({ err: error }, 'ai task worker: claiming failed; trying again in five seconds');
      this.wakeIn(5_000);
    }
  }

  private track(run: ClaimedRun): void {
    const work: Promise<void> = this.process(run)
      .then(() => undefined, (error: unknown) => {
        // The lease ends and the run is claimed again: nothing is lost, only delayed.
        this.ports.log.error({ err: error, taskId: run.taskId, attempt: run.attempts }, 'ai task worker: a run failed unexpectedly; its lease will expire');
      })
      .finally(() => {
        this.inflight.delete(work);
        this.kick();
      });
    this.inflight.add(work);
  }

  /** One claimed run, start to outcome, its lease renewed from the claim to the end (a slow start must not lose it). */
  async process(run: ClaimedRun): Promise<RunOutcome> {
    const abort = new AbortController();
    this.aborts.add(abort);
    const heartbeat = setInterval(() => {
      renewLease(onKysely(this.ports.db), run.taskId, run.leaseToken, this.ports.policy.leaseMs)
        .then((held) => { if (!held) abort.abort(); })
        .catch((error: unknown) => this.ports.log.warn({ err: error, taskId: run.taskId }, 'ai task worker: lease renewal failed'));
    }, this.ports.policy.heartbeatMs);
    heartbeat.unref();
    try {
      return await this.attempt(run, abort);
    } finally {
      clearInterval(heartbeat);
      this.aborts.delete(abort);
    }
  }

  private async attempt(run: ClaimedRun, abort: AbortController): Promise<RunOutcome> {
    this.ports.onBoundary?.('claimed', run.taskId);
    const started = await this.begin(run);
    if (typeof started === 'string') return started;
    this.ports.onBoundary?.('started', run.taskId);
    let answer: GenerationAnswer | undefined;
    let failure: ProviderFailure | undefined;
    try {
      const provider = this.ports.providers.forModel(started.model.provider);
      answer = await provider.generate({ taskType: started.taskType, prompt: started.prompt ?? '', model: started.model, signal: abort.signal });
    } catch (error) {
      failure = error instanceof ProviderFailure ? error : new ProviderFailure('provider_error', false, 'the provider failed unexpectedly');
      if (!(error instanceof ProviderFailure)) this.ports.log.warn({ err: error, taskId: run.taskId }, 'ai task worker: provider threw');
    }
    if (this.abandoning) {
      await this.underLease(run, 'outcome-written', async (queue) => void (await releaseRun(queue, run.taskId, run.leaseToken)));
      return 'lost';
    }
    this.ports.onBoundary?.('answered', run.taskId);
    return this.settle(run, answer, failure);
  }

  /**
   * Under the lease: closes a crashed predecessor's attempt, reads the task on M16's home and
   * moves it queued → running. A task already finished, missing, or out of attempts ends here.
   */
  private async begin(run: ClaimedRun): Promise<TaskToRun | RunOutcome> {
    return this.underLease(run, 'run-written', async (queue, rows) => {
      if (run.takenOver) await closeLostAttempts(queue, run.taskId, run.leaseToken);
      const task = await readTaskToRun(rows, run.taskId);
      if (!task) {
        await finishRun(queue, run.taskId, run.leaseToken, 'failed', { error: 'task_missing' });
        return 'failed';
      }
      if (task.state === 'done' || task.state === 'failed') {
        await finishRun(queue, run.taskId, run.leaseToken, 'superseded', {});
        return 'superseded';
      }
      if (run.attempts > run.maxAttempts) {
        // Taken over after its last attempt's worker died: the attempts are spent.
        const error = 'attempts_exhausted: the worker running the last attempt stopped';
        await failTasks(guardedTaskStore(rows, WORKER_UID), [task.id], error);
        await finishRun(queue, run.taskId, run.leaseToken, 'failed', { error });
        return 'failed';
      }
      if (task.state === 'queued') await startTasks(guardedTaskStore(rows, WORKER_UID), [task.id]);
      return { ...task, state: 'running' };
    });
  }

  /** Under the lease: the provider's answer as action_done, or the failure as a retry or action_fail. */
  private async settle(run: ClaimedRun, answer: GenerationAnswer | undefined, failure: ProviderFailure | undefined): Promise<RunOutcome> {
    return this.underLease(run, 'outcome-written', async (queue, rows) => {
      const store = guardedTaskStore(rows, WORKER_UID);
      try {
        if (answer) {
          await finishTasks(store, [run.taskId], answer.text);
          await finishRun(queue, run.taskId, run.leaseToken, 'done', { provider: answer.provider, method: answer.method, model: answer.model });
          return 'done';
        }
        const why = failure!;
        if (!why.permanent && run.attempts < run.maxAttempts) {
          await retryRun(queue, run.taskId, run.leaseToken, errorText(why), this.ports.policy.backoffMs(run.attempts));
          this.ports.log.warn({ taskId: run.taskId, attempt: run.attempts, code: why.code }, 'ai task failed; retried after backoff');
          return 'retry';
        }
        await failTasks(store, [run.taskId], errorText(why));
        await finishRun(queue, run.taskId, run.leaseToken, 'failed', { error: errorText(why) });
        this.ports.log.warn({ taskId: run.taskId, attempt: run.attempts, code: why.code }, 'ai task failed');
        return 'failed';
      } catch (error) {
        // Someone moved the task meanwhile (an Odoo client's action_fail): theirs stands.
        if (!(error instanceof AiRefused)) throw error;
        await finishRun(queue, run.taskId, run.leaseToken, 'superseded', {});
        return 'superseded';
      }
    });
  }

  /**
   * `work` holding the run's row (FOR UPDATE, only while still held under this lease) in a
   * transaction of svc_ai, on M16's home as it is now: the same transaction after cutover, a
   * transaction of the monolith committing just before it otherwise. A lost lease or a
   * cancellation ends the attempt here, writing nothing.
   */
  private async underLease<T>(run: ClaimedRun, written: WorkerBoundary, work: (queue: ReturnType<typeof onKysely>, rows: ReturnType<typeof onKysely>) => Promise<T>): Promise<T | 'lost'> {
    const { db, legacyPool } = this.ports;
    return db.transaction().execute(async (trx) => {
      const queue = onKysely(trx);
      if (!(await holdRun(queue, run.taskId, run.leaseToken))) {
        await endAttempt(queue, run.taskId, run.leaseToken, 'lost', 'lease lost or cancelled');
        return 'lost' as const;
      }
      const home = await aiHome.home(trx, legacyPool, { hold: true });
      const outcome = await aiHome.inHome(trx, legacyPool, home, (rows) => work(queue, onKysely(rows)));
      this.ports.onBoundary?.(written, run.taskId);
      return outcome;
    });
  }

  private async schedule(): Promise<void> {
    const at = await nextWakeAt(onKysely(this.ports.db));
    if (at) this.wakeIn(Math.max(0, at.getTime() - Date.now()));
  }

  private wakeIn(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.min(ms, 2 ** 31 - 1) + 10);
    this.timer.unref();
  }
}

const workers = new WeakMap<object, TaskWorker>();

/** The worker running on a svc_ai database, if its background work started (routes kick it after a POST commits). */
export function taskWorkerOf(db: Kysely<any>): TaskWorker | undefined {
  return workers.get(db);
}

/**
 * The task worker as the ai service's background work (ServiceDefinition.background): at start
 * it runs what a stop or crash left due (leases that ended included) and sets its timer; stopping
 * aborts the provider calls in flight and gives their runs back for the next start.
 */
export function taskWorker(ports: { db: Kysely<any>; legacyPool: pg.Pool | null; logger: Pick<Logger, 'info' | 'warn' | 'error'> }, options: { policy?: WorkerPolicy; providers?: ProviderChoice; name?: string } = {}): { stop(): Promise<void>; worker: TaskWorker } {
  const worker = new TaskWorker({
    db: ports.db, legacyPool: ports.legacyPool, log: ports.logger,
    providers: options.providers ?? providerChoice(openAiSettingsFromEnv()),
    policy: options.policy ?? workerPolicyFromEnv(),
    ...(options.name ? { name: options.name } : {}),
  });
  workers.set(ports.db, worker);
  worker.kick();
  return {
    worker,
    async stop() {
      await worker.stop({ abandon: true });
      if (workers.get(ports.db) === worker) workers.delete(ports.db);
    },
  };
}
