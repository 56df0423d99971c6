import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_RULES, runReconciliation, type BusinessRule, type ReconcileReport, type RuleResult } from '../../../migration/reconcile/index.ts';
import { CONTENT_MIGRATIONS } from '../../../services/content/db/migrations.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * The reconcile rules of M06, M11 and M12 the content drill ends on
 * (migration/reconcile/content-rules.ts): purchase_count is the content's purchases, one purchase
 * per (content, buyer), an accepted answer is the question's own and the question answered or
 * closed, no negative like count, whole votes. Checked against generated tables with planted
 * faults (exactly those reported), and against the monolith's data (clean on both sides) with one
 * breach of each rule planted on the service side.
 */
const rule = (id: string): BusinessRule => CONTENT_RULES.find((r) => r.id === id)!;
const CONTENT_TABLES = ['content_tags', 'knowledge_contents', 'knowledge_content_tag_rel', 'content_purchases', 'community_posts', 'comments', 'qa_questions', 'qa_question_tag_rel', 'qa_answers'];

describe('M06/M11/M12 rules on generated tables', () => {
  let db: TestDatabase;
  const sides = { source: () => db.pool, target: () => db.pool };
  const idsOf = (breaches: { ids: Record<string, number[]> }[], table: string) => breaches.map((b) => b.ids[table]![0]);

  beforeAll(async () => {
    db = await emptyDatabase('content_rules');
    for (const m of CONTENT_MIGRATIONS.filter((x) => x.id.startsWith('0001'))) await db.pool.query(m.sql);
    // A side that lost the unique key (the rule must still see a second purchase) and stores votes in a type that allows fractions.
    await db.pool.query('ALTER TABLE content_purchases DROP CONSTRAINT content_purchases_content_buyer_uniq; ALTER TABLE qa_answers ALTER COLUMN votes TYPE numeric');
  });
  afterAll(async () => db?.drop());

  it('report exactly the contents whose purchase_count is not their purchases, and every buyer with two purchases of one content', async () => {
    const contentArb = fc.record({
      buyers: fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 8 }),
      countFault: fc.option(fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0), { nil: undefined }),
      emptyCount: fc.boolean(),
      boughtTwice: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(contentArb, { minLength: 1, maxLength: 6 }), async (contents) => {
        await db.pool.query('TRUNCATE knowledge_contents, content_purchases RESTART IDENTITY');
        const badCounts: number[] = [];
        const twice: number[] = [];
        for (const [i, c] of contents.entries()) {
          const id = i + 1;
          const purchases = c.buyers.length + (c.boughtTwice && c.buyers.length ? 1 : 0);
          // An empty count is 0: right only when there is no purchase.
          const stored = c.emptyCount ? null : Math.max(0, purchases + (c.countFault ?? 0));
          if ((stored ?? 0) !== purchases) badCounts.push(id);
          await db.pool.query(`INSERT INTO knowledge_contents (currency_id, title, content_type, purchase_count) VALUES (1, $1, 'article', $2)`, [`C${id}`, stored]);
          for (const buyer of c.buyers) await db.pool.query('INSERT INTO content_purchases (content_id, buyer_id, currency_id, amount) VALUES ($1, $2, 1, 9)', [id, buyer]);
          if (c.boughtTwice && c.buyers.length) {
            await db.pool.query('INSERT INTO content_purchases (content_id, buyer_id, currency_id, amount) VALUES ($1, $2, 1, 9)', [id, c.buyers[0]]);
            twice.push(id);
          }
        }
        expect(idsOf(await rule('content-purchase-count-computed').check(sides, 'source'), 'knowledge_contents')).toEqual(badCounts);
        expect(idsOf(await rule('content-purchase-once-per-buyer').check(sides, 'source'), 'knowledge_contents')).toEqual(twice);
      }),
      { numRuns: 25 },
    );
  });

  it("report exactly the questions whose accepted answer is not their own, missing, or whose state is open", async () => {
    const questionArb = fc.record({
      state: fc.constantFrom('open', 'answered', 'closed'),
      answers: fc.integer({ min: 0, max: 3 }),
      accepted: fc.constantFrom('none', 'own', 'other', 'missing'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(questionArb, { minLength: 2, maxLength: 8 }), async (questions) => {
        await db.pool.query('TRUNCATE qa_questions, qa_answers RESTART IDENTITY');
        // Every question first, then their answers, ids in order: question i's answers are known before any link is written.
        const answersOf = new Map<number, number[]>();
        let answerId = 0;
        for (const [i, q] of questions.entries()) {
          await db.pool.query(`INSERT INTO qa_questions (asker_id, title, state) VALUES (7, $1, $2)`, [`Q${i + 1}`, q.state]);
          answersOf.set(i + 1, []);
          for (let a = 0; a < q.answers; a++) {
            await db.pool.query('INSERT INTO qa_answers (question_id, answerer_id, votes) VALUES ($1, 8, 0)', [i + 1]);
            answersOf.get(i + 1)!.push(++answerId);
          }
        }
        const bad: number[] = [];
        for (const [i, q] of questions.entries()) {
          const id = i + 1;
          const own = answersOf.get(id)!;
          const others = [...answersOf].filter(([qid]) => qid !== id).flatMap(([, ids]) => ids);
          const accepted = q.accepted === 'own' ? own[0] : q.accepted === 'other' ? others[0] : q.accepted === 'missing' ? 9999 : undefined;
          if (accepted === undefined) continue;
          await db.pool.query('UPDATE qa_questions SET accepted_answer_id = $2 WHERE id = $1', [id, accepted]);
          if (q.state === 'open' || q.accepted !== 'own') bad.push(id);
        }
        expect(idsOf(await rule('qa-accepted-answer-consistent').check(sides, 'source'), 'qa_questions')).toEqual(bad);
      }),
      { numRuns: 25 },
    );
  });

  it('report exactly the posts with a negative like count and the answers with fractional votes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.integer({ min: -5, max: 50 }), { nil: null }), { maxLength: 10 }),
        fc.array(fc.option(fc.integer({ min: -40, max: 40 }).map((v) => v / 4), { nil: null }), { maxLength: 10 }),
        async (likes, votes) => {
          await db.pool.query('TRUNCATE community_posts, qa_answers RESTART IDENTITY');
          for (const [i, n] of likes.entries()) await db.pool.query(`INSERT INTO community_posts (author_id, title, state, like_count) VALUES (7, $1, 'published', $2)`, [`P${i}`, n]);
          for (const v of votes) await db.pool.query('INSERT INTO qa_answers (question_id, answerer_id, votes) VALUES (1, 8, $1)', [v]);
          const negative = likes.flatMap((n, i) => (n !== null && n < 0 ? [i + 1] : []));
          const fractional = votes.flatMap((v, i) => (v !== null && !Number.isInteger(v) ? [i + 1] : []));
          expect(idsOf(await rule('community-post-likes-not-negative').check(sides, 'source'), 'community_posts')).toEqual(negative);
          expect(idsOf(await rule('qa-answer-votes-whole').check(sides, 'source'), 'qa_answers')).toEqual(fractional);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('reconcile of the content tables: the monolith keeps every content rule; a planted breach of each is reported on its side only', () => {
  let legacy: TestDatabase;
  let service: TestDatabase;
  const reconcile = () => runReconciliation({
    tables: CONTENT_TABLES.map((table) => ({ table })),
    source: { pool: legacy.pool, label: 'legacy' },
    targetFor: () => ({ pool: service.pool, label: 'svc_content' }),
  });
  const breaches = (report: ReconcileReport, id: string, side: RuleResult['side']) => report.rules.find((r) => r.id === id && r.side === side)!.breaches;

  beforeAll(async () => {
    // svc_content stands as a backfilled copy: the monolith's rows under the same names.
    [legacy, service] = await Promise.all([legacyDatabase(), legacyDatabase()]);
  }, 120_000);
  afterAll(async () => Promise.all([legacy?.drop(), service?.drop()]));

  it("the monolith's data keeps every content rule on both sides", async () => {
    const report = await reconcile();
    expect(report.rules.filter((r) => CONTENT_RULES.some((b) => b.id === r.id)).map((r) => `${r.id}/${r.side}: ${r.status}`).sort()).toEqual(
      CONTENT_RULES.flatMap((r) => [`${r.id}/source: ok`, `${r.id}/target: ok`]).sort(),
    );
  });

  it('a purchase doubled past a lost key, a purchase not counted, an accepted answer of another question, an unliked post and a half vote: each reported on the service side', async () => {
    const s = service.pool;
    const one = async (sql: string) => (await s.query<{ id: number } & Record<string, number>>(sql)).rows[0]!;
    // The service lost the unique key and applied one purchase twice (the content's count follows its rows: only the second rule breaks).
    await s.query('ALTER TABLE content_purchases DROP CONSTRAINT content_purchases_content_buyer_uniq');
    const doubled = await one(`INSERT INTO content_purchases (content_id, buyer_id, currency_id, amount, purchased_at)
      SELECT content_id, buyer_id, currency_id, amount, purchased_at FROM content_purchases WHERE id = (SELECT min(id) FROM content_purchases) RETURNING id, content_id, buyer_id`);
    await s.query('UPDATE knowledge_contents SET purchase_count = purchase_count + 1 WHERE id = $1', [doubled.content_id]);
    // A purchase the count missed, on another content.
    const uncounted = await one(`UPDATE knowledge_contents SET purchase_count = purchase_count - 1
      WHERE id = (SELECT min(content_id) FROM content_purchases WHERE content_id <> ${doubled.content_id}) RETURNING id`);
    // An answered question pointing at another question's answer.
    const question = await one(`SELECT min(id) AS id FROM qa_questions WHERE state = 'answered'`);
    const foreign = await one(`SELECT min(id) AS id FROM qa_answers WHERE question_id <> ${question.id}`);
    await s.query('UPDATE qa_questions SET accepted_answer_id = $2 WHERE id = $1', [question.id, foreign.id]);
    // A like taken back below zero.
    const post = await one(`UPDATE community_posts SET like_count = -1 WHERE id = (SELECT min(id) FROM community_posts) RETURNING id`);
    // Votes kept in a type that lets a half vote in.
    await s.query('ALTER TABLE qa_answers ALTER COLUMN votes TYPE numeric');
    const halfVote = await one(`UPDATE qa_answers SET votes = votes + 0.5 WHERE id = (SELECT max(id) FROM qa_answers) RETURNING id`);

    const report = await reconcile();
    for (const r of CONTENT_RULES) expect(breaches(report, r.id, 'source'), r.id).toEqual([]);
    expect(breaches(report, 'content-purchase-once-per-buyer', 'target').map((b) => b.ids.content_purchases!.at(-1))).toEqual([doubled.id]);
    expect(breaches(report, 'content-purchase-count-computed', 'target').map((b) => b.ids.knowledge_contents)).toEqual([[uncounted.id]]);
    expect(breaches(report, 'qa-accepted-answer-consistent', 'target').map((b) => b.ids.qa_questions)).toEqual([[question.id]]);
    expect(breaches(report, 'community-post-likes-not-negative', 'target').map((b) => b.ids.community_posts)).toEqual([[post.id]]);
    expect(breaches(report, 'qa-answer-votes-whole', 'target').map((b) => b.ids.qa_answers)).toEqual([[halfVote.id]]);
    expect(report.status).not.toBe('clean');
  });
});
