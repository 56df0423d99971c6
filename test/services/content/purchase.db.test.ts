import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALREADY_PURCHASED } from '../../../services/content/domain/purchase-flow.ts';
import { pointsFor } from '../../../services/content/routes/contents-finance.ts';
import { paidContent, plainMembers, startKnowledgeSides, type KnowledgeSides } from './knowledge-sides.ts';

/**
 * POST /contents/{id}/purchase on both sides of M06's cut, paid through finance as the gateway
 * reaches it (hp.payment and hp.points.transaction where M13/M14 live: the monolith here): one
 * purchase per buyer (409 with hp_knowledge's text after), a payment of the purchase (source
 * hp.content.purchase/<id>, succeeded), purchase_count kept, content_purchased after cutover; a
 * declined payment (not enough points) is 402 and leaves no purchase, purchase_count unchanged and
 * the points untouched; a replay of the Idempotency-Key pays nothing more; GET /contents/purchases.
 */
let sides: KnowledgeSides;
let key = 0;
const idem = () => ({ 'idempotency-key': `purchase-${process.pid}-${(key += 1)}` });

beforeAll(async () => {
  sides = await startKnowledgeSides('service');
}, 240_000);
afterAll(async () => {
  await sides?.stop();
});

describe.each(['service', 'legacy'] as const)('POST /contents/{id}/purchase in phase %s', (phase) => {
  let pool: pg.Pool;
  let paid: Awaited<ReturnType<typeof paidContent>>;
  let buyers: number[];
  const counts = async (contentId: number) =>
    (await pool.query('SELECT purchase_count, (SELECT count(*)::int FROM content_purchases WHERE content_id = $1) AS n FROM knowledge_contents WHERE id = $1', [contentId])).rows[0];
  // Both phases' purchases pay on the monolith here, and this stack's two databases number purchases alike (a real cutover moves svc_content's ids past the monolith's): a payment is its purchase's and its payer's.
  const paymentsOf = async (purchaseIds: number[], payerId: number) =>
    (await sides.legacy.query("SELECT id, payer_id, amount::text AS amount, method, state, reference FROM payments WHERE source_model = 'hp.content.purchase' AND source_id = ANY($1::int4[]) AND payer_id = $2 ORDER BY id", [purchaseIds, payerId])).rows;
  const balance = async (uid: number) => Number((await sides.legacy.query('SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1', [uid])).rows[0]?.balance_after ?? 0);

  beforeAll(async () => {
    await sides.setOwner(phase);
    pool = phase === 'service' ? sides.service : sides.legacy;
    paid = await paidContent(pool);
    const already = new Set((await pool.query<{ buyer_id: number }>('SELECT buyer_id FROM content_purchases WHERE content_id = $1', [paid.id])).rows.map((r) => r.buyer_id));
    buyers = (await plainMembers(pool, 80, phase === 'service' ? 0 : 40)).filter((uid) => !already.has(uid) && uid !== paid.authorId).slice(0, 3);
  });

  it('buys once: 201 with the purchase and its succeeded payment, purchase_count + 1, the body now readable; a second purchase is 409 with the addon\'s text; a replay pays nothing more', async () => {
    const [buyer] = buyers;
    const before = await counts(paid.id);
    const hidden = await sides.rest('GET', `/contents/${paid.id}`, buyer!);
    expect([hidden.status, hidden.body.body, hidden.body.purchased]).toEqual([200, null, false]);
    const keyless = await sides.rest('POST', `/contents/${paid.id}/purchase`, buyer!, { method: 'card' });
    expect([keyless.status, keyless.body.detail]).toEqual([400, 'this endpoint requires an Idempotency-Key header']);
    const headers = idem();
    const bought = await sides.rest('POST', `/contents/${paid.id}/purchase`, buyer!, { method: 'card' }, headers);
    expect(bought.status).toBe(201);
    expect(bought.body).toMatchObject({ method: 'card', purchase: { contentId: paid.id, buyerId: buyer, currency: 'CNY' } });
    expect(Number(bought.body.purchase.amount)).toBe(Number(paid.price));
    const [payment] = await paymentsOf([bought.body.purchase.id], buyer!);
    expect(payment).toMatchObject({ id: bought.body.paymentId, payer_id: buyer, method: 'card', state: 'succeeded' });
    expect(Number(payment.amount)).toBe(Number(paid.price));
    expect(payment.reference).toMatch(/^PAY-KC-[0-9A-F]{16}$/);
    expect(await counts(paid.id)).toEqual({ purchase_count: before.n + 1, n: before.n + 1 });
    const readable = await sides.rest('GET', `/contents/${paid.id}`, buyer!);
    expect([readable.body.purchased, readable.body.bodyHidden, typeof readable.body.body]).toEqual([true, false, 'string']);
    const again = await sides.rest('POST', `/contents/${paid.id}/purchase`, buyer!, { method: 'card' }, idem());
    expect([again.status, again.body.detail]).toEqual([409, ALREADY_PURCHASED]);
    const replay = await sides.rest('POST', `/contents/${paid.id}/purchase`, buyer!, { method: 'card' }, headers);
    expect([replay.status, replay.body]).toEqual([201, bought.body]);
    expect(await paymentsOf([bought.body.purchase.id], buyer!)).toHaveLength(1);
    expect(await counts(paid.id)).toEqual({ purchase_count: before.n + 1, n: before.n + 1 });
    const mine = await sides.rest('GET', '/contents/purchases', buyer!);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((p: any) => p.id)).toContain(bought.body.purchase.id);
    expect(mine.body.items.every((p: any) => p.buyerId === buyer)).toBe(true);
    const events = (await sides.service.query("SELECT payload FROM outbox WHERE type = 'content_purchased' AND payload->'data'->>'purchaseId' = $1 AND payload->'data'->>'buyerId' = $2", [String(bought.body.purchase.id), String(buyer)])).rows;
    expect(events).toHaveLength(1);
    expect(events[0].payload.data).toMatchObject({ contentId: paid.id, buyerId: buyer, authorId: paid.authorId, paymentId: bought.body.paymentId, method: 'card' });
  });

  it('pays with points: the ledger is debited one point per currency unit (rounded up) and the payment succeeds', async () => {
    const buyer = buyers[1]!;
    const cheap = (await pool.query<{ id: number; price: string }>('SELECT id, price::text AS price FROM knowledge_contents WHERE published AND price > 0 AND price < 30 AND NOT EXISTS (SELECT 1 FROM content_purchases WHERE content_id = knowledge_contents.id AND buyer_id = $1) ORDER BY id LIMIT 1', [buyer])).rows[0]!;
    const points = pointsFor(cheap.price);
    await sides.legacy.query(
      `INSERT INTO points_transactions (user_id, delta, balance_after, reason, create_uid, write_uid, create_date, write_date) VALUES ($1, $2, $3, 'adjust', 2, 2, now() at time zone 'UTC', now() at time zone 'UTC')`,
      [buyer, points + 5, (await balance(buyer)) + points + 5],
    );
    const start = await balance(buyer);
    const bought = await sides.rest('POST', `/contents/${cheap.id}/purchase`, buyer, { method: 'points' }, idem());
    expect(bought.status).toBe(201);
    expect(await balance(buyer)).toBe(start - points);
    expect((await paymentsOf([bought.body.purchase.id], buyer))[0]).toMatchObject({ id: bought.body.paymentId, method: 'points', state: 'succeeded' });
  });

  it('a declined payment (not enough points) is 402 with finance\'s text and leaves no purchase, purchase_count and the points as they were', async () => {
    const buyer = buyers[2]!;
    const before = await counts(paid.id);
    const start = await balance(buyer);
    await pool.query('UPDATE knowledge_contents SET price = $2 WHERE id = $1', [paid.id, String(start + 1000)]);
    try {
      const declined = await sides.rest('POST', `/contents/${paid.id}/purchase`, buyer, { method: 'points' }, idem());
      expect(declined.status).toBe(402);
      expect(declined.body.detail).toMatch(/^Insufficient points: user \d+ has \d+ points, -?\d+ requested\.$/);
    } finally {
      await pool.query('UPDATE knowledge_contents SET price = $2 WHERE id = $1', [paid.id, paid.price]);
    }
    expect((await pool.query('SELECT count(*)::int AS n FROM content_purchases WHERE content_id = $1 AND buyer_id = $2', [paid.id, buyer])).rows[0].n).toBe(0);
    expect(await counts(paid.id)).toEqual(before);
    expect(await balance(buyer)).toBe(start);
    // The declined attempt stays on record at finance as a failed payment, paying nothing.
    const failed = (await sides.legacy.query("SELECT state FROM payments WHERE source_model = 'hp.content.purchase' AND payer_id = $1 AND method = 'points' AND state <> 'succeeded'", [buyer])).rows;
    expect(failed.map((p) => p.state)).toEqual(['failed']);
  });

  // The event is written to svc_content's outbox on either side; one phase shows the compensation.
  it.runIf(phase === 'service')('a failure once the payment is captured (here: its event cannot be written) refunds the payment and leaves no purchase', async () => {
    const buyer = buyers[2]!;
    const before = await counts(paid.id);
    await sides.service.query(`CREATE FUNCTION k1_refuse_purchase_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.type = 'content_purchased' THEN RAISE EXCEPTION 'outbox unavailable'; END IF; RETURN NEW; END $$`);
    await sides.service.query('CREATE TRIGGER k1_refuse_purchase_event BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION k1_refuse_purchase_event()');
    try {
      const failed = await sides.rest('POST', `/contents/${paid.id}/purchase`, buyer, { method: 'card' }, idem());
      expect(failed.status).toBe(500);
      expect(failed.text).not.toMatch(/outbox unavailable|SQLSTATE|trigger/);
    } finally {
      await sides.service.query('DROP TRIGGER k1_refuse_purchase_event ON outbox; DROP FUNCTION k1_refuse_purchase_event()');
    }
    expect((await pool.query('SELECT count(*)::int AS n FROM content_purchases WHERE content_id = $1 AND buyer_id = $2', [paid.id, buyer])).rows[0].n).toBe(0);
    expect(await counts(paid.id)).toEqual(before);
    const card = (await sides.legacy.query("SELECT state FROM payments WHERE source_model = 'hp.content.purchase' AND payer_id = $1 AND method = 'card' ORDER BY id DESC LIMIT 1", [buyer])).rows;
    expect(card.map((p) => p.state)).toEqual(['refunded']);
  });

  it('refuses what is not for sale: a draft the caller may not read is 404, a published free content 409', async () => {
    const [draft] = (await pool.query<{ id: number }>('SELECT id FROM knowledge_contents WHERE NOT COALESCE(published, false) AND author_id IS NOT NULL ORDER BY id LIMIT 1')).rows;
    expect((await sides.rest('POST', `/contents/${draft!.id}/purchase`, buyers[0]!, {}, idem())).status).toBe(404);
    const [free] = (await pool.query<{ id: number; price: string }>('SELECT id, price::text AS price FROM knowledge_contents WHERE published ORDER BY id DESC LIMIT 1')).rows;
    await pool.query('UPDATE knowledge_contents SET price = 0 WHERE id = $1', [free!.id]);
    try {
      expect((await sides.rest('POST', `/contents/${free!.id}/purchase`, buyers[0]!, {}, idem())).status).toBe(409);
    } finally {
      await pool.query('UPDATE knowledge_contents SET price = $2 WHERE id = $1', [free!.id, free!.price]);
    }
  });
});
