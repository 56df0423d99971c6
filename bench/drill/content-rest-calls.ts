import type { DrillCall } from './call-recorder.ts';
import type { bearerRest } from './bearer-rest.ts';
import type { ContentChannel, ContentLoadReport, TrackedAnswer, TrackedComment, TrackedPost, TrackedQuestion } from './content-load-types.ts';
import type { QueueReadBack } from './read-backs.ts';

/** What the REST part of the content load shares with its RPC part (content-load.ts). */
export interface ContentRestContext {
  rest: ReturnType<typeof bearerRest>;
  /** The service's routes (`METHOD /path`): only those are called. */
  routes: ReadonlySet<string>;
  report: ContentLoadReport;
  prefix: string;
  used: Set<string>;
  queueReadBack: QueueReadBack<ContentChannel>;
  busy: Set<string>;
  ready: DrillCall<ContentChannel>[];
  lock(kind: string, id: number): string;
  members: readonly number[];
  coaches: readonly number[];
  /** Up to two of the run's tags for a new row, the newest first (as the RPC part picks them). */
  someTags(k: number): number[];
}

interface PostBody { id: number; title: string; state: string; authorId: number; groupId: number | null; likeCount: number }
interface AnswerBody { id: number; questionId: number; answererId: number; votes: number; body: string }
interface QuestionBody { id: number; title: string; state: string; askerId: number; acceptedAnswerId: number | null; tags: { id: number }[] | number[]; answers?: AnswerBody[] }

const tagIdsOf = (tags: QuestionBody['tags']) => (tags ?? []).map((t) => (typeof t === 'number' ? t : t.id)).sort((a, b) => a - b).join(',');
const sorted = (ids: readonly number[]) => [...ids].sort((a, b) => a - b).join(',');

/**
 * The content service's REST API as the drill calls it, route by route as the service has them
 * (git log services/content/routes): reads of the catalogue, purchases, posts, questions and
 * search, and writes that land where each module's rows live at the moment (db/content-home.ts),
 * each read back over REST by the client that wrote it: posts (in the run's groups), comments and
 * replies, likes (one per member and post over REST, as the route keeps them), questions with the
 * run's newest tags, answers, and up-votes (one per member and answer). A route the service lacks
 * is never called. Rows go into the same report as the RPC part's, so the side checks hold them alike.
 */
export function contentRestCalls(x: ContentRestContext) {
  const has = (route: string) => x.routes.has(route);
  const use = (route: string) => x.used.add(route);
  const member = (k: number) => x.members[k % x.members.length]!;
  const otherMember = (uid: number, k: number) => {
    const others = x.members.filter((m) => m !== uid);
    return others[k % others.length]!;
  };
  /** Members who liked a post over REST, and up-voted an answer: the routes keep one each. */
  const restLikes = new Set<string>();
  const restVotes = new Set<string>();
  const r = x.report;
  /** Idempotency keys are visible ASCII without spaces: the run's prefix with dashes. */
  const key = (what: string) => `${x.prefix.trim().replace(/\s+/g, '-')}-${what}`;

  const postReadBack = (post: TrackedPost, uid: number, writtenAt: number, after: () => void) => {
    const { state, likes } = post;
    x.queueReadBack('GET /communities/posts/:id', 'rest', `hp.community.post#${post.id}`, writtenAt, async () => {
      use('GET /communities/posts/:id');
      const p = await x.rest.expect<PostBody>('GET', `/communities/posts/${post.id}`, uid, [200]);
      return p.state !== state || p.likeCount !== likes || p.title !== post.title || (p.groupId ?? null) !== post.groupId
        ? `post ${post.id}: reads ${p.state} likes ${p.likeCount} group ${p.groupId}, wrote ${state} likes ${likes} group ${post.groupId}` : undefined;
    }, after);
  };
  const questionReadBack = (q: TrackedQuestion, uid: number, writtenAt: number, check: (body: QuestionBody) => string | undefined, after: () => void) => {
    x.queueReadBack('GET /qna/questions/:id', 'rest', `hp.qa.question#${q.id}`, writtenAt, async () => {
      use('GET /qna/questions/:id');
      const body = await x.rest.expect<QuestionBody>('GET', `/qna/questions/${q.id}`, uid, [200]);
      const wrong = check(body);
      return wrong && `question ${q.id}: ${wrong}`;
    }, after);
  };

  let postNo = 0;
  const postCreate = (): DrillCall<ContentChannel> | undefined => {
    if (!has('POST /communities/posts')) return undefined;
    const k = postNo++;
    const uid = member(k);
    const groupId = r.groups.length && k % 2 === 0 ? r.groups[r.groups.length - 1]!.id : null;
    const post: TrackedPost = { id: 0, authorId: uid, title: `${x.prefix}rest post ${k}`, groupId, state: 'published', likes: 0, via: 'rest' };
    return {
      method: 'POST /communities/posts', channel: 'rest', write: true,
      run: async () => {
        use('POST /communities/posts');
        const writtenAt = Date.now();
        const body = await x.rest.expect<PostBody>('POST', '/communities/posts', uid, [201], { title: post.title, body: `<p>${x.prefix}rest post body ${k}</p>`, ...(groupId ? { groupId } : {}) }, key(`post-${k}`));
        post.id = body.id;
        r.posts.push(post);
        x.busy.add(x.lock('post', post.id));
        postReadBack(post, uid, writtenAt, () => x.busy.delete(x.lock('post', post.id)));
      },
    };
  };
  const freePost = (k: number, ok: (p: TrackedPost) => boolean = () => true) => {
    const free = r.posts.filter((p) => p.state === 'published' && !x.busy.has(x.lock('post', p.id)) && ok(p));
    return free.length ? free[k % free.length] : undefined;
  };
  let likeNo = 0;
  const like = (): DrillCall<ContentChannel> | undefined => {
    if (!has('POST /communities/posts/:id/like')) return undefined;
    const k = likeNo++;
    const pick = (p: TrackedPost) => x.members.some((m) => m !== p.authorId && !restLikes.has(`${m}/${p.id}`));
    const post = freePost(k, pick);
    if (!post) return undefined;
    const uid = x.members.filter((m) => m !== post.authorId && !restLikes.has(`${m}/${post.id}`))[0]!;
    restLikes.add(`${uid}/${post.id}`);
    x.busy.add(x.lock('post', post.id));
    const unlock = () => x.busy.delete(x.lock('post', post.id));
    return {
      method: 'POST /communities/posts/:id/like', channel: 'rest', write: true,
      run: async () => {
        use('POST /communities/posts/:id/like');
        const writtenAt = Date.now();
        try {
          await x.rest.expect('POST', `/communities/posts/${post.id}/like`, uid, [200], {}, key(`like-${uid}-${post.id}`));
        } catch (error) {
          unlock();
          throw error;
        }
        post.likes++;
        r.countReads++;
        postReadBack(post, uid, writtenAt, unlock);
      },
    };
  };
  let commentNo = 0;
  const comment = (): DrillCall<ContentChannel> | undefined => {
    if (!has('POST /communities/posts/:id/comments')) return undefined;
    const k = commentNo++;
    const post = freePost(k + 3);
    if (!post) return undefined;
    const uid = k % 3 === 0 ? post.authorId : otherMember(post.authorId, k);
    const earlier = r.comments.filter((c) => c.postId === post.id);
    const c: TrackedComment = { id: 0, postId: post.id, authorId: uid, parentId: earlier.length && k % 2 ? earlier[0]!.id : null, body: '', via: 'rest' };
    x.busy.add(x.lock('post', post.id));
    const unlock = () => x.busy.delete(x.lock('post', post.id));
    return {
      method: 'POST /communities/posts/:id/comments', channel: 'rest', write: true,
      run: async () => {
        use('POST /communities/posts/:id/comments');
        const writtenAt = Date.now();
        let body: { id: number; body: string; parentId: number | null };
        try {
          body = await x.rest.expect('POST', `/communities/posts/${post.id}/comments`, uid, [201], { body: `${x.prefix}rest comment ${k}`, ...(c.parentId ? { parentId: c.parentId } : {}) }, key(`comment-${k}`));
        } catch (error) {
          unlock();
          throw error;
        }
        c.id = body.id;
        // The body as stored (sanitised as fields.Html does): what both sides must hold.
        c.body = body.body;
        r.comments.push(c);
        x.queueReadBack('GET /communities/posts/:id', 'rest', `hp.comment#${c.id}`, writtenAt, async () => {
          use('GET /communities/posts/:id');
          const detail = await x.rest.expect<{ comments: { id: number; replies?: { id: number }[] }[] }>('GET', `/communities/posts/${post.id}`, uid, [200]);
          const ids = new Set<number>();
          const walk = (cs: { id: number; replies?: { id: number }[] }[] | undefined) => { for (const x of cs ?? []) { ids.add(x.id); walk(x.replies as never); } };
          walk(detail.comments);
          return ids.has(c.id) ? undefined : `comment ${c.id} not in post ${post.id}'s thread`;
        }, unlock);
      },
    };
  };

  let questionNo = 0;
  const question = (): DrillCall<ContentChannel> | undefined => {
    if (!has('POST /qna/questions')) return undefined;
    const k = questionNo++;
    const uid = member(k + 2);
    const q: TrackedQuestion = { id: 0, askerId: uid, title: `${x.prefix}rest question ${k}`, tagIds: x.someTags(k), state: 'open', acceptedAnswerId: null, via: 'rest' };
    return {
      method: 'POST /qna/questions', channel: 'rest', write: true,
      run: async () => {
        use('POST /qna/questions');
        const writtenAt = Date.now();
        const body = await x.rest.expect<QuestionBody>('POST', '/qna/questions', uid, [201], { title: q.title, body: `${x.prefix}rest question body ${k}`, tagIds: q.tagIds, bountyPoints: 5 * (k % 3) }, key(`question-${k}`));
        q.id = body.id;
        r.questions.push(q);
        x.busy.add(x.lock('question', q.id));
        questionReadBack(q, uid, writtenAt, (b) => (b.state !== 'open' || tagIdsOf(b.tags) !== sorted(q.tagIds) || b.title !== q.title ? `reads ${b.state} tags ${tagIdsOf(b.tags)}, wrote open tags ${sorted(q.tagIds)}` : undefined),
          () => x.busy.delete(x.lock('question', q.id)));
      },
    };
  };
  const freeQuestion = (k: number, states: readonly TrackedQuestion['state'][], ok: (q: TrackedQuestion) => boolean = () => true) => {
    const free = r.questions.filter((q) => states.includes(q.state) && !x.busy.has(x.lock('question', q.id)) && ok(q));
    return free.length ? free[k % free.length] : undefined;
  };
  let answerNo = 0;
  const answer = (): DrillCall<ContentChannel> | undefined => {
    if (!has('POST /qna/questions/:id/answers')) return undefined;
    const k = answerNo++;
    // Questions with fewer than two answers: the RPC part accepts on those with two.
    const q = freeQuestion(k, ['open'], (q) => r.answers.filter((a) => a.questionId === q.id).length < 1);
    if (!q) return undefined;
    const uid = otherMember(q.askerId, k);
    const a: TrackedAnswer = { id: 0, questionId: q.id, answererId: uid, votes: 0, via: 'rest' };
    x.busy.add(x.lock('question', q.id));
    const unlock = () => x.busy.delete(x.lock('question', q.id));
    return {
      method: 'POST /qna/questions/:id/answers', channel: 'rest', write: true,
      run: async () => {
        use('POST /qna/questions/:id/answers');
        const writtenAt = Date.now();
        let body: AnswerBody;
        try {
          body = await x.rest.expect<AnswerBody>('POST', `/qna/questions/${q.id}/answers`, uid, [201], { body: `${x.prefix}rest answer ${k}` }, key(`answer-${k}`));
        } catch (error) {
          unlock();
          throw error;
        }
        a.id = body.id;
        r.answers.push(a);
        questionReadBack(q, uid, writtenAt, (b) => ((b.answers ?? []).some((x) => x.id === a.id) ? undefined : `answer ${a.id} not among its answers`), unlock);
      },
    };
  };
  let voteNo = 0;
  const vote = (): DrillCall<ContentChannel> | undefined => {
    if (!has('POST /qna/answers/:id/vote')) return undefined;
    const k = voteNo++;
    const votable = (q: TrackedQuestion) => r.answers.some((a) => a.questionId === q.id && x.members.some((m) => m !== a.answererId && !restVotes.has(`${m}/${a.id}`)));
    const q = freeQuestion(k, ['open', 'answered'], votable);
    if (!q) return undefined;
    const a = r.answers.find((a) => a.questionId === q.id && x.members.some((m) => m !== a.answererId && !restVotes.has(`${m}/${a.id}`)))!;
    const uid = x.members.find((m) => m !== a.answererId && !restVotes.has(`${m}/${a.id}`))!;
    restVotes.add(`${uid}/${a.id}`);
    x.busy.add(x.lock('question', q.id));
    const unlock = () => x.busy.delete(x.lock('question', q.id));
    return {
      method: 'POST /qna/answers/:id/vote', channel: 'rest', write: true,
      run: async () => {
        use('POST /qna/answers/:id/vote');
        const writtenAt = Date.now();
        try {
          await x.rest.expect('POST', `/qna/answers/${a.id}/vote`, uid, [200], { vote: 1 }, key(`vote-${uid}-${a.id}`));
        } catch (error) {
          unlock();
          throw error;
        }
        a.votes += 1;
        const votes = a.votes;
        r.countReads++;
        questionReadBack(q, uid, writtenAt, (b) => {
          const got = (b.answers ?? []).find((x) => x.id === a.id);
          return got?.votes === votes ? undefined : `answer ${a.id}: votes ${String(got?.votes)}, voted to ${votes}`;
        }, unlock);
      },
    };
  };

  let purchaseNo = 0;
  const purchase = (): DrillCall<ContentChannel> | undefined => {
    if (!has('POST /contents/:id/purchase')) return undefined;
    const k = purchaseNo++;
    const free = r.contents.filter((c) => c.published && !x.busy.has(x.lock('content', c.id)) && x.members.some((m) => !c.buyers.includes(m)));
    if (!free.length) return undefined;
    const content = free[k % free.length]!;
    const uid = x.members.filter((m) => !content.buyers.includes(m))[k % x.members.filter((m) => !content.buyers.includes(m)).length]!;
    x.busy.add(x.lock('content', content.id));
    const unlock = () => x.busy.delete(x.lock('content', content.id));
    return {
      method: 'POST /contents/:id/purchase', channel: 'rest', write: true,
      run: async () => {
        use('POST /contents/:id/purchase');
        const writtenAt = Date.now();
        let body: { purchase: { id: number; amount: string | number } };
        try {
          body = await x.rest.expect('POST', `/contents/${content.id}/purchase`, uid, [201], { method: 'card' }, key(`purchase-${content.id}-${uid}`));
        } catch (error) {
          unlock();
          throw error;
        }
        r.purchases.push({ id: body.purchase.id, contentId: content.id, buyerId: uid, amountCents: Math.round(Number(body.purchase.amount) * 100), via: 'rest' });
        content.buyers.push(uid);
        const buyers = content.buyers.length;
        r.countReads++;
        x.queueReadBack('GET /contents/:id', 'rest', `hp.knowledge.content#${content.id}`, writtenAt, async () => {
          use('GET /contents/:id');
          const c = await x.rest.expect<{ purchaseCount: number; purchased: boolean }>('GET', `/contents/${content.id}`, uid, [200]);
          return c.purchaseCount === buyers && c.purchased ? undefined : `content ${content.id}: purchaseCount ${c.purchaseCount} purchased ${c.purchased}, it has ${buyers} buyers`;
        }, unlock);
      },
    };
  };

  const writes = [postCreate, comment, like, question, answer, vote, purchase];
  let writeNo = 0;
  const reads: { route: string; path: (k: number) => string }[] = [
    { route: 'GET /contents/courses', path: (k) => `/contents/courses?limit=10${k % 2 ? '&sort=popularity' : ''}` },
    { route: 'GET /contents/purchases', path: () => '/contents/purchases?limit=10' },
    { route: 'GET /communities/posts', path: (k) => `/communities/posts?limit=10${k % 3 === 0 && r.groups.length ? `&group_id=${r.groups[0]!.id}` : ''}` },
    { route: 'GET /qna/questions', path: (k) => `/qna/questions?limit=10${k % 2 ? '&state=open' : ''}` },
    { route: 'GET /search', path: (k) => `/search?q=${encodeURIComponent(['blood sugar', 'sleep', 'steps', 'fasting'][k % 4]!)}&limit=10` },
  ];
  let readNo = 0;
  return {
    /** A REST read of a route the service has, or undefined. */
    read(k: number): DrillCall<ContentChannel> | undefined {
      const available = reads.filter((x) => has(x.route));
      if (!available.length) return undefined;
      const chosen = available[readNo++ % available.length]!;
      return {
        method: chosen.route, channel: 'rest', write: false,
        run: async () => {
          use(chosen.route);
          // GET /search answers 503 while no index was ever built (SEARCH_INDEXING off in the drill): an answer, not a failure.
          await x.rest.expect('GET', chosen.path(k), member(k), chosen.route === 'GET /search' ? [200, 503] : [200]);
        },
      };
    },
    /** A REST write of a route the service has, or undefined (the load makes an RPC write instead). */
    write(): DrillCall<ContentChannel> | undefined {
      for (let i = 0; i < writes.length; i++) {
        const call = writes[writeNo++ % writes.length]!();
        if (call) return call;
      }
      return undefined;
    },
  };
}
