import { userError } from '../../odoo-bridge/errors.ts';
import type { MethodSpec } from '../../odoo-bridge/orm/methods/method.ts';
import type { BehaviourRegistry } from '../../odoo-bridge/orm/write/behaviour-registry.ts';
import { odooNow } from '../../odoo-bridge/orm/write/env-values.ts';
import { updateRecords } from '../../odoo-bridge/orm/write/record-writes.ts';
import { pyStr, readSelf, recordsMethod, writeEnv } from './odoo-self.ts';

/**
 * hp_mall's order state machine (M09, hp_mall/models/hp_mall_order.py) for the legacy side's
 * engine while ec has not taken the module over. Finance's payments run through it: a payment of
 * a draft mall order that succeeds calls the order's `_hp_on_payment_succeeded`, which pays it
 * (`action_pay`), and finance reaches it as a client call would, wherever M13 lives. Each method
 * checks every order's state first ("Order NAME: cannot ACTION from state 'STATE'."), in order,
 * duplicates included, then writes them all.
 */
export function registerHpMall(behaviours: BehaviourRegistry): BehaviourRegistry {
  const transition = (action: string, allowed: readonly string[], to: string, extra?: { lines: true }): MethodSpec =>
    recordsMethod(`HpMallOrder.action_${action}`, async (ctx, model, ids) => {
      const w = writeEnv(ctx, behaviours);
      const rows = await readSelf<{ id: number; name: string | null; state: string }>(w, model, ids, ['name', 'state']);
      for (const id of ids) {
        const order = rows.get(id)!;
        if (!allowed.includes(order.state)) throw userError(`Order ${pyStr(order.name)}: cannot ${action} from state '${order.state}'.`);
      }
      if (extra?.lines && rows.size) {
        const withLines = await ctx.db.query<{ order_id: number }>('SELECT DISTINCT order_id FROM order_lines WHERE order_id = ANY($1::int4[])', [[...rows.keys()]]);
        if (withLines.rows.length < rows.size) throw userError('An order without lines cannot be paid.');
      }
      if (rows.size) await updateRecords(w, model, [...rows.keys()], action === 'pay' ? { state: to, paid_at: odooNow() } : { state: to });
      return true;
    });

  behaviours.register('hp.mall.order', {
    compute: {
      // `amount_total = sum(line_ids.subtotal)` (@api.depends('line_ids.subtotal')), as a Monetary stores it.
      amount_total: async (ctx, ids) => {
        await ctx.db.query(
          `UPDATE orders o
              SET amount_total = COALESCE(round(t.total, (SELECT c.decimal_places FROM res_currency c WHERE c.id = o.currency_id)), t.total)
             FROM (SELECT o2.id, COALESCE((SELECT sum(l.subtotal) FROM order_lines l WHERE l.order_id = o2.id), 0) AS total FROM orders o2 WHERE o2.id = ANY($1::int4[])) t
            WHERE o.id = t.id`,
          [ids],
        );
      },
    },
    methods: {
      action_pay: transition('pay', ['draft'], 'paid', { lines: true }),
      action_ship: transition('ship', ['paid'], 'shipped'),
      action_deliver: transition('deliver', ['shipped'], 'delivered'),
      action_cancel: transition('cancel', ['draft', 'paid'], 'cancelled'),
    },
  });
  return behaviours;
}
