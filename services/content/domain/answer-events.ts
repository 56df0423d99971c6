import type { NewEvent } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';

export interface AnsweredFacts {
  questionId: number;
  answerId: number;
  answererId: number;
  askerId: number;
}

/** question_answered (schemas/events/question_answered.json), keyed by the question so its answers and acceptance keep their order. */
export function questionAnsweredEvent(facts: AnsweredFacts, accepted: boolean): NewEvent<'question_answered'> {
  return { type: 'question_answered', subject: `hp.qa.question/${facts.questionId}`, data: { ...facts, accepted } };
}

/**
 * question_answered (accepted: false) for answers just created, over RPC or REST. An answer
 * without an answerer (answerer_id is optional in the addon) names no one to announce.
 */
export async function newAnswerEvents(run: SqlRunner, answerIds: readonly number[]): Promise<NewEvent<'question_answered'>[]> {
  if (!answerIds.length) return [];
  const rows = await run.raw<{ id: number; question_id: number; answerer_id: number | null; asker_id: number }>(
    `SELECT a.id, a.question_id, a.answerer_id, q.asker_id FROM qa_answers a JOIN qa_questions q ON q.id = a.question_id
      WHERE a.id = ANY($1::int4[]) AND a.answerer_id IS NOT NULL ORDER BY a.id`,
    [[...answerIds]],
  );
  return rows.map((r) => questionAnsweredEvent({ questionId: r.question_id, answerId: r.id, answererId: r.answerer_id!, askerId: r.asker_id }, false));
}
