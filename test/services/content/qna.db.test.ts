import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idem, odooErrorOf, outboxData, plainMembers, startCommunitySides, userOfGroup, type CommunitySides } from './community-sides.ts';

/**
 * M12 (hp_qa) on both sides of its cut, over Odoo RPC and REST on the same rows: action_accept
 * (ensure_one, the addon's UserError texts in its order, one accepted answer), action_vote (delta
 * by position or keyword, Python's int() errors, atomic under concurrency; once per member over
 * REST), action_close, question_answered; the record rules content adds (members read questions
 * that are not closed and their own, and the answers of those; only askers and operators close or
 * accept) on every protocol.
 */
let sides: CommunitySides;
const Q = 'hp.qa.question';
const A = 'hp.qa.answer';

beforeAll(async () => {
  sides = await startCommunitySides('service');
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe.each(['service', 'legacy'] as const)('M12 in phase %s', (phase) => {
  let pool: pg.Pool;
  let rpc: CommunitySides['serviceRpc'];
  let members: number[];
  let operator: number;
  let asker: number;
  let helper: number;
  let stranger: number;
  let tag: { id: number; name: string };
  const ask = async (uid: number, title: string, tagIds: number[] = []) => (await rpc(uid, Q, 'create', [{ title, asker_id: uid, body: 'why?', tag_ids: [[6, 0, tagIds]] }])) as number;
  const answer = async (uid: number, questionId: number, body = 'because') => (await rpc(uid, A, 'create', [{ question_id: questionId, answerer_id: uid, body }])) as number;
  const votes = async (id: number) => (await pool.query<{ v: number | null }>('SELECT votes AS v FROM qa_answers WHERE id = $1', [id])).rows[0]!.v ?? 0;
  const question = async (id: number) => (await pool.query<{ state: string; accepted_answer_id: number | null }>('SELECT state, accepted_answer_id FROM qa_questions WHERE id = $1', [id])).rows[0]!;

  beforeAll(async () => {
    await sides.setOwner(phase);
    pool = phase === 'service' ? sides.service : sides.legacy;
    rpc = phase === 'service' ? sides.serviceRpc : sides.legacyRpc;
    members = await plainMembers(pool, 70, phase === 'service' ? 0 : 70);
    [asker, helper, stranger] = members as [number, number, number];
    operator = await userOfGroup(pool, 'group_hp_operator');
    tag = (await pool.query<{ id: number; name: string }>('SELECT id, name FROM content_tags ORDER BY id LIMIT 1')).rows[0]!;
  });

  it("action_accept: ensure_one's ValueError, MissingError, another member refused, the asker accepts (again too), then the addon's texts for another answer and for a closed question", async () => {
    const title = `k2 ${phase} accept?`;
    const q = await ask(asker, title);
    const announced = (await outboxData(sides.service, 'question_answered')).length;
    const [a1, a2] = [await answer(helper, q), await answer(stranger, q)];
    expect(await odooErrorOf(rpc(asker, A, 'action_accept', [[a1, a2]]))).toEqual({ name: 'builtins.ValueError', message: `Expected singleton: hp.qa.answer(${a1}, ${a2})` });
    expect(await odooErrorOf(rpc(asker, A, 'action_accept', [[]]))).toEqual({ name: 'builtins.ValueError', message: 'Expected singleton: hp.qa.answer()' });
    expect(await odooErrorOf(rpc(asker, A, 'action_accept', [[99999999]]))).toEqual({
      name: 'odoo.exceptions.MissingError', message: `Record does not exist or has been deleted.\n(Record: hp.qa.answer(99999999,), User: ${asker})`,
    });
    // The monolith let any member accept for the asker; content's rules leave it to the asker and operators.
    expect((await odooErrorOf(rpc(stranger, A, 'action_accept', [[a2]]))).name).toBe('odoo.exceptions.AccessError');
    expect((await sides.rest('POST', `/qna/answers/${a2}/accept`, stranger, undefined, idem())).status).toBe(403);
    expect(await question(q)).toEqual({ state: 'open', accepted_answer_id: null });
    expect(await rpc(asker, A, 'action_accept', [[a1]])).toBe(true);
    expect(await question(q)).toEqual({ state: 'answered', accepted_answer_id: a1 });
    expect(await rpc(asker, A, 'action_accept', [a1])).toBe(true);
    expect(await odooErrorOf(rpc(asker, A, 'action_accept', [[a2]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Question '${title}' already has an accepted answer.` });
    const conflict = await sides.rest('POST', `/qna/answers/${a2}/accept`, asker, undefined, idem());
    expect([conflict.status, conflict.body.detail]).toEqual([409, `Question '${title}' already has an accepted answer.`]);
    expect(await rpc(asker, Q, 'action_close', [[q]])).toBe(true);
    expect(await odooErrorOf(rpc(asker, A, 'action_accept', [[a1]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Question '${title}' is closed.` });
    expect(await odooErrorOf(rpc(operator, A, 'action_accept', [[a2]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Question '${title}' is closed.` });
    const events = (await outboxData(sides.service, 'question_answered')).slice(announced);
    expect(events).toEqual(phase === 'service'
      ? [
        { questionId: q, answerId: a1, answererId: helper, askerId: asker, accepted: false },
        { questionId: q, answerId: a2, answererId: stranger, askerId: asker, accepted: false },
        { questionId: q, answerId: a1, answererId: helper, askerId: asker, accepted: true },
      ]
      : []);
  });

  it("answers as the real Odoo 18 did for edge arguments (asked of the oracle as admin with hp_legacy, 2026-12-07): empty and missing recordsets, duplicate ids, a list as delta", async () => {
    const ADMIN = 2;
    const q = await ask(asker, `k2 ${phase} edges?`);
    const a = await answer(helper, q);
    expect(await rpc(ADMIN, Q, 'action_close', [[]])).toBe(true);
    expect(await rpc(ADMIN, Q, 'action_close', [[99999999]])).toBe(true);
    expect(await rpc(ADMIN, 'hp.community.post', 'action_hide', [[]])).toBe(true);
    expect(await rpc(ADMIN, 'hp.community.post', 'action_hide', [[99999999]])).toBe(true);
    expect(await odooErrorOf(rpc(ADMIN, A, 'action_accept', [[a, a]]))).toEqual({ name: 'builtins.ValueError', message: `Expected singleton: hp.qa.answer(${a}, ${a})` });
    expect(await odooErrorOf(rpc(ADMIN, A, 'action_vote', [[a], [1]]))).toEqual({
      name: 'builtins.TypeError', message: "int() argument must be a string, a bytes-like object or a real number, not 'list'",
    });
    expect(await rpc(ADMIN, A, 'action_vote', [[]], { delta: 'abc' })).toBe(true);
    // A member's write rules name fields, so Odoo's _check_access reads the records and a deleted one is a MissingError (as Odoo answers under such a rule).
    expect((await odooErrorOf(rpc(asker, Q, 'action_close', [[99999999]]))).name).toBe('odoo.exceptions.MissingError');
    expect(await question(q)).toEqual({ state: 'open', accepted_answer_id: null });
  });

  it('one accepted answer under concurrency: of 6 simultaneous accepts of 6 different answers (3 RPC, 3 REST) exactly one succeeds, the others get the addon\'s text', async () => {
    const title = `k2 ${phase} race?`;
    const q = await ask(asker, title);
    const answers = [];
    for (const uid of members.slice(3, 9)) answers.push(await answer(uid, q));
    const outcomes = await Promise.all(answers.map((a, i) => (i % 2
      ? odooErrorOf(rpc(asker, A, 'action_accept', [[a]])).then((e) => e.message, () => 'accepted')
      : sides.rest('POST', `/qna/answers/${a}/accept`, asker, undefined, idem()).then((r) => (r.status === 200 ? 'accepted' : `${r.status} ${r.body.detail}`)))));
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    const refused = outcomes.filter((o) => o !== 'accepted');
    expect(refused.every((o) => o === `Question '${title}' already has an accepted answer.` || o === `409 Question '${title}' already has an accepted answer.`)).toBe(true);
    const winner = answers[outcomes.indexOf('accepted')]!;
    expect(await question(q)).toEqual({ state: 'answered', accepted_answer_id: winner });
  }, 60_000);

  it('action_vote: delta by position or keyword (default 1), per id occurrence, by any member who may read the answer; Python\'s int() errors change nothing', async () => {
    const q = await ask(asker, `k2 ${phase} vote?`);
    const a = await answer(helper, q);
    expect(await rpc(stranger, A, 'action_vote', [[a]])).toBe(true);
    expect(await rpc(stranger, A, 'action_vote', [[a], '3'])).toBe(true);
    expect(await rpc(stranger, A, 'action_vote', [[a]], { delta: -2 })).toBe(true);
    expect(await rpc(stranger, A, 'action_vote', [[a, a], 2.9])).toBe(true);
    expect(await votes(a)).toBe(1 + 3 - 2 + 4);
    expect(await odooErrorOf(rpc(stranger, A, 'action_vote', [[a], 'abc']))).toEqual({ name: 'builtins.ValueError', message: "invalid literal for int() with base 10: 'abc'" });
    expect(await odooErrorOf(rpc(stranger, A, 'action_vote', [[a]], { delta: null }))).toEqual({
      name: 'builtins.TypeError', message: "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
    });
    expect(await odooErrorOf(rpc(stranger, A, 'action_vote', [[a]], { foo: 1 }))).toEqual({ name: 'builtins.TypeError', message: "HpQaAnswer.action_vote() got an unexpected keyword argument 'foo'" });
    expect(await odooErrorOf(rpc(stranger, A, 'action_vote', [[a], 1, 2]))).toEqual({ name: 'builtins.TypeError', message: 'HpQaAnswer.action_vote() takes from 1 to 2 positional arguments but 3 were given' });
    // The record is read before delta is converted: a missing answer is a MissingError whatever delta is.
    expect((await odooErrorOf(rpc(stranger, A, 'action_vote', [[99999999]], { delta: 'abc' }))).name).toBe('odoo.exceptions.MissingError');
    expect(await rpc(stranger, A, 'action_vote', [[]], { delta: 'abc' })).toBe(true);
    expect(await votes(a)).toBe(6);
  });

  it('30 concurrent RPC votes and 30 concurrent REST votes of 60 members all count (exactly +60); one member\'s REST votes count once, and turning one down moves it by 2', async () => {
    const q = await ask(asker, `k2 ${phase} popular?`);
    const a = await answer(helper, q);
    const voters = members.slice(3, 63);
    const answers = await Promise.all(voters.map((uid, i) =>
      (i % 2 ? rpc(uid, A, 'action_vote', [[a]]) : sides.rest('POST', `/qna/answers/${a}/vote`, uid, { vote: 1 }).then((r) => r.status))));
    expect(answers).toEqual(voters.map((_, i) => (i % 2 ? true : 200)));
    expect(await votes(a)).toBe(60);
    const again = await Promise.all(Array.from({ length: 5 }, () => sides.rest('POST', `/qna/answers/${a}/vote`, members[3]!, {})));
    expect(again.map((r) => [r.status, r.body.votes, r.body.myVote])).toEqual(Array.from({ length: 5 }, () => [200, 60, 1]));
    const down = await sides.rest('POST', `/qna/answers/${a}/vote`, members[3]!, { vote: -1 });
    expect([down.status, down.body.votes, down.body.myVote]).toEqual([200, 58, -1]);
    expect((await sides.rest('POST', `/qna/answers/${a}/vote`, members[3]!, { vote: 2 })).status).toBe(400);
  }, 120_000);

  it('action_close: another member is refused (RPC and REST); the asker closes; a closed question and its answers then reach only the asker and operators, on RPC and REST', async () => {
    const q = await ask(asker, `k2 ${phase} close me`);
    const a = await answer(helper, q);
    expect((await odooErrorOf(rpc(stranger, Q, 'action_close', [[q]]))).name).toBe('odoo.exceptions.AccessError');
    expect((await sides.rest('POST', `/qna/questions/${q}/close`, stranger, undefined, idem())).status).toBe(403);
    expect((await question(q)).state).toBe('open');
    const closed = await sides.rest('POST', `/qna/questions/${q}/close`, asker, undefined, idem());
    expect([closed.status, closed.body.state]).toEqual([200, 'closed']);
    for (const uid of [stranger, helper]) {
      expect(await rpc(uid, Q, 'search', [[['id', '=', q]]])).toEqual([]);
      expect((await odooErrorOf(rpc(uid, Q, 'read', [[q], ['title']]))).name).toBe('odoo.exceptions.AccessError');
      expect(await rpc(uid, A, 'search', [[['question_id', '=', q]]])).toEqual([]);
      expect((await odooErrorOf(rpc(uid, A, 'action_vote', [[a]]))).name).toBe('odoo.exceptions.AccessError');
      expect((await sides.rest('GET', `/qna/questions/${q}`, uid)).status).toBe(404);
      expect((await sides.rest('POST', `/qna/questions/${q}/answers`, uid, { body: 'late' }, idem())).status).toBe(404);
      expect((await sides.rest('POST', `/qna/answers/${a}/vote`, uid, { vote: 1 })).status).toBe(404);
      const listed = (await sides.rest('GET', `/qna/questions?asker_id=${asker}&limit=200`, uid)).body.items;
      expect(listed.map((x: any) => x.id)).not.toContain(q);
      expect(listed.every((x: any) => x.state !== 'closed')).toBe(true);
    }
    expect(await rpc(asker, Q, 'read', [[q], ['state']])).toEqual([{ id: q, state: 'closed' }]);
    expect((await sides.rest('GET', `/qna/questions/${q}`, asker)).body.answers.map((x: any) => x.id)).toEqual([a]);
    expect((await sides.rest('GET', `/qna/questions?state=closed&asker_id=${asker}`, operator)).body.items.map((x: any) => x.id)).toContain(q);
  });

  it('REST Q&A: ask with tags (201, Location), list by tag, words and state, answer (question_answered), read answers most votes first then oldest, accept as the asker', async () => {
    const title = `k2 ${phase} tagged zebra question`;
    const created = await sides.rest('POST', '/qna/questions', asker, { title, body: '<p>Is it <script>x()</script>ok?</p>', tagIds: [tag.id], bountyPoints: 5 }, idem());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title, body: '<p>Is it ok?</p>', state: 'open', askerId: asker, bountyPoints: 5, acceptedAnswerId: null, tags: [tag], answerCount: 0 });
    const id = created.body.id;
    expect(created.headers.get('location')).toBe(`/qna/questions/${id}`);
    expect((await sides.rest('POST', '/qna/questions', asker, { title: 'x', tagIds: [99999999] }, idem())).status).toBe(422);
    const byTag = await sides.rest('GET', `/qna/questions?tag=${encodeURIComponent(tag.name)}&q=zebra&state=open`, stranger);
    expect(byTag.body.items.map((x: any) => x.id)).toEqual([id]);
    expect((await sides.rest('GET', '/qna/questions?q=zebra&state=answered', stranger)).body.items).toEqual([]);
    const announced = (await outboxData(sides.service, 'question_answered')).length;
    const first = await sides.rest('POST', `/qna/questions/${id}/answers`, helper, { body: 'first' }, idem());
    const second = await sides.rest('POST', `/qna/questions/${id}/answers`, stranger, { body: 'second <a href="javascript:x()">l</a>' }, idem());
    const third = await sides.rest('POST', `/qna/questions/${id}/answers`, members[4]!, { body: 'third' }, idem());
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect(second.body.body).not.toMatch(/javascript/);
    // REST announces in both phases (before cutover the change is on the monolith, the event in svc_content's outbox with the request).
    expect((await outboxData(sides.service, 'question_answered')).slice(announced).map((e) => [e.answerId, e.accepted])).toEqual(
      [[first.body.id, false], [second.body.id, false], [third.body.id, false]]);
    await sides.rest('POST', `/qna/answers/${third.body.id}/vote`, members[5]!, { vote: 1 });
    const detail = await sides.rest('GET', `/qna/questions/${id}`, stranger);
    expect(detail.body.answers.map((x: any) => [x.id, x.votes])).toEqual([[third.body.id, 1], [first.body.id, 0], [second.body.id, 0]]);
    expect(detail.body.answerCount).toBe(3);
    const accepted = await sides.rest('POST', `/qna/answers/${second.body.id}/accept`, asker, undefined, idem());
    expect([accepted.status, accepted.body.state, accepted.body.acceptedAnswerId]).toEqual([200, 'answered', second.body.id]);
    expect(accepted.body.answers.find((x: any) => x.accepted).id).toBe(second.body.id);
    expect((await outboxData(sides.service, 'question_answered')).at(-1)).toEqual({ questionId: id, answerId: second.body.id, answererId: stranger, askerId: asker, accepted: true });
  });
});
