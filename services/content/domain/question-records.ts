import { isoUtc, type RulesSql } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { QuestionState } from '../db/tables.ts';
import { sanitizedBody } from './html-bodies.ts';
import { likeEscaped } from './post-records.ts';

export interface QuestionResource {
  id: number;
  title: string;
  body: string | null;
  state: QuestionState;
  askerId: number;
  bountyPoints: number;
  acceptedAnswerId: number | null;
  tags: { id: number; name: string }[];
  answerCount: number;
  createdAt: string | null;
  updatedAt: string | null;
}

interface QuestionRow {
  id: number;
  title: string;
  body: string | null;
  state: QuestionState;
  asker_id: number;
  bounty_points: number | null;
  accepted_answer_id: number | null;
  create_date: string | Date | null;
  write_date: string | Date | null;
  answer_count: string;
}

const QUESTION_COLUMNS = `q.id, q.title, q.body, q.state, q.asker_id, q.bounty_points, q.accepted_answer_id, q.create_date, q.write_date,
  (SELECT count(*) FROM qa_answers a WHERE a.question_id = q.id) AS answer_count`;

export interface QuestionFilter {
  /** The caller's read rules over `q` (rulesSql with 0 parameters before). */
  visible: RulesSql;
  state?: QuestionState;
  /** A tag's name (content_tags.name, exact). */
  tag?: string;
  askerId?: number;
  words?: readonly string[];
  limit: number;
  offset: number;
}

/** The questions the caller's read rules include, in hp.qa.question's order (create_date desc, id desc), with their tags. */
export async function listQuestions(run: SqlRunner, filter: QuestionFilter): Promise<{ items: QuestionResource[]; total: number }> {
  const values: unknown[] = [...filter.visible.parameters];
  const where = [`(${filter.visible.sql})`];
  const add = (condition: (n: number) => string, value: unknown) => {
    values.push(value);
    where.push(condition(values.length));
  };
  if (filter.state !== undefined) add((n) => `q.state = $${n}`, filter.state);
  if (filter.askerId !== undefined) add((n) => `q.asker_id = $${n}`, filter.askerId);
  if (filter.tag !== undefined) {
    add((n) => `EXISTS (SELECT 1 FROM qa_question_tag_rel r JOIN content_tags t ON t.id = r.tag_id WHERE r.question_id = q.id AND t.name = $${n})`, filter.tag);
  }
  for (const word of filter.words ?? []) add((n) => `(q.title ILIKE $${n} OR q.body ILIKE $${n})`, `%${likeEscaped(word)}%`);
  const condition = where.join(' AND ');
  const [count] = await run.raw<{ total: string }>(`SELECT count(*) AS total FROM qa_questions q WHERE ${condition}`, values);
  const rows = await run.raw<QuestionRow>(
    `SELECT ${QUESTION_COLUMNS} FROM qa_questions q WHERE ${condition}
      ORDER BY q.create_date DESC NULLS LAST, q.id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
    [...values, filter.limit, filter.offset],
  );
  return { items: await withTags(run, rows), total: Number(count?.total ?? 0) };
}

/** One question (the caller checked the rules first). */
export async function readQuestion(run: SqlRunner, id: number): Promise<QuestionResource | undefined> {
  const rows = await run.raw<QuestionRow>(`SELECT ${QUESTION_COLUMNS} FROM qa_questions q WHERE q.id = $1`, [id]);
  return (await withTags(run, rows))[0];
}

async function withTags(run: SqlRunner, rows: readonly QuestionRow[]): Promise<QuestionResource[]> {
  const ids = rows.map((r) => r.id);
  const tags = ids.length
    ? await run.raw<{ question_id: number; id: number; name: string }>(
      'SELECT r.question_id, t.id, t.name FROM qa_question_tag_rel r JOIN content_tags t ON t.id = r.tag_id WHERE r.question_id = ANY($1::int4[]) ORDER BY t.name, t.id',
      [ids],
    )
    : [];
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    body: sanitizedBody(r.body),
    state: r.state,
    askerId: r.asker_id,
    bountyPoints: r.bounty_points ?? 0,
    acceptedAnswerId: r.accepted_answer_id,
    tags: tags.filter((t) => t.question_id === r.id).map((t) => ({ id: t.id, name: t.name })),
    answerCount: Number(r.answer_count),
    createdAt: r.create_date ? isoUtc(r.create_date) : null,
    updatedAt: r.write_date ? isoUtc(r.write_date) : null,
  }));
}

/** The tags among `ids` that exist (content_tags, M06's, beside the questions). */
export async function existingTags(run: SqlRunner, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await run.raw<{ id: number }>('SELECT id FROM content_tags WHERE id = ANY($1::int4[])', [[...ids]]);
  return new Set(rows.map((r) => r.id));
}

/** hp.qa.question's create over REST: the caller as asker, open, with its tags. */
export async function insertQuestion(run: SqlRunner, question: { title: string; body: string | null; askerId: number; bountyPoints: number; tagIds: readonly number[] }, uid: number): Promise<number> {
  const [row] = await run.raw<{ id: number }>(
    `INSERT INTO qa_questions (asker_id, title, body, state, bounty_points, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, 'open', $4, $5, $5, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
    [question.askerId, question.title, question.body, question.bountyPoints, uid],
  );
  const id = row!.id;
  if (question.tagIds.length) {
    await run.raw('INSERT INTO qa_question_tag_rel (question_id, tag_id) SELECT $1, unnest($2::int4[]) ON CONFLICT DO NOTHING', [id, [...new Set(question.tagIds)]]);
  }
  return id;
}
