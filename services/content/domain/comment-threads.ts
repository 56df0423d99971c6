import { isoUtc, type RulesSql } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { sanitizedBody } from './html-bodies.ts';

export interface CommentResource {
  id: number;
  postId: number;
  parentId: number | null;
  authorId: number | null;
  body: string | null;
  createdAt: string | null;
  replies: CommentResource[];
}

interface CommentRow {
  id: number;
  post_id: number;
  parent_id: number | null;
  author_id: number | null;
  body: string | null;
  create_date: string | Date | null;
}

/**
 * A post's comments the caller may read (hp.comment's read rules over `c`), threaded by
 * parent_id in hp.comment's order (post_id, id): each comment under its parent, replies in id
 * order; a comment whose parent is not among them (another post's, or not readable) starts a
 * thread of its own.
 */
export async function commentThreads(run: SqlRunner, postId: number, visible: RulesSql): Promise<CommentResource[]> {
  const rows = await run.raw<CommentRow>(
    `SELECT c.id, c.post_id, c.parent_id, c.author_id, c.body, c.create_date FROM comments c
      WHERE c.post_id = $${visible.parameters.length + 1} AND (${visible.sql}) ORDER BY c.id`,
    [...visible.parameters, postId],
  );
  const byId = new Map<number, CommentResource>();
  for (const r of rows) {
    byId.set(r.id, {
      id: r.id, postId: r.post_id, parentId: r.parent_id, authorId: r.author_id, body: sanitizedBody(r.body),
      createdAt: r.create_date ? isoUtc(r.create_date) : null, replies: [],
    });
  }
  const roots: CommentResource[] = [];
  for (const comment of byId.values()) {
    const parent = comment.parentId !== null && !inCycle(byId, comment) ? byId.get(comment.parentId) : undefined;
    (parent ? parent.replies : roots).push(comment);
  }
  return roots;
}

/**
 * hp.comment has no parent_store, so an RPC write can make parents loop (a → b → a); a comment
 * whose ancestors lead back to it starts a thread, so every comment appears once and the answer
 * stays a tree.
 */
function inCycle(byId: ReadonlyMap<number, CommentResource>, comment: CommentResource): boolean {
  const seen = new Set<number>();
  let at = comment.parentId;
  while (at !== null && !seen.has(at)) {
    if (at === comment.id) return true;
    seen.add(at);
    at = byId.get(at)?.parentId ?? null;
  }
  return false;
}

/** One comment, without its replies (the caller checked the rules first). */
export async function readComment(run: SqlRunner, id: number): Promise<CommentResource | undefined> {
  const [r] = await run.raw<CommentRow>('SELECT c.id, c.post_id, c.parent_id, c.author_id, c.body, c.create_date FROM comments c WHERE c.id = $1', [id]);
  return r && {
    id: r.id, postId: r.post_id, parentId: r.parent_id, authorId: r.author_id, body: sanitizedBody(r.body),
    createdAt: r.create_date ? isoUtc(r.create_date) : null, replies: [],
  };
}

/** The post a comment belongs to, or undefined when the comment does not exist. */
export async function postOfComment(run: SqlRunner, commentId: number): Promise<number | undefined> {
  const [row] = await run.raw<{ post_id: number }>('SELECT post_id FROM comments WHERE id = $1', [commentId]);
  return row?.post_id;
}

/** hp.comment's create over REST: the caller as author. */
export async function insertComment(run: SqlRunner, comment: { postId: number; parentId: number | null; body: string | null; authorId: number }, uid: number): Promise<number> {
  const [row] = await run.raw<{ id: number }>(
    `INSERT INTO comments (post_id, parent_id, author_id, body, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, $4, $5, $5, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
    [comment.postId, comment.parentId, comment.authorId, comment.body, uid],
  );
  return row!.id;
}
