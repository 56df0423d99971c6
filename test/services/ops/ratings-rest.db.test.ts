import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoachRatingSummary } from '../../../services/ops/domain/coach-rating-summaries.ts';
import { pythonAverages, scoresOf, startGrowthSides, storedAverage, unratedCompletedOrders, userOfGroup, type GrowthSides } from './ratings-sides.ts';

/**
 * M05's REST face (POST/GET /ops/ratings, certifications) on both sides of the cut, and the stored
 * res.users.coach_rating_avg kept true in each phase: by the monolith's own transaction while M05
 * is legacy, through res.users's owner (the gateway's dispatch) after cutover, whichever protocol
 * rated. Expected averages come from python3's round().
 */
let sides: GrowthSides;
let orders: Array<{ id: number; customer: number; coach: number }>;
let operator: number;
const ADMIN = 2;

const outboxRated = async () => (await sides.service.query<{ payload: any }>(`SELECT payload FROM outbox WHERE type = 'service_rated' ORDER BY seq`)).rows.map((r) => r.payload);
const expectedAverage = async (pool: typeof sides.legacy, coach: number) => pythonAverages([await scoresOf(pool, coach)])[0]!;

beforeAll(async () => {
  sides = await startGrowthSides('legacy');
  orders = await unratedCompletedOrders(sides.legacy);
  operator = await userOfGroup(sides.legacy, 'group_hp_operator');
  expect(orders.length).toBeGreaterThanOrEqual(8);
}, 180_000);
afterAll(async () => {
  await sides?.stop();
});

describe('POST /ops/ratings while M05 is legacy', () => {
  it('stores the rating on the monolith, recomputes coach_rating_avg there as Odoo does, publishes service_rated, and answers 201 with a Location that resolves', async () => {
    const order = orders[0]!;
    const before = (await outboxRated()).length;
    const created = await sides.rest('POST', '/ops/ratings', order.customer, { orderId: order.id, score: 2, comment: 'late again' }, { 'idempotency-key': `rate-${order.id}` });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ coachId: order.coach, orderId: order.id, raterId: order.customer, score: 2, comment: 'late again' });
    expect(created.headers.get('location')).toBe(`/ops/ratings/${created.body.id}`);
    expect((await sides.legacy.query('SELECT score FROM ratings WHERE id = $1', [created.body.id])).rows).toEqual([{ score: 2 }]);
    expect((await sides.service.query('SELECT count(*)::int AS n FROM ratings WHERE id = $1', [created.body.id])).rows[0].n).toBe(0);
    expect(await storedAverage(sides.legacy, order.coach)).toBe(await expectedAverage(sides.legacy, order.coach));
    const events = await outboxRated();
    expect(events.length).toBe(before + 1);
    expect(events.at(-1)).toMatchObject({ source: expect.stringContaining('ops'), subject: `hp.rating/${created.body.id}`, data: { ratingId: created.body.id, coachId: order.coach, orderId: order.id, raterId: order.customer, score: 2 } });
    const read = await sides.rest('GET', created.headers.get('location')!, order.customer);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    // The same key again: the first answer, no second rating.
    const replay = await sides.rest('POST', '/ops/ratings', order.customer, { orderId: order.id, score: 2, comment: 'late again' }, { 'idempotency-key': `rate-${order.id}` });
    expect([replay.status, replay.body]).toEqual([201, created.body]);
    // A new key for the same order: one rating per order and rater.
    const again = await sides.rest('POST', '/ops/ratings', order.customer, { orderId: order.id, score: 5 }, { 'idempotency-key': `rate-${order.id}-b` });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(`rating ${created.body.id}`);
    expect((await sides.legacy.query('SELECT count(*)::int AS n FROM ratings WHERE order_id = $1 AND rater_id = $2', [order.id, order.customer])).rows[0].n).toBe(1);
  });

  it('refuses what the rule refuses: another member\'s order (422 as missing), an order not completed (409), an operator (no create right, 403), a score outside 1…5 (400)', async () => {
    const [mine, theirs] = [orders[1]!, orders.find((o) => o.customer !== orders[1]!.customer)!];
    const ratingCount = async () => (await sides.legacy.query('SELECT count(*)::int AS n FROM ratings')).rows[0].n as number;
    const before = await ratingCount();
    expect((await sides.rest('POST', '/ops/ratings', mine.customer, { orderId: theirs.id, score: 4 })).status).toBe(422);
    const { rows: [open] } = await sides.legacy.query<{ id: number; customer: number }>(
      `SELECT id, customer_id AS customer FROM service_orders WHERE state <> 'completed' AND customer_id = $1 ORDER BY id LIMIT 1`, [mine.customer]);
    if (open) {
      const refused = await sides.rest('POST', '/ops/ratings', open.customer, { orderId: open.id, score: 4 });
      expect([refused.status, refused.body.type]).toEqual([409, 'https://ficus.dev/problems/wrong-state']);
    }
    expect((await sides.rest('POST', '/ops/ratings', operator, { orderId: mine.id, score: 4 })).status).toBe(403);
    expect((await sides.rest('POST', '/ops/ratings', mine.customer, { orderId: mine.id, score: 6 })).status).toBe(400);
    expect((await sides.rest('POST', '/ops/ratings', mine.customer, { orderId: mine.id, score: 0 })).status).toBe(400);
    expect(await ratingCount()).toBe(before);
  });

  it('shows a rating to its rater, its coach and operators, and to no other member (404)', async () => {
    const { rows: [rating] } = await sides.legacy.query<{ id: number; coach: number; rater: number }>('SELECT id, coach_id AS coach, rater_id AS rater FROM ratings WHERE rater_id IS NOT NULL ORDER BY id LIMIT 1');
    const stranger = orders.find((o) => o.customer !== rating!.rater)!.customer;
    for (const uid of [rating!.rater, rating!.coach, operator, ADMIN]) expect((await sides.rest('GET', `/ops/ratings/${rating!.id}`, uid)).status, `uid ${uid}`).toBe(200);
    expect((await sides.rest('GET', `/ops/ratings/${rating!.id}`, stranger)).status).toBe(404);
    expect((await sides.rest('GET', '/ops/ratings/99999999', operator)).status).toBe(404);
  });
});

describe('GET /ops/ratings', () => {
  it('gives every rated coach coach_rating_avg exactly as Odoo computes it, and the Bayesian average with the prior it states', async () => {
    const page = await sides.rest('GET', '/ops/ratings?limit=200', orders[0]!.customer);
    expect(page.status).toBe(200);
    const { rows } = await sides.legacy.query<{ coach_id: number; scores: number[] }>('SELECT coach_id, array_agg(score ORDER BY id) AS scores FROM ratings GROUP BY coach_id ORDER BY coach_id');
    const all = rows.flatMap((r) => r.scores);
    const m = all.reduce((a, b) => a + b, 0) / all.length;
    expect(page.body.total).toBe(rows.length);
    expect(page.body.prior).toMatchObject({ weight: 5, mean: Math.round(m * 10_000) / 10_000 });
    const python = pythonAverages(rows.map((r) => r.scores));
    const items = page.body.items as CoachRatingSummary[];
    const byCoach = new Map(items.map((i) => [i.coachId, i]));
    rows.forEach((r, index) => {
      const item = byCoach.get(r.coach_id)!;
      const sum = r.scores.reduce((a, b) => a + b, 0);
      expect(item, `coach ${r.coach_id}`).toMatchObject({ ratingsCount: r.scores.length, coachRatingAvg: python[index] });
      expect(item.bayesianAvg).toBeCloseTo((5 * m + sum) / (5 + r.scores.length), 4);
    });
    // The stored column agrees with the figure shown (the seed was written by Odoo itself).
    for (const r of rows.slice(0, 10)) expect(await storedAverage(sides.legacy, r.coach_id)).toBe(byCoach.get(r.coach_id)!.coachRatingAvg);
    // Sorted by the Bayesian average, highest first; ties by coach id.
    const bayes = items.map((i) => i.bayesianAvg);
    expect(bayes).toEqual([...bayes].sort((a, b) => b - a));
  });

  it('filters by coach and minimum count, sorts by the legacy average or count either way, pages with a stable total', async () => {
    const coach = orders[0]!.coach;
    const one = await sides.rest('GET', `/ops/ratings?coach=${coach}`, orders[0]!.customer);
    expect(one.body.items.map((i: any) => i.coachId)).toEqual([coach]);
    const unrated = await sides.rest('GET', '/ops/ratings?coach=1', orders[0]!.customer);
    expect(unrated.body.items).toEqual([expect.objectContaining({ coachId: 1, ratingsCount: 0, coachRatingAvg: 0, bayesianAvg: unrated.body.prior.mean })]);
    const many = await sides.rest('GET', '/ops/ratings?minRatings=3&sort=count&order=asc&limit=200', operator);
    expect(many.body.items.every((i: any) => i.ratingsCount >= 3)).toBe(true);
    expect(many.body.items.map((i: any) => i.ratingsCount)).toEqual([...many.body.items.map((i: any) => i.ratingsCount)].sort((a, b) => a - b));
    const byAverage = await sides.rest('GET', '/ops/ratings?sort=average&order=asc&limit=200', operator);
    expect(byAverage.body.items.map((i: any) => i.coachRatingAvg)).toEqual([...byAverage.body.items.map((i: any) => i.coachRatingAvg)].sort((a, b) => a - b));
    const first = await sides.rest('GET', '/ops/ratings?limit=3&offset=0', operator);
    const second = await sides.rest('GET', '/ops/ratings?limit=3&offset=3', operator);
    expect(first.body.total).toBe(second.body.total);
    expect([...first.body.items, ...second.body.items].map((i: any) => i.coachId)).toEqual(byAverage.body.items.length ? (await sides.rest('GET', '/ops/ratings?limit=6', operator)).body.items.map((i: any) => i.coachId) : []);
    expect((await sides.rest('GET', '/ops/ratings?sort=stars', operator)).status).toBe(400);
    expect((await sides.rest('GET', '/ops/ratings', null)).status).toBe(401);
  });
});

describe('certifications', () => {
  it('lists a coach\'s certifications newest first; revoking is an operator\'s write (members 403), on any state, as action_revoke on RPC', async () => {
    const { rows: [cert] } = await sides.legacy.query<{ id: number; coach: number }>(`SELECT id, coach_id AS coach FROM certifications WHERE state = 'valid' ORDER BY id LIMIT 1`);
    const list = await sides.rest('GET', `/ops/coaches/${cert!.coach}/certifications`, orders[0]!.customer);
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: any) => c.id)).toContain(cert!.id);
    expect(list.body.items.every((c: any) => c.coachId === cert!.coach)).toBe(true);
    expect((await sides.rest('POST', `/ops/certifications/${cert!.id}/revoke`, orders[0]!.customer)).status).toBe(403);
    const revoked = await sides.rest('POST', `/ops/certifications/${cert!.id}/revoke`, operator);
    expect([revoked.status, revoked.body.state]).toEqual([200, 'revoked']);
    expect((await sides.legacy.query('SELECT state, write_uid FROM certifications WHERE id = $1', [cert!.id])).rows[0]).toEqual({ state: 'revoked', write_uid: operator });
    expect((await sides.rest('POST', `/ops/certifications/${cert!.id}/revoke`, operator)).status).toBe(200);
    expect((await sides.rest('POST', '/ops/certifications/99999999/revoke', operator)).status).toBe(404);
    // Over RPC on the legacy side: the same rule (members may not write; operators revoke).
    const { rows: [other] } = await sides.legacy.query<{ id: number }>(`SELECT id FROM certifications WHERE state = 'valid' AND id <> $1 ORDER BY id LIMIT 1`, [cert!.id]);
    await expect(sides.legacyRpc(orders[0]!.customer, 'hp.certification', 'action_revoke', [[other!.id]])).rejects.toMatchObject({ exceptionName: 'odoo.exceptions.AccessError' });
    expect(await sides.legacyRpc(operator, 'hp.certification', 'action_revoke', [[other!.id]])).toBe(true);
    expect((await sides.legacy.query('SELECT state FROM certifications WHERE id = $1', [other!.id])).rows[0].state).toBe('revoked');
  });
});

describe('after M05\'s cutover', () => {
  beforeAll(async () => {
    await sides.setOwner('service');
  });

  it('POST /ops/ratings stores the rating in svc_ops and writes the coach\'s average to res.users through its owner', async () => {
    const order = orders[3]!;
    const legacyRows = async () => (await sides.legacy.query('SELECT count(*)::int AS n FROM ratings')).rows[0].n;
    const before = await legacyRows();
    const created = await sides.rest('POST', '/ops/ratings', order.customer, { orderId: order.id, score: 1 }, { 'idempotency-key': `svc-rate-${order.id}` });
    expect(created.status).toBe(201);
    expect((await sides.service.query('SELECT score, coach_id FROM ratings WHERE id = $1', [created.body.id])).rows).toEqual([{ score: 1, coach_id: order.coach }]);
    expect(await legacyRows()).toBe(before);
    expect(await storedAverage(sides.legacy, order.coach)).toBe(await expectedAverage(sides.service, order.coach));
    expect((await sides.rest('GET', `/ops/ratings/${created.body.id}`, order.customer)).status).toBe(200);
  });

  it('hp.rating create, rescore and unlink over RPC keep res.users.coach_rating_avg true; create publishes service_rated', async () => {
    const coach = orders[4]!.coach;
    const before = (await outboxRated()).length;
    const id = (await sides.serviceRpc(ADMIN, 'hp.rating', 'create', [{ coach_id: coach, score: 5, comment: 'rpc' }])) as number;
    expect(await storedAverage(sides.legacy, coach)).toBe(await expectedAverage(sides.service, coach));
    expect((await outboxRated()).length).toBe(before + 1);
    expect((await outboxRated()).at(-1)).toMatchObject({ data: { ratingId: id, coachId: coach, score: 5 } });
    await sides.serviceRpc(ADMIN, 'hp.rating', 'write', [[id], { score: 1 }]);
    expect(await storedAverage(sides.legacy, coach)).toBe(await expectedAverage(sides.service, coach));
    const other = orders.find((o) => o.coach !== coach)!.coach;
    await sides.serviceRpc(ADMIN, 'hp.rating', 'write', [[id], { coach_id: other }]);
    expect(await storedAverage(sides.legacy, coach)).toBe(await expectedAverage(sides.service, coach));
    expect(await storedAverage(sides.legacy, other)).toBe(await expectedAverage(sides.service, other));
    await sides.serviceRpc(ADMIN, 'hp.rating', 'unlink', [[id]]);
    expect(await storedAverage(sides.legacy, other)).toBe(await expectedAverage(sides.service, other));
  });

  it('is order-safe: many ratings of one coach at once leave the average of all of them', async () => {
    const coach = orders[5]!.coach;
    const scores = [1, 5, 2, 4, 3, 5, 1, 1];
    await Promise.all(scores.map((score) => sides.serviceRpc(ADMIN, 'hp.rating', 'create', [{ coach_id: coach, score }])));
    expect(await storedAverage(sides.legacy, coach)).toBe(await expectedAverage(sides.service, coach));
  });

  it('is order-safe across protocols: REST ratings (their own transactions) and RPC creates (REPEATABLE READ) of one coach at once', async () => {
    const byCoach = new Map<number, typeof orders>();
    for (const o of orders.slice(6)) byCoach.set(o.coach, [...(byCoach.get(o.coach) ?? []), o]);
    const [coach, theirs] = [...byCoach.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(theirs.length).toBeGreaterThanOrEqual(2);
    const rest = theirs.slice(0, 4).map((o, i) => sides.rest('POST', '/ops/ratings', o.customer, { orderId: o.id, score: 1 + (i % 5) }, { 'idempotency-key': `mixed-${o.id}` }));
    const rpc = [5, 1, 5, 2].map((score) => sides.serviceRpc(ADMIN, 'hp.rating', 'create', [{ coach_id: coach, score }]));
    const answers = await Promise.all([...rest, ...rpc]);
    expect(answers.slice(0, rest.length).map((a: any) => a.status)).toEqual(rest.map(() => 201));
    expect(await storedAverage(sides.legacy, coach)).toBe(await expectedAverage(sides.service, coach));
  });

  it('hp.certification.action_revoke over RPC on svc_ops, and REST revokes there', async () => {
    const { rows: [cert, next] } = await sides.service.query<{ id: number }>(`SELECT id FROM certifications WHERE state <> 'revoked' ORDER BY id LIMIT 2`);
    await expect(sides.serviceRpc(orders[0]!.customer, 'hp.certification', 'action_revoke', [[cert!.id]])).rejects.toMatchObject({ exceptionName: 'odoo.exceptions.AccessError' });
    expect(await sides.serviceRpc(operator, 'hp.certification', 'action_revoke', [[cert!.id]])).toBe(true);
    expect((await sides.service.query('SELECT state FROM certifications WHERE id = $1', [cert!.id])).rows[0].state).toBe('revoked');
    const legacyState = async () => (await sides.legacy.query('SELECT state, write_date FROM certifications WHERE id = $1', [next!.id])).rows[0];
    const before = await legacyState();
    expect((await sides.rest('POST', `/ops/certifications/${next!.id}/revoke`, operator)).body.state).toBe('revoked');
    expect((await sides.service.query('SELECT state FROM certifications WHERE id = $1', [next!.id])).rows[0].state).toBe('revoked');
    // svc_ops is the home now: the monolith's row waits for the reverse sync (none runs here).
    expect(await legacyState()).toEqual(before);
  });
});
