import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { odooErrorOf, startAiSide, USERS, type AiSide } from './generation-sides.ts';

// hp_ai's UserError texts, as the addon writes them.
const ONLY_QUEUED_START = 'Only queued tasks can start.';
const ONLY_RUNNING_FINISH = 'Only running tasks can finish.';
const ONLY_QUEUED_OR_RUNNING_FAIL = 'Only queued or running tasks can fail.';
const MODEL = 'hp.ai.generation.task';
const STATES = ['queued', 'running', 'done', 'failed'] as const;
type State = (typeof STATES)[number];

/** What the addon answers for each method from each state: the new state, or the UserError text. */
const EXPECTED: Record<string, Record<State, string>> = {
  action_run: { queued: 'running', running: ONLY_QUEUED_START, done: ONLY_QUEUED_START, failed: ONLY_QUEUED_START },
  action_done: { queued: ONLY_RUNNING_FINISH, running: 'done', done: ONLY_RUNNING_FINISH, failed: ONLY_RUNNING_FINISH },
  action_fail: { queued: 'failed', running: 'failed', done: ONLY_QUEUED_OR_RUNNING_FAIL, failed: ONLY_QUEUED_OR_RUNNING_FAIL },
};

/**
 * hp_ai's hp.ai.generation.task over Odoo RPC on both sides of M16's cut: action_run /
 * action_done(result=None) / action_fail(error=None) with the addon's checks and UserError texts,
 * result/error/finished_at written as the addon writes them, one transaction per call (a mixed
 * recordset writes nothing), and hp_ai's ACL and record rules (members read and create their own
 * but may not write; operators write; MissingError for a deleted task).
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`hp.ai.generation.task over RPC, M16 ${owner === 'legacy' ? 'in phase legacy (monolith tables)' : 'after cutover (svc_ai)'}`, () => {
    let side: AiSide;
    const rows = () => side.stack.home(owner);
    const row = async (id: number) => (await rows().query(`SELECT state, result, error, finished_at, write_uid FROM generation_tasks WHERE id = $1`, [id])).rows[0];
    /** A fresh task in `state`, requested by `requester` (written in the table, as the seed's are moved by calls). */
    const taskIn = async (state: State, requester: number = USERS.MEMBER) =>
      (await rows().query(
        `INSERT INTO generation_tasks (model_id, requester_id, task_type, state, prompt, create_uid, write_uid, create_date, write_date)
         VALUES ((SELECT id FROM ai_models WHERE capability = 'content' ORDER BY id LIMIT 1), $2, 'content', $1, 'Summarise my sleep', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
        [state, requester],
      )).rows[0].id as number;
    const rpc = (uid: number, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.rpc(uid, MODEL, method, args, kwargs);

    beforeAll(async () => {
      side = await startAiSide(owner);
    }, 300_000);
    afterAll(async () => side?.stop());

    it('every method from every state: the new state, or the addon\'s UserError text with nothing written', async () => {
      for (const method of Object.keys(EXPECTED)) {
        for (const state of STATES) {
          const id = await taskIn(state);
          const expected = EXPECTED[method]![state];
          const args = method === 'action_done' ? [[id], 'the text'] : method === 'action_fail' ? [[id], 'upstream model timeout (30s)'] : [[id]];
          const outcome = await rpc(USERS.OPERATOR, method, args).then((r) => r, (e) => odooErrorOf(Promise.reject(e)));
          if ((STATES as readonly string[]).includes(expected)) {
            expect(outcome, `${method} from ${state}`).toBe(true);
            const after = await row(id);
            expect(after).toMatchObject({ state: expected, write_uid: USERS.OPERATOR });
            if (method === 'action_done') expect(after).toMatchObject({ result: 'the text', error: null });
            if (method === 'action_fail') expect(after).toMatchObject({ error: 'upstream model timeout (30s)', result: null });
            expect(after.finished_at === null, `${method} finished_at`).toBe(method === 'action_run');
          } else {
            expect(outcome, `${method} from ${state}`).toEqual({ name: 'odoo.exceptions.UserError', message: expected });
            expect(await row(id)).toMatchObject({ state, write_uid: 1, finished_at: null });
          }
        }
      }
    });

    it('result and error are Python keyword arguments with default None: by keyword, or absent (NULL written, finished_at now)', async () => {
      const [a, b, c] = [await taskIn('running'), await taskIn('running'), await taskIn('queued')];
      expect(await rpc(USERS.OPERATOR, 'action_done', [[a]], { result: 'by keyword' })).toBe(true);
      expect(await rpc(USERS.OPERATOR, 'action_done', [[b]])).toBe(true);
      expect(await rpc(USERS.OPERATOR, 'action_fail', [[c]])).toBe(true);
      expect(await row(a)).toMatchObject({ state: 'done', result: 'by keyword' });
      expect(await row(b)).toMatchObject({ state: 'done', result: null });
      expect(await row(c)).toMatchObject({ state: 'failed', error: null });
      const finished = (await row(b)).finished_at as Date;
      // fields.Datetime.now(): naive UTC, whole seconds.
      expect(finished.getMilliseconds()).toBe(0);
      const { rows: [{ now }] } = await rows().query(`SELECT (now() at time zone 'UTC') AS now`);
      expect(Math.abs((now as Date).getTime() - finished.getTime())).toBeLessThan(60_000);
    });

    it('one transaction per call: a recordset with one task in the wrong state writes nothing; duplicates are written once', async () => {
      const [queued, running] = [await taskIn('queued'), await taskIn('running')];
      expect(await odooErrorOf(rpc(USERS.OPERATOR, 'action_run', [[queued, running]]))).toEqual({ name: 'odoo.exceptions.UserError', message: ONLY_QUEUED_START });
      expect((await row(queued)).state).toBe('queued');
      expect(await rpc(USERS.OPERATOR, 'action_fail', [[queued, running, queued]], { error: 'both' })).toBe(true);
      expect([(await row(queued)).state, (await row(running)).state]).toEqual(['failed', 'failed']);
      expect(await rpc(USERS.OPERATOR, 'action_run', [[]])).toBe(true);
    });

    it('hp_ai\'s ACL and rules: a member reads their own but may not write (AccessError); another member\'s task is hidden; a deleted task is missing', async () => {
      const own = await taskIn('queued', USERS.MEMBER);
      const other = await taskIn('queued', USERS.OTHER_MEMBER);
      const read = (await rpc(USERS.MEMBER, 'read', [[own], ['state', 'requester_id']])) as { state: string }[];
      expect(read[0]!.state).toBe('queued');
      const write = await odooErrorOf(rpc(USERS.MEMBER, 'action_run', [[own]]));
      expect(write.name).toBe('odoo.exceptions.AccessError');
      expect((await row(own)).state).toBe('queued');
      const hidden = await odooErrorOf(rpc(USERS.MEMBER, 'action_fail', [[other]], { error: 'not mine' }));
      expect(hidden.name).toBe('odoo.exceptions.AccessError');
      expect((await row(other)).state).toBe('queued');
      const gone = await taskIn('queued');
      await rows().query('DELETE FROM generation_tasks WHERE id = $1', [gone]);
      expect((await odooErrorOf(rpc(USERS.OPERATOR, 'action_run', [[gone]]))).name).toBe('odoo.exceptions.MissingError');
    });
  });
}
