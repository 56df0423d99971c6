import { emptyCallFigures, type DrillCall } from './call-recorder.ts';
import { bearerRest } from './bearer-rest.ts';
import { contentRestCalls } from './content-rest-calls.ts';
import {
  CONTENT_CHANNELS, type ContentChannel, type ContentLoadOptions, type ContentLoadReport, type TrackedAnswer, type TrackedComment, type TrackedContent,
  type TrackedPost, type TrackedQuestion, type TrackedTag,
} from './content-load-types.ts';
import { pacedLoad, type Perform } from './paced-load.ts';
import { expectRefusal, readBackQueue } from './read-backs.ts';
import { rpcLogins, type RpcLogin } from './rpc-logins.ts';

export type { ContentChannel, ContentLoadOptions, ContentLoadReport } from './content-load-types.ts';

/** Names, titles and bodies of the drill's rows start with this: unique per run, the rows the side checks read. */
export const contentDrillPrefix = (runTag: string) => `cdrill ${runTag} `;

/** hp_knowledge's, hp_qa's and the purchase constraint's refusals. */
const ALREADY_PUBLISHED = /is already published/;
const ALREADY_PURCHASED = /already purchased by this user/;
const ALREADY_ACCEPTED = /already has an accepted answer/;
const QUESTION_CLOSED = /is closed/;

/** A many2one as read answers it ([id, name] or false): its id. */
const idOf = (value: unknown): number | null => (Array.isArray(value) ? Number(value[0]) : null);
const cents = (value: unknown) => Math.round(Number(value ?? 0) * 100);
const sameIds = (a: readonly number[], b: unknown) => Array.isArray(b) && [...a].sort((x, y) => x - y).join() === [...(b as number[])].sort((x, y) => x - y).join();

/** How many of each the drill makes at most (the rest of its writes act on them). */
const MAX_TAGS = 40;
const MAX_GROUPS = 8;
const MAX_CONTENTS = 40;

/**
 * Mixed M06 + M11 + M12 traffic through the gateway, open loop (open-loop.ts). Members and coaches
 * alternate XML-RPC and JSON-RPC. Per ten calls, four are writes, each read back by the client
 * that made it over the same protocol (read-backs.ts), and the row held (busy) until it is:
 *
 * - a coach's tag (hp.content.tag.create), and at once, as the next writes, a content of that
 *   coach and a member's question with the tag just made: the link qa_question_tag_rel →
 *   content_tags crosses the cut whenever M12 and M06 are owned by different sides;
 * - a coach's content (hp.knowledge.content.create with tag_ids), published, published again
 *   (refused), some unpublished and published again, each read back;
 * - a member's purchase of a published content (hp.content.purchase.create), read back, then the
 *   content's stored purchase_count read back by its author: exactly its buyers; some buyers buy
 *   again (refused by the unique key);
 * - a coach's community group on M08 (biz's, legacy here), and at once a member's post in it: the
 *   link community_posts.group_id → community_groups crosses the cut while M11 is the service's;
 * - a member's post, liked by others (action_like, like_count read back at once), commented on and
 *   replied to, some hidden by their authors (action_hide);
 * - a member's question with tags, answered by others, answers voted (action_vote, votes read back),
 *   the first answer accepted by the asker (action_accept), a second acceptance refused, some
 *   questions closed (action_close) and an acceptance then refused;
 * - with REST writes on, a REST write of the routes the service has (content-rest-calls.ts).
 *
 * The other six calls are the read-backs, else reads and searches of all seven models
 * (search_read, name_search, read_group, search_count) and the REST reads the service has.
 */
export async function startContentLoad(o: ContentLoadOptions) {
  const report: ContentLoadReport = {
    ...emptyCallFigures(CONTENT_CHANNELS), tags: [], contents: [], purchases: [], groups: [], posts: [], comments: [], questions: [], answers: [],
    countReads: 0, readBacks: 0, staleReads: [], refusals: [], restRoutesUsed: [], runTag: o.runTag, memberIds: [], coachIds: [],
  };
  const members = await rpcLogins(o.gatewayUrl, o.database, 'member', o.members);
  const coaches = await rpcLogins(o.gatewayUrl, o.database, 'coach', Math.max(1, o.coaches));
  report.memberIds = members.map((m) => m.uid);
  report.coachIds = coaches.map((c) => c.uid);
  const prefix = contentDrillPrefix(o.runTag);
  const restUsed = new Set<string>();

  /** The next steps of lifecycles, taken before new work. */
  const ready: DrillCall<ContentChannel>[] = [];
  /** Rows with a write or its read-back in flight, and contents, posts and questions held by a lifecycle step until its last read-back. */
  const busy = new Set<string>();
  const { queue: readBacks, queueReadBack, readBack } = readBackQueue<ContentChannel>(report, busy);
  const refused = (method: string, expected: RegExp, call: () => Promise<unknown>, what: string) => expectRefusal(report.refusals, method, expected, call, what);
  type Next = (() => DrillCall<ContentChannel> | undefined) | undefined;
  const then = (next: Next, after?: () => void) => () => {
    after?.();
    const call = next?.();
    if (call) ready.push(call);
  };
  const lock = (kind: string, id: number) => `${kind}-lock#${id}`;
  const member = (k: number) => members[k % members.length]!;
  const coach = (k: number) => coaches[k % coaches.length]!;
  const login = (uid: number) => [...members, ...coaches].find((x) => x.uid === uid)!;
  /** Another member than `uid` (the k-th such). */
  const otherMember = (uid: number, k: number) => {
    const others = members.filter((m) => m.uid !== uid);
    return others[k % others.length]!;
  };

  const rest = o.restUrl
    ? contentRestCalls({
        rest: bearerRest(o.restUrl, o.restTokens ?? {}), routes: new Set(o.restRoutes ?? []), report, prefix, used: restUsed, queueReadBack, busy, ready, lock,
        members: report.memberIds, coaches: report.coachIds, someTags: (k) => someTags(k),
      })
    : undefined;

  // ---- tags (M06), and the question and content that use a tag at once ----
  let tagNo = 0;
  const tagCreate = (): DrillCall<ContentChannel> => {
    const k = tagNo++;
    const c = coach(k);
    const tag: TrackedTag = { id: 0, name: `${prefix}tag ${k}`, via: `rpc (${c.channel})` };
    return {
      method: 'hp.content.tag.create', channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        tag.id = Number(await c.exec('hp.content.tag', 'create', [{ name: tag.name }]));
        report.tags.push(tag);
        readBack(c, 'hp.content.tag', tag.id, ['name'], writtenAt, (r) => (r.name !== tag.name ? `reads ${String(r.name)}, wrote ${tag.name}` : undefined), () => {
          // The tag just made, used at once: a question of a member (M12) and a content of the coach (M06).
          ready.push(questionCreate([tag.id]));
          if (report.contents.length < MAX_CONTENTS) ready.push(contentCreate([tag.id], c));
        });
      },
    };
  };
  /** Up to two tags for a new row: the newest and one before it. */
  const someTags = (k: number): number[] => {
    const n = report.tags.length;
    if (!n) return [];
    const newest = report.tags[n - 1]!.id;
    return k % 3 === 0 || n === 1 ? [newest] : [newest, report.tags[k % (n - 1)]!.id];
  };

  // ---- contents (M06) ----
  let contentNo = 0;
  const contentCreate = (tagIds: number[], by?: RpcLogin): DrillCall<ContentChannel> => {
    const k = contentNo++;
    const c = by ?? coach(k);
    const content: TrackedContent = {
      id: 0, authorId: c.uid, title: `${prefix}content ${k}`, contentType: k % 2 ? 'article' : 'course', price: 10 + (k % 90), published: false, tagIds, buyers: [], via: `rpc (${c.channel})`,
    };
    const check = (writtenAt: number, next: Next, after?: () => void) => {
      const published = content.published;
      readBack(c, 'hp.knowledge.content', content.id, ['title', 'published', 'price', 'tag_ids', 'author_id'], writtenAt, (r) =>
        r.title !== content.title || r.published !== published || cents(r.price) !== content.price * 100 || !sameIds(content.tagIds, r.tag_ids) || idOf(r.author_id) !== content.authorId
          ? `reads ${String(r.title)} published ${String(r.published)} price ${String(r.price)} tags ${JSON.stringify(r.tag_ids)}, wrote published ${published} price ${content.price} tags ${content.tagIds.join(',')}` : undefined,
        then(next, after));
    };
    const action = (name: 'action_publish' | 'action_unpublish', next: Next): DrillCall<ContentChannel> => ({
      method: `hp.knowledge.content.${name}`, channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await c.exec('hp.knowledge.content', name, [[content.id]]);
        content.published = name === 'action_publish';
        check(writtenAt, next, next ? undefined : () => busy.delete(lock('content', content.id)));
      },
    });
    const publishAgain = (next: Next): DrillCall<ContentChannel> => ({
      method: 'hp.knowledge.content.action_publish (refused)', channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await refused('hp.knowledge.content.action_publish', ALREADY_PUBLISHED, () => c.exec('hp.knowledge.content', 'action_publish', [[content.id]]), `publish of published content ${content.id}`);
        check(writtenAt, next, next ? undefined : () => busy.delete(lock('content', content.id)));
      },
    });
    const plans: (() => DrillCall<ContentChannel>)[] = [
      () => action('action_publish', () => publishAgain(undefined)),
      () => action('action_publish', undefined),
      () => action('action_publish', () => action('action_unpublish', () => action('action_publish', undefined))),
    ];
    return {
      method: 'hp.knowledge.content.create', channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        content.id = Number(await c.exec('hp.knowledge.content', 'create', [{
          title: content.title, author_id: content.authorId, content_type: content.contentType, price: content.price, body: `<p>${prefix}body ${k}</p>`, tag_ids: [[6, 0, content.tagIds]],
        }]));
        report.contents.push(content);
        busy.add(lock('content', content.id));
        check(writtenAt, plans[k % plans.length]);
      },
    };
  };
  /** Re-reads the stored purchase_count of `content` as its author: exactly its buyers so far. */
  const readPurchaseCount = (content: TrackedContent, writtenAt: number, after: () => void) => {
    const author = login(content.authorId);
    const expected = content.buyers.length;
    report.countReads++;
    queueReadBack('hp.knowledge.content.read purchase_count', author.channel, `hp.knowledge.content#${content.id}`, writtenAt, async () => {
      const rows = (await author.exec('hp.knowledge.content', 'read', [[content.id], ['purchase_count']])) as { purchase_count: number }[];
      return rows[0]?.purchase_count === expected ? undefined : `content ${content.id}: purchase_count ${String(rows[0]?.purchase_count)}, it has ${expected} buyers`;
    }, after);
  };

  // ---- purchases (M06) ----
  let purchaseNo = 0;
  const purchaseCall = (): DrillCall<ContentChannel> | undefined => {
    const k = purchaseNo++;
    const free = report.contents.filter((c) => c.published && !busy.has(lock('content', c.id)) && c.buyers.length < members.length);
    if (!free.length) return undefined;
    const content = free[k % free.length]!;
    const buyer = members.find((m, i) => !content.buyers.includes(m.uid) && i >= k % members.length) ?? members.find((m) => !content.buyers.includes(m.uid))!;
    busy.add(lock('content', content.id));
    const unlock = () => busy.delete(lock('content', content.id));
    const buyAgain = (): DrillCall<ContentChannel> => ({
      method: 'hp.content.purchase.create (refused)', channel: buyer.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await refused('hp.content.purchase.create', ALREADY_PURCHASED, () => buyer.exec('hp.content.purchase', 'create', [{ content_id: content.id, buyer_id: buyer.uid }]), `a second purchase of content ${content.id} by ${buyer.uid}`);
        readPurchaseCount(content, writtenAt, unlock);
      },
    });
    return {
      method: 'hp.content.purchase.create', channel: buyer.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        let id: number;
        try {
          id = Number(await buyer.exec('hp.content.purchase', 'create', [{ content_id: content.id, buyer_id: buyer.uid }]));
        } catch (error) {
          unlock();
          throw error;
        }
        const amountCents = content.price * 100;
        report.purchases.push({ id, contentId: content.id, buyerId: buyer.uid, amountCents, via: `rpc (${buyer.channel})` });
        content.buyers.push(buyer.uid);
        readBack(buyer, 'hp.content.purchase', id, ['content_id', 'buyer_id', 'amount'], writtenAt, (r) =>
          idOf(r.content_id) !== content.id || idOf(r.buyer_id) !== buyer.uid || cents(r.amount) !== amountCents
            ? `reads content ${String(idOf(r.content_id))} buyer ${String(idOf(r.buyer_id))} amount ${String(r.amount)}, bought ${content.id} by ${buyer.uid} at ${amountCents / 100}` : undefined,
          () => readPurchaseCount(content, writtenAt, k % 5 === 0 ? () => ready.push(buyAgain()) : unlock));
      },
    };
  };

  // ---- community groups (M08, biz's) and posts (M11) in them at once ----
  let groupNo = 0;
  const groupCreate = (): DrillCall<ContentChannel> => {
    const k = groupNo++;
    const c = coach(k);
    const name = `${prefix}group ${k}`;
    return {
      method: 'hp.community.group.create', channel: c.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        const id = Number(await c.exec('hp.community.group', 'create', [{ name, owner_id: c.uid, privacy: 'public' }]));
        report.groups.push({ id, name });
        readBack(c, 'hp.community.group', id, ['name'], writtenAt, (r) => (r.name !== name ? `reads ${String(r.name)}, wrote ${name}` : undefined),
          // A post in the group just made: community_posts.group_id names a row M08's side created a moment ago.
          () => ready.push(postCreate(id)));
      },
    };
  };

  let postNo = 0;
  const postCheck = (who: RpcLogin, post: TrackedPost, writtenAt: number, after?: () => void) => {
    const { state, likes } = post;
    readBack(who, 'hp.community.post', post.id, ['title', 'state', 'group_id', 'like_count', 'author_id'], writtenAt, (r) =>
      r.title !== post.title || r.state !== state || idOf(r.group_id) !== post.groupId || Number(r.like_count ?? 0) !== likes || idOf(r.author_id) !== post.authorId
        ? `reads ${String(r.state)} group ${String(idOf(r.group_id))} likes ${String(r.like_count)}, wrote ${state} group ${post.groupId} likes ${likes}` : undefined, then(undefined, after));
  };
  const postCreate = (groupId?: number): DrillCall<ContentChannel> => {
    const k = postNo++;
    const m = member(k);
    const group = groupId ?? (report.groups.length && k % 2 ? report.groups[k % report.groups.length]!.id : null);
    const post: TrackedPost = { id: 0, authorId: m.uid, title: `${prefix}post ${k}`, groupId: group, state: 'published', likes: 0, via: `rpc (${m.channel})` };
    return {
      method: 'hp.community.post.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        post.id = Number(await m.exec('hp.community.post', 'create', [{ title: post.title, author_id: m.uid, body: `${prefix}post body ${k}`, ...(group ? { group_id: group } : {}) }]));
        report.posts.push(post);
        busy.add(lock('post', post.id));
        postCheck(m, post, writtenAt, () => busy.delete(lock('post', post.id)));
      },
    };
  };
  const freePost = (k: number) => {
    const free = report.posts.filter((p) => p.state === 'published' && !busy.has(lock('post', p.id)));
    return free.length ? free[k % free.length] : undefined;
  };
  let likeNo = 0;
  const likeCall = (): DrillCall<ContentChannel> | undefined => {
    const k = likeNo++;
    const post = freePost(k);
    if (!post) return undefined;
    busy.add(lock('post', post.id));
    const unlock = () => busy.delete(lock('post', post.id));
    // Every fourth post is hidden by its author once liked twice.
    if (post.likes >= 2 && report.posts.indexOf(post) % 4 === 0) {
      const author = login(post.authorId);
      return {
        method: 'hp.community.post.action_hide', channel: author.channel, write: true,
        run: async () => {
          const writtenAt = Date.now();
          try {
            await author.exec('hp.community.post', 'action_hide', [[post.id]]);
          } catch (error) {
            unlock();
            throw error;
          }
          post.state = 'hidden';
          postCheck(author, post, writtenAt, unlock);
        },
      };
    }
    const liker = otherMember(post.authorId, k);
    return {
      method: 'hp.community.post.action_like', channel: liker.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        try {
          await liker.exec('hp.community.post', 'action_like', [[post.id]]);
        } catch (error) {
          unlock();
          throw error;
        }
        post.likes++;
        report.countReads++;
        postCheck(liker, post, writtenAt, unlock);
      },
    };
  };
  let commentNo = 0;
  const commentCall = (): DrillCall<ContentChannel> | undefined => {
    const k = commentNo++;
    const post = freePost(k + 1);
    if (!post) return undefined;
    const m = k % 3 === 0 ? login(post.authorId) : otherMember(post.authorId, k);
    const earlier = report.comments.filter((c) => c.postId === post.id);
    const comment: TrackedComment = { id: 0, postId: post.id, authorId: m.uid, parentId: earlier.length && k % 2 ? earlier[0]!.id : null, body: `${prefix}comment ${k}`, via: `rpc (${m.channel})` };
    busy.add(lock('post', post.id));
    const unlock = () => busy.delete(lock('post', post.id));
    return {
      method: 'hp.comment.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        try {
          comment.id = Number(await m.exec('hp.comment', 'create', [{ post_id: post.id, author_id: m.uid, body: comment.body, ...(comment.parentId ? { parent_id: comment.parentId } : {}) }]));
        } catch (error) {
          unlock();
          throw error;
        }
        report.comments.push(comment);
        readBack(m, 'hp.comment', comment.id, ['post_id', 'parent_id', 'body', 'author_id'], writtenAt, (r) =>
          idOf(r.post_id) !== comment.postId || idOf(r.parent_id) !== comment.parentId || r.body !== comment.body || idOf(r.author_id) !== comment.authorId
            ? `reads post ${String(idOf(r.post_id))} parent ${String(idOf(r.parent_id))} body ${String(r.body)}, wrote post ${comment.postId} parent ${comment.parentId}` : undefined, unlock);
      },
    };
  };

  // ---- questions and answers (M12) ----
  let questionNo = 0;
  const questionCheck = (who: RpcLogin, q: TrackedQuestion, writtenAt: number, next: Next, after?: () => void) => {
    const { state, acceptedAnswerId } = q;
    readBack(who, 'hp.qa.question', q.id, ['title', 'state', 'tag_ids', 'accepted_answer_id', 'asker_id'], writtenAt, (r) =>
      r.title !== q.title || r.state !== state || !sameIds(q.tagIds, r.tag_ids) || idOf(r.accepted_answer_id) !== acceptedAnswerId || idOf(r.asker_id) !== q.askerId
        ? `reads ${String(r.state)} tags ${JSON.stringify(r.tag_ids)} accepted ${String(idOf(r.accepted_answer_id))}, wrote ${state} tags ${q.tagIds.join(',')} accepted ${acceptedAnswerId}` : undefined,
      then(next, after));
  };
  const questionCreate = (tagIds?: number[]): DrillCall<ContentChannel> => {
    const k = questionNo++;
    const m = member(k + 1);
    const q: TrackedQuestion = { id: 0, askerId: m.uid, title: `${prefix}question ${k}`, tagIds: tagIds ?? someTags(k), state: 'open', acceptedAnswerId: null, via: `rpc (${m.channel})` };
    return {
      method: 'hp.qa.question.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        q.id = Number(await m.exec('hp.qa.question', 'create', [{ title: q.title, asker_id: m.uid, body: `${prefix}question body ${k}`, bounty_points: 10 * (k % 4), tag_ids: [[6, 0, q.tagIds]] }]));
        report.questions.push(q);
        busy.add(lock('question', q.id));
        questionCheck(m, q, writtenAt, undefined, () => busy.delete(lock('question', q.id)));
      },
    };
  };
  const freeQuestion = (k: number, states: readonly TrackedQuestion['state'][]) => {
    const free = report.questions.filter((q) => states.includes(q.state) && !busy.has(lock('question', q.id)));
    return free.length ? free[k % free.length] : undefined;
  };
  /** The asker accepts the question's first answer; a second acceptance is refused; every other question is then closed, and an acceptance refused. */
  const acceptCycle = (q: TrackedQuestion, k: number): DrillCall<ContentChannel> => {
    const asker = login(q.askerId);
    const mine = report.answers.filter((a) => a.questionId === q.id);
    const unlock = () => busy.delete(lock('question', q.id));
    const refusal = (answerId: number, expected: RegExp, what: string, next: Next): DrillCall<ContentChannel> => ({
      method: 'hp.qa.answer.action_accept (refused)', channel: asker.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await refused('hp.qa.answer.action_accept', expected, () => asker.exec('hp.qa.answer', 'action_accept', [[answerId]]), what);
        questionCheck(asker, q, writtenAt, next, next ? undefined : unlock);
      },
    });
    const close = (): DrillCall<ContentChannel> => ({
      method: 'hp.qa.question.action_close', channel: asker.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        await asker.exec('hp.qa.question', 'action_close', [[q.id]]);
        q.state = 'closed';
        questionCheck(asker, q, writtenAt, () => refusal(mine[0]!.id, QUESTION_CLOSED, `acceptance on closed question ${q.id}`, undefined));
      },
    });
    return {
      method: 'hp.qa.answer.action_accept', channel: asker.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        try {
          await asker.exec('hp.qa.answer', 'action_accept', [[mine[0]!.id]]);
        } catch (error) {
          unlock();
          throw error;
        }
        q.state = 'answered';
        q.acceptedAnswerId = mine[0]!.id;
        questionCheck(asker, q, writtenAt, () => refusal(mine[1]!.id, ALREADY_ACCEPTED, `a second acceptance on question ${q.id}`, k % 2 === 0 ? close : undefined));
      },
    };
  };
  let answerNo = 0;
  const answerCall = (): DrillCall<ContentChannel> | undefined => {
    const k = answerNo++;
    const q = freeQuestion(k, ['open']);
    if (!q) return undefined;
    busy.add(lock('question', q.id));
    if (report.answers.filter((a) => a.questionId === q.id).length >= 2) return acceptCycle(q, k);
    const m = otherMember(q.askerId, k);
    const answer: TrackedAnswer = { id: 0, questionId: q.id, answererId: m.uid, votes: 0, via: `rpc (${m.channel})` };
    const unlock = () => busy.delete(lock('question', q.id));
    return {
      method: 'hp.qa.answer.create', channel: m.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        try {
          answer.id = Number(await m.exec('hp.qa.answer', 'create', [{ question_id: q.id, answerer_id: m.uid, body: `${prefix}answer ${k}` }]));
        } catch (error) {
          unlock();
          throw error;
        }
        report.answers.push(answer);
        readBack(m, 'hp.qa.answer', answer.id, ['question_id', 'votes', 'answerer_id'], writtenAt, (r) =>
          idOf(r.question_id) !== q.id || Number(r.votes ?? 0) !== 0 || idOf(r.answerer_id) !== m.uid
            ? `reads question ${String(idOf(r.question_id))} votes ${String(r.votes)}, wrote question ${q.id}` : undefined, unlock);
      },
    };
  };
  let voteNo = 0;
  const voteCall = (): DrillCall<ContentChannel> | undefined => {
    const k = voteNo++;
    const q = freeQuestion(k, ['open', 'answered']);
    const answer = q && report.answers.find((a) => a.questionId === q.id && (k % 2 === 0 || a.votes > 0));
    if (!q || !answer) return undefined;
    busy.add(lock('question', q.id));
    const unlock = () => busy.delete(lock('question', q.id));
    const voter = otherMember(answer.answererId, k);
    const delta = [1, 2, -1][k % 3]!;
    return {
      method: 'hp.qa.answer.action_vote', channel: voter.channel, write: true,
      run: async () => {
        const writtenAt = Date.now();
        try {
          await voter.exec('hp.qa.answer', 'action_vote', [[answer.id], delta]);
        } catch (error) {
          unlock();
          throw error;
        }
        answer.votes += delta;
        const votes = answer.votes;
        report.countReads++;
        readBack(voter, 'hp.qa.answer', answer.id, ['votes'], writtenAt, (r) => (Number(r.votes ?? 0) !== votes ? `reads votes ${String(r.votes)}, voted to ${votes}` : undefined), unlock);
      },
    };
  };

  // ---- reads and searches of all seven models ----
  const readCall = (k: number): DrillCall<ContentChannel> => {
    const m = member(k);
    const c = coach(k);
    const search = (who: RpcLogin, model: string, domain: unknown[], kwargs: Record<string, unknown>): DrillCall<ContentChannel> => ({
      method: `${model}.search_read`, channel: who.channel, write: false, run: async () => void (await who.exec(model, 'search_read', [domain], kwargs)),
    });
    const call = (who: RpcLogin, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): DrillCall<ContentChannel> => ({
      method: `${model}.${method}`, channel: who.channel, write: false, run: async () => void (await who.exec(model, method, args, kwargs)),
    });
    switch (k % 12) {
      case 0:
        return search(m, 'hp.knowledge.content', [['published', '=', true]], { fields: ['title', 'price', 'purchase_count', 'tag_ids', 'author_id'], limit: 10 });
      case 1:
        return call(m, 'hp.content.tag', 'name_search', [prefix.trim()], { limit: 10 });
      case 2:
        return search(m, 'hp.content.purchase', [['buyer_id', '=', m.uid]], { fields: ['content_id', 'amount', 'purchased_at'], limit: 10 });
      case 3:
        return search(m, 'hp.community.post', [['state', '=', 'published']], { fields: ['title', 'like_count', 'group_id', 'author_id'], limit: 10 });
      case 4:
        return search(m, 'hp.comment', [['post_id', 'in', report.posts.slice(-20).map((p) => p.id)]], { fields: ['post_id', 'parent_id', 'body'], limit: 20 });
      case 5:
        return search(m, 'hp.qa.question', [['state', '!=', 'closed']], { fields: ['title', 'state', 'tag_ids', 'accepted_answer_id'], limit: 10 });
      case 6:
        return search(m, 'hp.qa.answer', [['question_id', 'in', report.questions.slice(-20).map((q) => q.id)]], { fields: ['question_id', 'votes', 'answerer_id'], limit: 20 });
      case 7:
        return call(c, 'hp.community.post', 'read_group', [[], ['like_count:sum'], ['state']], { lazy: true });
      case 8:
        return call(m, 'hp.qa.question', 'search_count', [[['tag_ids', 'in', report.tags.slice(-10).map((t) => t.id)]]]);
      case 9:
        return search(c, 'hp.knowledge.content', [['author_id', '=', c.uid]], { fields: ['title', 'published', 'purchase_count'], limit: 10 });
      case 10:
        return call(m, 'hp.knowledge.content', 'name_search', [prefix.trim()], { limit: 10 });
      default:
        return rest?.read(k) ?? call(m, 'hp.content.tag', 'search_read', [[['name', 'like', prefix.trim()]]], { fields: ['name'], limit: 20 });
    }
  };

  // ---- the mix ----
  let writeNo = 0;
  const newWrite = (): DrillCall<ContentChannel> => {
    const w = writeNo++;
    const pick = (): DrillCall<ContentChannel> | undefined => {
      switch (w % 12) {
        case 0: return report.tags.length < MAX_TAGS ? tagCreate() : undefined;
        case 1: return report.contents.length < MAX_CONTENTS ? contentCreate(someTags(w)) : undefined;
        case 2: case 7: return purchaseCall();
        case 3: return report.groups.length < MAX_GROUPS ? groupCreate() : postCreate();
        case 4: return likeCall();
        case 5: return commentCall();
        case 6: return questionCreate();
        case 8: case 10: return answerCall();
        case 9: return voteCall();
        default: return postCreate();
      }
    };
    return pick() ?? likeCall() ?? answerCall() ?? (w % 2 ? postCreate() : questionCreate());
  };
  const anyWrite = (): DrillCall<ContentChannel> => ready.shift() ?? newWrite();

  let n = 0;
  // Four writes in ten, each read back once by its client: the read-backs take four read slots.
  const callNumber = (i: number, perform: Perform<ContentChannel>): Promise<void> => {
    const slot = i % 10;
    if (slot < 2) return perform(readCall(n++));
    if (slot < 6) return perform(readBacks.shift() ?? readCall(n++));
    if (slot < 9) return perform(anyWrite());
    return perform((rest && load.restWrites() ? rest.write() : undefined) ?? anyWrite());
  };

  const load = pacedLoad({ report, ratePerSecond: o.ratePerSecond, readBacks, ready, restUsed, callNumber });
  return load;
}
