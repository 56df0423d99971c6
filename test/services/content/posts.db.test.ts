import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idem, odooErrorOf, outboxData, plainMembers, startCommunitySides, userOfGroup, type CommunitySides } from './community-sides.ts';

/**
 * M11 (hp_community) on both sides of its cut, over Odoo RPC and REST on the same rows:
 * action_like counting every RPC call and once per member over REST, atomically under
 * concurrency; action_hide; the record rules content adds (members read published posts and
 * their own, change only their own; operators all) on every protocol; REST bodies sanitised as
 * fields.Html; comments threaded.
 */
let sides: CommunitySides;
const ADMIN = 2;
const POST = 'hp.community.post';

beforeAll(async () => {
  sides = await startCommunitySides('service');
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe.each(['service', 'legacy'] as const)('M11 in phase %s', (phase) => {
  let pool: pg.Pool;
  let rpc: CommunitySides['serviceRpc'];
  let members: number[];
  let operator: number;
  let author: number;
  let other: number;
  let postId: number;
  const likes = async (id: number) => (await pool.query<{ n: number | null }>('SELECT like_count AS n FROM community_posts WHERE id = $1', [id])).rows[0]!.n ?? 0;
  const stateOf = async (id: number) => (await pool.query<{ state: string }>('SELECT state FROM community_posts WHERE id = $1', [id])).rows[0]!.state;
  const newPost = async (uid: number, title: string) => (await rpc(uid, POST, 'create', [{ title, author_id: uid, body: 'plain text' }])) as number;

  beforeAll(async () => {
    await sides.setOwner(phase);
    pool = phase === 'service' ? sides.service : sides.legacy;
    rpc = phase === 'service' ? sides.serviceRpc : sides.legacyRpc;
    members = await plainMembers(pool, 60, phase === 'service' ? 0 : 60);
    [author, other] = members as [number, number];
    operator = await userOfGroup(pool, 'group_hp_operator');
    postId = await newPost(author, `k2 ${phase} post`);
  });

  it('action_like over RPC adds one per id occurrence, answers True, checks nothing on an empty recordset, and answers Odoo\'s errors for a missing post and an extra argument', async () => {
    const before = await likes(postId);
    const announced = (await outboxData(sides.service, 'post_liked')).length;
    expect(await rpc(other, POST, 'action_like', [[postId]])).toBe(true);
    expect(await rpc(other, POST, 'action_like', [[postId, postId]])).toBe(true);
    expect(await likes(postId)).toBe(before + 3);
    expect(await rpc(other, POST, 'action_like', [[]])).toBe(true);
    expect(await odooErrorOf(rpc(other, POST, 'action_like', [[99999999]]))).toEqual({
      name: 'odoo.exceptions.MissingError', message: `Record does not exist or has been deleted.\n(Record: hp.community.post(99999999,), User: ${other})`,
    });
    expect(await odooErrorOf(rpc(other, POST, 'action_like', [[postId], 1]))).toEqual({
      name: 'builtins.TypeError', message: 'HpCommunityPost.action_like() takes 1 positional argument but 2 were given',
    });
    expect(await likes(postId)).toBe(before + 3);
    const events = (await outboxData(sides.service, 'post_liked')).slice(announced);
    // The monolith announced nothing: post_liked starts with content's ownership of M11.
    expect(events.map((d) => [d.postId, d.authorId, d.likerId, d.likeCount])).toEqual(phase === 'service' ? [[postId, author, other, before + 1], [postId, author, other, before + 3]] : []);
  });

  it('40 concurrent RPC likes by 40 members and 40 concurrent REST likes by 40 others all count (exactly +80); 6 concurrent REST likes by one member count once', async () => {
    const target = await newPost(author, `k2 ${phase} popular`);
    const rpcLikers = members.slice(2, 42);
    const restLikers = members.slice(20, 60);
    const answers = await Promise.all([
      ...rpcLikers.map((uid) => rpc(uid, POST, 'action_like', [[target]])),
      ...restLikers.map((uid) => sides.rest('POST', `/communities/posts/${target}/like`, uid).then((r) => r.status)),
    ]);
    expect(answers).toEqual([...rpcLikers.map(() => true), ...restLikers.map(() => 200)]);
    expect(await likes(target)).toBe(80);
    const again = await Promise.all(Array.from({ length: 6 }, () => sides.rest('POST', `/communities/posts/${target}/like`, members[59]!)));
    expect(again.map((r) => [r.status, r.body.likedByMe])).toEqual(Array.from({ length: 6 }, () => [200, true]));
    expect(await likes(target)).toBe(80);
    const read = await sides.rest('GET', `/communities/posts/${target}`, members[59]!);
    expect([read.body.likeCount, read.body.likedByMe]).toEqual([80, true]);
    expect((await sides.rest('GET', `/communities/posts/${target}`, members[0]!)).body.likedByMe).toBe(false);
  }, 120_000);

  it('action_hide: another member is refused on RPC and REST and nothing changes; the author hides; then only the author and operators read the post, on RPC and REST', async () => {
    const post = await newPost(author, `k2 ${phase} to hide`);
    const refused = await odooErrorOf(rpc(other, POST, 'action_hide', [[post]]));
    expect(refused.name).toBe('odoo.exceptions.AccessError');
    const restRefused = await sides.rest('POST', `/communities/posts/${post}/hide`, other, undefined, idem());
    expect(restRefused.status).toBe(403);
    expect(restRefused.text).not.toMatch(/SELECT|community_posts|\.ts/);
    expect(await stateOf(post)).toBe('published');
    expect(await rpc(author, POST, 'action_hide', [[post]])).toBe(true);
    expect(await stateOf(post)).toBe('hidden');
    // Hidden: the other member neither reads, finds, likes nor lists it.
    expect((await odooErrorOf(rpc(other, POST, 'read', [[post], ['title']]))).name).toBe('odoo.exceptions.AccessError');
    expect(await rpc(other, POST, 'search', [[['id', '=', post]]])).toEqual([]);
    expect((await odooErrorOf(rpc(other, POST, 'action_like', [[post]]))).name).toBe('odoo.exceptions.AccessError');
    expect((await sides.rest('GET', `/communities/posts/${post}`, other)).status).toBe(404);
    expect((await sides.rest('POST', `/communities/posts/${post}/like`, other)).status).toBe(404);
    expect((await sides.rest('GET', `/communities/posts?author_id=${author}&limit=200`, other)).body.items.map((p: any) => p.id)).not.toContain(post);
    expect((await sides.rest('GET', '/communities/posts?state=hidden&limit=200', other)).body.items.every((p: any) => p.authorId === other)).toBe(true);
    // Its author and operators still do.
    expect(await rpc(author, POST, 'read', [[post], ['state']])).toEqual([{ id: post, state: 'hidden' }]);
    expect((await sides.rest('GET', `/communities/posts/${post}`, author)).body.state).toBe('hidden');
    expect((await sides.rest('GET', `/communities/posts/${post}`, operator)).status).toBe(200);
    expect((await sides.rest('GET', `/communities/posts?author_id=${author}&state=hidden`, operator)).body.items.map((p: any) => p.id)).toContain(post);
    // An operator hides anyone's post, over REST too.
    const another = await newPost(author, `k2 ${phase} operator hides`);
    const hidden = await sides.rest('POST', `/communities/posts/${another}/hide`, operator, undefined, idem());
    expect([hidden.status, hidden.body.state]).toEqual([200, 'hidden']);
  });

  it('a member cannot write, or create a post or comment, in another member\'s name over RPC; the monolith\'s ACL alone would have let them', async () => {
    expect((await odooErrorOf(rpc(other, POST, 'write', [[postId], { title: 'taken over' }]))).name).toBe('odoo.exceptions.AccessError');
    expect((await odooErrorOf(rpc(other, POST, 'create', [{ title: 'in your name', author_id: author }]))).name).toBe('odoo.exceptions.AccessError');
    expect((await odooErrorOf(rpc(other, 'hp.comment', 'create', [{ post_id: postId, author_id: author, body: 'x' }]))).name).toBe('odoo.exceptions.AccessError');
    const own = (await rpc(other, 'hp.comment', 'create', [{ post_id: postId, author_id: other, body: 'mine' }])) as number;
    expect((await odooErrorOf(rpc(author, 'hp.comment', 'write', [[own], { body: 'edited by someone else' }]))).name).toBe('odoo.exceptions.AccessError');
    expect(await rpc(operator, 'hp.comment', 'write', [[own], { body: 'moderated' }])).toBe(true);
  });

  it('REST posts: the body sanitised as fields.Html (scripts, on* attributes, javascript: URLs gone) in what is stored and answered; 201 with a Location that resolves; a raw RPC body reaches REST clients sanitised and RPC clients as written', async () => {
    const dirty = '<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(2)">x</a> <a href="https://ok.example/">ok</a><img src="a.png" onerror="alert(3)"></p>';
    const created = await sides.rest('POST', '/communities/posts', author, { title: `k2 ${phase} html`, body: dirty }, idem());
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/communities/posts/${created.body.id}`);
    const stored = (await pool.query<{ body: string; author_id: number; state: string }>('SELECT body, author_id, state FROM community_posts WHERE id = $1', [created.body.id])).rows[0]!;
    expect(stored).toMatchObject({ author_id: author, state: 'published' });
    for (const text of [stored.body, created.body.body]) {
      expect(text).not.toMatch(/script|onclick|onerror|javascript:|alert/i);
      expect(text).toContain('<a href="https://ok.example/">ok</a>');
      expect(text).toContain('<img src="a.png">');
    }
    const read = await sides.rest('GET', created.headers.get('location')!, other);
    expect([read.status, read.body.body, read.body.comments]).toEqual([200, created.body.body, []]);
    const raw = (await rpc(author, POST, 'create', [{ title: 'raw', author_id: author, body: '<b onmouseover="x()">raw</b><script>bad()</script>' }])) as number;
    expect(await rpc(author, POST, 'read', [[raw], ['body']])).toEqual([{ id: raw, body: '<b onmouseover="x()">raw</b><script>bad()</script>' }]);
    expect((await sides.rest('GET', `/communities/posts/${raw}`, other)).body.body).toBe('<span><b>raw</b></span>');
    expect((await sides.rest('POST', '/communities/posts', author, { title: 'x', groupId: 99999999 }, idem())).status).toBe(422);
    expect((await sides.rest('POST', '/communities/posts', author, { title: '' }, idem())).status).toBe(400);
  });

  it('REST posts: an Idempotency-Key replay creates once; paging and filters; 401 without a token, 400 for a query outside the schema', async () => {
    const headers = idem();
    const first = await sides.rest('POST', '/communities/posts', other, { title: `k2 ${phase} once`, body: 'hello' }, headers);
    const replay = await sides.rest('POST', '/communities/posts', other, { title: `k2 ${phase} once`, body: 'hello' }, headers);
    expect([replay.status, replay.body]).toEqual([201, first.body]);
    expect((await pool.query('SELECT count(*)::int AS n FROM community_posts WHERE title = $1', [`k2 ${phase} once`])).rows[0].n).toBe(1);
    const mine = await sides.rest('GET', `/communities/posts?author_id=${other}&q=once&limit=1`, author);
    expect([mine.body.total, mine.body.items.map((p: any) => p.id), mine.body.limit, mine.body.offset]).toEqual([1, [first.body.id], 1, 0]);
    const paged = await sides.rest('GET', `/communities/posts?author_id=${author}&limit=2&offset=1`, other);
    const all = await sides.rest('GET', `/communities/posts?author_id=${author}&limit=200`, other);
    expect(paged.body.total).toBe(all.body.total);
    expect(paged.body.items.map((p: any) => p.id)).toEqual(all.body.items.slice(1, 3).map((p: any) => p.id));
    expect((await sides.rest('GET', '/communities/posts', null)).status).toBe(401);
    expect((await sides.rest('GET', '/communities/posts?limit=0', other)).status).toBe(400);
    expect((await sides.rest('GET', '/communities/posts?state=gone', other)).status).toBe(400);
  });

  it('REST comments: threaded by parent in id order, sanitised; a reply must name a comment of the same post (422); a post the caller may not read takes no comment (404)', async () => {
    const post = await newPost(author, `k2 ${phase} thread`);
    const first = await sides.rest('POST', `/communities/posts/${post}/comments`, other, { body: 'first <script>x()</script>' }, idem());
    expect([first.status, first.body.body, first.body.authorId]).toEqual([201, '<p>first </p>', other]);
    const reply = await sides.rest('POST', `/communities/posts/${post}/comments`, author, { body: 'reply', parentId: first.body.id }, idem());
    const second = await sides.rest('POST', `/communities/posts/${post}/comments`, author, { body: 'second' }, idem());
    const nested = await sides.rest('POST', `/communities/posts/${post}/comments`, other, { body: 'nested', parentId: reply.body.id }, idem());
    expect([reply.status, second.status, nested.status]).toEqual([201, 201, 201]);
    const detail = await sides.rest('GET', `/communities/posts/${post}`, other);
    const shape = (c: any): unknown => [c.body, c.replies.map(shape)];
    expect(detail.body.comments.map(shape)).toEqual([['<p>first </p>', [['<p>reply</p>', [['<p>nested</p>', []]]]]], ['<p>second</p>', []]]);
    const elsewhere = (await sides.rest('GET', `/communities/posts/${postId}`, other)).body;
    expect((await sides.rest('POST', `/communities/posts/${elsewhere.id}/comments`, other, { body: 'x', parentId: first.body.id }, idem())).status).toBe(422);
    await rpc(author, POST, 'action_hide', [[post]]);
    expect((await sides.rest('POST', `/communities/posts/${post}/comments`, members[5]!, { body: 'x' }, idem())).status).toBe(404);
    // hp.comment's read rules follow the post: the hidden post's comments are out of reach, except a member's own.
    const seen = (await rpc(members[5]!, 'hp.comment', 'search', [[['post_id', '=', post]]])) as number[];
    expect(seen).toEqual([]);
    const ownSeen = (await rpc(other, 'hp.comment', 'search', [[['post_id', '=', post]]], { order: 'id' })) as number[];
    expect(ownSeen).toEqual([first.body.id, nested.body.id]);
  });
});
