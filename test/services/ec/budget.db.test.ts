import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startAdsSide, type AdsSide } from './ads-sides.ts';

interface Item { eventId: string; campaignId: number; cost?: string; userId?: number }
interface BatchAnswer { accepted: number; duplicates: number; refused: number; clicks: number; rejected: { index: number; outcome: string; reason?: string }[] }

/** Small budgets, each a few dozen impressions deep: bid_cpm / 1000 rounded to CNY's cent, or the items' own costs. */
const CAMPAIGNS = [
  { budget: '1.00', bidCpm: 28.86, cost: '0.03' }, // 33 fit, 0.01 left
  { budget: '0.50', bidCpm: 10.29, cost: '0.01' }, // 50 fit exactly
  { budget: '2.37', bidCpm: 50, cost: '0.05' }, // 47 fit, 0.02 left
  { budget: '0.07', bidCpm: 20, cost: '0.02' }, // 3 fit
  { budget: '3.00', bidCpm: 5, cost: null }, // costs given per item, 0.01 … 0.09
] as const;

const BATCHES = 40;
const BATCH_SIZE = 500;
const CONCURRENCY = 8;

/**
 * Bar 3 of issue 25: impressions at full speed (concurrent batches of 500) against campaigns with
 * small budgets, with duplicates inside batches, across batches and whole batches replayed. No
 * campaign's spent ever exceeds its budget, spent equals the sum of the impressions recorded (in
 * SQL, numeric), every (campaign, eventId) is recorded at most once, and every campaign is filled
 * as far as its budget allows. In both phases of M10: after cutover (svc_ec holds everything) and
 * before (the rows on the monolith, the ledger in svc_ec).
 */
for (const owner of ['service', 'legacy'] as const) {
  describe(`impressions at full speed against small budgets, M10 ${owner === 'service' ? 'after cutover (svc_ec)' : 'in phase legacy (monolith rows, svc_ec ledger)'}`, () => {
    let side: AdsSide;
    const ids: number[] = [];
    const answers: BatchAnswer[] = [];
    let offered = 0;

    const post = async (items: Item[]): Promise<BatchAnswer> => {
      const answer = await side.rest('POST', '/ads/impressions', ADMIN, { items });
      expect(answer.status, answer.text).toBe(200);
      return answer.body as BatchAnswer;
    };

    /** The n-th impression of the stream: its campaign by turn, the last campaign's costing 0.01 … 0.09. */
    const itemOf = (n: number): Item => {
      const k = n % CAMPAIGNS.length;
      return { eventId: `imp-${owner}-${n}`, campaignId: ids[k]!, ...(CAMPAIGNS[k]!.cost === null ? { cost: `0.0${(n % 9) + 1}` } : {}) };
    };

    beforeAll(async () => {
      side = await startAdsSide(owner, { rpc: false });
      for (const c of CAMPAIGNS) ids.push(await side.campaign({ budget: c.budget, bidCpm: c.bidCpm }));
      // A deterministic stream: each item for a campaign by turn, one in eight repeating an id of
      // this batch or an earlier one, the last campaign's items costing 0.01 … 0.09.
      const batches: Item[][] = [];
      let next = 0;
      for (let b = 0; b < BATCHES; b += 1) {
        const items: Item[] = [];
        for (let i = 0; i < BATCH_SIZE; i += 1) {
          const repeat = i % 8 === 7 && next > 10;
          const n = repeat ? (next * 7919) % next : next++;
          items.push(itemOf(n));
        }
        batches.push(items);
      }
      // Whole batches sent twice, as a client retrying after a lost answer.
      const stream = [...batches, batches[3]!, batches[17]!, batches[29]!, batches[0]!];
      offered = stream.reduce((n, b) => n + b.length, 0);
      let cursor = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (cursor < stream.length) answers.push(await post(stream[cursor++]!));
      }));
    }, 300_000);
    afterAll(async () => side?.stop());

    it('no campaign spends past its budget, and each spent equals the sum of its impressions\' costs (numeric, in SQL)', async () => {
      const { rows } = await side.rows.query<{ id: number; budget: string; spent: string; total: string; n: number; over: boolean; equal: boolean }>(
        `SELECT a.id, a.budget::text, a.spent::text, COALESCE(sum(i.cost), 0)::text AS total, count(i.id)::int AS n,
                a.spent > a.budget AS over, a.spent = COALESCE(sum(i.cost), 0) AS equal
           FROM ad_campaigns a LEFT JOIN ad_impressions i ON i.campaign_id = a.id WHERE a.id = ANY($1::int4[]) GROUP BY a.id ORDER BY a.id`,
        [ids],
      );
      expect(rows).toHaveLength(CAMPAIGNS.length);
      for (const row of rows) {
        expect(row.over, `campaign ${row.id}: spent ${row.spent} of ${row.budget}`).toBe(false);
        expect(row.equal, `campaign ${row.id}: spent ${row.spent}, impressions ${row.total}`).toBe(true);
      }
      // Filled as far as the budget allows: what is left is less than one more impression.
      const byId = new Map(rows.map((r) => [r.id, r]));
      CAMPAIGNS.forEach((c, k) => {
        const row = byId.get(ids[k]!)!;
        if (c.cost !== null) {
          expect(Number(row.spent), `campaign ${row.id}`).toBeCloseTo(Math.floor(Number(c.budget) / Number(c.cost) + 1e-9) * Number(c.cost), 6);
          expect(row.n).toBe(Math.floor(Number(c.budget) / Number(c.cost) + 1e-9));
        } else {
          expect(Number(row.budget) - Number(row.spent)).toBeLessThan(0.01 + 1e-9); // the 0.01 impressions kept coming
        }
      });
    });

    it('every (campaign, eventId) is recorded at most once: the answers, the impressions and the ledger agree', async () => {
      const accepted = answers.reduce((n, a) => n + a.accepted, 0);
      const duplicates = answers.reduce((n, a) => n + a.duplicates, 0);
      const refused = answers.reduce((n, a) => n + a.refused, 0);
      expect(accepted + duplicates + refused).toBe(offered);
      expect(duplicates).toBeGreaterThan(BATCH_SIZE * 4); // the replays and the repeated ids
      const impressions = (await side.rows.query<{ n: number }>('SELECT count(*)::int AS n FROM ad_impressions WHERE campaign_id = ANY($1::int4[])', [ids])).rows[0]!.n;
      expect(impressions).toBe(accepted);
      const ledger = (await side.stack.service.pool.query<{ n: number; ids: number[] }>(
        'SELECT count(*)::int AS n, array_agg(impression_id ORDER BY impression_id) AS ids FROM ec_impression_events WHERE campaign_id = ANY($1::int4[])', [ids],
      )).rows[0]!;
      expect(ledger.n).toBe(accepted);
      const recorded = (await side.rows.query<{ ids: number[] }>('SELECT array_agg(id ORDER BY id) AS ids FROM ad_impressions WHERE campaign_id = ANY($1::int4[])', [ids])).rows[0]!.ids;
      expect(ledger.ids).toEqual(recorded);
      for (const answer of answers) for (const r of answer.rejected.filter((x) => x.outcome === 'refused')) expect(['budget_exhausted', 'over_budget']).toContain(r.reason);
    });

    it('an exhausted campaign is served nothing more; a replayed batch is all duplicates', async () => {
      const more = await post(ids.slice(0, 4).map((campaignId, k) => ({ eventId: `late-${owner}-${k}`, campaignId })));
      expect(more.accepted).toBe(0);
      expect(more.rejected.map((r) => r.reason)).toEqual(['over_budget', 'budget_exhausted', 'over_budget', 'over_budget']);
      // Resent: ten impressions the ledger recorded (whichever batches won the budgets).
      const { rows } = await side.stack.service.pool.query<{ event_id: string }>('SELECT event_id FROM ec_impression_events WHERE campaign_id = ANY($1::int4[]) ORDER BY impression_id LIMIT 10', [ids]);
      const replay = await post(rows.map((r) => itemOf(Number(r.event_id.split('-').pop()))));
      expect(replay).toMatchObject({ accepted: 0, duplicates: 10, refused: 0 });
    });
  });
}
