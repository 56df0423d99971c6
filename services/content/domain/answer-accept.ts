import type { EventSink } from '../../kit/index.ts';
import type { QuestionState } from '../db/tables.ts';
import { questionAnsweredEvent } from './answer-events.ts';
import { QaRefused } from './question-refusal.ts';

export interface AnswerFacts {
  id: number;
  questionId: number;
  answererId: number | null;
}

export interface QuestionFacts {
  id: number;
  title: string;
  state: QuestionState;
  askerId: number;
  acceptedAnswerId: number | null;
}

/**
 * What action_accept reads and writes on the caller's connection, with the caller's checks:
 * `answer` is `self.question_id` (the answer's read ACL, MissingError and read rules),
 * `question` the question's fields (its read ACL and rules; REST also locks the row so two
 * accepts take turns), `accept` is `question.write(...)` (write ACL and rules: the asker and
 * operators under content's rules).
 */
export interface AcceptStore {
  answer(id: number): Promise<AnswerFacts>;
  question(id: number): Promise<QuestionFacts>;
  accept(questionId: number, answerId: number): Promise<void>;
}

/**
 * hp.qa.answer.action_accept (hp_qa/models/hp_qa.py), for every client: `ensure_one` (ValueError
 * "Expected singleton: hp.qa.answer(1, 2)"), then the question closed ("Question '%s' is
 * closed."), then another accepted answer ("Question '%s' already has an accepted answer.";
 * accepting the accepted answer again passes), then the write of accepted_answer_id and state
 * 'answered'. An answer newly accepted announces question_answered (accepted: true).
 */
export async function acceptAnswer(store: AcceptStore, events: EventSink<'question_answered'>, ids: readonly number[]): Promise<true> {
  if (ids.length !== 1) throw new QaRefused('value', `Expected singleton: hp.qa.answer(${ids.join(', ')})`);
  const answer = await store.answer(ids[0]!);
  const question = await store.question(answer.questionId);
  if (question.state === 'closed') throw new QaRefused('state', `Question '${question.title}' is closed.`);
  if (question.acceptedAnswerId !== null && question.acceptedAnswerId !== answer.id) {
    throw new QaRefused('state', `Question '${question.title}' already has an accepted answer.`);
  }
  await store.accept(question.id, answer.id);
  if (question.acceptedAnswerId !== answer.id && answer.answererId !== null) {
    await events.publish([questionAnsweredEvent({ questionId: question.id, answerId: answer.id, answererId: answer.answererId, askerId: question.askerId }, true)]);
  }
  return true;
}
