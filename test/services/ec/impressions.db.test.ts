import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, MEMBER, MERCHANT, OPERATOR, odooErrorOf, startAdsSide, type AdsSide } from './ads-sides.ts';

/**
 * POST /ads/impressions beyond the budget (budget.db.test.ts): clicks and ad_clicked, each
 * refusal reported by position, the currency rounding of given costs, validation at the edge and
 * hp.ad.impression's ACL; and the RPC side of the same rows, where creates of hp.ad.impression
 * keep the stored spent equal to the sum of costs as Odoo's compute does (no budget check: Odoo
 * has none). In both phases of M10.
 */
for (const owner of ['service', 'legacy'] as const) {
  describe(`POST /ads/impressions and hp.ad.impression, M10 ${owner === 'service' ? 'after cutover (svc_ec)' : 'in phase legacy (monolith tables)'}`, () => {
    let side: AdsSide;
    let running: number;
    let paused: number;
    const post = (items: unknown[], uid = ADMIN, headers?: Record<string, string>) => side.rest('POST', '/ads/impressions', uid, { items }, headers);
    const events = async () =>
      (await side.stack.service.pool.query<{ payload: { type: string; subject: string; data: Record<string, unknown> } }>(`SELECT payload FROM outbox WHERE type = 'ad_clicked' ORDER BY seq`)).rows.map((r) => r.payload);
    const campaignRow = async (id: number) => (await side.rows.query<{ spent: string; state: string; sum: string }>(
      'SELECT a.spent::text, a.state, (SELECT COALESCE(sum(cost), 0)::text FROM ad_impressions WHERE campaign_id = a.id) AS sum FROM ad_campaigns a WHERE a.id = $1', [id])).rows[0]!;

    beforeAll(async () => {
      side = await startAdsSide(owner);
      running = await side.campaign({ budget: '100.00', bidCpm: 28.86 });
      paused = await side.campaign({ budget: '100.00', bidCpm: 10, state: 'paused' });
    }, 300_000);
    afterAll(async () => side?.stop());

    it('records impressions at bid_cpm / 1000 or their given cost rounded to the cent (half up); reports each refusal by position', async () => {
      const answer = await post([
        { eventId: 'a-1', campaignId: running, userId: MEMBER, shownAt: '2026-12-06T10:00:00.250Z' },
        { eventId: 'a-2', campaignId: running, cost: '0.005' },
        { eventId: 'a-1', campaignId: running },
        { eventId: 'a-3', campaignId: paused },
        { eventId: 'a-4', campaignId: 99999999 },
        { eventId: 'a-5', campaignId: running, userId: 99999999 },
        { kind: 'impression', eventId: 'a-6', campaignId: running, cost: '1.234567' },
      ]);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toEqual({
        accepted: 3, duplicates: 1, refused: 3, clicks: 0,
        rejected: [
          { index: 2, eventId: 'a-1', campaignId: running, outcome: 'duplicate' },
          { index: 3, eventId: 'a-3', campaignId: paused, outcome: 'refused', reason: 'not_running' },
          { index: 4, eventId: 'a-4', campaignId: 99999999, outcome: 'refused', reason: 'unknown_campaign' },
          { index: 5, eventId: 'a-5', campaignId: running, outcome: 'refused', reason: 'unknown_user' },
        ],
      });
      const { rows } = await side.rows.query('SELECT cost::text, user_id, clicked, shown_at::text, create_uid, currency_id FROM ad_impressions WHERE campaign_id = $1 ORDER BY id', [running]);
      expect(rows).toMatchObject([
        { cost: '0.03', user_id: MEMBER, clicked: false, shown_at: '2026-12-06 10:00:00', create_uid: ADMIN, currency_id: 6 },
        { cost: '0.01', user_id: null, clicked: false },
        { cost: '1.23' },
      ]);
      expect(await campaignRow(running)).toMatchObject({ spent: '1.27', sum: '1.27' });
      // A refused key is not held: once its campaign runs, the same item is recorded.
      await side.rows.query(`UPDATE ad_campaigns SET state = 'running' WHERE id = $1`, [paused]);
      expect((await post([{ eventId: 'a-3', campaignId: paused }])).body).toMatchObject({ accepted: 1, refused: 0 });
      await side.rows.query(`UPDATE ad_campaigns SET state = 'paused' WHERE id = $1`, [paused]);
    });

    it('clicks: an impression shown clicked or clicked later publishes ad_clicked once; repeats are duplicates; a click on nothing recorded is refused', async () => {
      const before = (await events()).length;
      const shown = await post([
        { eventId: 'c-1', campaignId: running, userId: MEMBER, clicked: true },
        { eventId: 'c-2', campaignId: running, userId: MEMBER },
        { kind: 'click', eventId: 'c-2', campaignId: running },
      ]);
      expect(shown.body).toMatchObject({ accepted: 3, duplicates: 0, refused: 0, clicks: 2 });
      const again = await post([
        { kind: 'click', eventId: 'c-2', campaignId: running },
        { kind: 'click', eventId: 'c-1', campaignId: running },
        { kind: 'click', eventId: 'never-shown', campaignId: running },
        { kind: 'click', eventId: 'a-3', campaignId: paused },
        { kind: 'click', eventId: 'a-3', campaignId: paused },
      ]);
      expect(again.body).toEqual({
        accepted: 1, duplicates: 3, refused: 1, clicks: 1,
        rejected: [
          { index: 0, eventId: 'c-2', campaignId: running, outcome: 'duplicate' },
          { index: 1, eventId: 'c-1', campaignId: running, outcome: 'duplicate' },
          { index: 2, eventId: 'never-shown', campaignId: running, outcome: 'refused', reason: 'unknown_impression' },
          { index: 4, eventId: 'a-3', campaignId: paused, outcome: 'duplicate' },
        ],
      });
      const published = (await events()).slice(before);
      expect(published).toHaveLength(3);
      const { rows } = await side.rows.query<{ id: number }>('SELECT id FROM ad_impressions WHERE clicked ORDER BY id');
      expect(published.map((e) => e.data.impressionId).sort()).toEqual(rows.filter((r) => published.some((e) => e.data.impressionId === r.id)).map((r) => r.id).sort());
      expect(published[0]).toMatchObject({ type: 'ad_clicked', subject: `hp.ad.campaign/${running}`, data: { campaignId: running, userId: MEMBER, cost: '0.03', currency: 'CNY' } });
      // Clicks do not cost: spent is still the sum of the impressions.
      const row = await campaignRow(running);
      expect(row.spent).toBe(row.sum);
    });

    it('a campaign paused or re-priced while a batch waits for its lock: the lock\'s view decides (withdrawn, or re-priced), nothing else kept', async () => {
      const [pausing, repricing] = [await side.campaign({ budget: '10.00', bidCpm: 20 }), await side.campaign({ budget: '10.00', bidCpm: 20 })];
      const holder = await side.rows.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT id FROM ad_campaigns WHERE id = ANY($1::int4[]) FOR NO KEY UPDATE', [[pausing, repricing]]);
        const pending = post([{ eventId: 'w-1', campaignId: pausing }, { eventId: 'w-2', campaignId: repricing }, { eventId: 'w-3', campaignId: repricing, cost: '0.05' }]);
        // The batch has priced (0.02) and inserted its impressions, and waits for the locks.
        let waiting = false;
        for (let waited = 0; waited < 200 && !waiting; waited += 1) {
          const { rows } = await side.rows.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = $1 AND query LIKE $2', ['Lock', '%FOR NO KEY UPDATE OF a%']);
          waiting = rows[0]!.n > 0;
          if (!waiting) await new Promise((r) => setTimeout(r, 100));
        }
        expect(waiting, 'the batch waits for the campaigns\' locks').toBe(true);
        expect((await side.rows.query('SELECT count(*)::int AS n FROM ad_impressions WHERE campaign_id = ANY($1::int4[])', [[pausing, repricing]])).rows[0].n).toBe(0); // not committed yet
        await holder.query(`UPDATE ad_campaigns SET state = 'paused' WHERE id = $1`, [pausing]);
        await holder.query('UPDATE ad_campaigns SET bid_cpm = 70 WHERE id = $1', [repricing]);
        await holder.query('COMMIT');
        const answer = await pending;
        expect(answer.body).toMatchObject({ accepted: 2, refused: 1, rejected: [{ index: 0, eventId: 'w-1', outcome: 'refused', reason: 'not_running' }] });
      } finally {
        holder.release();
      }
      const kept = await side.rows.query<{ campaign_id: number; cost: string }>('SELECT campaign_id, cost::text FROM ad_impressions WHERE campaign_id = ANY($1::int4[]) ORDER BY id', [[pausing, repricing]]);
      expect(kept.rows).toEqual([{ campaign_id: repricing, cost: '0.07' }, { campaign_id: repricing, cost: '0.05' }]);
      expect(await campaignRow(pausing)).toMatchObject({ spent: '0.00', sum: '0' });
      expect(await campaignRow(repricing)).toMatchObject({ spent: '0.12', sum: '0.12' });
      const ledger = await side.stack.service.pool.query('SELECT event_id FROM ec_impression_events WHERE campaign_id = ANY($1::int4[]) ORDER BY event_id', [[pausing, repricing]]);
      expect(ledger.rows.map((r) => r.event_id)).toEqual(['w-2', 'w-3']);
    });

    it('hp.ad.impression\'s ACL: only administrators create; merchants, operators and members are refused (403), nothing recorded; no token 401', async () => {
      const count = async () => (await side.rows.query<{ n: number }>('SELECT count(*)::int AS n FROM ad_impressions')).rows[0]!.n;
      const n = await count();
      for (const uid of [MERCHANT, OPERATOR, MEMBER]) {
        const refused = await post([{ eventId: `acl-${uid}`, campaignId: running }], uid);
        expect(refused.status, `uid ${uid}`).toBe(403);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect((await odooErrorOf(side.rpc(uid, 'hp.ad.impression', 'create', [{ campaign_id: running, cost: 0.01 }]))).name).toBe('odoo.exceptions.AccessError');
      }
      expect((await side.rest('POST', '/ads/impressions', null, { items: [{ eventId: 'x', campaignId: running }] })).status).toBe(401);
      expect(await count()).toBe(n);
    });

    it('validation at the edge: empty or over 1,000 items, a float or negative cost, an unknown field, a bad id → 400, nothing recorded', async () => {
      const item = (k: number) => ({ eventId: `v-${k}`, campaignId: running });
      for (const body of [
        { items: [] },
        { items: Array.from({ length: 1001 }, (_, k) => item(k)) },
        { items: [{ ...item(1), cost: 0.03 }] },
        { items: [{ ...item(1), cost: '-0.03' }] },
        { items: [{ ...item(1), price: '1' }] },
        { items: [{ eventId: '', campaignId: running }] },
        { items: [{ eventId: 'has space', campaignId: running }] },
        { items: [{ eventId: 'x', campaignId: 0 }] },
        { items: [{ ...item(1), kind: 'view' }] },
      ]) {
        const refused = await side.rest('POST', '/ads/impressions', ADMIN, body);
        expect(refused.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      }
      expect((await side.rows.query('SELECT 1 FROM ad_impressions i JOIN ad_campaigns a ON a.id = i.campaign_id WHERE i.cost > 1.5')).rows).toHaveLength(0);
    });

    it('1,000 items in one request; an Idempotency-Key replays the answer', async () => {
      const items = Array.from({ length: 1000 }, (_, k) => ({ eventId: `big-${k}`, campaignId: running }));
      const first = await post(items, ADMIN, { 'idempotency-key': `big-${owner}` });
      expect(first.body).toMatchObject({ accepted: 1000, duplicates: 0, refused: 0 });
      const replay = await post(items, ADMIN, { 'idempotency-key': `big-${owner}` });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect((await post(items)).body).toMatchObject({ accepted: 0, duplicates: 1000 });
      const row = await campaignRow(running);
      expect(row.spent).toBe(row.sum);
    });

    it('RPC clicks: after cutover an impression created clicked, or written clicked, publishes ad_clicked once into svc_ec\'s outbox; in phase legacy nothing (Odoo published nothing)', async () => {
      const before = (await events()).length;
      const shownClicked = (await side.rpc(ADMIN, 'hp.ad.impression', 'create', [{ campaign_id: running, cost: 0.02, clicked: true, user_id: MEMBER }])) as number;
      const later = (await side.rpc(ADMIN, 'hp.ad.impression', 'create', [{ campaign_id: running, cost: 0.02 }])) as number;
      await side.rpc(ADMIN, 'hp.ad.impression', 'write', [[later, shownClicked], { clicked: true }]);
      await side.rpc(ADMIN, 'hp.ad.impression', 'write', [[later], { clicked: true }]);
      const published = (await events()).slice(before);
      if (owner === 'legacy') {
        expect(published).toEqual([]);
      } else {
        expect(published.map((e) => e.data.impressionId)).toEqual([shownClicked, later]);
        expect(published[0]).toMatchObject({ subject: `hp.ad.campaign/${running}`, data: { campaignId: running, userId: MEMBER, cost: '0.02', currency: 'CNY' } });
      }
    });

    it('RPC: creating, re-costing, moving and deleting hp.ad.impression keeps spent = sum(cost) as Odoo\'s stored compute (no budget check, as Odoo)', async () => {
      const small = await side.campaign({ budget: '0.05', bidCpm: 10 });
      const [a, b] = [
        (await side.rpc(ADMIN, 'hp.ad.impression', 'create', [{ campaign_id: small, cost: 0.04 }])) as number,
        (await side.rpc(ADMIN, 'hp.ad.impression', 'create', [{ campaign_id: small, cost: 0.035 }])) as number,
      ];
      expect(await campaignRow(small)).toMatchObject({ spent: '0.08', sum: '0.08' }); // past the budget: Odoo's answer, not REST's pacing
      const [read] = (await side.rpc(ADMIN, 'hp.ad.campaign', 'read', [[small], ['spent', 'budget']])) as { spent: { value: number }; budget: { value: number } }[];
      expect([read!.spent.value, read!.budget.value]).toEqual([0.08, 0.05]);
      const [impression] = (await side.rpc(ADMIN, 'hp.ad.impression', 'read', [[b], ['cost']])) as { cost: { value: number } }[];
      expect(impression!.cost.value).toBe(0.04); // 0.035 stored as Odoo stores a Monetary: rounded half up to the cent
      await side.rpc(ADMIN, 'hp.ad.impression', 'write', [[a], { cost: 0.01 }]);
      expect((await campaignRow(small)).spent).toBe('0.05');
      await side.rpc(ADMIN, 'hp.ad.impression', 'write', [[b], { campaign_id: running }]);
      expect((await campaignRow(small)).spent).toBe('0.01');
      const other = await campaignRow(running);
      expect(other.spent).toBe(other.sum);
      await side.rpc(ADMIN, 'hp.ad.impression', 'unlink', [[a]]);
      expect((await campaignRow(small)).spent).toBe('0.00');
      // REST pacing on the same campaign sees what RPC left: 0.05 of room, five impressions of 0.01.
      const paced = await post(Array.from({ length: 7 }, (_, k) => ({ eventId: `after-rpc-${k}`, campaignId: small })));
      expect(paced.body).toMatchObject({ accepted: 5, refused: 2 });
      expect(await campaignRow(small)).toMatchObject({ spent: '0.05', sum: '0.05' });
    });
  });
}
