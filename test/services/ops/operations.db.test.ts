import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { odooErrorOf, startRiskSide, type RiskSide } from './risk-sides.ts';

// hp_operations's UserError texts, as the addon writes them.
const ONLY_DRAFT_SCHEDULED = 'Only draft operations can be scheduled.';
const ONLY_SCHEDULED_DONE = 'Only scheduled operations can be done.';
const DONE_NOT_CANCELLED = 'Done operations cannot be cancelled.';
const ADMIN = 2;
const OPERATOR = 302; // operator002: operator, not admin
const MEMBER = 6;
const COACH = 251;
const MODEL = 'hp.operation';
const STATES = ['draft', 'scheduled', 'done', 'cancelled'] as const;
const ACTIONS = [
  { rest: 'schedule', rpc: 'action_schedule' },
  { rest: 'done', rpc: 'action_done' },
  { rest: 'cancel', rpc: 'action_cancel' },
] as const;

/** What the addon answers for each action from each state: the new state, or the UserError text. */
const EXPECTED: Record<string, Record<string, string>> = {
  schedule: { draft: 'scheduled', scheduled: ONLY_DRAFT_SCHEDULED, done: ONLY_DRAFT_SCHEDULED, cancelled: ONLY_DRAFT_SCHEDULED },
  done: { draft: ONLY_SCHEDULED_DONE, scheduled: 'done', done: ONLY_SCHEDULED_DONE, cancelled: ONLY_SCHEDULED_DONE },
  cancel: { draft: 'cancelled', scheduled: 'cancelled', done: DONE_NOT_CANCELLED, cancelled: 'cancelled' },
};

/**
 * hp_operations's hp.operation on both sides of M17's cut, over Odoo RPC and REST on the same
 * rows: action_schedule / action_done / action_cancel with the addon's checks and UserError texts
 * (409 with the same text over REST), one transaction per call (a mixed recordset writes
 * nothing), MissingError / 404 for an id that does not exist, and the ACL: operators and
 * administrators only (members and coaches have no access on either protocol).
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`hp.operation over RPC and REST, M17 ${owner === 'legacy' ? 'in phase legacy (monolith tables)' : 'after cutover (svc_ops)'}`, () => {
    let side: RiskSide;
    const rpc = (uid: number, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.rpc(uid, MODEL, method, args, kwargs);
    const rest = (method: string, path: string, uid: number | null, body?: unknown, headers?: Record<string, string>) =>
      side.stack.call(method, path, uid === null ? null : side.stack.token(uid), body, headers);
    const rows = () => side.stack.home(owner);
    const row = async (id: number) => (await rows().query('SELECT name, state, operation_type, operator_id, write_uid, scheduled_at FROM operations WHERE id = $1', [id])).rows[0];
    let seq = 0;
    /** A fresh operation in `state` (created over RPC, then moved in the table, as the seed's are). */
    const operationIn = async (state: (typeof STATES)[number]) => {
      const id = (await rpc(OPERATOR, 'create', [{ name: `Op ${owner} ${++seq}`, operation_type: 'campaign' }])) as number;
      await rows().query('UPDATE operations SET state = $2 WHERE id = $1', [id, state]);
      return id;
    };

    beforeAll(async () => {
      side = await startRiskSide(owner);
    }, 300_000);
    afterAll(async () => side?.stop());

    it('every action from every state: RPC and REST answer the same (the new state, or the addon\'s UserError text as a 409)', async () => {
      for (const action of ACTIONS) {
        for (const state of STATES) {
          const expected = EXPECTED[action.rest]![state]!;
          const [viaRpc, viaRest] = [await operationIn(state), await operationIn(state)];
          const rpcOutcome = await rpc(OPERATOR, action.rpc, [[viaRpc]]).then(() => 'ok', async (e) => (await odooErrorOf(Promise.reject(e))));
          const restAnswer = await rest('POST', `/ops/operations/${viaRest}/${action.rest}`, OPERATOR);
          if (STATES.includes(expected as never)) {
            expect(rpcOutcome, `${action.rpc} from ${state}`).toBe('ok');
            expect(restAnswer.status).toBe(200);
            expect(restAnswer.body).toMatchObject({ id: viaRest, state: expected });
            expect(await row(viaRpc)).toMatchObject({ state: expected, write_uid: OPERATOR });
            expect(await row(viaRest)).toMatchObject({ state: expected, write_uid: OPERATOR });
          } else {
            expect(rpcOutcome, `${action.rpc} from ${state}`).toEqual({ name: 'odoo.exceptions.UserError', message: expected });
            expect(restAnswer.status).toBe(409);
            expect(restAnswer.headers.get('content-type')).toContain('application/problem+json');
            expect(restAnswer.body.detail).toBe(expected);
            expect((await row(viaRpc)).state).toBe(state);
            expect((await row(viaRest)).state).toBe(state);
          }
        }
      }
    });

    it('one transaction per call: a recordset with one operation in the wrong state writes nothing; duplicates are written once; True', async () => {
      const [draft, scheduled] = [await operationIn('draft'), await operationIn('scheduled')];
      expect(await odooErrorOf(rpc(OPERATOR, 'action_schedule', [[draft, scheduled]]))).toEqual({ name: 'odoo.exceptions.UserError', message: ONLY_DRAFT_SCHEDULED });
      expect((await row(draft)).state).toBe('draft');
      expect(await rpc(OPERATOR, 'action_schedule', [[draft, draft]])).toBe(true);
      expect(await rpc(ADMIN, 'action_done', [[draft, scheduled]])).toBe(true);
      expect([(await row(draft)).state, (await row(scheduled)).state]).toEqual(['done', 'done']);
      expect(await odooErrorOf(rpc(ADMIN, 'action_cancel', [[draft]]))).toEqual({ name: 'odoo.exceptions.UserError', message: DONE_NOT_CANCELLED });
    });

    it('an id that does not exist: MissingError over RPC, 404 over REST', async () => {
      expect((await odooErrorOf(rpc(OPERATOR, 'action_schedule', [[99999999]]))).name).toBe('odoo.exceptions.MissingError');
      const missing = await rest('POST', '/ops/operations/99999999/schedule', OPERATOR);
      expect(missing.status).toBe(404);
      expect((await rest('GET', '/ops/operations/99999999', OPERATOR)).status).toBe(404);
    });

    it('operators and administrators only: members and coaches meet the ACL on every protocol, nothing written', async () => {
      const id = await operationIn('draft');
      for (const uid of [MEMBER, COACH]) {
        expect((await odooErrorOf(rpc(uid, 'action_schedule', [[id]]))).name).toBe('odoo.exceptions.AccessError');
        expect((await odooErrorOf(rpc(uid, 'search_read', [[]], { fields: ['name'] }))).name).toBe('odoo.exceptions.AccessError');
        expect((await odooErrorOf(rpc(uid, 'create', [{ name: 'x', operation_type: 'banner' }]))).name).toBe('odoo.exceptions.AccessError');
        for (const [method, path, body] of [['POST', `/ops/operations/${id}/schedule`], ['GET', '/ops/operations'], ['GET', `/ops/operations/${id}`], ['POST', '/ops/operations', { name: 'x', operationType: 'banner' }]] as const) {
          const answer = await rest(method, path, uid, body);
          expect(answer.status, `${method} ${path} as ${uid}`).toBe(403);
          expect(answer.headers.get('content-type')).toContain('application/problem+json');
        }
      }
      expect((await row(id)).state).toBe('draft');
      expect((await rest('GET', '/ops/operations', null)).status).toBe(401);
    });

    it('REST create: draft, the caller as operator unless named, 201 with a Location; RPC reads it as REST shows it; validation at the edge', async () => {
      const created = await rest('POST', '/ops/operations', OPERATOR, { name: 'Spring campaign', operationType: 'campaign', target: 'home_banner', scheduledAt: '2026-12-24T08:30:00.000Z' });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/ops/operations/${created.body.id}`);
      expect(created.body).toMatchObject({ name: 'Spring campaign', operationType: 'campaign', target: 'home_banner', state: 'draft', operatorId: OPERATOR, scheduledAt: '2026-12-24T08:30:00Z' });
      const [read] = (await rpc(ADMIN, 'read', [[created.body.id], ['name', 'state', 'operator_id', 'scheduled_at', 'target']])) as Record<string, unknown>[];
      expect(read).toMatchObject({ name: 'Spring campaign', state: 'draft', operator_id: [OPERATOR, expect.any(String)], scheduled_at: '2026-12-24 08:30:00', target: 'home_banner' });
      const named = await rest('POST', '/ops/operations', ADMIN, { name: 'Unowned', operationType: 'review', operatorId: null });
      expect(named.body.operatorId).toBeNull();
      expect((await rest('POST', '/ops/operations', ADMIN, { name: 'Ghost', operationType: 'review', operatorId: 99999999 })).status).toBe(422);
      for (const body of [{ name: 'x', operationType: 'flyer' }, { operationType: 'banner' }, { name: '   ', operationType: 'banner' }, { name: 'x', operationType: 'banner', extra: 1 }]) {
        const refused = await rest('POST', '/ops/operations', OPERATOR, body);
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('GET /ops/operations: what RPC search_read finds, in hp.operation\'s order, filtered and paged', async () => {
      const domain = [['state', '=', 'draft'], ['operation_type', '=', 'campaign']];
      const viaRpc = (await rpc(OPERATOR, 'search_read', [domain], { fields: ['id'] })) as { id: number }[];
      const page = await rest('GET', '/ops/operations?state=draft&operation_type=campaign&limit=200', OPERATOR);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(viaRpc.length);
      expect(page.body.items.map((o: { id: number }) => o.id)).toEqual(viaRpc.map((o) => o.id));
      const second = await rest('GET', '/ops/operations?state=draft&operation_type=campaign&limit=1&offset=1', OPERATOR);
      expect(second.body.items.map((o: { id: number }) => o.id)).toEqual(viaRpc.slice(1, 2).map((o) => o.id));
      expect((await rest('GET', '/ops/operations?state=paused', OPERATOR)).status).toBe(400);
    });
  });
}
