import type pg from 'pg';
import { contentDrillPrefix } from './content-load.ts';
import type { ContentLoadReport } from './content-load-types.ts';
import { sideChecker, type SideCheck } from './side-check.ts';

/** Every row the content drill writes carries its run's prefix (names, titles, bodies) or hangs off one that does: nothing of it exists before the load. */
export type ContentBaseline = Record<string, Set<number>>;
export const contentBaseline = async (): Promise<ContentBaseline> => ({});

const cents = (value: string | number | null) => Math.round(Number(value ?? 0) * 100);
const ids = (xs: readonly number[]) => [...xs].sort((a, b) => a - b).join(',');

/**
 * Every row the load was answered with, on one side: present exactly once with the values its
 * last accepted write gave it, and no other row of the run. A tag: its name. A content: its
 * author, price, published flag, tags (knowledge_content_tag_rel) and stored purchase_count, the
 * number of its buyers. A purchase: its content, buyer and amount (the content's price). A post:
 * its author, group, state and like_count, the likes it was answered. A comment: its post, parent
 * and author. A question: its asker, state, accepted answer and tags (qa_question_tag_rel, the
 * link to M06's tags). An answer: its question, answerer and votes, the sum of the votes it was
 * answered.
 */
export async function checkContentSide(side: SideCheck['side'], pool: pg.Pool, baseline: ContentBaseline, report: ContentLoadReport): Promise<SideCheck> {
  const { check, newRows: ownedRows, compare } = sideChecker(side, pool, baseline);
  const like = `${contentDrillPrefix(report.runTag)}%`;
  /** Bodies over REST are stored sanitised as fields.Html does (perhaps wrapped in <p>): the run's prefix anywhere in them. */
  const within = `%${contentDrillPrefix(report.runTag)}%`;
  /** The run's rows of `table`: `where` names them with $1, the run's LIKE pattern, or ids of the run's rows. */
  const newRows = <R extends { id: number }>(table: string, columns: string, where: string, named: string | readonly number[]) =>
    ownedRows<R>(table, columns, where, named as readonly number[]);

  const tags = await newRows<{ id: number; name: string }>('content_tags', 'name', 'name LIKE $1', like);
  compare('content_tags', report.tags, tags, (t, r) => (r.name !== t.name ? `holds ${r.name}, written ${t.name}` : undefined));

  const tagsOf = async (relation: string, column: string, owners: readonly number[]) => {
    const { rows } = await pool.query<{ owner: number; tags: number[] }>(
      `SELECT ${column} AS owner, array_agg(tag_id ORDER BY tag_id) AS tags FROM ${relation} WHERE ${column} = ANY($1::int4[]) GROUP BY ${column}`, [owners],
    );
    return new Map(rows.map((r) => [r.owner, r.tags]));
  };

  const contents = await newRows<{ id: number; author_id: number | null; title: string; price: string | null; published: boolean | null; purchase_count: number | null }>(
    'knowledge_contents', 'author_id, title, price::text AS price, published, purchase_count', 'title LIKE $1', like,
  );
  const contentTags = await tagsOf('knowledge_content_tag_rel', 'content_id', report.contents.map((c) => c.id));
  compare('knowledge_contents', report.contents, contents, (t, r) => {
    const tagIds = contentTags.get(t.id) ?? [];
    return r.author_id !== t.authorId || r.title !== t.title || cents(r.price) !== t.price * 100 || (r.published ?? false) !== t.published || (r.purchase_count ?? 0) !== t.buyers.length || ids(tagIds) !== ids(t.tagIds)
      ? `holds author ${r.author_id} price ${r.price} published ${r.published} purchase_count ${r.purchase_count} tags ${ids(tagIds)}, last written author ${t.authorId} price ${t.price} published ${t.published}, ${t.buyers.length} buyers, tags ${ids(t.tagIds)}`
      : undefined;
  });

  const purchases = await newRows<{ id: number; content_id: number; buyer_id: number; amount: string | null }>(
    'content_purchases', 'content_id, buyer_id, amount::text AS amount', 'content_id = ANY($1::int4[])', report.contents.map((c) => c.id),
  );
  compare('content_purchases', report.purchases, purchases, (t, r) =>
    r.content_id !== t.contentId || r.buyer_id !== t.buyerId || cents(r.amount) !== t.amountCents
      ? `holds content ${r.content_id} buyer ${r.buyer_id} amount ${r.amount}, bought ${t.contentId} by ${t.buyerId} at ${t.amountCents / 100}` : undefined);

  const posts = await newRows<{ id: number; author_id: number; title: string; group_id: number | null; state: string; like_count: number | null }>(
    'community_posts', 'author_id, title, group_id, state, like_count', 'title LIKE $1', like,
  );
  compare('community_posts', report.posts, posts, (t, r) =>
    r.author_id !== t.authorId || r.title !== t.title || r.group_id !== t.groupId || r.state !== t.state || (r.like_count ?? 0) !== t.likes
      ? `holds author ${r.author_id} group ${r.group_id} ${r.state} likes ${r.like_count}, last written author ${t.authorId} group ${t.groupId} ${t.state} likes ${t.likes}` : undefined);

  const comments = await newRows<{ id: number; post_id: number; author_id: number | null; parent_id: number | null; body: string | null }>(
    'comments', 'post_id, author_id, parent_id, body', 'body LIKE $1', within,
  );
  compare('comments', report.comments, comments, (t, r) =>
    r.post_id !== t.postId || r.author_id !== t.authorId || r.parent_id !== t.parentId || r.body !== t.body
      ? `holds post ${r.post_id} author ${r.author_id} parent ${r.parent_id}, written post ${t.postId} author ${t.authorId} parent ${t.parentId}` : undefined);

  const questions = await newRows<{ id: number; asker_id: number; title: string; state: string; accepted_answer_id: number | null }>(
    'qa_questions', 'asker_id, title, state, accepted_answer_id', 'title LIKE $1', like,
  );
  const questionTags = await tagsOf('qa_question_tag_rel', 'question_id', report.questions.map((q) => q.id));
  compare('qa_questions', report.questions, questions, (t, r) => {
    const tagIds = questionTags.get(t.id) ?? [];
    return r.asker_id !== t.askerId || r.title !== t.title || r.state !== t.state || r.accepted_answer_id !== t.acceptedAnswerId || ids(tagIds) !== ids(t.tagIds)
      ? `holds asker ${r.asker_id} ${r.state} accepted ${r.accepted_answer_id} tags ${ids(tagIds)}, last written asker ${t.askerId} ${t.state} accepted ${t.acceptedAnswerId} tags ${ids(t.tagIds)}`
      : undefined;
  });

  const answers = await newRows<{ id: number; question_id: number; answerer_id: number | null; votes: number | null }>(
    'qa_answers', 'question_id, answerer_id, votes', 'body LIKE $1', within,
  );
  compare('qa_answers', report.answers, answers, (t, r) =>
    r.question_id !== t.questionId || r.answerer_id !== t.answererId || (r.votes ?? 0) !== t.votes
      ? `holds question ${r.question_id} answerer ${r.answerer_id} votes ${r.votes}, written question ${t.questionId} answerer ${t.answererId} votes ${t.votes}` : undefined);

  // Relation rows pointing at a tag the side does not hold: a link across the cut that lost its other end.
  const { rows: dangling } = await pool.query<{ relation: string; owner: number; tag_id: number }>(
    `SELECT 'qa_question_tag_rel' AS relation, question_id AS owner, tag_id FROM qa_question_tag_rel r WHERE question_id = ANY($1::int4[]) AND NOT EXISTS (SELECT 1 FROM content_tags t WHERE t.id = r.tag_id)
     UNION ALL
     SELECT 'knowledge_content_tag_rel', content_id, tag_id FROM knowledge_content_tag_rel r WHERE content_id = ANY($2::int4[]) AND NOT EXISTS (SELECT 1 FROM content_tags t WHERE t.id = r.tag_id)`,
    [report.questions.map((q) => q.id), report.contents.map((c) => c.id)],
  );
  for (const d of dangling) check.wrong.push(`${d.relation} (${d.owner}, ${d.tag_id}): tag ${d.tag_id} is not in content_tags here`);
  return check;
}
