import { isoUtc, type RulesSql } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { PostState } from '../db/tables.ts';
import { sanitizedBody } from './html-bodies.ts';

/** A post as REST answers it: the body sanitised (html-bodies.ts), like_count 0 where Odoo left it empty. */
export interface PostResource {
  id: number;
  title: string;
  body: string | null;
  state: PostState;
  authorId: number;
  groupId: number | null;
  likeCount: number;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface PostRow {
  id: number;
  title: string;
  body: string | null;
  state: PostState;
  author_id: number;
  group_id: number | null;
  like_count: number | null;
  create_date: string | Date | null;
  write_date: string | Date | null;
}

export function postResource(row: PostRow): PostResource {
  return {
    id: row.id,
    title: row.title,
    body: sanitizedBody(row.body),
    state: row.state,
    authorId: row.author_id,
    groupId: row.group_id,
    likeCount: row.like_count ?? 0,
    createdAt: row.create_date ? isoUtc(row.create_date) : null,
    updatedAt: row.write_date ? isoUtc(row.write_date) : null,
  };
}

const POST_COLUMNS = 'p.id, p.title, p.body, p.state, p.author_id, p.group_id, p.like_count, p.create_date, p.write_date';

export interface PostFilter {
  /** The caller's read rules over `p` (rulesSql with 0 parameters before). */
  visible: RulesSql;
  groupId?: number;
  authorId?: number;
  state?: PostState;
  /** Every word must occur in the title or the body (case-insensitive). */
  words?: readonly string[];
  limit: number;
  offset: number;
}

/** The posts the caller's read rules include, in hp.community.post's order (create_date desc, id desc). */
export async function listPosts(run: SqlRunner, filter: PostFilter): Promise<{ rows: PostRow[]; total: number }> {
  const values: unknown[] = [...filter.visible.parameters];
  const where = [`(${filter.visible.sql})`];
  const add = (condition: (n: number) => string, value: unknown) => {
    values.push(value);
    where.push(condition(values.length));
  };
  if (filter.groupId !== undefined) add((n) => `p.group_id = $${n}`, filter.groupId);
  if (filter.authorId !== undefined) add((n) => `p.author_id = $${n}`, filter.authorId);
  if (filter.state !== undefined) add((n) => `p.state = $${n}`, filter.state);
  for (const word of filter.words ?? []) add((n) => `(p.title ILIKE $${n} OR p.body ILIKE $${n})`, `%${likeEscaped(word)}%`);
  const condition = where.join(' AND ');
  const [count] = await run.raw<{ total: string }>(`SELECT count(*) AS total FROM community_posts p WHERE ${condition}`, values);
  const rows = await run.raw<PostRow>(
    `SELECT ${POST_COLUMNS} FROM community_posts p WHERE ${condition}
      ORDER BY p.create_date DESC NULLS LAST, p.id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
    [...values, filter.limit, filter.offset],
  );
  return { rows, total: Number(count?.total ?? 0) };
}

/** One post's row (the caller checked the rules first). */
export async function readPost(run: SqlRunner, id: number): Promise<PostRow | undefined> {
  const [row] = await run.raw<PostRow>(`SELECT ${POST_COLUMNS} FROM community_posts p WHERE p.id = $1`, [id]);
  return row;
}

/** hp.community.post's create over REST: the caller as author, published, no likes yet (as Odoo's create leaves like_count). */
export async function insertPost(run: SqlRunner, post: { title: string; body: string | null; groupId: number | null; authorId: number }, uid: number): Promise<number> {
  const [row] = await run.raw<{ id: number }>(
    `INSERT INTO community_posts (author_id, group_id, title, body, state, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, $4, 'published', $5, $5, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
    [post.authorId, post.groupId, post.title, post.body, uid],
  );
  return row!.id;
}

/** `%`, `_` and `\` match themselves. */
export function likeEscaped(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Free text as the words a list filter matches (whitespace-separated, at most 8). */
export function wordsOf(q: string | undefined): string[] {
  return (q ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
}
