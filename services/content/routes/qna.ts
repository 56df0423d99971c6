import type { Kysely } from 'kysely';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { qaHome } from '../db/content-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { ContentDatabase, QuestionState } from '../db/tables.ts';
import { acceptAnswer, type AcceptStore } from '../domain/answer-accept.ts';
import { newAnswerEvents } from '../domain/answer-events.ts';
import { answersOf, insertAnswer, readAnswer, type AnswerResource } from '../domain/answer-records.ts';
import { recordMemberVote, votesOfMember } from '../domain/answer-vote-ledger.ts';
import { addVotes, checkVotes, type AnswerVoteChecks } from '../domain/answer-votes.ts';
import { sanitizedBody } from '../domain/html-bodies.ts';
import { closeQuestions } from '../domain/question-actions.ts';
import { existingTags, insertQuestion, listQuestions, readQuestion, type QuestionResource } from '../domain/question-records.ts';
import { awaitQuestionTagCopies } from '../domain/question-tag-copies.ts';
import { wordsOf } from '../domain/post-records.ts';
import { asProblems, checkRecords, readerOfHome, restEventSink, rulesSql, writeInHome } from './rest-access.ts';

const QUESTION_MODEL = 'hp.qa.question';
const ANSWER_MODEL = 'hp.qa.answer';
const QUESTIONS = 'qa_questions';
const ANSWERS = 'qa_answers';

interface QuestionCreate { title: string; body?: string; tagIds?: number[]; bountyPoints?: number }
interface QuestionQuery { state?: QuestionState; tag?: string; asker_id?: number; q?: string; limit: number; offset: number }
interface AnswerCreate { body: string }
interface VoteBody { vote?: 1 | -1 }
type IdParams = { id: number };

async function questionFor(rows: Kysely<any>, id: number): Promise<QuestionResource> {
  const question = await readQuestion(onKysely(rows), id);
  if (!question) throw problems.notFound(`question ${id} does not exist`);
  return question;
}

/** A question with the answers the caller may read (votes desc, id), each with the caller's own REST vote. */
async function questionWithAnswers(rows: Kysely<any>, ledger: Kysely<any>, access: AccessPort, id: number) {
  const question = await questionFor(rows, id);
  await access.check(ANSWER_MODEL, 'read');
  const answers = await answersOf(onKysely(rows), id, await rulesSql(access, rows, ANSWER_MODEL, 'read', 'a'));
  const votes = await votesOfMember(onKysely(ledger), answers.map((a) => a.id), access.uid);
  return { ...question, answers: answers.map((a) => ({ ...a, myVote: votes.get(a.id) ?? 0 })) };
}

async function answerFor(rows: Kysely<any>, ledger: Kysely<any>, id: number, uid: number): Promise<AnswerResource & { myVote: number }> {
  const answer = await readAnswer(onKysely(rows), id);
  if (!answer) throw problems.notFound(`answer ${id} does not exist`);
  return { ...answer, myVote: (await votesOfMember(onKysely(ledger), [id], uid)).get(id) ?? 0 };
}

/**
 * action_accept's reads and write on a REST request: the answer and its question readable (404),
 * the question locked while the request runs (two accepts of one question take turns, the second
 * sees the first's answer), its write under the rules (403: only the asker and operators).
 */
function restAcceptStore(rows: Kysely<any>, access: AccessPort): AcceptStore {
  const run = onKysely(rows);
  return {
    async answer(id) {
      await checkRecords(access, rows, ANSWER_MODEL, ANSWERS, 'read', [id], 'answer');
      const [row] = await run.raw<{ id: number; question_id: number; answerer_id: number | null }>('SELECT id, question_id, answerer_id FROM qa_answers WHERE id = $1', [id]);
      return { id: row!.id, questionId: row!.question_id, answererId: row!.answerer_id };
    },
    async question(id) {
      await checkRecords(access, rows, QUESTION_MODEL, QUESTIONS, 'read', [id], 'question');
      const [row] = await run.raw<{ id: number; title: string; state: QuestionState; asker_id: number; accepted_answer_id: number | null }>(
        'SELECT id, title, state, asker_id, accepted_answer_id FROM qa_questions WHERE id = $1 FOR UPDATE', [id]);
      return { id: row!.id, title: row!.title, state: row!.state, askerId: row!.asker_id, acceptedAnswerId: row!.accepted_answer_id };
    },
    async accept(questionId, answerId) {
      await checkRecords(access, rows, QUESTION_MODEL, QUESTIONS, 'write', [questionId], 'question');
      await run.raw(`UPDATE qa_questions SET accepted_answer_id = $2, state = 'answered', write_uid = $3, write_date = (now() at time zone 'UTC') WHERE id = $1`, [questionId, answerId, access.uid]);
    },
  };
}

function restVoteChecks(rows: Kysely<any>, access: AccessPort): AnswerVoteChecks {
  return {
    read: (ids) => checkRecords(access, rows, ANSWER_MODEL, ANSWERS, 'read', ids, 'answer'),
    mayWrite: () => access.check(ANSWER_MODEL, 'write'),
  };
}

/** GET /qna/questions: the questions the caller may read (all but closed ones, and their own; operators all), newest first. */
export const listQuestionsRoute = defineRoute<ContentDatabase, unknown, QuestionQuery>({
  method: 'get',
  path: '/qna/questions',
  summary: 'List the Q&A questions the caller may read (closed ones only for their asker and operators), newest first; filter by state, tag, asker and words',
  auth: 'bearer',
  query: 'rest/content/question-query.json',
  responses: { 200: 'rest/content/question-list.json' },
  async handler(ctx) {
    const { query } = ctx;
    const access = ctx.access!;
    await access.check(QUESTION_MODEL, 'read');
    const rows = await readerOfHome(qaHome, ctx);
    const page = await listQuestions(onKysely(rows), {
      visible: await rulesSql(access, rows, QUESTION_MODEL, 'read', 'q'),
      ...(query.state ? { state: query.state } : {}),
      ...(query.tag ? { tag: query.tag } : {}),
      ...(query.asker_id ? { askerId: query.asker_id } : {}),
      words: wordsOf(query.q),
      limit: query.limit,
      offset: query.offset,
    });
    return { status: 200, body: { ...page, limit: query.limit, offset: query.offset } };
  },
});

/** POST /qna/questions: a question by the caller, open, with existing content tags. 201 with a Location. */
export const createQuestionRoute = defineRoute<ContentDatabase, QuestionCreate>({
  method: 'post',
  path: '/qna/questions',
  summary: 'Ask a question as the caller (hp.qa.question), tagged with existing content tags; the HTML body is sanitised as fields.Html does',
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/content/question-create.json',
  responses: { 201: 'rest/content/question.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const { body } = ctx;
    await access.check(QUESTION_MODEL, 'create');
    await awaitQuestionTagCopies(ctx, body.tagIds ?? []);
    return writeInHome(qaHome, ctx, async (rows) => {
      const run = onKysely(rows);
      const tagIds = body.tagIds ?? [];
      const found = await existingTags(run, tagIds);
      const unknown = tagIds.find((id) => !found.has(id));
      if (unknown !== undefined) throw problems.unprocessable(`content tag ${unknown} does not exist`);
      const id = await insertQuestion(run, { title: body.title, body: sanitizedBody(body.body), askerId: access.uid, bountyPoints: body.bountyPoints ?? 0, tagIds }, access.uid);
      await checkRecords(access, rows, QUESTION_MODEL, QUESTIONS, 'create', [id], 'question');
      return { status: 201, body: await questionFor(rows, id), headers: { location: `/qna/questions/${id}` } };
    });
  },
});

/** GET /qna/questions/{id}: one question with the answers the caller may read, most votes first. */
export const getQuestionRoute = defineRoute<ContentDatabase, unknown, unknown, IdParams>({
  method: 'get',
  path: '/qna/questions/:id',
  summary: 'Read one question with its answers, most votes first then oldest (404 for a question the caller may not read)',
  auth: 'bearer',
  params: 'rest/content/question-params.json',
  responses: { 200: 'rest/content/question-detail.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const rows = await readerOfHome(qaHome, ctx);
    await checkRecords(access, rows, QUESTION_MODEL, QUESTIONS, 'read', [ctx.params.id], 'question');
    return { status: 200, body: await questionWithAnswers(rows, ctx.db, access, ctx.params.id) };
  },
});

/** POST /qna/questions/{id}/answers: an answer by the caller to a question they may read; question_answered (accepted: false). */
export const createAnswerRoute = defineRoute<ContentDatabase, AnswerCreate, unknown, IdParams>({
  method: 'post',
  path: '/qna/questions/:id/answers',
  summary: 'Answer a question as the caller (hp.qa.answer); the HTML body is sanitised as fields.Html does; question_answered',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/content/question-params.json',
  body: 'rest/content/answer-create.json',
  responses: { 201: 'rest/content/answer.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const questionId = ctx.params.id;
    await access.check(ANSWER_MODEL, 'create');
    return writeInHome(qaHome, ctx, async (rows) => {
      const run = onKysely(rows);
      await checkRecords(access, rows, QUESTION_MODEL, QUESTIONS, 'read', [questionId], 'question');
      const id = await insertAnswer(run, { questionId, body: sanitizedBody(ctx.body.body), answererId: access.uid }, access.uid);
      await checkRecords(access, rows, ANSWER_MODEL, ANSWERS, 'create', [id], 'answer');
      await restEventSink<'question_answered'>(ctx).publish(await newAnswerEvents(run, [id]));
      return { status: 201, body: await answerFor(rows, ctx.db, id, access.uid), headers: { location: `/qna/questions/${questionId}` } };
    });
  },
});

/** POST /qna/questions/{id}/close: action_close, by the asker or an operator (403 for other members). */
export const closeQuestionRoute = defineRoute<ContentDatabase, unknown, unknown, IdParams>({
  method: 'post',
  path: '/qna/questions/:id/close',
  summary: 'Close a question (hp.qa.question.action_close): its asker or an operator; other members are refused (403)',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/content/question-params.json',
  responses: { 200: 'rest/content/question.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const id = ctx.params.id;
    return writeInHome(qaHome, ctx, async (rows) => {
      await closeQuestions(async (ids, vals) => {
        await checkRecords(access, rows, QUESTION_MODEL, QUESTIONS, 'write', ids, 'question');
        await onKysely(rows).raw(`UPDATE qa_questions SET state = $2, write_uid = $3, write_date = (now() at time zone 'UTC') WHERE id = ANY($1::int4[])`, [[...ids], vals.state, access.uid]);
      }, [id]);
      return { status: 200, body: await questionFor(rows, id) };
    });
  },
});

/**
 * POST /qna/answers/{id}/accept: action_accept, by the question's asker or an operator (the
 * question's write rules; 403 for other members). 409 with the addon's text on a closed question
 * or one that already has another accepted answer. question_answered (accepted: true).
 */
export const acceptAnswerRoute = defineRoute<ContentDatabase, unknown, unknown, IdParams>({
  method: 'post',
  path: '/qna/answers/:id/accept',
  summary: 'Accept an answer (hp.qa.answer.action_accept): the asker or an operator; 409 when the question is closed or has another accepted answer',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/content/answer-params.json',
  responses: { 200: 'rest/content/question-detail.json' },
  async handler(ctx) {
    const access = ctx.access!;
    return writeInHome(qaHome, ctx, async (rows) => {
      await asProblems(acceptAnswer(restAcceptStore(rows, access), restEventSink(ctx), [ctx.params.id]));
      const answer = await readAnswer(onKysely(rows), ctx.params.id);
      return { status: 200, body: await questionWithAnswers(rows, ctx.db, access, answer!.questionId) };
    });
  },
});

/**
 * POST /qna/answers/{id}/vote: the caller's vote (+1 or -1) on an answer they may read, one per
 * member (svc_content's ledger): the same vote again changes nothing, the other one replaces it.
 * The change is atomic, so concurrent votes of many members all count.
 */
export const voteAnswerRoute = defineRoute<ContentDatabase, VoteBody, unknown, IdParams>({
  method: 'post',
  path: '/qna/answers/:id/vote',
  summary: 'Vote on an answer (hp.qa.answer.action_vote) once per member, up (1) or down (-1); voting again replaces the vote',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/content/answer-params.json',
  body: 'rest/content/answer-vote.json',
  responses: { 200: 'rest/content/answer.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const id = ctx.params.id;
    const vote = ctx.body?.vote ?? 1;
    return writeInHome(qaHome, ctx, async (rows) => {
      await asProblems(checkVotes(restVoteChecks(rows, access), [id], vote));
      const change = await recordMemberVote(onKysely(ctx.db), id, access.uid, vote);
      if (change !== 0) await addVotes(onKysely(rows), new Map([[id, change]]), access.uid);
      return { status: 200, body: await answerFor(rows, ctx.db, id, access.uid) };
    });
  },
});

export const QNA_ROUTES = [listQuestionsRoute, createQuestionRoute, getQuestionRoute, createAnswerRoute, closeQuestionRoute, acceptAnswerRoute, voteAnswerRoute];
