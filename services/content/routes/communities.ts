import type { Kysely } from 'kysely';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { communityHome } from '../db/content-home.ts';
import { onKysely, type SqlRunner } from '../db/sql-runner.ts';
import type { ContentDatabase, PostState } from '../db/tables.ts';
import { commentThreads, insertComment, postOfComment, readComment } from '../domain/comment-threads.ts';
import { sanitizedBody } from '../domain/html-bodies.ts';
import { likedByMember, recordMemberLike } from '../domain/post-like-ledger.ts';
import { addLikes, checkLikes, type PostLikeChecks } from '../domain/post-likes.ts';
import { hidePosts } from '../domain/post-moderation.ts';
import { insertPost, listPosts, postResource, readPost, wordsOf, type PostResource } from '../domain/post-records.ts';
import { asProblems, checkRecords, readerOfHome, restEventSink, rulesSql, writeInHome } from './rest-access.ts';

const POST_MODEL = 'hp.community.post';
const COMMENT_MODEL = 'hp.comment';
const POSTS = 'community_posts';
const LABEL = 'post';

interface PostCreate { title: string; body?: string; groupId?: number | null }
interface PostQuery { group_id?: number; author_id?: number; state?: PostState; q?: string; limit: number; offset: number }
interface CommentCreate { body: string; parentId?: number }
type PostParams = { id: number };

/** A post as REST answers it, with whether the caller liked it (svc_content's like ledger, wherever the post lives). */
async function postFor(rows: Kysely<any>, ledger: Kysely<any>, id: number, uid: number): Promise<PostResource & { likedByMe: boolean }> {
  const row = await readPost(onKysely(rows), id);
  if (!row) throw problems.notFound(`${LABEL} ${id} does not exist`);
  return { ...postResource(row), likedByMe: (await likedByMember(onKysely(ledger), [id], uid)).has(id) };
}

/** The checks action_like makes on a REST request: the post readable (404 otherwise), the write ACL (403). */
function restLikeChecks(rows: Kysely<any>, access: AccessPort): PostLikeChecks {
  return {
    read: (ids) => checkRecords(access, rows, POST_MODEL, POSTS, 'read', ids, LABEL),
    mayWrite: () => access.check(POST_MODEL, 'write'),
  };
}

/** `self.write({'state': …})` on a REST request: readable (404) and writable under the rules (403: only the author and operators), then one UPDATE. */
function restStateWrite(rows: Kysely<any>, run: SqlRunner, access: AccessPort) {
  return async (ids: readonly number[], vals: { state: PostState }) => {
    await checkRecords(access, rows, POST_MODEL, POSTS, 'write', ids, LABEL);
    await run.raw(`UPDATE community_posts SET state = $2, write_uid = $3, write_date = (now() at time zone 'UTC') WHERE id = ANY($1::int4[])`, [[...ids], vals.state, access.uid]);
  };
}

/** POST /communities/posts: a post by the caller, published; the body sanitised as fields.Html does. 201 with a Location. */
export const createPostRoute = defineRoute<ContentDatabase, PostCreate>({
  method: 'post',
  path: '/communities/posts',
  summary: 'Publish a community post as the caller (hp.community.post); the HTML body is sanitised as Odoo\'s fields.Html does',
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/content/post-create.json',
  responses: { 201: 'rest/content/post.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(POST_MODEL, 'create');
    const { body } = ctx;
    return writeInHome(communityHome, ctx, async (rows) => {
      const run = onKysely(rows);
      const groupId = body.groupId ?? null;
      // group_id is a many2one to hp.community.group (M08, biz): its rows, or their copy, live beside the posts.
      if (groupId !== null && !(await run.raw('SELECT 1 FROM community_groups WHERE id = $1', [groupId])).length) {
        throw problems.unprocessable(`community group ${groupId} does not exist`);
      }
      const id = await insertPost(run, { title: body.title, body: sanitizedBody(body.body), groupId, authorId: access.uid }, access.uid);
      await checkRecords(access, rows, POST_MODEL, POSTS, 'create', [id], LABEL);
      return { status: 201, body: await postFor(rows, ctx.db, id, access.uid), headers: { location: `/communities/posts/${id}` } };
    });
  },
});

/** GET /communities/posts: the posts the caller may read (published ones and their own; operators all), newest first. */
export const listPostsRoute = defineRoute<ContentDatabase, unknown, PostQuery>({
  method: 'get',
  path: '/communities/posts',
  summary: 'List the community posts the caller may read (published ones and their own; operators all), newest first; filter by group, author, state and words',
  auth: 'bearer',
  query: 'rest/content/post-query.json',
  responses: { 200: 'rest/content/post-list.json' },
  async handler(ctx) {
    const { query } = ctx;
    const access = ctx.access!;
    await access.check(POST_MODEL, 'read');
    const rows = await readerOfHome(communityHome, ctx);
    const page = await listPosts(onKysely(rows), {
      visible: await rulesSql(access, rows, POST_MODEL, 'read', 'p'),
      ...(query.group_id ? { groupId: query.group_id } : {}),
      ...(query.author_id ? { authorId: query.author_id } : {}),
      ...(query.state ? { state: query.state } : {}),
      words: wordsOf(query.q),
      limit: query.limit,
      offset: query.offset,
    });
    const liked = await likedByMember(onKysely(ctx.db), page.rows.map((r) => r.id), access.uid);
    return {
      status: 200,
      body: { items: page.rows.map((row) => ({ ...postResource(row), likedByMe: liked.has(row.id) })), total: page.total, limit: query.limit, offset: query.offset },
    };
  },
});

/** GET /communities/posts/{id}: one post with the comments the caller may read, threaded by parent. */
export const getPostRoute = defineRoute<ContentDatabase, unknown, unknown, PostParams>({
  method: 'get',
  path: '/communities/posts/:id',
  summary: 'Read one community post with its comments threaded by parent (404 for a post the caller may not read)',
  auth: 'bearer',
  params: 'rest/content/post-params.json',
  responses: { 200: 'rest/content/post-detail.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const rows = await readerOfHome(communityHome, ctx);
    await checkRecords(access, rows, POST_MODEL, POSTS, 'read', [ctx.params.id], LABEL);
    await access.check(COMMENT_MODEL, 'read');
    const post = await postFor(rows, ctx.db, ctx.params.id, access.uid);
    const comments = await commentThreads(onKysely(rows), ctx.params.id, await rulesSql(access, rows, COMMENT_MODEL, 'read', 'c'));
    return { status: 200, body: { ...post, comments } };
  },
});

/** POST /communities/posts/{id}/comments: a comment by the caller on a post they may read, optionally replying to one of its comments. */
export const createCommentRoute = defineRoute<ContentDatabase, CommentCreate, unknown, PostParams>({
  method: 'post',
  path: '/communities/posts/:id/comments',
  summary: 'Comment on a community post as the caller, or reply to one of its comments (parentId); the HTML body is sanitised as fields.Html does',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/content/post-params.json',
  body: 'rest/content/comment-create.json',
  responses: { 201: 'rest/content/comment.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const postId = ctx.params.id;
    await access.check(COMMENT_MODEL, 'create');
    return writeInHome(communityHome, ctx, async (rows) => {
      const run = onKysely(rows);
      await checkRecords(access, rows, POST_MODEL, POSTS, 'read', [postId], LABEL);
      const parentId = ctx.body.parentId ?? null;
      if (parentId !== null && (await postOfComment(run, parentId)) !== postId) throw problems.unprocessable(`comment ${parentId} is not a comment of ${LABEL} ${postId}`);
      const id = await insertComment(run, { postId, parentId, body: sanitizedBody(ctx.body.body), authorId: access.uid }, access.uid);
      await checkRecords(access, rows, COMMENT_MODEL, 'comments', 'create', [id], 'comment');
      return { status: 201, body: (await readComment(run, id))!, headers: { location: `/communities/posts/${postId}` } };
    });
  },
});

/**
 * POST /communities/posts/{id}/like: action_like for the caller, once per member (svc_content's
 * ledger): a second like by the same member changes nothing and answers the post as it is. The
 * increment is atomic, so concurrent likes of many members all count.
 */
export const likePostRoute = defineRoute<ContentDatabase, unknown, unknown, PostParams>({
  method: 'post',
  path: '/communities/posts/:id/like',
  summary: 'Like a community post (hp.community.post.action_like) once per member; liking again changes nothing; post_liked for a new like',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/content/post-params.json',
  responses: { 200: 'rest/content/post.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const id = ctx.params.id;
    return writeInHome(communityHome, ctx, async (rows) => {
      const times = await asProblems(checkLikes(restLikeChecks(rows, access), [id]));
      if (await recordMemberLike(onKysely(ctx.db), id, access.uid)) await addLikes(onKysely(rows), restEventSink(ctx), times, access.uid);
      return { status: 200, body: await postFor(rows, ctx.db, id, access.uid) };
    });
  },
});

/** POST /communities/posts/{id}/hide: action_hide, by the post's author or an operator (403 for other members). */
export const hidePostRoute = defineRoute<ContentDatabase, unknown, unknown, PostParams>({
  method: 'post',
  path: '/communities/posts/:id/hide',
  summary: 'Hide a community post (hp.community.post.action_hide): its author or an operator; other members are refused (403)',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/content/post-params.json',
  responses: { 200: 'rest/content/post.json' },
  async handler(ctx) {
    const access = ctx.access!;
    return writeInHome(communityHome, ctx, async (rows) => {
      await hidePosts(restStateWrite(rows, onKysely(rows), access), [ctx.params.id]);
      return { status: 200, body: await postFor(rows, ctx.db, ctx.params.id, access.uid) };
    });
  },
});

export const COMMUNITY_ROUTES = [listPostsRoute, createPostRoute, getPostRoute, createCommentRoute, likePostRoute, hidePostRoute];
