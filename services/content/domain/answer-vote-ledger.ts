import type { SqlRunner } from '../db/sql-runner.ts';

/**
 * REST's votes are one per member and answer, +1 or -1 (migration 0003, qa_answer_votes in
 * svc_content only; Odoo's action_vote adds any delta on every call and keeps no ledger, so RPC
 * votes are not in it). Records the member's vote and answers how much the answer's votes change:
 * the new vote (first vote), nothing (the same vote again), or twice the new vote (a member
 * turning an up-vote into a down-vote). A first vote inserts (a concurrent first vote of the same member waits
 * for it and then finds it); a later one locks the member's row, so two votes of one member take turns.
 */
export async function recordMemberVote(ledger: SqlRunner, answerId: number, userId: number, vote: 1 | -1): Promise<number> {
  const inserted = await ledger.raw<{ answer_id: number }>(
    `INSERT INTO qa_answer_votes (answer_id, user_id, vote, voted_at) VALUES ($1, $2, $3, now() at time zone 'UTC')
     ON CONFLICT (answer_id, user_id) DO NOTHING RETURNING answer_id`,
    [answerId, userId, vote],
  );
  if (inserted.length) return vote;
  const [before] = await ledger.raw<{ vote: number }>('SELECT vote FROM qa_answer_votes WHERE answer_id = $1 AND user_id = $2 FOR UPDATE', [answerId, userId]);
  if (!before || before.vote === vote) return 0;
  await ledger.raw(`UPDATE qa_answer_votes SET vote = $3, voted_at = now() at time zone 'UTC' WHERE answer_id = $1 AND user_id = $2`, [answerId, userId, vote]);
  return vote - before.vote;
}

/** The member's REST votes on `answerIds` (answers without one are absent). */
export async function votesOfMember(ledger: SqlRunner, answerIds: readonly number[], userId: number): Promise<Map<number, number>> {
  if (!answerIds.length) return new Map();
  const rows = await ledger.raw<{ answer_id: number; vote: number }>('SELECT answer_id, vote FROM qa_answer_votes WHERE user_id = $1 AND answer_id = ANY($2::int4[])', [userId, [...answerIds]]);
  return new Map(rows.map((r) => [r.answer_id, r.vote]));
}
