import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyPythonJson } from '../../../odoo-bridge/wire/json/python-json.ts';
import { odooErrorOf, startFinanceSide, startLegacySide, type FinanceSide } from './support/finance-sides.ts';

const ADMIN = 2;
const OPERATOR = 302;
const COACH = 246;
const MEMBER = 6; // member001, no orders in the dump
const CNY = 6;

/** What a JSON-RPC client receives (floats arrive as numbers). */
const wire = (value: unknown): unknown => JSON.parse(stringifyPythonJson(value));

/**
 * hp_payment's state machines (hp_payment/models/hp_payment.py) as Odoo clients see them, on
 * both sides of finance's cut: defaults, action_succeed marking the paid document (a service
 * order of M04, still legacy on both sides, reached through the gateway's dispatch), fail and
 * refund with the addon's texts and check order, settlements' stored net and transitions.
 */
for (const sideName of ['legacy', 'finance'] as const) {
  describe(`hp.payment and hp.settlement, ${sideName === 'legacy' ? 'phase legacy (monolith tables)' : 'after cutover to finance (svc_finance)'}`, () => {
    let side: FinanceSide;
    const call = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.call(uid, model, method, args, kwargs);
    const payment = async (id: number) => (await side.rows.query('SELECT * FROM payments WHERE id = $1', [id])).rows[0];
    const orderState = async (id: number) => (await side.legacy.query<{ state: string }>('SELECT state FROM service_orders WHERE id = $1', [id])).rows[0]!.state;
    const ref = (what: string) => `T-${sideName}-${what}`;

    beforeAll(async () => {
      side = sideName === 'legacy' ? await startLegacySide() : await startFinanceSide();
    }, 300_000);
    afterAll(async () => {
      await side?.stop();
    });

    it('defaults, then action_succeed: succeeded with paid_at, a pending_payment order paid, nothing else touched', async () => {
      const submitted = (await call(MEMBER, 'hp.service.order', 'create', [{ customer_id: MEMBER, service_id: 8 }])) as number;
      await call(MEMBER, 'hp.service.order', 'action_submit', [[submitted]]);
      const draft = (await call(MEMBER, 'hp.service.order', 'create', [{ customer_id: MEMBER, service_id: 8 }])) as number;
      const pay = (await call(MEMBER, 'hp.payment', 'create', [[
        { reference: ref('PAY-1'), payer_id: MEMBER, amount: 99, source_model: 'hp.service.order', source_id: submitted },
        { reference: ref('PAY-2'), payer_id: MEMBER, amount: 99, source_model: 'hp.service.order', source_id: draft },
        { reference: ref('PAY-3'), payer_id: MEMBER, amount: 5, source_model: 'hp.service.order', source_id: 999_999 },
        { reference: ref('PAY-4'), payer_id: MEMBER, amount: 5, source_model: 'no.such.model', source_id: 1 },
      ]])) as number[];
      expect(await call(MEMBER, 'hp.payment', 'read', [pay.slice(0, 1), ['currency_id', 'method', 'state', 'paid_at']])).toEqual([
        { id: pay[0], currency_id: [CNY, 'CNY'], method: 'wechat', state: 'pending', paid_at: false },
      ]);
      // Members create payments but may not write them (ACL): the write inside action_succeed refuses.
      const denied = await odooErrorOf(call(MEMBER, 'hp.payment', 'action_succeed', [pay]));
      expect(denied.name).toBe('odoo.exceptions.AccessError');
      expect(denied.message).toMatch(/^You are not allowed to modify 'Payment' \(hp\.payment\) records\./);
      expect(await call(ADMIN, 'hp.payment', 'action_succeed', [pay])).toBe(true);
      for (const id of pay) expect(await payment(id)).toMatchObject({ state: 'succeeded', paid_at: expect.any(Date) });
      expect(await orderState(submitted)).toBe('paid');
      expect(await orderState(draft)).toBe('draft');
      if (sideName === 'finance') {
        const events = (await side.rows.query(`SELECT payload FROM outbox WHERE type = 'payment_success' AND payload->'data'->>'reference' = ANY($1) ORDER BY payload->'data'->>'reference'`, [[ref('PAY-1'), ref('PAY-2'), ref('PAY-3'), ref('PAY-4')]])).rows;
        expect(events.map((e) => e.payload.data)).toEqual([
          { paymentId: pay[0], reference: ref('PAY-1'), payerId: MEMBER, amount: '99', currency: 'CNY', method: 'wechat', sourceModel: 'hp.service.order', sourceId: submitted, paidAt: expect.stringMatching(/Z$/) },
          expect.objectContaining({ paymentId: pay[1], sourceId: draft }),
          expect.objectContaining({ paymentId: pay[2], sourceId: 999_999 }),
          expect.objectContaining({ paymentId: pay[3], sourceModel: 'no.such.model' }),
        ]);
      }
    });

    it("refuses what hp_payment refuses, with its texts and in its order, and leaves every row as it was", async () => {
      const order = (await call(MEMBER, 'hp.service.order', 'create', [{ customer_id: MEMBER, service_id: 8 }])) as number;
      await call(MEMBER, 'hp.service.order', 'action_submit', [[order]]);
      const [a, b] = (await call(ADMIN, 'hp.payment', 'create', [[
        { reference: ref('DUP-A'), payer_id: MEMBER, amount: 1, source_model: 'hp.service.order', source_id: order },
        { reference: ref('DUP-B'), payer_id: MEMBER, amount: 1 },
      ]])) as number[];
      // `for payment in self` with a duplicate: its second visit finds it succeeded; all rolled back, the order too.
      expect(await odooErrorOf(call(ADMIN, 'hp.payment', 'action_succeed', [[a, a]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Payment ${ref('DUP-A')} is succeeded, not pending.` });
      expect((await payment(a!)).state).toBe('pending');
      expect(await orderState(order)).toBe('pending_payment');
      expect(await odooErrorOf(call(ADMIN, 'hp.payment', 'action_refund', [[a]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only succeeded payments can be refunded.' });
      expect(await call(ADMIN, 'hp.payment', 'action_fail', [[b]])).toBe(true);
      expect(await odooErrorOf(call(ADMIN, 'hp.payment', 'action_fail', [[a, b]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only pending payments can fail.' });
      expect((await payment(a!)).state).toBe('pending');
      expect(await odooErrorOf(call(ADMIN, 'hp.payment', 'action_succeed', [[b]]))).toEqual({ name: 'odoo.exceptions.UserError', message: `Payment ${ref('DUP-B')} is failed, not pending.` });
      expect(await odooErrorOf(call(ADMIN, 'hp.payment', 'action_succeed', [[987_654]]))).toEqual({
        name: 'odoo.exceptions.MissingError',
        message: 'Record does not exist or has been deleted.\n(Record: hp.payment(987654,), User: 2)',
      });
      // Another payer's payment is outside member001's read rule (payer_id = user): the read of self refuses first.
      const other = (await side.rows.query<{ id: number }>('SELECT id FROM payments WHERE payer_id <> $1 ORDER BY id LIMIT 1', [MEMBER])).rows[0]!;
      expect((await odooErrorOf(call(MEMBER, 'hp.payment', 'action_fail', [[other.id]]))).name).toBe('odoo.exceptions.AccessError');
      // succeeded → refunded, and only once.
      expect(await call(ADMIN, 'hp.payment', 'action_succeed', [[a]])).toBe(true);
      expect(await orderState(order)).toBe('paid');
      expect(await call(ADMIN, 'hp.payment', 'action_refund', [[a]])).toBe(true);
      expect((await payment(a!)).state).toBe('refunded');
      expect(await odooErrorOf(call(ADMIN, 'hp.payment', 'action_refund', [[a]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only succeeded payments can be refunded.' });
    });

    it("a draft mall order is paid by its payment (action_pay where M09 lives); a refusal there rolls the payment back", async () => {
      const mall = (await side.legacy.query<{ id: number }>(`SELECT o.id FROM orders o WHERE o.state = 'draft' AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id) ORDER BY o.id LIMIT 1`)).rows[0]!;
      const pay = (await call(ADMIN, 'hp.payment', 'create', [{ reference: ref('MALL'), payer_id: MEMBER, amount: 1, source_model: 'hp.mall.order', source_id: mall.id }])) as number;
      expect(await call(ADMIN, 'hp.payment', 'action_succeed', [[pay]])).toBe(true);
      expect((await side.legacy.query('SELECT state FROM orders WHERE id = $1', [mall.id])).rows[0].state).toBe('paid');
      // hp_mall refuses an order without lines: the payment stays pending, and on finance's side nothing is announced.
      const empty = (await side.legacy.query<{ id: number }>(`INSERT INTO orders (name, buyer_id, currency_id, state, amount_total) VALUES ($1, $2, $3, 'draft', 0) RETURNING id`, [ref('MO-EMPTY'), MEMBER, CNY])).rows[0]!.id;
      const unpaid = (await call(ADMIN, 'hp.payment', 'create', [{ reference: ref('MALL-EMPTY'), payer_id: MEMBER, amount: 1, source_model: 'hp.mall.order', source_id: empty }])) as number;
      expect(await odooErrorOf(call(ADMIN, 'hp.payment', 'action_succeed', [[unpaid]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'An order without lines cannot be paid.' });
      expect(await payment(unpaid)).toMatchObject({ state: 'pending', paid_at: null });
      if (sideName === 'finance') expect((await side.rows.query(`SELECT 1 FROM outbox WHERE type = 'payment_success' AND payload->'data'->>'paymentId' = $1`, [String(unpaid)])).rowCount).toBe(0);
    });

    it('hp.settlement: defaults, stored net = gross - fee in the currency decimals, draft → confirmed → paid with the texts', async () => {
      const id = (await call(OPERATOR, 'hp.settlement', 'create', [{ payee_id: COACH, period_start: '2026-12-01', period_end: '2026-12-31', gross: 1000.5, fee: 200.123 }])) as number;
      expect(wire(await call(OPERATOR, 'hp.settlement', 'read', [[id], ['currency_id', 'state', 'net']]))).toEqual([{ id, currency_id: [CNY, 'CNY'], state: 'draft', net: 800.38 }]);
      await call(OPERATOR, 'hp.settlement', 'write', [[id], { fee: 0.5 }]);
      expect(wire(await call(OPERATOR, 'hp.settlement', 'read', [[id], ['net']]))).toEqual([{ id, net: 1000 }]);
      expect(await odooErrorOf(call(OPERATOR, 'hp.settlement', 'action_pay', [[id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only confirmed settlements can be paid.' });
      expect(await call(OPERATOR, 'hp.settlement', 'action_confirm', [[id]])).toBe(true);
      expect(await odooErrorOf(call(OPERATOR, 'hp.settlement', 'action_confirm', [[id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only draft settlements can be confirmed.' });
      expect(await call(OPERATOR, 'hp.settlement', 'action_pay', [[id]])).toBe(true);
      expect((await side.rows.query('SELECT state, net FROM settlements WHERE id = $1', [id])).rows[0]).toEqual({ state: 'paid', net: '1000.00' });
      expect(await odooErrorOf(call(OPERATOR, 'hp.settlement', 'action_pay', [[id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only confirmed settlements can be paid.' });
      // Coaches read their own settlements only (ACL read, no write): the write inside action_confirm refuses.
      const own = (await side.rows.query<{ id: number }>(`SELECT id FROM settlements WHERE payee_id = $1 AND state = 'draft' ORDER BY id LIMIT 1`, [COACH])).rows[0];
      if (own) expect((await odooErrorOf(call(COACH, 'hp.settlement', 'action_confirm', [[own.id]]))).name).toBe('odoo.exceptions.AccessError');
      // The state check comes before the write: on their own paid settlement a coach gets the state's UserError.
      expect(await odooErrorOf(call(COACH, 'hp.settlement', 'action_confirm', [[id]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Only draft settlements can be confirmed.' });
      // Another payee's settlement is outside the coach's read rule (payee_id = user).
      const others = (await side.rows.query<{ id: number }>('SELECT id FROM settlements WHERE payee_id <> $1 ORDER BY id LIMIT 1', [COACH])).rows[0]!;
      expect((await odooErrorOf(call(COACH, 'hp.settlement', 'action_confirm', [[others.id]]))).name).toBe('odoo.exceptions.AccessError');
    });
  });
}
