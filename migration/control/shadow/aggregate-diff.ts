/**
 * The rule for aggregates (read_group, web_read_group, search_count), where Diffy's rule on one
 * value does not hold: a count is not a field of one row but a sum over many, and it moves both
 * ways between the two legacy answers around the service's (one row leaves a group while another
 * arrives), so it may read 14, 12 and 14 again with nothing wrong. "The service matches neither
 * legacy answer" proves nothing there.
 *
 * What does bound it is how many rows changed: each row is in one group at a time, so between
 * two positions a group's count moves by at most the number of rows of the copy that changed in
 * between (`churn`), the counts of all groups together by at most twice that (a row leaves one
 * group and joins another), and a group can appear or vanish only with at most `churn` rows.
 * `churn` is measured by the comparer (shadow-comparer.ts: rows the service copy applied from the
 * service's position up to one past legacy's later answer); with nothing changed it is 0 and the
 * answers must agree exactly, so a planted count stays a `value` difference.
 *
 * Sums, averages and the like of a group cannot be bounded by a number of rows (the rows'
 * amounts are not known): they are explained only when some row changed in the window.
 */

type Plain = Record<string, unknown>;

export interface AggregateWindow {
  /** Rows of the service copy changed between the service's answer and legacy's later one. */
  churn: number;
  /** Sum of |service − later legacy| over the counts of the answer so far (at most 2 × churn). */
  moved: number;
}

export const AGGREGATE_METHODS: ReadonlySet<string> = new Set(['read_group', 'web_read_group', 'search_count']);

/** A count in an aggregate answer: read_group's `<field>_count` / `__count`, web_read_group's `length`, search_count's bare number. */
export function isCountKey(key: string | null): boolean {
  return key === null || key === '__count' || key === 'length' || key.endsWith('_count');
}

/** read_group's groups: records without ids, each saying which rows it holds (`__domain`). */
export function groupsOf(x: unknown): Plain[] | null {
  if (!Array.isArray(x) || x.length === 0) return null;
  return x.every((g) => typeof g === 'object' && g !== null && !Array.isArray(g) && '__domain' in g) ? (x as Plain[]) : null;
}

/**
 * A group's identity across answers: the rows it stands for (`__domain`, built from the group's
 * value: ids for a many2one, so a display name that differs is a value difference, not another
 * group). Groups are aligned by it, not by position: a group that appears shifts every later one.
 */
export function groupKey(group: Plain): string {
  return JSON.stringify(group.__domain);
}

/** The largest count a group holds (a group holding at most `churn` rows may come or go with them). */
export function groupSize(group: Plain): number {
  let size = 0;
  for (const [key, value] of Object.entries(group)) if (key !== 'length' && isCountKey(key) && typeof value === 'number') size = Math.max(size, value);
  return size;
}

/**
 * Whether a number of an aggregate answer lies where the rows that changed could have moved it
 * from the later legacy answer (`after`); counts add their distance to the window's total.
 */
export function explainedByChurn(after: unknown, service: unknown, key: string | null, window: AggregateWindow): boolean {
  if (typeof after !== 'number' || typeof service !== 'number') return false;
  if (!isCountKey(key)) return window.churn > 0;
  const distance = Math.abs(service - after);
  if (distance > window.churn) return false;
  // web_read_group's number of groups is bounded on its own: a row's move may end one group and start another.
  if (key === 'length') return true;
  return movedBy(window, distance);
}

/** Adds a count's distance to the window's total; false once the total is more than the changed rows can account for. */
export function movedBy(window: AggregateWindow, distance: number): boolean {
  if (window.moved + distance > 2 * window.churn) return false;
  window.moved += distance;
  return true;
}
