import { on, type BusinessRule, type RuleBreach } from './rule-model.ts';

/**
 * The invariants of M06, M11 and M12 (hp_knowledge, hp_community, hp_qa: the content service),
 * from the addons' sources. The three modules change owner on their own, so each rule reads the
 * tables of one module only.
 *
 * - hp.knowledge.content `purchase_count` (`_compute_purchase_count`, store=True, depends on
 *   `purchase_ids`): `len(purchase_ids)`, the content's rows in content_purchases; an empty count
 *   reads 0. A purchase lost, doubled or not counted on one side of the cut shows here.
 * - hp.content.purchase `content_buyer_uniq`: one purchase per (content, buyer). Both databases
 *   carry the unique constraint; a side that lost it (a service table made without it, a sync
 *   applying around it) sells a content twice to one buyer.
 * - hp.qa.answer.action_accept: a question's `accepted_answer_id` is set only together with
 *   `state = 'answered'` (action_close may then close it), and only to one of its own answers
 *   (`self.question_id`). ondelete='set null' clears the link when the answer goes, leaving the
 *   state: a question without an accepted answer may be in any state.
 * - hp.community.post.action_like: `like_count += 1`, never down; an empty count reads 0.
 * - hp.qa.answer.action_vote: `votes += int(delta)`: votes are whole numbers (an empty one reads 0).
 *   The legacy column is an integer; a service that stores votes in another type must not let a
 *   fraction in.
 */

const purchaseCount: BusinessRule = {
  id: 'content-purchase-count-computed',
  title: "Every content's purchase count is the number of its purchases",
  description:
    'For every knowledge content, purchase_count (empty reads 0) equals the number of content_purchases rows with its content_id, ' +
    'as hp.knowledge.content computes and stores it.',
  tables: ['knowledge_contents', 'content_purchases'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const [contents, purchases] = await Promise.all([
      on(locate, 'knowledge_contents').query<{ id: number; purchase_count: number | null; published: boolean | null }>(
        'SELECT id, purchase_count, published FROM knowledge_contents ORDER BY id',
      ),
      on(locate, 'content_purchases').query<{ content_id: number; n: number }>('SELECT content_id, count(*)::int4 AS n FROM content_purchases GROUP BY content_id'),
    ]);
    const counted = new Map(purchases.rows.map((p) => [p.content_id, p.n]));
    return contents.rows.flatMap((c): RuleBreach[] => {
      const n = counted.get(c.id) ?? 0;
      if ((c.purchase_count ?? 0) === n) return [];
      return [{
        ids: { knowledge_contents: [c.id] },
        detail: `content ${c.id}: purchase_count ${c.purchase_count ?? 'empty'}, it has ${n} purchase(s)`,
        noRepair: 'a count that differs from the purchases is a purchase lost, doubled or not counted: a person compares the purchases with their payments first',
      }];
    });
  },
};

const purchaseOncePerBuyer: BusinessRule = {
  id: 'content-purchase-once-per-buyer',
  title: 'No buyer has bought the same content twice',
  description: 'At most one content_purchases row per (content_id, buyer_id), as hp.content.purchase\'s content_buyer_uniq constraint requires.',
  tables: ['content_purchases'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'content_purchases').query<{ content_id: number; buyer_id: number; ids: number[] }>(
      `SELECT content_id, buyer_id, array_agg(id ORDER BY id) AS ids FROM content_purchases
        GROUP BY content_id, buyer_id HAVING count(*) > 1 ORDER BY content_id, buyer_id`,
    );
    return rows.map((r) => ({
      ids: { content_purchases: r.ids, knowledge_contents: [r.content_id], res_users: [r.buyer_id] },
      detail: `user ${r.buyer_id} bought content ${r.content_id} ${r.ids.length} times: purchases ${r.ids.join(', ')}`,
      noRepair: 'a second purchase may have a second payment: a person refunds one and removes its purchase',
    }));
  },
};

const acceptedAnswer: BusinessRule = {
  id: 'qa-accepted-answer-consistent',
  title: "Every question's accepted answer is one of its own, and the question is answered or closed",
  description:
    'For every question with an accepted_answer_id: its state is answered or closed, and the accepted answer exists with question_id = the question ' +
    "(hp.qa.answer.action_accept sets both from the answer's own question).",
  tables: ['qa_questions', 'qa_answers'],
  scope: 'per-side',
  async check(sides, side) {
    const locate = sides[side];
    const { rows: questions } = await on(locate, 'qa_questions').query<{ id: number; state: string; accepted_answer_id: number }>(
      'SELECT id, state, accepted_answer_id FROM qa_questions WHERE accepted_answer_id IS NOT NULL ORDER BY id',
    );
    const { rows: answers } = await on(locate, 'qa_answers').query<{ id: number; question_id: number }>(
      'SELECT id, question_id FROM qa_answers WHERE id = ANY($1::int4[])', [questions.map((q) => q.accepted_answer_id)],
    );
    const questionOf = new Map(answers.map((a) => [a.id, a.question_id]));
    return questions.flatMap((q): RuleBreach[] => {
      const wrong: string[] = [];
      if (q.state !== 'answered' && q.state !== 'closed') wrong.push(`is ${q.state}`);
      const owner = questionOf.get(q.accepted_answer_id);
      if (owner === undefined) wrong.push(`accepts answer ${q.accepted_answer_id}, which does not exist`);
      else if (owner !== q.id) wrong.push(`accepts answer ${q.accepted_answer_id} of question ${owner}`);
      if (!wrong.length) return [];
      return [{
        ids: { qa_questions: [q.id], qa_answers: [q.accepted_answer_id] },
        detail: `question ${q.id} ${wrong.join(' and ')}`,
        noRepair: 'which write was lost (the acceptance or the state) is not in the rows: a person asks the asker',
      }];
    });
  },
};

const likesNotNegative: BusinessRule = {
  id: 'community-post-likes-not-negative',
  title: 'No post has a negative like count',
  description: 'For every community post, like_count >= 0 (an empty count reads 0): hp.community.post.action_like only adds one.',
  tables: ['community_posts'],
  scope: 'per-side',
  async check(sides, side) {
    const { rows } = await on(sides[side], 'community_posts').query<{ id: number; like_count: number }>(
      'SELECT id, like_count FROM community_posts WHERE like_count < 0 ORDER BY id',
    );
    return rows.map((r) => ({
      ids: { community_posts: [r.id] },
      detail: `post ${r.id}: like_count ${r.like_count}`,
      noRepair: 'likes are not recorded one by one: a person decides what the count was',
    }));
  },
};

const wholeVotes: BusinessRule = {
  id: 'qa-answer-votes-whole',
  title: "Every answer's votes are a whole number",
  description: 'For every answer, votes (empty reads 0) is an integer: hp.qa.answer.action_vote adds int(delta).',
  tables: ['qa_answers'],
  scope: 'per-side',
  async check(sides, side) {
    // Compared as numeric whatever the column's type on this side: an integer column always passes.
    const { rows } = await on(sides[side], 'qa_answers').query<{ id: number; question_id: number; votes: string }>(
      'SELECT id, question_id, votes::text AS votes FROM qa_answers WHERE votes::numeric <> trunc(votes::numeric) ORDER BY id',
    );
    return rows.map((r) => ({
      ids: { qa_answers: [r.id], qa_questions: [r.question_id] },
      detail: `answer ${r.id} (question ${r.question_id}): votes ${r.votes}`,
      noRepair: 'a fractional vote was accepted somewhere: a person finds the write and decides the count',
    }));
  },
};

export const CONTENT_RULES: readonly BusinessRule[] = [purchaseCount, purchaseOncePerBuyer, acceptedAnswer, likesNotNegative, wholeVotes];
