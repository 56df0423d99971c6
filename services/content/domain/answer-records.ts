import { isoUtc, type RulesSql } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { sanitizedBody } from './html-bodies.ts';

export interface AnswerResource {
  id: number;
  questionId: number;
  answererId: number | null;
  body: string | null;
  votes: number;
  accepted: boolean;
  createdAt: string | null;
}

interface AnswerRow {
  id: number;
  question_id: number;
  answerer_id: number | null;
  body: string | null;
  votes: number | null;
  accepted: boolean;
  create_date: string | Date | null;
}

const ANSWER_COLUMNS = `a.id, a.question_id, a.answerer_id, a.body, a.votes, a.create_date,
  EXISTS (SELECT 1 FROM qa_questions q WHERE q.id = a.question_id AND q.accepted_answer_id = a.id) AS accepted`;

function answerResource(r: AnswerRow): AnswerResource {
  return {
    id: r.id, questionId: r.question_id, answererId: r.answerer_id, body: sanitizedBody(r.body), votes: r.votes ?? 0, accepted: r.accepted,
    createdAt: r.create_date ? isoUtc(r.create_date) : null,
  };
}

/** A question's answers the caller may read (hp.qa.answer's read rules over `a`), in hp.qa.answer's order: votes desc (none counting as 0), id. */
export async function answersOf(run: SqlRunner, questionId: number, visible: RulesSql): Promise<AnswerResource[]> {
  const rows = await run.raw<AnswerRow>(
    `SELECT ${ANSWER_COLUMNS} FROM qa_answers a WHERE a.question_id = $${visible.parameters.length + 1} AND (${visible.sql})
      ORDER BY COALESCE(a.votes, 0) DESC, a.id`,
    [...visible.parameters, questionId],
  );
  return rows.map(answerResource);
}

export async function readAnswer(run: SqlRunner, id: number): Promise<AnswerResource | undefined> {
  const [row] = await run.raw<AnswerRow>(`SELECT ${ANSWER_COLUMNS} FROM qa_answers a WHERE a.id = $1`, [id]);
  return row ? answerResource(row) : undefined;
}

/** hp.qa.answer's create over REST: the caller as answerer, no votes yet. */
export async function insertAnswer(run: SqlRunner, answer: { questionId: number; body: string | null; answererId: number }, uid: number): Promise<number> {
  const [row] = await run.raw<{ id: number }>(
    `INSERT INTO qa_answers (question_id, answerer_id, body, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, $4, $4, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
    [answer.questionId, answer.answererId, answer.body, uid],
  );
  return row!.id;
}
