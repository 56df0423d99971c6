import { idsOf, updateRecords, type BehaviourRegistry, type CallContext, type MethodSpec, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { readSelf, recordsMethod } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import type { QuestionState } from '../db/tables.ts';
import { acceptAnswer, type AcceptStore } from '../domain/answer-accept.ts';
import { newAnswerEvents } from '../domain/answer-events.ts';
import { addVotes, checkVotes, type AnswerVoteChecks } from '../domain/answer-votes.ts';
import { closeQuestions } from '../domain/question-actions.ts';
import type { ContentBehaviourOptions } from './behaviour-options.ts';
import { checkedThenBeside } from './counter-calls.ts';

const QUESTION_MODEL = 'hp.qa.question';

function questionModelOf(ctx: CallContext): ModelInfo {
  const model = ctx.registry.model(QUESTION_MODEL);
  if (!model) throw new Error(`${QUESTION_MODEL} is not in the registry`);
  return model;
}

/** action_accept's reads and write through the engine: each with the ACL, MissingError and record rules Python's would meet. */
function rpcAcceptStore(ctx: CallContext, behaviours: BehaviourRegistry, answerModel: ModelInfo): AcceptStore {
  const questionModel = questionModelOf(ctx);
  return {
    async answer(id) {
      const row = (await readSelf<{ id: number; question_id: number; answerer_id: number | null }>(ctx, behaviours, answerModel, 'qa_answers', [id], ['question_id', 'answerer_id'])).get(id)!;
      return { id: row.id, questionId: row.question_id, answererId: row.answerer_id };
    },
    async question(id) {
      const row = (await readSelf<{ id: number; title: string; state: QuestionState; asker_id: number; accepted_answer_id: number | null }>(
        ctx, behaviours, questionModel, 'qa_questions', [id], ['title', 'state', 'asker_id', 'accepted_answer_id'])).get(id)!;
      return { id: row.id, title: row.title, state: row.state, askerId: row.asker_id, acceptedAnswerId: row.accepted_answer_id };
    },
    accept: async (questionId, answerId) => void (await updateRecords({ ctx, behaviours }, questionModel, [questionId], { accepted_answer_id: answerId, state: 'answered' })),
  };
}

function rpcVoteChecks(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): AnswerVoteChecks {
  return {
    read: async (ids) => void (await readSelf(ctx, behaviours, model, 'qa_answers', ids, ['votes'])),
    mayWrite: async () => ctx.access.checkModel(model, 'write'),
  };
}

/**
 * hp.qa.answer.action_vote(delta=1) (`for answer in self: answer.votes += int(delta)`), delta by
 * position or keyword as Python binds it: the checks in the call's transaction, the atomic
 * increment beside it (counter-calls.ts). As for likes, the read rules are asked and the write
 * rules are not: voting on another member's answer is the method's purpose, not an edit.
 */
function actionVote(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'records',
    signature: { qualname: 'HpQaAnswer.action_vote', params: [{ name: 'delta', default: 1 }] },
    run: (ctx, model, args, ids) => checkedThenBeside(
      ctx,
      (tx) => checkVotes(rpcVoteChecks(tx, behaviours, model), idsOf(ids), 'delta' in args ? args.delta : 1),
      async (on, changes) => void (await addVotes(onQueryable(on.db), changes, on.uid)),
    ),
  };
}

/**
 * hp_qa's Python (M12, hp_qa/models/hp_qa.py) on the ORM engine, the same on both sides of the
 * cut: hp.qa.question.action_close (domain/question-actions.ts), hp.qa.answer.action_accept
 * (domain/answer-accept.ts: ensure_one, the addon's UserError texts, then the question's write)
 * and action_vote (domain/answer-votes.ts). On the service side an answer created over RPC
 * announces question_answered (accepted: false), as REST's does, and an accepted one (true).
 */
export function registerQaBehaviours(behaviours: BehaviourRegistry, options: ContentBehaviourOptions): BehaviourRegistry {
  behaviours.register(QUESTION_MODEL, {
    methods: {
      action_close: recordsMethod('HpQaQuestion.action_close', [], (ctx, model, ids) =>
        closeQuestions(async (targets, vals) => void (await updateRecords({ ctx, behaviours }, model, [...targets], vals)), ids)),
    },
  });
  behaviours.register('hp.qa.answer', {
    ...(options.side === 'service'
      ? { afterCreate: async (ctx: CallContext, ids: number[]) => options.events(ctx).publish(await newAnswerEvents(onQueryable(ctx.db), ids)) }
      : {}),
    methods: {
      action_accept: recordsMethod('HpQaAnswer.action_accept', [], (ctx, model, ids) => acceptAnswer(rpcAcceptStore(ctx, behaviours, model), options.events(ctx), ids)),
      action_vote: actionVote(behaviours),
    },
  });
  return behaviours;
}

/** The business methods hp_qa defines (CONTENT_BUSINESS_METHODS' line). */
export const QA_BUSINESS_METHODS = { 'hp.qa.question': ['action_close'], 'hp.qa.answer': ['action_accept', 'action_vote'] } as const;
