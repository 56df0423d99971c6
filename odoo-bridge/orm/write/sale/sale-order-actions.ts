import { missingBehaviour, userError, valueError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { readFirstAsCaller } from '../../methods/checked-read.ts';
import { idsOf, type MethodSpec } from '../../methods/method.ts';
import type { ModelInfo } from '../../registry/types.ts';
import { insertDefaultFollowers } from '../mail/mail-message-log.ts';
import { updateRecords } from '../record-writes.ts';
import { inTransaction } from '../transaction.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { userHasGroup } from './partner-lookups.ts';
import { actionUpdatePrices } from './sale-update-prices.ts';

/**
 * The sales order's state buttons as addons/sale/models/sale_order.py 18 runs them when only
 * `sale` is installed (no stock, project or invoicing side effects):
 *
 * - `action_confirm`: every order in draft or sent and without product-less lines, the customer
 *   follows it, state 'sale' and date_order now (tracked: "Sales Order Confirmed"), locked when
 *   the creator has "Lock Confirmed Sales"; `send_email` in the context is refused (mail sending).
 * - `action_quotation_sent`: draft orders marked sent (the customer follows; tracked "Quotation sent").
 * - `action_draft`: cancelled or sent orders back to draft (signature cleared).
 * - `action_cancel`: the cancel wizard's action when an order is not a draft, else state 'cancel'
 *   (orders with draft invoices refused).
 * - `action_lock` / `action_unlock`.
 * - `action_update_prices`: sale-update-prices.ts.
 */
export function saleOrderMethods(behaviours: BehaviourRegistry): Record<string, MethodSpec> {
  const write: Write = async (ctx, model, ids, vals) => (ids.length ? updateRecords({ ctx, behaviours }, model, ids, vals) : true as const);
  // Each button but lock/unlock (which only assign) reads its orders first, as the caller (`self.filtered`, `self.mapped('state')`).
  const records = (qualname: string, run: (ctx: CallContext, model: ModelInfo, ids: number[]) => Promise<unknown>, readsFirst = true): MethodSpec => ({
    api: 'records',
    signature: { qualname, params: [] },
    async run(ctx, model, _args, ids) {
      if (readsFirst) await readFirstAsCaller(ctx, model, idsOf(ids));
      return run(ctx, model, idsOf(ids));
    },
  });
  return {
    action_confirm: records('SaleOrder.action_confirm', (ctx, model, ids) => actionConfirm(ctx, model, ids, write)),
    action_draft: records('SaleOrder.action_draft', (ctx, model, ids) =>
      inTransaction(ctx, async (tx) => {
        const r = await tx.db.query<{ id: number }>(`SELECT id FROM sale_order WHERE id = ANY($1::int4[]) AND state IN ('cancel', 'sent') ORDER BY id`, [ids]);
        const ids2 = r.rows.map((x) => x.id);
        // `signature` is an attachment-stored image: clearing one that is not there changes nothing.
        const signed = await tx.db.query(`SELECT 1 FROM ir_attachment WHERE res_model = 'sale.order' AND res_field = 'signature' AND res_id = ANY($1::int4[]) LIMIT 1`, [ids2]);
        return write(tx, model, ids2, { state: 'draft', ...(signed.rowCount ? { signature: false } : {}), signed_by: false, signed_on: false });
      })),
    action_quotation_sent: records('SaleOrder.action_quotation_sent', (ctx, model, ids) =>
      inTransaction(ctx, async (tx) => {
        const orders = (await tx.db.query<{ id: number; state: string; partner_id: number }>(`SELECT id, state, partner_id FROM sale_order WHERE id = ANY($1::int4[])`, [ids])).rows;
        if (orders.some((o) => o.state !== 'draft')) throw userError('Only draft orders can be marked as sent directly.');
        for (const order of orders) await subscribeCustomer(tx, order.id, order.partner_id);
        await write(tx, model, ids.filter((id) => orders.some((o) => o.id === id)), { state: 'sent' });
        return null;
      })),
    action_cancel: records('SaleOrder.action_cancel', (ctx, model, ids) => actionCancel(ctx, model, ids, write)),
    action_lock: records('SaleOrder.action_lock', (ctx, model, ids) => inTransaction(ctx, async (tx) => { await write(tx, model, ids, { locked: true }); return null; }), false),
    action_update_prices: records('SaleOrder.action_update_prices', (ctx, model, ids) => actionUpdatePrices(ctx, behaviours, model, ids, write), false),
    action_unlock: records('SaleOrder.action_unlock', (ctx, model, ids) => inTransaction(ctx, async (tx) => { await write(tx, model, ids, { locked: false }); return null; }), false),
  };
}

type Write = (ctx: CallContext, model: ModelInfo, ids: number[], vals: Record<string, unknown>) => Promise<true>;

async function actionConfirm(ctx: CallContext, model: ModelInfo, ids: number[], write: Write): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    ctx.access.checkModel(model, 'write');
    const orders = (await tx.db.query<{ id: number; state: string; partner_id: number; create_uid: number | null }>(
      `SELECT id, state, partner_id, create_uid FROM sale_order WHERE id = ANY($1::int4[])`,
      [ids],
    )).rows;
    const byId = new Map(orders.map((o) => [o.id, o]));
    for (const id of ids) {
      const order = byId.get(id);
      if (!order) continue;
      if (order.state !== 'draft' && order.state !== 'sent') throw userError('Some orders are not in a state requiring confirmation.');
      const missing = await tx.db.query(
        `SELECT 1 FROM sale_order_line WHERE order_id = $1 AND display_type IS NULL AND NOT COALESCE(is_downpayment, false) AND product_id IS NULL LIMIT 1`,
        [id],
      );
      if (missing.rowCount) throw userError('A line on these orders missing a product, you cannot confirm it.');
    }
    const mandatory = await tx.db.query(`SELECT 1 FROM account_analytic_applicability WHERE applicability = 'mandatory' AND business_domain = 'sale_order' LIMIT 1`).catch(() => ({ rowCount: 0 }));
    if (mandatory.rowCount) throw missingBehaviour('sale.order', 'the mandatory analytic distribution check of action_confirm');
    if (tx.context.send_email) throw missingBehaviour('sale.order', 'the confirmation email of action_confirm (send_email)');
    for (const order of orders) await subscribeCustomer(tx, order.id, order.partner_id);
    const now = await tx.db.query<{ now: string }>(`SELECT to_char(date_trunc('second', now() at time zone 'UTC'), 'YYYY-MM-DD HH24:MI:SS') AS now`);
    await write(tx, model, orders.map((o) => o.id), { state: 'sale', date_order: now.rows[0]!.now });
    const creator = orders[0]?.create_uid;
    if (creator && (await userHasGroup(tx, creator, 'sale.group_auto_done_setting'))) await write(tx, model, orders.map((o) => o.id), { locked: true });
    return true;
  });
}

async function actionCancel(ctx: CallContext, model: ModelInfo, ids: number[], write: Write): Promise<unknown> {
  return inTransaction(ctx, async (tx) => {
    const orders = (await tx.db.query<{ id: number; state: string; locked: boolean | null; lang: string | null }>(
      `SELECT o.id, o.state, o.locked, p.lang FROM sale_order o LEFT JOIN res_partner p ON p.id = o.partner_id WHERE o.id = ANY($1::int4[]) ORDER BY o.id`,
      [ids],
    )).rows;
    if (orders.some((o) => o.locked)) throw userError('You cannot cancel a locked order. Please unlock it first.');
    const showWizard = !tx.context.disable_cancel_warning && orders.some((o) => o.state !== 'draft');
    if (showWizard) {
      if (orders.length !== 1) throw valueError(`Expected singleton: sale.order(${orders.map((o) => `${o.id},`).join(' ')})`);
      const template = await xmlidRecord(tx, 'sale', 'mail_template_sale_cancellation');
      const view = await xmlidRecord(tx, 'sale', 'sale_order_cancel_view_form');
      const typeName = ['draft', 'sent', 'cancel'].includes(orders[0]!.state) ? 'Quotation' : 'Sales Order';
      return {
        name: `Cancel ${typeName}`,
        view_mode: 'form',
        res_model: 'sale.order.cancel',
        view_id: view ?? false,
        type: 'ir.actions.act_window',
        context: {
          default_template_id: template ?? false,
          default_order_id: orders[0]!.id,
          mark_so_as_canceled: true,
          default_email_layout_xmlid: 'mail.mail_notification_layout_with_responsible_signature',
          model_description: typeName,
        },
        target: 'new',
      };
    }
    const invoiced = await tx.db.query(
      `SELECT 1 FROM sale_order_line l JOIN sale_order_line_invoice_rel r ON r.order_line_id = l.id WHERE l.order_id = ANY($1::int4[]) LIMIT 1`,
      [ids],
    );
    if (invoiced.rowCount) throw missingBehaviour('sale.order', 'the cancellation of orders with invoices');
    return write(tx, model, orders.map((o) => o.id), { state: 'cancel' });
  });
}

/** `message_subscribe([partner])`: the customer follows with the default subtypes (the external ones for a customer). */
async function subscribeCustomer(ctx: CallContext, orderId: number, partnerId: number): Promise<void> {
  const share = await ctx.db.query<{ share: boolean | null }>(`SELECT partner_share AS share FROM res_partner WHERE id = $1`, [partnerId]);
  await insertDefaultFollowers(ctx, 'sale.order', [orderId], [partnerId], share.rows[0]?.share ? [partnerId] : []);
}

async function xmlidRecord(ctx: CallContext, module: string, name: string): Promise<number | null> {
  const r = await ctx.db.query<{ res_id: number }>(`SELECT res_id FROM ir_model_data WHERE module = $1 AND name = $2`, [module, name]);
  return r.rows[0]?.res_id ?? null;
}
