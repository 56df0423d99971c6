import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../support/openai-stand-in.ts';
import { startAiSide, USERS, type AiSide } from './generation-sides.ts';

const ONLY_QUEUED_OR_RUNNING_FAIL = 'Only queued or running tasks can fail.';

/**
 * Generation tasks over REST on both sides of M16's cut, run by the service's own task worker
 * (its background work): POST /ai/content/generate answers 202 with a status URL, the worker
 * runs the task through its model's provider (the local templates for the seed's in-house
 * HealthWriter, the OpenAI-compatible stand-in over HTTP for a vendor's model), retrying transient
 * failures with backoff; GET /ai/tasks/{id} under hp_ai's record rules; cancellation;
 * Idempotency-Key.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`generation tasks over REST, M16 ${owner === 'legacy' ? 'in phase legacy (monolith tables)' : 'after cutover (svc_ai)'}`, () => {
    let side: AiSide;
    let standIn: OpenAiStandIn;
    let vendorModel: number;
    const saved = { ...process.env };
    const rest = (method: string, path: string, uid: number | null, body?: unknown, headers?: Record<string, string>) =>
      side.stack.call(method, path, uid === null ? null : side.stack.token(uid), body, headers);
    const home = () => side.stack.home(owner);
    const queue = () => side.stack.service.pool;
    /** Polls the status URL until the task is done or failed. */
    const settled = async (uid: number, id: number, timeoutMs = 30_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const answer = await rest('GET', `/ai/tasks/${id}`, uid);
        expect(answer.status).toBe(200);
        if (answer.body.state === 'done' || answer.body.state === 'failed') return answer.body;
        if (Date.now() > until) throw new Error(`task ${id} still ${answer.body.state}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const generate = async (prompt: string, modelId?: number, uid: number = USERS.MEMBER) => {
      const answer = await rest('POST', '/ai/content/generate', uid, { prompt, ...(modelId ? { modelId } : {}) });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      return answer.body.id as number;
    };

    beforeAll(async () => {
      standIn = await startOpenAiStandIn();
      // The worker reads its settings when the service starts: the stand-in as the vendor endpoint, quick backoff and leases.
      Object.assign(process.env, { AI_OPENAI_BASE_URL: standIn.baseUrl, AI_OPENAI_API_KEY: standIn.apiKey, AI_OPENAI_TIMEOUT_MS: '5000', AI_TASK_BACKOFF_MS: '100', AI_TASK_MAX_ATTEMPTS: '3', AI_TASK_LEASE_MS: '3000' });
      side = await startAiSide(owner);
      vendorModel = (await home().query(
        `INSERT INTO ai_models (name, provider, version, capability, active, create_uid, write_uid, create_date, write_date)
         VALUES ('AAA DeepSeek Writer', 'DeepSeek', 'v3', 'content', true, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
      )).rows[0].id;
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
      await standIn?.close();
      process.env = saved;
    });

    it('202 with a status URL; the worker runs it from templates (in-house HealthWriter) and says so; written as hp_ai would (action_run, action_done by the worker)', async () => {
      const { rows: [writer] } = await home().query(`SELECT id FROM ai_models WHERE name = 'HealthWriter'`);
      const answer = await rest('POST', '/ai/content/generate', USERS.MEMBER, { prompt: '写一篇关于控糖饮食的科普文章', modelId: writer.id });
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ id: expect.any(Number), state: 'queued', statusUrl: `/ai/tasks/${answer.body.id}`, modelId: writer.id });
      expect(answer.headers.get('location')).toBe(`/ai/tasks/${answer.body.id}`);
      const task = await settled(USERS.MEMBER, answer.body.id);
      expect(task).toMatchObject({
        state: 'done', taskType: 'content', requesterId: USERS.MEMBER, modelId: writer.id, error: null, attempts: 1, maxAttempts: 3,
        generatedBy: { provider: 'local-templates', method: 'template' },
      });
      expect(task.result).toContain('Blood glucose');
      expect(task.result).toContain('not written by a language model');
      const { rows: [row] } = await home().query('SELECT state, requester_id, create_uid, write_uid, finished_at, result FROM generation_tasks WHERE id = $1', [task.id]);
      expect(row).toMatchObject({ state: 'done', requester_id: USERS.MEMBER, create_uid: USERS.MEMBER, write_uid: 1, result: task.result });
      expect(row.finished_at).not.toBeNull();
      const { rows: attempts } = await queue().query('SELECT attempt, outcome FROM ai_task_attempts WHERE task_id = $1', [task.id]);
      expect(attempts).toEqual([{ attempt: 1, outcome: 'done' }]);
    });

    it('a vendor\'s model goes to the OpenAI-compatible endpoint; a transient failure is retried after backoff; the answer says chat-completion', async () => {
      const before = standIn.requests.length;
      standIn.next({ kind: 'status', status: 503 });
      const id = await generate('Suggest a coach for knee rehab', vendorModel);
      const task = await settled(USERS.MEMBER, id);
      expect(task).toMatchObject({ state: 'done', result: 'Stand-in answer to: Suggest a coach for knee rehab', attempts: 2, generatedBy: { provider: 'openai-compatible', method: 'chat-completion', model: 'AAA DeepSeek Writer' } });
      const sent = standIn.requests.slice(before);
      expect(sent).toHaveLength(2);
      expect(sent.every((r) => r.headers.authorization === `Bearer ${standIn.apiKey}`)).toBe(true);
      const { rows: attempts } = await queue().query('SELECT attempt, outcome, error FROM ai_task_attempts WHERE task_id = $1 ORDER BY attempt', [id]);
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'retry'], [2, 'done']]);
      expect(attempts[0].error).toMatch(/^provider_http_503/);
      // Backoff: the second request came at least the policy's first wait (100 ms) after the first.
      expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(100);
    });

    it('the last attempt\'s failure, or a permanent one at once, fails the task with the provider\'s safe error (action_fail)', async () => {
      standIn.next({ kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 });
      const exhausted = await settled(USERS.MEMBER, await generate('three failures', vendorModel));
      expect(exhausted).toMatchObject({ state: 'failed', result: null, attempts: 3, generatedBy: null });
      expect(exhausted.error).toMatch(/^provider_http_503: /);
      expect(exhausted.error).not.toContain(standIn.apiKey);
      standIn.next({ kind: 'status', status: 400 });
      const refused = await settled(USERS.MEMBER, await generate('a rejected request', vendorModel));
      expect(refused).toMatchObject({ state: 'failed', attempts: 1 });
      expect(refused.error).toMatch(/^provider_http_400: /);
      const { rows: [row] } = await home().query('SELECT state, error, write_uid, finished_at FROM generation_tasks WHERE id = $1', [refused.id]);
      expect(row).toMatchObject({ state: 'failed', error: refused.error, write_uid: 1 });
      expect(row.finished_at).not.toBeNull();
    });

    it('the status URL honours hp_ai\'s rules: the requester and operators see it, another member gets 404, unauthenticated 401', async () => {
      const id = await generate('Summarise my last 30 days of glucose readings');
      await settled(USERS.MEMBER, id);
      expect((await rest('GET', `/ai/tasks/${id}`, USERS.OPERATOR)).status).toBe(200);
      const hidden = await rest('GET', `/ai/tasks/${id}`, USERS.OTHER_MEMBER);
      expect(hidden.status).toBe(404);
      expect(hidden.headers.get('content-type')).toContain('application/problem+json');
      expect((await rest('GET', `/ai/tasks/${id}`, null)).status).toBe(401);
      expect((await rest('GET', '/ai/tasks/999999', USERS.OPERATOR)).status).toBe(404);
      // Every hp group implies Member, whose ACL line grants create: an operator may ask too, and sees only what the rules let through.
      const byOperator = await generate('an operator asks', undefined, USERS.OPERATOR);
      expect((await rest('GET', `/ai/tasks/${byOperator}`, USERS.MEMBER)).status).toBe(404);
      expect((await settled(USERS.OPERATOR, byOperator)).requesterId).toBe(USERS.OPERATOR);
    });

    it('input is checked at the edge: no prompt, a blank one, an unknown field (400); a model that is not an active content model (422)', async () => {
      for (const body of [{}, { prompt: '   ' }, { prompt: 'x', extra: 1 }, { prompt: 'x', modelId: 'one' }]) {
        const answer = await rest('POST', '/ai/content/generate', USERS.MEMBER, body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
      }
      const { rows: [insight] } = await home().query(`SELECT id FROM ai_models WHERE capability = 'insight' LIMIT 1`);
      const wrong = await rest('POST', '/ai/content/generate', USERS.MEMBER, { prompt: 'x', modelId: insight.id });
      expect(wrong.status).toBe(422);
      expect(wrong.body.detail).toBe(`hp.ai.model ${insight.id} is not an active content model`);
    });

    it('Idempotency-Key: the same POST twice makes one task and answers the same 202', async () => {
      const prompt = `idempotent ${owner} ${Date.now()}`;
      const headers = { 'idempotency-key': `gen-${owner}-${Date.now()}` };
      const first = await rest('POST', '/ai/content/generate', USERS.MEMBER, { prompt }, headers);
      const second = await rest('POST', '/ai/content/generate', USERS.MEMBER, { prompt }, headers);
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body).toEqual(first.body);
      const { rows } = await home().query('SELECT id FROM generation_tasks WHERE prompt = $1', [prompt]);
      expect(rows.map((r) => r.id)).toEqual([first.body.id]);
    });

    it('cancel: a queued task fails with error "cancelled" and is never run; a finished one is 409 with the addon\'s text; another member 404; an operator may cancel anyone\'s', async () => {
      // Held back: its run waits an hour (as in a long backoff).
      const held = async (requester: number) => {
        const id = (await home().query(
          `INSERT INTO generation_tasks (requester_id, task_type, state, prompt, create_uid, write_uid, create_date, write_date)
           VALUES ($1, 'content', 'queued', 'later', $1, $1, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`, [requester],
        )).rows[0].id as number;
        await queue().query(`INSERT INTO ai_task_runs (task_id, requester_id, max_attempts, next_attempt_at) VALUES ($1, $2, 3, now() + interval '1 hour')`, [id, requester]);
        return id;
      };
      const mine = await held(USERS.MEMBER);
      expect((await rest('POST', `/ai/tasks/${mine}/cancel`, USERS.OTHER_MEMBER)).status).toBe(404);
      const cancelled = await rest('POST', `/ai/tasks/${mine}/cancel`, USERS.MEMBER);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: mine, state: 'failed', error: 'cancelled', result: null });
      expect(cancelled.body.finishedAt).not.toBeNull();
      const again = await rest('POST', `/ai/tasks/${mine}/cancel`, USERS.MEMBER);
      expect(again.status).toBe(409);
      expect(again.body.detail).toBe(ONLY_QUEUED_OR_RUNNING_FAIL);
      const { rows: [run] } = await queue().query('SELECT state, cancelled FROM ai_task_runs WHERE task_id = $1', [mine]);
      expect(run).toEqual({ state: 'finished', cancelled: true });
      const theirs = await held(USERS.OTHER_MEMBER);
      const byOperator = await rest('POST', `/ai/tasks/${theirs}/cancel`, USERS.OPERATOR);
      expect(byOperator.status).toBe(200);
      expect((await home().query('SELECT state, error, write_uid FROM generation_tasks WHERE id = $1', [theirs])).rows[0]).toEqual({ state: 'failed', error: 'cancelled', write_uid: USERS.OPERATOR });
    });

    it('cancel while the provider works: the worker loses its lease at the next heartbeat, aborts the call and writes no result', async () => {
      standIn.next({ kind: 'answer', delayMs: 4_000 });
      const before = standIn.requests.length;
      const id = await generate('a slow answer', vendorModel);
      const until = Date.now() + 10_000;
      while (standIn.requests.length === before && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await rest('GET', `/ai/tasks/${id}`, USERS.MEMBER)).body.state).toBe('running');
      expect((await rest('POST', `/ai/tasks/${id}/cancel`, USERS.MEMBER)).status).toBe(200);
      // Past the slow answer: the worker's outcome was refused (its run is cancelled), so nothing changed.
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      const task = (await rest('GET', `/ai/tasks/${id}`, USERS.MEMBER)).body;
      expect(task).toMatchObject({ state: 'failed', error: 'cancelled', result: null, generatedBy: null });
      expect(standIn.requests.length - before).toBe(1);
    });
  });
}
