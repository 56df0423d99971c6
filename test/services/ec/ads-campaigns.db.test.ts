import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, MEMBER, MERCHANT, OPERATOR, odooErrorOf, startAdsSide, type AdsSide } from './ads-sides.ts';

// hp_ads's UserError texts, as the addon writes them.
const ONLY_DRAFT_OR_PAUSED_RUN = 'Only draft or paused campaigns can run.';
const ONLY_RUNNING_PAUSED = 'Only running campaigns can be paused.';
const MODEL = 'hp.ad.campaign';
const STATES = ['draft', 'running', 'paused', 'done'] as const;
const ACTIONS = [
  { rest: 'start', rpc: 'action_start' },
  { rest: 'pause', rpc: 'action_pause' },
  { rest: 'done', rpc: 'action_done' },
] as const;

/** What the addon answers for each action from each state: the new state, or the UserError text. */
const EXPECTED: Record<string, Record<string, string>> = {
  start: { draft: 'running', running: ONLY_DRAFT_OR_PAUSED_RUN, paused: 'running', done: ONLY_DRAFT_OR_PAUSED_RUN },
  pause: { draft: ONLY_RUNNING_PAUSED, running: 'paused', paused: ONLY_RUNNING_PAUSED, done: ONLY_RUNNING_PAUSED },
  done: { draft: 'done', running: 'done', paused: 'done', done: 'done' },
};

/**
 * hp_ads's hp.ad.campaign on both sides of M10's cut, over Odoo RPC and REST on the same rows:
 * action_start / action_pause / action_done with the addon's checks and UserError texts (409 with
 * the same text over REST), one transaction per call, MissingError / 404, the ACL (merchants,
 * operators and administrators; members have no access at all: 403 on every route and method),
 * and the REST reads: budget, spent and remaining as decimal strings, filters and pages in
 * hp.ad.campaign's order, what RPC search_read finds.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`hp.ad.campaign over RPC and REST, M10 ${owner === 'legacy' ? 'in phase legacy (monolith tables)' : 'after cutover (svc_ec)'}`, () => {
    let side: AdsSide;
    const rpc = (uid: number, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.rpc(uid, MODEL, method, args, kwargs);
    const row = async (id: number) => (await side.rows.query('SELECT state, write_uid, spent::text FROM ad_campaigns WHERE id = $1', [id])).rows[0];
    const campaignIn = (state: (typeof STATES)[number]) => side.campaign({ budget: '100.00', bidCpm: 20, state });

    beforeAll(async () => {
      side = await startAdsSide(owner);
    }, 300_000);
    afterAll(async () => side?.stop());

    it('every action from every state: RPC and REST answer the same (the new state, or the addon\'s UserError text as a 409)', async () => {
      for (const action of ACTIONS) {
        for (const state of STATES) {
          const expected = EXPECTED[action.rest]![state]!;
          const [viaRpc, viaRest] = [await campaignIn(state), await campaignIn(state)];
          const rpcOutcome = await rpc(MERCHANT, action.rpc, [[viaRpc]]).then((r) => r, async (e) => await odooErrorOf(Promise.reject(e)));
          const restAnswer = await side.rest('POST', `/ad-campaigns/${viaRest}/${action.rest}`, MERCHANT);
          if (STATES.includes(expected as never)) {
            expect(rpcOutcome, `${action.rpc} from ${state}`).toBe(true);
            expect(restAnswer.status, restAnswer.text).toBe(200);
            expect(restAnswer.body).toMatchObject({ id: viaRest, state: expected });
            expect(await row(viaRpc)).toMatchObject({ state: expected, write_uid: MERCHANT });
            expect(await row(viaRest)).toMatchObject({ state: expected, write_uid: MERCHANT });
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

    it('one transaction per call: a recordset with one campaign in the wrong state writes nothing; duplicates once; True', async () => {
      const [draft, running] = [await campaignIn('draft'), await campaignIn('running')];
      expect(await odooErrorOf(rpc(OPERATOR, 'action_start', [[draft, running]]))).toEqual({ name: 'odoo.exceptions.UserError', message: ONLY_DRAFT_OR_PAUSED_RUN });
      expect((await row(draft)).state).toBe('draft');
      expect(await rpc(OPERATOR, 'action_start', [[draft, draft]])).toBe(true);
      expect(await rpc(OPERATOR, 'action_pause', [[draft, running]])).toBe(true);
      expect([(await row(draft)).state, (await row(running)).state]).toEqual(['paused', 'paused']);
    });

    it('the seed\'s campaigns: action_start/pause leave spent alone (Odoo recomputes it only from impressions; the seed summed unrounded costs)', async () => {
      const before = await row(17); // paused, spent 8.21 while its impressions' costs sum to 8.10
      expect(before).toMatchObject({ state: 'paused', spent: '8.21' });
      expect(await rpc(ADMIN, 'action_start', [[17]])).toBe(true);
      expect((await side.rest('POST', '/ad-campaigns/17/pause', ADMIN)).status).toBe(200);
      expect(await rpc(ADMIN, 'write', [[17], { name: 'Renamed' }])).toBe(true);
      expect(await row(17)).toMatchObject({ state: 'paused', spent: '8.21' });
    });

    it('an id that does not exist: MissingError over RPC where Python reads self first, action_done as the engine\'s write answers; 404 over REST', async () => {
      for (const action of ACTIONS) {
        if (action.rest !== 'done') expect((await odooErrorOf(rpc(ADMIN, action.rpc, [[99999999]]))).name).toBe('odoo.exceptions.MissingError');
        expect((await side.rest('POST', `/ad-campaigns/99999999/${action.rest}`, ADMIN)).status).toBe(404);
      }
      // action_done is `self.write({'state': 'done'})` and nothing else: whatever write answers for a missing id.
      const outcome = (work: Promise<unknown>) => work.then((r) => ({ answer: r }), async (e) => ({ error: (await odooErrorOf(Promise.reject(e))).name }));
      expect(await outcome(rpc(ADMIN, 'action_done', [[99999999]]))).toEqual(await outcome(rpc(ADMIN, 'write', [[99999999], { state: 'done' }])));
      expect((await side.rest('GET', '/ad-campaigns/99999999', ADMIN)).status).toBe(404);
    });

    it('members have no access to hp.ad.campaign on any protocol (403, nothing written); no token 401', async () => {
      const id = await campaignIn('draft');
      expect((await odooErrorOf(rpc(MEMBER, 'action_start', [[id]]))).name).toBe('odoo.exceptions.AccessError');
      expect((await odooErrorOf(rpc(MEMBER, 'search_read', [[]], { fields: ['name'] }))).name).toBe('odoo.exceptions.AccessError');
      for (const [method, path] of [['POST', `/ad-campaigns/${id}/start`], ['POST', `/ad-campaigns/${id}/done`], ['GET', '/ad-campaigns'], ['GET', `/ad-campaigns/${id}`]] as const) {
        const answer = await side.rest(method, path, MEMBER);
        expect(answer.status, `${method} ${path}`).toBe(403);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
      }
      expect((await row(id)).state).toBe('draft');
      expect((await side.rest('GET', '/ad-campaigns', null)).status).toBe(401);
    });

    it('GET /ad-campaigns/{id}: budget, spent and remaining as decimal strings, as RPC reads them', async () => {
      const answer = await side.rest('GET', '/ad-campaigns/1', OPERATOR);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id: 1, name: 'Summer Healthy Food #1', state: 'running', currency: 'CNY', budget: '5000.00', spent: '9.49', remaining: '4990.51', bidCpm: 28.86, startDate: '2026-10-05', endDate: '2026-10-19', targetTags: ['weight-loss', 'fitness', 'elderly-care'], advertiserId: 294 });
      const [read] = (await rpc(OPERATOR, 'read', [[1], ['budget', 'spent', 'state']])) as { budget: { value: number }; spent: { value: number }; state: string }[];
      expect([read!.budget.value, read!.spent.value, read!.state]).toEqual([Number(answer.body.budget), Number(answer.body.spent), answer.body.state]);
    });

    it('GET /ad-campaigns: what RPC search_read finds, in hp.ad.campaign\'s order, filtered and paged', async () => {
      for (const [query, domain] of [['state=running', [['state', '=', 'running']]], ['advertiser_id=294', [['advertiser_id', '=', 294]]], ['', []]] as const) {
        const viaRpc = (await rpc(MERCHANT, 'search_read', [domain], { fields: ['id'] })) as { id: number }[];
        const page = await side.rest('GET', `/ad-campaigns?${query}&limit=200`, MERCHANT);
        expect(page.status).toBe(200);
        expect(page.body.total, query).toBe(viaRpc.length);
        expect(page.body.items.map((c: { id: number }) => c.id), query).toEqual(viaRpc.map((c) => c.id));
        const second = await side.rest('GET', `/ad-campaigns?${query}&limit=2&offset=2`, MERCHANT);
        expect(second.body.items.map((c: { id: number }) => c.id)).toEqual(viaRpc.slice(2, 4).map((c) => c.id));
      }
      expect((await side.rest('GET', '/ad-campaigns?state=archived', MERCHANT)).status).toBe(400);
      expect((await side.rest('GET', '/ad-campaigns?limit=201', MERCHANT)).status).toBe(400);
    });

    it('a paused campaign is served no impressions; started again, it is', async () => {
      const id = await campaignIn('running');
      expect((await side.rest('POST', `/ad-campaigns/${id}/pause`, MERCHANT)).status).toBe(200);
      const refused = await side.rest('POST', '/ads/impressions', ADMIN, { items: [{ eventId: 'p-1', campaignId: id }] });
      expect(refused.body).toMatchObject({ accepted: 0, refused: 1, rejected: [{ reason: 'not_running' }] });
      expect(await rpc(MERCHANT, 'action_start', [[id]])).toBe(true);
      const served = await side.rest('POST', '/ads/impressions', ADMIN, { items: [{ eventId: 'p-1', campaignId: id }] });
      expect(served.body).toMatchObject({ accepted: 1 });
      const campaign = await side.rest('GET', `/ad-campaigns/${id}`, MERCHANT);
      expect(campaign.body).toMatchObject({ spent: '0.02', remaining: '99.98', state: 'running' });
    });
  });
}
