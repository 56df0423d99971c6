import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonRpcMember } from '../../../bench/drill/jsonrpc-member.ts';
import { xmlRpcMember } from '../../../bench/drill/xmlrpc-member.ts';
import { ledgerChain, ledgerHead, odooErrorOf, startFinanceSide, startLegacySide, type FinanceSide } from './support/finance-sides.ts';

const ADMIN = 2;
const MEMBER = 6; // member001@hp.example, the sender
const RECEIVER = 7; // member002
const VICTIM = 8; // member003, whose points the monolith lets member001 spend
const SENDER_RULE = 'You can only send gifts in your own name: sender_id must be your own user.';

/**
 * hp_gift's gift orders (hp_gift/models/hp_gift.py) on both sides of finance's cut: points_spent,
 * the sender's debit in the same transaction, no gift to oneself, insufficient points rolling the
 * whole call back; and the hole the monolith leaves open (no record rule on hp.gift.order, so a
 * member could send a gift in another member's name and spend their points), closed on every
 * protocol: in process, XML-RPC and JSON-RPC through the gateway.
 */
for (const sideName of ['legacy', 'finance'] as const) {
  describe(`hp.gift.order, ${sideName === 'legacy' ? 'phase legacy (monolith tables)' : 'after cutover to finance (svc_finance)'}`, () => {
    let side: FinanceSide;
    let gift: { id: number; price_points: number };
    const call = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.call(uid, model, method, args, kwargs);
    const giftOrdersOf = async (senderId: number) => Number((await side.rows.query('SELECT count(*) FROM gift_orders WHERE sender_id = $1', [senderId])).rows[0].count);

    beforeAll(async () => {
      side = sideName === 'legacy' ? await startLegacySide() : await startFinanceSide();
      gift = (await side.rows.query<{ id: number; price_points: number }>('SELECT id, price_points FROM gifts WHERE active ORDER BY price_points, id LIMIT 1')).rows[0]!;
      // The sender starts from a known balance.
      const head = await ledgerHead(side.rows, MEMBER);
      if (head.balance < 10 * gift.price_points) await call(ADMIN, 'hp.points.transaction', 'create', [{ user_id: MEMBER, delta: 10 * gift.price_points - head.balance }]);
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
    });

    it("a member's gift: points_spent = price × quantity, the sender debited (gift, −points_spent, ref hp.gift.order/id) in the same call", async () => {
      const before = await ledgerHead(side.rows, MEMBER);
      const id = (await call(MEMBER, 'hp.gift.order', 'create', [{ sender_id: MEMBER, receiver_id: RECEIVER, gift_id: gift.id, quantity: 2 }])) as number;
      expect(await call(MEMBER, 'hp.gift.order', 'read', [[id], ['quantity', 'points_spent', 'sender_id']])).toEqual([
        { id, quantity: 2, points_spent: 2 * gift.price_points, sender_id: [MEMBER, expect.any(String)] },
      ]);
      const debit = (await side.rows.query('SELECT user_id, delta, reason, ref_model, ref_id, balance_after FROM points_transactions WHERE id > $1 AND user_id = $2', [before.id, MEMBER])).rows;
      expect(debit).toEqual([{ user_id: MEMBER, delta: -2 * gift.price_points, reason: 'gift', ref_model: 'hp.gift.order', ref_id: id, balance_after: before.balance - 2 * gift.price_points }]);
      expect((await ledgerChain(side.rows, MEMBER, before)).broken).toEqual([]);
      if (sideName === 'finance') {
        const sent = (await side.rows.query(`SELECT payload FROM outbox WHERE type = 'gift_sent' AND payload->'data'->>'giftOrderId' = $1`, [String(id)])).rows;
        expect(sent.map((e) => e.payload.data)).toEqual([{ giftOrderId: id, giftId: gift.id, senderId: MEMBER, receiverId: RECEIVER, streamId: null, quantity: 2, pointsSpent: 2 * gift.price_points }]);
        const awarded = (await side.rows.query(`SELECT payload FROM outbox WHERE type = 'points_awarded' AND payload->'data'->>'refId' = $1 AND payload->'data'->>'refModel' = 'hp.gift.order'`, [String(id)])).rows;
        expect(awarded).toHaveLength(1);
      }
    });

    it("refuses a gift to oneself and a sender short of points with the addon's ValidationError; nothing of the call remains", async () => {
      const before = await ledgerHead(side.rows, MEMBER);
      const orders = await giftOrdersOf(MEMBER);
      expect(await odooErrorOf(call(MEMBER, 'hp.gift.order', 'create', [{ sender_id: MEMBER, receiver_id: MEMBER, gift_id: gift.id }]))).toEqual({
        name: 'odoo.exceptions.ValidationError',
        message: 'You cannot send a gift to yourself.',
      });
      // A valid order beside one to oneself: the whole create is refused.
      expect((await odooErrorOf(call(MEMBER, 'hp.gift.order', 'create', [[{ sender_id: MEMBER, receiver_id: RECEIVER, gift_id: gift.id }, { sender_id: MEMBER, receiver_id: MEMBER, gift_id: gift.id }]]))).message).toBe('You cannot send a gift to yourself.');
      const quantity = Math.floor(before.balance / gift.price_points) + 1;
      expect(await odooErrorOf(call(MEMBER, 'hp.gift.order', 'create', [{ sender_id: MEMBER, receiver_id: RECEIVER, gift_id: gift.id, quantity }]))).toEqual({
        name: 'odoo.exceptions.ValidationError',
        message: `Insufficient points: user ${MEMBER} has ${before.balance} points, ${-quantity * gift.price_points} requested.`,
      });
      expect(await ledgerHead(side.rows, MEMBER)).toEqual(before);
      expect(await giftOrdersOf(MEMBER)).toBe(orders);
    });

    it("the closed hole: a member cannot send in another member's name, in process, over XML-RPC or JSON-RPC; the victim's points stay", { timeout: 120_000 }, async () => {
      const victim = await ledgerHead(side.rows, VICTIM);
      const orders = await giftOrdersOf(VICTIM);
      const forged = { sender_id: VICTIM, receiver_id: RECEIVER, gift_id: gift.id, quantity: 1 };
      expect(await odooErrorOf(call(MEMBER, 'hp.gift.order', 'create', [forged]))).toEqual({ name: 'odoo.exceptions.AccessError', message: SENDER_RULE });
      // Hidden in a batch beside an order of their own: the whole call is refused.
      expect((await odooErrorOf(call(MEMBER, 'hp.gift.order', 'create', [[{ ...forged, sender_id: MEMBER }, forged]]))).name).toBe('odoo.exceptions.AccessError');

      const xml = xmlRpcMember(side.gatewayUrl, 'hp_legacy', 'member001@hp.example');
      await xml.login();
      const fault = await xml.exec('hp.gift.order', 'create', [forged]).then(() => undefined, (error: { faultCode?: unknown; faultString?: string }) => error);
      expect(fault?.faultCode).toBe(4);
      expect(fault?.faultString).toContain(SENDER_RULE);

      const json = jsonRpcMember(side.gatewayUrl, 'hp_legacy', 'member001@hp.example');
      await json.login();
      await expect(json.exec('hp.gift.order', 'create', [forged])).rejects.toThrow(`odoo.exceptions.AccessError: ${SENDER_RULE}`);

      expect(await ledgerHead(side.rows, VICTIM)).toEqual(victim);
      expect(await giftOrdersOf(VICTIM)).toBe(orders);
      // Sending as themself still works over the same doors.
      const own = (await json.exec('hp.gift.order', 'create', [{ ...forged, sender_id: MEMBER }])) as number;
      expect(own).toBeGreaterThan(0);
      expect(await xml.exec('hp.gift.order', 'read', [[own], ['sender_id']])).toEqual([{ id: own, sender_id: [MEMBER, expect.any(String)] }]);
    });

    it('administrators may still send in another user’s name (unchanged), debiting that user', async () => {
      const before = await ledgerHead(side.rows, RECEIVER);
      if (before.balance < gift.price_points) await call(ADMIN, 'hp.points.transaction', 'create', [{ user_id: RECEIVER, delta: gift.price_points }]);
      const start = await ledgerHead(side.rows, RECEIVER);
      const id = (await call(ADMIN, 'hp.gift.order', 'create', [{ sender_id: RECEIVER, receiver_id: MEMBER, gift_id: gift.id }])) as number;
      const last = (await side.rows.query('SELECT delta, ref_id, create_uid FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1', [RECEIVER])).rows[0];
      expect(last).toEqual({ delta: -gift.price_points, ref_id: id, create_uid: ADMIN });
      expect((await ledgerHead(side.rows, RECEIVER)).balance).toBe(start.balance - gift.price_points);
    });
  });
}
