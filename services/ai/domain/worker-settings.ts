/** How the worker runs tasks. */
export interface WorkerPolicy {
  /** Attempts in all; the last failed one fails the task. */
  maxAttempts: number;
  /** The wait after the `attempt`-th failed attempt (1-based). */
  backoffMs(attempt: number): number;
  /** How long a claim holds without a heartbeat: a crashed worker's task is claimed again once it passes. */
  leaseMs: number;
  /** How often a working worker renews its lease (well inside leaseMs). */
  heartbeatMs: number;
  /** Tasks in flight at once (provider calls wait on the network, not the CPU). */
  concurrency: number;
}

/** 2 s, 4 s, 8 s … up to five minutes, with up to a fifth more at random so failed tasks do not retry in lockstep; four attempts; a 30 s lease renewed every 10 s. */
export const DEFAULT_WORKER_POLICY: WorkerPolicy = {
  maxAttempts: 4,
  backoffMs: (attempt) => Math.min(2000 * 2 ** (attempt - 1), 300_000) * (1 + Math.random() / 5),
  leaseMs: 30_000,
  heartbeatMs: 10_000,
  concurrency: 8,
};

/**
 * The task worker's policy from the environment, each setting optional:
 * AI_TASK_MAX_ATTEMPTS (4), AI_TASK_BACKOFF_MS (2000: the first retry's wait, doubling up to five
 * minutes, plus up to a fifth at random), AI_TASK_LEASE_MS (30000; the heartbeat renews it every
 * third of it), AI_TASK_CONCURRENCY (8).
 */
export function workerPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerPolicy {
  const setting = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`invalid setting ${name}: ${JSON.stringify(raw)} is not an integer >= ${min}`);
    return value;
  };
  const leaseMs = setting('AI_TASK_LEASE_MS', DEFAULT_WORKER_POLICY.leaseMs, 100);
  const backoffBase = env.AI_TASK_BACKOFF_MS ? setting('AI_TASK_BACKOFF_MS', 2000, 0) : null;
  return {
    maxAttempts: setting('AI_TASK_MAX_ATTEMPTS', DEFAULT_WORKER_POLICY.maxAttempts, 1),
    backoffMs: backoffBase === null ? DEFAULT_WORKER_POLICY.backoffMs : (attempt) => Math.min(backoffBase * 2 ** (attempt - 1), 300_000) * (1 + Math.random() / 5),
    leaseMs,
    heartbeatMs: Math.max(50, Math.floor(leaseMs / 3)),
    concurrency: setting('AI_TASK_CONCURRENCY', DEFAULT_WORKER_POLICY.concurrency, 1),
  };
}
