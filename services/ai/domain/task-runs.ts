import type { SqlRunner } from '../db/sql-runner.ts';

/**
 * svc_ai's ai_task_runs (migration 0002): the queue of generation tasks to run. A worker claims
 * a run by taking a lease (a token and an end time) in one statement that skips rows another
 * worker is claiming (FOR UPDATE SKIP LOCKED); it renews the lease while it works (heartbeat). A
 * run whose lease ended is due again: its worker crashed or hung, and the next claim takes it
 * over under a new token, so the old worker's late writes are refused (they name the old token).
 */

export interface ClaimedRun {
  taskId: number;
  attempts: number;
  maxAttempts: number;
  leaseToken: string;
  /** The lease had ended: another worker had claimed this run and is gone. */
  takenOver: boolean;
}

/** Queues a task's run in the caller's transaction (the POST's), due now. */
export async function enqueueRun(run: SqlRunner, taskId: number, requesterId: number, maxAttempts: number): Promise<void> {
  await run.raw('INSERT INTO ai_task_runs (task_id, requester_id, max_attempts) VALUES ($1, $2, $3)', [taskId, requesterId, maxAttempts]);
}

/**
 * Claims up to `limit` runs that are due (pending and their next attempt reached) or whose lease
 * ended: each gets one more attempt, a fresh token and a lease `leaseMs` ahead, and an attempt row.
 */
export async function claimRuns(run: SqlRunner, limit: number, leaseMs: number, worker: string): Promise<ClaimedRun[]> {
  return run.raw<ClaimedRun>(
    `WITH due AS (
       SELECT task_id, state = 'claimed' AS taken_over FROM ai_task_runs
        WHERE (state = 'pending' AND next_attempt_at <= now()) OR (state = 'claimed' AND lease_until < now())
        ORDER BY coalesce(lease_until, next_attempt_at), task_id LIMIT $1 FOR UPDATE SKIP LOCKED
     ), claimed AS (
       UPDATE ai_task_runs r SET state = 'claimed', attempts = r.attempts + 1, lease_token = gen_random_uuid(),
              lease_until = now() + make_interval(secs => $2::float8 / 1000)
         FROM due WHERE r.task_id = due.task_id
       RETURNING r.task_id, r.attempts, r.max_attempts, r.lease_token, due.taken_over
     ), logged AS (
       INSERT INTO ai_task_attempts (task_id, attempt, lease_token, worker) SELECT task_id, attempts, lease_token, $3 FROM claimed
     )
     SELECT task_id AS "taskId", attempts, max_attempts AS "maxAttempts", lease_token::text AS "leaseToken", taken_over AS "takenOver" FROM claimed ORDER BY task_id`,
    [limit, leaseMs, worker],
  );
}

/** Extends the lease of a run still held under `token`; false when it is not (taken over, cancelled, finished). */
export async function renewLease(run: SqlRunner, taskId: number, token: string, leaseMs: number): Promise<boolean> {
  const rows = await run.raw<{ task_id: number }>(
    `UPDATE ai_task_runs SET lease_until = now() + make_interval(secs => $3::float8 / 1000)
      WHERE task_id = $1 AND lease_token = $2::uuid AND state = 'claimed' AND NOT cancelled RETURNING task_id`,
    [taskId, token, leaseMs],
  );
  return rows.length === 1;
}

/**
 * Locks the run for its outcome if still held under `token` (in the transaction that writes the
 * outcome): a worker whose lease was taken over, or whose task was cancelled, writes nothing.
 */
export async function holdRun(run: SqlRunner, taskId: number, token: string): Promise<boolean> {
  const rows = await run.raw<{ task_id: number }>(
    `SELECT task_id FROM ai_task_runs WHERE task_id = $1 AND lease_token = $2::uuid AND state = 'claimed' AND NOT cancelled FOR UPDATE`,
    [taskId, token],
  );
  return rows.length === 1;
}

export type AttemptOutcome = 'done' | 'retry' | 'failed' | 'lost' | 'superseded';

/** The run is over (the task done or failed): with what produced it, if anything. */
export async function finishRun(run: SqlRunner, taskId: number, token: string, outcome: AttemptOutcome, detail: { error?: string | null; provider?: string; method?: string; model?: string }): Promise<void> {
  await run.raw(
    `UPDATE ai_task_runs SET state = 'finished', finished_at = now(), lease_until = NULL, last_error = coalesce($2, last_error),
            provider = coalesce($3, provider), method = coalesce($4, method), provider_model = coalesce($5, provider_model)
      WHERE task_id = $1`,
    [taskId, detail.error?.slice(0, 200) ?? null, detail.provider ?? null, detail.method ?? null, detail.model?.slice(0, 200) ?? null],
  );
  await endAttempt(run, taskId, token, outcome, detail.error ?? null);
}

/** A failed attempt with attempts left: pending again after `retryInMs`, the lease given up. */
export async function retryRun(run: SqlRunner, taskId: number, token: string, error: string, retryInMs: number): Promise<void> {
  await run.raw(
    `UPDATE ai_task_runs SET state = 'pending', lease_token = NULL, lease_until = NULL, last_error = $2,
            next_attempt_at = now() + make_interval(secs => $3::float8 / 1000)
      WHERE task_id = $1`,
    [taskId, error.slice(0, 200), retryInMs],
  );
  await endAttempt(run, taskId, token, 'retry', error);
}

/**
 * Gives a claimed run back at once because its worker is stopping (a deploy, a SIGTERM): pending
 * and due now, so the next worker need not wait for the lease to end. The attempt ended through
 * no fault of the task, so its allowance grows by one (attempt numbers stay unique in the log).
 */
export async function releaseRun(run: SqlRunner, taskId: number, token: string): Promise<void> {
  await run.raw(
    `UPDATE ai_task_runs SET state = 'pending', lease_token = NULL, lease_until = NULL, next_attempt_at = now(), max_attempts = max_attempts + 1
      WHERE task_id = $1 AND lease_token = $2::uuid AND state = 'claimed'`,
    [taskId, token],
  );
  await endAttempt(run, taskId, token, 'lost', 'worker stopped');
}

/** Closes the attempt made under `token` (an attempt a crash left open is closed `lost` when its run is taken over). */
export async function endAttempt(run: SqlRunner, taskId: number, token: string, outcome: AttemptOutcome, error: string | null): Promise<void> {
  await run.raw(`UPDATE ai_task_attempts SET ended_at = now(), outcome = $3, error = $4 WHERE task_id = $1 AND lease_token = $2::uuid AND ended_at IS NULL`, [taskId, token, outcome, error?.slice(0, 200) ?? null]);
}

/** Closes, as lost, the open attempts of a run other than the current one (their worker crashed or hung). */
export async function closeLostAttempts(run: SqlRunner, taskId: number, currentToken: string): Promise<void> {
  await run.raw(`UPDATE ai_task_attempts SET ended_at = now(), outcome = 'lost' WHERE task_id = $1 AND lease_token <> $2::uuid AND ended_at IS NULL`, [taskId, currentToken]);
}

/**
 * Locks a task's run before its task is written (REST's cancellation): the worker holds the run
 * (holdRun) and then writes the task, so a writer of the task that took the run after it would
 * deadlock with it — across two databases before cutover, where PostgreSQL cannot see the cycle.
 */
export async function lockRun(run: SqlRunner, taskId: number): Promise<void> {
  await run.raw('SELECT task_id FROM ai_task_runs WHERE task_id = $1 FOR UPDATE', [taskId]);
}

/** Cancels a run (REST's cancellation): finished at once, so no worker claims it again and a running one's heartbeat and outcome are refused. */
export async function cancelRun(run: SqlRunner, taskId: number): Promise<void> {
  await run.raw(`UPDATE ai_task_runs SET cancelled = true, state = 'finished', finished_at = coalesce(finished_at, now()), last_error = 'cancelled', lease_until = NULL WHERE task_id = $1 AND state <> 'finished'`, [taskId]);
  await run.raw(`UPDATE ai_task_attempts SET ended_at = now(), outcome = 'failed', error = 'cancelled' WHERE task_id = $1 AND ended_at IS NULL`, [taskId]);
}

/** What the status URL adds to a task from its run: attempts and the honest provenance of its result. */
export interface RunStatus {
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  provider: string | null;
  method: string | null;
  providerModel: string | null;
}

export async function readRunStatus(run: SqlRunner, taskId: number): Promise<RunStatus | undefined> {
  const [row] = await run.raw<RunStatus>(
    `SELECT attempts, max_attempts AS "maxAttempts",
            CASE WHEN state = 'pending' THEN to_char(next_attempt_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END AS "nextAttemptAt",
            last_error AS "lastError", provider, method, provider_model AS "providerModel"
       FROM ai_task_runs WHERE task_id = $1`,
    [taskId],
  );
  return row;
}

/** When the next pending run is due or a lease ends (null: nothing waits), for the worker's timer. */
export async function nextWakeAt(run: SqlRunner): Promise<Date | null> {
  const [row] = await run.raw<{ at: Date | null }>(
    `SELECT least((SELECT min(next_attempt_at) FROM ai_task_runs WHERE state = 'pending'), (SELECT min(lease_until) FROM ai_task_runs WHERE state = 'claimed')) AS at`,
  );
  return row?.at ?? null;
}
