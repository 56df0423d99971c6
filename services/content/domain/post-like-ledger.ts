import type { SqlRunner } from '../db/sql-runner.ts';

/**
 * REST's likes are one per member and post (migration 0003, community_post_likes in svc_content
 * only; Odoo's action_like counts every call and keeps no ledger, so RPC likes are not in it).
 * Records the caller's like; true when it is new (then the post's like_count grows by one),
 * false when the member liked the post before (a second like changes nothing). The insert waits
 * for a concurrent insert of the same pair, so two simultaneous likes by one member count once.
 */
export async function recordMemberLike(ledger: SqlRunner, postId: number, userId: number): Promise<boolean> {
  const rows = await ledger.raw<{ post_id: number }>(
    `INSERT INTO community_post_likes (post_id, user_id, liked_at) VALUES ($1, $2, now() at time zone 'UTC')
     ON CONFLICT (post_id, user_id) DO NOTHING RETURNING post_id`,
    [postId, userId],
  );
  return rows.length > 0;
}

/** Which of `postIds` the member has liked over REST. */
export async function likedByMember(ledger: SqlRunner, postIds: readonly number[], userId: number): Promise<Set<number>> {
  if (!postIds.length) return new Set();
  const rows = await ledger.raw<{ post_id: number }>('SELECT post_id FROM community_post_likes WHERE user_id = $1 AND post_id = ANY($2::int4[])', [userId, [...postIds]]);
  return new Set(rows.map((r) => r.post_id));
}
