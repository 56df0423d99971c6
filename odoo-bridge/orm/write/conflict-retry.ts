/**
 * How long a call waits before it is tried again after a serialization failure or a deadlock.
 *
 * Odoo (odoo/service/model.py `retrying`) tries a call five times in all, waiting a random time
 * up to 2^n seconds before try n+1: 2, 4, 8, 16 s ceilings, up to 30 s of patience (15 s on
 * average). What matters is the patience and the spreading, not the first wait: a loser of a
 * two-party race (two coaches grabbing one order) is alone once the winner commits and need not
 * wait a second or more, while a crowd clashing on one row (members joining one group, each
 * recomputing its member count) needs its waits to spread wider and wider until they pass.
 *
 * So the rule is exponential backoff with full jitter (each wait uniform in [0, ceiling], the
 * ceiling doubling from a short base up to a cap), with more tries so the total patience stays
 * Odoo's: ceilings 64 ms, 128 ms, ... 2,048 ms, then 4,096 ms, thirteen waits in all whose
 * ceilings sum to 32.7 s (16 s on average). Full jitter rather than equal jitter: clashing calls
 * that woke together would clash again, and the earliest possible retry is what a lone loser wants.
 */
export const CONFLICT_RETRY = {
  /** Tries of the whole call in all, the first included. */
  maxTries: 14,
  /** Ceiling of the first retry's wait. */
  baseMs: 64,
  /** No wait's ceiling is longer. */
  capMs: 4_096,
} as const;

/** The wait before retry `retry` (0 for the first retry): uniform in [0, min(cap, base·2^retry)]. */
export function conflictRetryDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(CONFLICT_RETRY.capMs, CONFLICT_RETRY.baseMs * 2 ** Math.max(0, retry));
  return random() * ceiling;
}

/** The longest a call can wait in all across its retries: about Odoo's 30 s. */
export function conflictRetryPatienceMs(): number {
  let total = 0;
  for (let retry = 0; retry < CONFLICT_RETRY.maxTries - 1; retry += 1) total += conflictRetryDelayMs(retry, () => 1);
  return total;
}
