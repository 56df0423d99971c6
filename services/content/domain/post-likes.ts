import type { EventSink, NewEvent } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';

/** A post as action_like leaves it, for post_liked. */
export interface LikedPost {
  id: number;
  authorId: number;
  groupId: number | null;
  likeCount: number;
}

/**
 * What hp.community.post.action_like needs of the caller's connection: `read` is Python's first
 * read of `post.like_count` (read ACL, MissingError, read record rules: a member likes only what
 * they may read), `mayWrite` the write ACL the addon's `+=` needs. The write record rules are
 * not asked: content's rules let a member write only their own posts, and liking another
 * member's post is what the method is for (MIGRATION.md: a like is the method's own effect,
 * applied as the ORM would under sudo, never an edit of the post by the caller).
 */
export interface PostLikeChecks {
  read(ids: readonly number[]): Promise<void>;
  mayWrite(): Promise<void>;
}

/**
 * The checks of `for post in self: post.like_count += 1`, in Python's order, and how many likes
 * each post receives: one per occurrence in `self` (browse([7, 7]) loops twice, each `+=` on
 * the cached value), none for an empty recordset (no read, no check).
 */
export async function checkLikes(checks: PostLikeChecks, ids: readonly number[]): Promise<Map<number, number>> {
  const times = occurrences(ids);
  if (!times.size) return times;
  await checks.read([...times.keys()]);
  await checks.mayWrite();
  return times;
}

/**
 * Adds the likes atomically (`like_count = like_count + n` in one UPDATE per post, in id order
 * so two multi-post likes cannot deadlock): a concurrent like is never lost, whatever the
 * isolation, and the count is the row's, not a value read earlier. Each liked post announces
 * post_liked with its new count.
 */
export async function addLikes(run: SqlRunner, events: EventSink<'post_liked'>, times: ReadonlyMap<number, number>, likerId: number): Promise<LikedPost[]> {
  const liked: LikedPost[] = [];
  for (const id of [...times.keys()].sort((a, b) => a - b)) {
    const rows = await run.raw<{ id: number; author_id: number; group_id: number | null; like_count: number }>(
      `UPDATE community_posts SET like_count = COALESCE(like_count, 0) + $2, write_uid = $3, write_date = (now() at time zone 'UTC')
        WHERE id = $1 RETURNING id, author_id, group_id, like_count`,
      [id, times.get(id)!, likerId],
    );
    for (const r of rows) liked.push({ id: r.id, authorId: r.author_id, groupId: r.group_id, likeCount: r.like_count });
  }
  await events.publish(liked.filter((post) => post.likeCount > 0).map((post) => postLikedEvent(post, likerId)));
  return liked;
}

/** post_liked (schemas/events/post_liked.json), keyed by the post so its likes keep their order on the bus. */
export function postLikedEvent(post: LikedPost, likerId: number): NewEvent<'post_liked'> {
  return {
    type: 'post_liked',
    subject: `hp.community.post/${post.id}`,
    data: { postId: post.id, authorId: post.authorId, likerId, groupId: post.groupId, likeCount: post.likeCount },
  };
}

/** How often each id occurs, in first-seen order. */
export function occurrences(ids: readonly number[]): Map<number, number> {
  const times = new Map<number, number>();
  for (const id of ids) times.set(id, (times.get(id) ?? 0) + 1);
  return times;
}
