import { pyRepr } from '../../../odoo-bridge/orm/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { occurrences } from './post-likes.ts';
import { QaRefused } from './question-refusal.ts';

/** The same checks as a like (post-likes.ts): read ACL and rules of `self`, the write ACL; voting on another member's answer is the method's point. */
export interface AnswerVoteChecks {
  read(ids: readonly number[]): Promise<void>;
  mayWrite(): Promise<void>;
}

/**
 * The checks of `for answer in self: answer.votes += int(delta)` in Python's order: the read of
 * `votes` first (read ACL, MissingError, read rules), then `int(delta)` (its ValueError or
 * TypeError), then the write ACL; and the change of each answer: int(delta) per occurrence in
 * `self`. An empty recordset checks nothing, not even delta.
 */
export async function checkVotes(checks: AnswerVoteChecks, ids: readonly number[], delta: unknown): Promise<Map<number, number>> {
  const times = occurrences(ids);
  if (!times.size) return times;
  await checks.read([...times.keys()]);
  const step = pythonInt(delta);
  await checks.mayWrite();
  return new Map([...times].map(([id, n]) => [id, n * step]));
}

/** Adds each change atomically (`votes = votes + n`, one UPDATE per answer in id order): concurrent votes are never lost. Answers the new counts. */
export async function addVotes(run: SqlRunner, changes: ReadonlyMap<number, number>, uid: number): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const id of [...changes.keys()].sort((a, b) => a - b)) {
    const rows = await run.raw<{ id: number; votes: number }>(
      `UPDATE qa_answers SET votes = COALESCE(votes, 0) + $2, write_uid = $3, write_date = (now() at time zone 'UTC') WHERE id = $1 RETURNING id, votes`,
      [id, changes.get(id)!, uid],
    );
    for (const r of rows) counts.set(r.id, r.votes);
  }
  return counts;
}

/** Python's `int(value)` for a JSON value: ints, floats truncated, booleans, decimal strings (spaces, sign, underscores between digits); the ValueError/TypeError texts CPython raises otherwise. */
export function pythonInt(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) return Number(value.trim().replaceAll('_', ''));
  if (typeof value === 'string') throw new QaRefused('value', `invalid literal for int() with base 10: ${pyRepr(value)}`);
  throw new QaRefused('type', `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(value)}'`);
}

function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}
