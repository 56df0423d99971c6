import { missingBehaviour, userError, valueError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';
import { ident } from '../write-env.ts';
import { insertDefaultFollowers } from '../mail/mail-message-log.ts';
import { mailThreadBeforeWrite } from '../mail/mail-thread.ts';
import { messagePostTracking } from '../mail/tracking-post.ts';
import { htmlBodyOf } from '../mail/mail-format.ts';
import { displayNames } from '../../read/read-records.ts';
import { recomputeLineAmounts, recomputeOrderAmounts, recomputePriceReduce } from './sale-amounts.ts';
import { recomputeLineInvoicing, recomputeOrderInvoiceStatus } from './sale-line-invoicing.ts';
import { precomputeLine, roundLineFloats } from './sale-line-precompute.ts';
import { precomputeOrder, refuseConfirmedPricelist } from './sale-order-precompute.ts';
import { saleOrderMethods } from './sale-order-actions.ts';
import { registerPricelistItemBehaviours } from './pricelist-item-behaviours.ts';
import { SALE_ORDER_CHECKS, SALE_ORDER_LINE_CHECKS, SALE_PRODUCT_TEMPLATE_CHECKS } from './sale-constraints.ts';

/**
 * sale.order and sale.order.line written natively (addons/sale/models/sale_order.py,
 * sale_order_line.py 18): the precomputed writable fields on create and when a dependency is
 * written (sale-order-precompute.ts, sale-line-precompute.ts), the stored amounts and invoicing
 * statuses (sale-amounts.ts, sale-line-invoicing.ts) after every change of lines — a line
 * moved to another order with (4, id) recomputes both orders —, the create/write/unlink
 * overrides' checks, and the order's business methods (sale-order-actions.ts).
 */
export function registerSale(behaviours: BehaviourRegistry): void {
  // The order lines' prices come from pricelist rules: the rules of every kind can be made here.
  registerPricelistItemBehaviours(behaviours);
  behaviours.register('sale.order', {
    beforeCreate: async (ctx, valsList) => {
      for (const vals of valsList) Object.assign(vals, await precomputeOrder(ctx, vals, new Set(Object.keys(vals)), null));
    },
    beforeWrite: async (ctx, ids, vals) => {
      await refuseConfirmedPricelist(ctx, ids, vals);
      if ('company_id' in vals) {
        const moved = await ctx.db.query(`SELECT 1 FROM sale_order WHERE id = ANY($1::int4[]) AND company_id IS DISTINCT FROM $2 LIMIT 1`, [ids, vals.company_id || null]);
        if (moved.rowCount) throw missingBehaviour('sale.order', 'a change of company (its taxes, fiscal position, team and pricelist recomputed)');
      }
    },
    afterWrite: async (ctx, ids, vals) => {
      const given = new Set(Object.keys(vals));
      for (const id of ids) {
        const row = await orderRow(ctx, id);
        if (!row) continue;
        const computed = await precomputeOrder(ctx, row, given, row);
        await updateColumns(ctx, 'sale_order', id, computed, row);
      }
      await propagateToLines(ctx, ids);
      if (given.has('state')) {
        const lines = await ctx.db.query<{ id: number }>(`SELECT id FROM sale_order_line WHERE order_id = ANY($1::int4[]) ORDER BY id`, [ids]);
        await recomputeLineInvoicing(ctx, lines.rows.map((l) => l.id));
        await recomputeOrderInvoiceStatus(ctx, ids);
      }
      if (['currency_id', 'company_id', 'pricelist_id', 'partner_id', 'date_order'].some((f) => given.has(f))) await recomputeOrderAmounts(ctx, ids);
      if (typeof vals.partner_id === 'number' && vals.partner_id) await subscribeConfirmedCustomer(ctx, ids, vals.partner_id);
    },
    beforeUnlink: async (ctx, ids) => {
      const blocked = await ctx.db.query(`SELECT 1 FROM sale_order WHERE id = ANY($1::int4[]) AND state NOT IN ('draft', 'cancel') LIMIT 1`, [ids]);
      if (blocked.rowCount) throw userError('You can not delete a sent quotation or a confirmed sales order. You must first cancel it.');
    },
    compute: {
      amount_untaxed: recomputeOrderAmounts,
      amount_tax: recomputeOrderAmounts,
      amount_total: recomputeOrderAmounts,
      invoice_status: recomputeOrderInvoiceStatus,
      currency_id: recomputeOrderCurrency,
      currency_rate: recomputeOrderCurrency,
    },
    checks: SALE_ORDER_CHECKS,
    methods: saleOrderMethods(behaviours),
  });

  const previousOrders = new WeakMap<CallContext, Set<number>>();
  const remember = async (ctx: CallContext, lineIds: number[]) => {
    const r = await ctx.db.query<{ order_id: number }>(`SELECT DISTINCT order_id FROM sale_order_line WHERE id = ANY($1::int4[])`, [lineIds]);
    let set = previousOrders.get(ctx);
    if (!set) previousOrders.set(ctx, (set = new Set()));
    for (const row of r.rows) set.add(row.order_id);
  };
  const takeRemembered = (ctx: CallContext) => {
    const set = previousOrders.get(ctx) ?? new Set<number>();
    previousOrders.delete(ctx);
    return [...set];
  };

  behaviours.register('sale.order.line', {
    beforeCreate: async (ctx, valsList) => {
      for (const vals of valsList) {
        if (typeof vals.order_id !== 'number' || !vals.order_id) throw valueError('Expected singleton: sale.order()');
        if (vals.display_type) vals.product_uom_qty = 0;
        await roundLineFloats(ctx, vals);
        Object.assign(vals, await precomputeLine(ctx, vals, new Set(Object.keys(vals)), 'create'));
      }
    },
    afterCreate: async (ctx, ids) => {
      await recomputeOrdersOfLines(ctx, ids, []);
      await postExtraLines(ctx, ids);
    },
    beforeWrite: async (ctx, ids, vals) => {
      await refuseLineWrite(ctx, ids, vals);
      await roundLineFloats(ctx, vals);
      await remember(ctx, ids);
    },
    afterWrite: async (ctx, ids, vals) => {
      const given = new Set(Object.keys(vals));
      let priced = ['product_uom_qty', 'discount', 'price_unit', 'tax_id'].some((f) => given.has(f));
      for (const id of ids) {
        const row = await lineRow(ctx, id);
        if (!row) continue;
        const computed = await precomputeLine(ctx, row, given, given);
        const { tax_id: taxes, ...columns } = computed;
        if (await updateColumns(ctx, 'sale_order_line', id, columns, row)) priced = true;
        if (Array.isArray(taxes)) {
          await setLineTaxes(ctx, id, (taxes[0] as [number, number, number[]])[2]);
          priced = true;
        }
      }
      if (priced) {
        await recomputeLineAmounts(ctx, ids);
        await recomputeLineInvoicing(ctx, ids);
      }
      const touchesOrder = ['price_subtotal', 'price_unit', 'product_uom_qty', 'discount', 'tax_id', 'order_id', 'product_id', 'product_uom', 'display_type'].some((f) => given.has(f)) || priced;
      const before = takeRemembered(ctx);
      if (touchesOrder) await recomputeOrdersOfLines(ctx, ids, before);
    },
    beforeUnlink: async (ctx, ids) => {
      const blocked = await ctx.db.query(
        `SELECT 1 FROM sale_order_line l WHERE l.id = ANY($1::int4[]) AND l.state = 'sale' AND l.display_type IS NULL
            AND (EXISTS (SELECT 1 FROM sale_order_line_invoice_rel r WHERE r.order_line_id = l.id) OR NOT COALESCE(l.is_downpayment, false)) LIMIT 1`,
        [ids],
      );
      if (blocked.rowCount) {
        throw userError("Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets invoiced or delivered).\n                Set the quantity to 0 instead.");
      }
      await remember(ctx, ids);
    },
    afterUnlink: async (ctx) => {
      const orders = takeRemembered(ctx);
      await prepareOrderTracking(ctx, orders);
      await recomputeOrderAmounts(ctx, orders);
      await recomputeOrderInvoiceStatus(ctx, orders);
    },
    compute: {
      price_subtotal: recomputeLineAmounts,
      price_tax: recomputeLineAmounts,
      price_total: recomputeLineAmounts,
      price_reduce_taxexcl: recomputePriceReduce,
      price_reduce_taxinc: recomputePriceReduce,
      qty_delivered_method: recomputeLineInvoicing,
      qty_invoiced: recomputeLineInvoicing,
      qty_to_invoice: recomputeLineInvoicing,
      invoice_status: recomputeLineInvoicing,
      untaxed_amount_invoiced: recomputeLineInvoicing,
      untaxed_amount_to_invoice: recomputeLineInvoicing,
    },
    checks: SALE_ORDER_LINE_CHECKS,
  });
  behaviours.register('product.template', { checks: SALE_PRODUCT_TEMPLATE_CHECKS });
}

/**
 * mail.thread's `_compute_field_value` override: recomputing an order's tracked amounts first
 * takes their current values for tracking (`_track_prepare`), so a line change that moves an
 * order's total logs the change on the order, as a write of the order would.
 */
async function prepareOrderTracking(ctx: CallContext, orderIds: number[]): Promise<void> {
  const model = ctx.registry.model('sale.order');
  if (model && orderIds.length) await mailThreadBeforeWrite(ctx, model, orderIds, {});
}

/** `create()` override: a product line added to a confirmed order is announced on the order ("Extra line with …"). */
async function postExtraLines(ctx: CallContext, lineIds: number[]): Promise<void> {
  if (ctx.context.sale_no_log_for_new_lines) return;
  const r = await ctx.db.query<{ order_id: number; product_id: number }>(
    `SELECT order_id, product_id FROM sale_order_line WHERE id = ANY($1::int4[]) AND product_id IS NOT NULL AND state = 'sale' ORDER BY id`,
    [lineIds],
  );
  if (!r.rows.length) return;
  const orderModel = ctx.registry.model('sale.order')!;
  const names = await displayNames(ctx.readEnv({ sudo: true }), ctx.registry.model('product.product')!, r.rows.map((x) => x.product_id));
  for (const row of r.rows) {
    await messagePostTracking(ctx, orderModel, row.order_id, 'mail.mt_note', [], htmlBodyOf(`Extra line with ${names.get(row.product_id) || ''}`));
  }
}

async function recomputeOrdersOfLines(ctx: CallContext, lineIds: number[], extraOrders: number[]): Promise<void> {
  const r = await ctx.db.query<{ order_id: number }>(`SELECT DISTINCT order_id FROM sale_order_line WHERE id = ANY($1::int4[])`, [lineIds]);
  const orders = [...new Set([...extraOrders, ...r.rows.map((x) => x.order_id)])];
  await prepareOrderTracking(ctx, orders);
  await recomputeOrderAmounts(ctx, orders);
  await recomputeOrderInvoiceStatus(ctx, orders);
}

/** `_compute_currency_id` / `_compute_currency_rate` from the stored row (pricelist's currency, else the company's; the rate at the order date). */
async function recomputeOrderCurrency(ctx: CallContext, ids: number[]): Promise<void> {
  for (const id of ids) {
    const row = await orderRow(ctx, id);
    if (!row) continue;
    const computed = await precomputeOrder(ctx, row, new Set(Object.keys(row).filter((k) => k !== 'currency_id' && k !== 'currency_rate')), null);
    await updateColumns(ctx, 'sale_order', id, { currency_id: computed.currency_id, currency_rate: computed.currency_rate }, row);
  }
}

async function orderRow(ctx: CallContext, id: number): Promise<Vals | undefined> {
  const r = await ctx.db.query<Vals>(`SELECT *, date_order::text AS date_order FROM sale_order WHERE id = $1`, [id]);
  return r.rows[0];
}

async function lineRow(ctx: CallContext, id: number): Promise<Vals | undefined> {
  const r = await ctx.db.query<Vals>(`SELECT * FROM sale_order_line WHERE id = $1`, [id]);
  return r.rows[0];
}

/** Stores computed values that differ from the row's, with the write stamp Odoo's flush of a recompute leaves. Returns whether anything changed. */
async function updateColumns(ctx: CallContext, table: string, id: number, values: Vals, row: Vals): Promise<boolean> {
  const changed = Object.entries(values).filter(([k, v]) => v !== undefined && !same(row[k], v));
  if (!changed.length) return false;
  const sets = changed.map(([k], i) => `${ident(k)} = $${i + 2}`);
  await ctx.db.query(
    `UPDATE ${ident(table)} SET ${sets.join(', ')}, write_uid = $${changed.length + 2}, write_date = (now() at time zone 'UTC') WHERE id = $1`,
    [id, ...changed.map(([, v]) => (v === false ? null : v)), ctx.uid],
  );
  return true;
}

function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === false || v === undefined ? null : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
  return norm(a) === norm(b);
}

async function setLineTaxes(ctx: CallContext, lineId: number, taxIds: number[]): Promise<void> {
  const field = ctx.registry.model('sale.order.line')!.fields.get('tax_id')!;
  const [rel, c1, c2] = [ident(field.relationTable!), ident(field.column1!), ident(field.column2!)];
  await ctx.db.query(`DELETE FROM ${rel} WHERE ${c1} = $1 AND NOT (${c2} = ANY($2::int4[]))`, [lineId, taxIds]);
  await ctx.db.query(`INSERT INTO ${rel} (${c1}, ${c2}) SELECT $1, t FROM unnest($2::int4[]) t ON CONFLICT DO NOTHING`, [lineId, taxIds]);
}

/** The order's fields its lines store as related (state, currency, company, customer, salesperson): followed when the order changes. */
async function propagateToLines(ctx: CallContext, orderIds: number[]): Promise<void> {
  await ctx.db.query(
    `UPDATE sale_order_line l SET state = o.state, currency_id = o.currency_id, company_id = o.company_id, order_partner_id = o.partner_id,
            salesman_id = o.user_id, write_uid = $2, write_date = (now() at time zone 'UTC')
       FROM sale_order o
      WHERE l.order_id = o.id AND o.id = ANY($1::int4[])
        AND (l.state IS DISTINCT FROM o.state OR l.currency_id IS DISTINCT FROM o.currency_id OR l.company_id IS DISTINCT FROM o.company_id
             OR l.order_partner_id IS DISTINCT FROM o.partner_id OR l.salesman_id IS DISTINCT FROM o.user_id)`,
    [orderIds, ctx.uid],
  );
}

/** `write()` override: a new customer of a sent or confirmed order follows it. */
async function subscribeConfirmedCustomer(ctx: CallContext, ids: number[], partnerId: number): Promise<void> {
  const r = await ctx.db.query<{ id: number }>(`SELECT id FROM sale_order WHERE id = ANY($1::int4[]) AND state IN ('sent', 'sale')`, [ids]);
  if (!r.rows.length) return;
  await insertDefaultFollowers(ctx, 'sale.order', r.rows.map((x) => x.id), [partnerId]);
}

/** Python's `str()` of a float read from the database, and of the number the client sent (an int stays an int). */
const pyFloatStr = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * `_update_line_quantity`, before the write: per order, the confirmed lines whose ordered
 * quantity changes (not those whose product changes too) are listed in one message on the order
 * — "The ordered quantity has been updated." with each product's old -> new quantity, its
 * delivered quantity (goods) and invoiced quantity — as the sanitizer stores it.
 */
async function postQuantityUpdates(ctx: CallContext, ids: number[], vals: Vals): Promise<void> {
  const digits = (await ctx.db.query<{ digits: number }>(`SELECT digits FROM decimal_precision WHERE name = 'Product Unit of Measure'`)).rows[0]?.digits ?? 2;
  const wanted = Number(vals.product_uom_qty ?? 0);
  const r = await ctx.db.query<{ id: number; order_id: number; product_id: number | null; qty: number; delivered: number; invoiced: number; type: string | null }>(
    `SELECT l.id, l.order_id, l.product_id, l.product_uom_qty::float8 AS qty, COALESCE(l.qty_delivered, 0)::float8 AS delivered, COALESCE(l.qty_invoiced, 0)::float8 AS invoiced, t.type
       FROM sale_order_line l LEFT JOIN product_product p ON p.id = l.product_id LEFT JOIN product_template t ON t.id = p.product_tmpl_id
      WHERE l.id = ANY($1::int4[]) AND l.state = 'sale' AND round(l.product_uom_qty::numeric, $3) <> round($2::numeric, $3) ORDER BY l.order_id, l.id`,
    [ids, wanted, digits],
  );
  if (!r.rows.length) return;
  const orderModel = ctx.registry.model('sale.order')!;
  const names = await displayNames(ctx.readEnv({ sudo: true }), ctx.registry.model('product.product')!, r.rows.map((x) => x.product_id).filter((p): p is number => !!p));
  const newQty = String(wanted);
  for (const orderId of [...new Set(r.rows.map((x) => x.order_id))]) {
    let body = '<b>The ordered quantity has been updated.</b><ul>';
    for (const line of r.rows.filter((x) => x.order_id === orderId)) {
      if ('product_id' in vals && vals.product_id !== line.product_id) continue;
      body += `<li> ${escapeHtml(String((line.product_id && names.get(line.product_id)) || ''))}: <br>`;
      body += `Ordered Quantity: ${pyFloatStr(line.qty)} -&gt; ${newQty}<br>`;
      if (line.type === 'consu') body += `Delivered Quantity: ${pyFloatStr(line.delivered)}<br>`;
      body += `Invoiced Quantity: ${pyFloatStr(line.invoiced)}<br></li>`;
    }
    body += '</ul>';
    await messagePostTracking(ctx, orderModel, orderId, 'mail.mt_note', [], body);
  }
}

/**
 * sale.order.line `write()` override's checks: a line's type never changes; a confirmed line's
 * quantity change posts its update message first; a locked order's protected
 * fields cannot be written.
 */
async function refuseLineWrite(ctx: CallContext, ids: number[], vals: Vals): Promise<void> {
  if ('display_type' in vals) {
    const differing = await ctx.db.query(`SELECT 1 FROM sale_order_line WHERE id = ANY($1::int4[]) AND display_type IS DISTINCT FROM $2 LIMIT 1`, [ids, vals.display_type || null]);
    if (differing.rowCount) throw userError('You cannot change the type of a sale order line. Instead you should delete the current line and create a new line of the proper type.');
  }
  if ('product_uom_qty' in vals) await postQuantityUpdates(ctx, ids, vals);
  const protectedFields = ['product_id', 'name', 'price_unit', 'product_uom', 'product_uom_qty', 'tax_id', 'analytic_distribution'].filter((f) => f in vals);
  if (!protectedFields.length) return;
  const locked = await ctx.db.query(`SELECT 1 FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id WHERE l.id = ANY($1::int4[]) AND o.locked LIMIT 1`, [ids]);
  if (!locked.rowCount) return;
  const labels = await ctx.db.query<{ label: string }>(
    `SELECT COALESCE(field_description->>$3, field_description->>'en_US') AS label FROM ir_model_fields WHERE model = $1 AND name = ANY($2::text[]) ORDER BY id`,
    ['sale.order.line', protectedFields, ctx.lang],
  );
  if (labels.rows.length) throw userError(`It is forbidden to modify the following fields in a locked order:\n${labels.rows.map((l) => l.label).join('\n')}`);
}
