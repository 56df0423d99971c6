import { missingError, odooNow, updateRecords, validationError, type BehaviourRegistry, type CallContext, type ModelInfo, type Vals } from '../../../odoo-bridge/orm/index.ts';
import { asOdooErrors, readSelf, recordsMethod } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { releaseReservationsOf, reserveLines, settleReservations, sweepAbandonedReservations } from '../domain/inventory-reservations.ts';
import { inventoryUpdatedEvents } from '../domain/mall-events.ts';
import { NO_ORDER_EFFECTS, orderEffects, runOrderAction, type OrderEffects, type OrderFacts, type OrderStore, type SettleOrders } from '../domain/order-actions.ts';
import { nextMallOrderName } from '../domain/order-names.ts';
import { ORDER_METHODS, type OrderAction } from '../domain/order-states.ts';
import { lstPrices } from '../domain/product-prices.ts';
import type { EcBehaviourOptions } from './behaviour-options.ts';
import { reservationPool, settleAcrossTheCut, settleBeside, type AcrossTheCut } from './mall-settlement.ts';

/** `self` of an hp.mall.order method inside an ORM call: Python's first read through the engine (ACL, MissingError, rules), and `self.write` through it. */
function rpcOrderStore(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): OrderStore {
  return {
    read: (ids) => readSelf<OrderFacts>(ctx, behaviours, model, 'orders', ids, ['name', 'state']),
    async withLines(ids) {
      const { rows } = await ctx.db.query<{ order_id: number }>('SELECT DISTINCT order_id FROM order_lines WHERE order_id = ANY($1::int4[])', [ids]);
      return new Set(rows.map((r) => r.order_id));
    },
    write: async (ids, vals) => void (await updateRecords({ ctx, behaviours }, model, [...ids], vals)),
  };
}

/**
 * A cancel or delivery on the legacy side answers as the monolith (no events) but ends what ec
 * reserved for the order in svc_ec's ledger (mall-settlement.ts), so a rollback strands nothing.
 */
function legacySideEffects(pools: AcrossTheCut): OrderEffects {
  return {
    async after(action, orderIds, uid) {
      if (action === 'cancel' || action === 'deliver') await settleAcrossTheCut(pools, { orderIds }, action === 'cancel' ? 'release' : 'consume', uid);
    },
  };
}

const QUALNAMES: Record<OrderAction, string> = {
  pay: 'HpMallOrder.action_pay',
  ship: 'HpMallOrder.action_ship',
  deliver: 'HpMallOrder.action_deliver',
  cancel: 'HpMallOrder.action_cancel',
};

/** Orders whose lines hold stock: a line added to a cancelled or delivered order reserves nothing. */
const RESERVING_STATES = ['draft', 'paid', 'shipped'];

/**
 * hp_mall's Python (M09, hp_mall/models/hp_mall_order.py) on the ORM engine, the same rules on
 * both sides of the cut (domain/order-actions.ts): the state machine's four methods with the
 * addon's UserError texts; `amount_total = sum(line_ids.subtotal)` and `subtotal = quantity *
 * price_unit` stored in the currency's decimals (with the line's stored related currency_id);
 * hp.mall.order.line's create defaulting price_unit to the product's lst_price. The order name
 * comes from the engine's sequence draw: Odoo's ir.sequence on the monolith, svc_ec's counter
 * after cutover (`nextByCode`).
 *
 * The service side adds what the monolith never did (MIGRATION.md, deliberate differences): a
 * line of a stocked product reserves its quantity in one warehouse when it is created (refused
 * with a UserError when no warehouse can cover it), gives it back when the line is deleted, its
 * quantity or product changes, or the order is cancelled, and takes it out of stock when the
 * order is delivered; every inventory change publishes inventory_updated, a payment
 * product_purchased. Answers to clients stay Odoo's: only a sale the stock cannot cover differs.
 */
export function registerMallBehaviours(behaviours: BehaviourRegistry, options: EcBehaviourOptions): BehaviourRegistry {
  const service = options.side === 'service';
  const stockOf = (ctx: CallContext) => onQueryable(ctx.db);
  const reserve = async (ctx: CallContext, lineIds: readonly number[], how: { beside: boolean }) => {
    if (!service || !lineIds.length) return;
    const { rows } = await ctx.db.query<{ id: number; order_id: number; product_id: number; quantity: number | null }>(
      `SELECT l.id, l.order_id, l.product_id, l.quantity FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE l.id = ANY($1::int4[]) AND o.state = ANY($2::text[])`,
      [lineIds, RESERVING_STATES],
    );
    const lines = rows.map((r) => ({ lineId: r.id, orderId: r.order_id, productId: r.product_id, quantity: Number(r.quantity ?? 0) }));
    const enginePool = options.engine?.pool;
    let reserving: Promise<Awaited<ReturnType<typeof reserveLines>>>;
    // Beside the call only for new lines: a changed line's old units were released inside the call, whose row lock the side statement would wait for.
    if (enginePool && how.beside) {
      const side = onQueryable(reservationPool(enginePool));
      await sweepAbandonedReservations(side);
      const { rows: xact } = await ctx.db.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      const owner = xact[0]!.xid;
      // Refused: the call rolls back, so what it reserved for its earlier lines is given back now.
      reserving = reserveLines(side, side, lines, ctx.uid, owner).catch(async (refusal: unknown) => {
        await releaseReservationsOf(side, owner, ctx.uid);
        throw refusal;
      });
    } else {
      reserving = reserveLines(stockOf(ctx), stockOf(ctx), lines, ctx.uid);
    }
    // A line the stock cannot cover: Python would raise a UserError from create/write.
    const changed = await asOdooErrors(reserving);
    await options.events(ctx).publish(inventoryUpdatedEvents(changed));
  };
  const acrossTheCut = service ? undefined : options.acrossTheCut;
  const release = async (ctx: CallContext, of: { orderIds?: number[]; lineIds?: number[] }) => {
    if (acrossTheCut) await settleAcrossTheCut(acrossTheCut, of, 'release', ctx.uid);
    if (!service) return;
    const changed = await settleReservations(stockOf(ctx), stockOf(ctx), of, 'release', ctx.uid);
    await options.events(ctx).publish(inventoryUpdatedEvents(changed));
  };

  const orderMethods = Object.fromEntries(
    (Object.keys(ORDER_METHODS) as OrderAction[]).map((action) => [
      ORDER_METHODS[action],
      recordsMethod(QUALNAMES[action], [], (ctx, model, ids) => {
        const enginePool = options.engine?.pool;
        const settle: SettleOrders | undefined = enginePool ? (orderIds, how, uid) => settleBeside(reservationPool(enginePool), { orderIds }, how, uid) : undefined;
        const effects = service ? orderEffects(stockOf(ctx), stockOf(ctx), options.events(ctx), settle) : acrossTheCut ? legacySideEffects(acrossTheCut) : NO_ORDER_EFFECTS;
        return runOrderAction(rpcOrderStore(ctx, behaviours, model), effects, action, ids, { uid: ctx.uid, now: odooNow() });
      }),
    ]),
  );

  behaviours.register('hp.mall.order', {
    ...(service ? { nextByCode: (ctx: CallContext) => nextMallOrderName(onQueryable(ctx.db)) } : {}),
    compute: { amount_total: (ctx, ids) => recomputeAmountTotal(ctx, ids) },
    async afterWrite(ctx, ids, vals) {
      // order_lines.currency_id is `related='order_id.currency_id', store=True`.
      if ('currency_id' in vals) await ctx.db.query('UPDATE order_lines SET currency_id = o.currency_id FROM orders o WHERE o.id = order_lines.order_id AND o.id = ANY($1::int4[])', [ids]);
    },
    // ondelete='cascade' takes the lines with the order: their stock goes back first.
    beforeUnlink: (ctx, ids) => release(ctx, { orderIds: ids }),
    methods: orderMethods,
  });

  behaviours.register('hp.mall.order.line', {
    async beforeCreate(ctx, valsList: Vals[]) {
      const wanted = valsList.filter((vals) => vals.product_id && !('price_unit' in vals)).map((vals) => Number(vals.product_id));
      if (!wanted.length) return;
      const prices = await lstPrices(onQueryable(ctx.db), wanted);
      for (const vals of valsList) {
        if (!vals.product_id || 'price_unit' in vals) continue;
        const productId = Number(vals.product_id);
        const price = prices.get(productId);
        // `Product.browse(id).lst_price` of an id that does not exist.
        if (price === undefined) throw missingError(`Record does not exist or has been deleted.\n(Record: product.product(${productId},), User: ${ctx.uid})`);
        vals.price_unit = Number(price);
      }
    },
    compute: {
      // `subtotal = quantity * price_unit` (@api.depends('quantity', 'price_unit')), with the stored related currency_id beside it.
      // Both Monetary columns hold `currency.round(value)`, as Monetary.convert_to_column stores them.
      subtotal: async (ctx, ids) => {
        await ctx.db.query(
          `UPDATE order_lines l
              SET currency_id = o.currency_id,
                  price_unit = COALESCE(round(l.price_unit, c.decimal_places), l.price_unit),
                  subtotal = COALESCE(round(COALESCE(l.quantity, 0)::numeric * COALESCE(round(l.price_unit, c.decimal_places), l.price_unit, 0), c.decimal_places),
                                      COALESCE(l.quantity, 0)::numeric * COALESCE(l.price_unit, 0))
             FROM orders o LEFT JOIN res_currency c ON c.id = o.currency_id
            WHERE o.id = l.order_id AND l.id = ANY($1::int4[])`,
          [ids],
        );
      },
    },
    // The order's amount_total follows its lines however they change (@api.depends('line_ids.subtotal')),
    // not only through the order's line_ids: a line created, written or deleted on its own too.
    async afterCreate(ctx, ids) {
      await reserve(ctx, ids, { beside: true });
      await recomputeAmountTotal(ctx, await ordersOfLines(ctx, ids));
    },
    async beforeWrite(ctx, ids, vals) {
      if ('order_id' in vals) ordersBeforeMove.set(ctx, await ordersOfLines(ctx, ids));
      if ('quantity' in vals || 'product_id' in vals || 'order_id' in vals) await release(ctx, { lineIds: ids });
    },
    async afterWrite(ctx, ids, vals) {
      if ('quantity' in vals || 'product_id' in vals || 'order_id' in vals) await reserve(ctx, ids, { beside: false });
      const before = ordersBeforeMove.get(ctx) ?? [];
      ordersBeforeMove.delete(ctx);
      await recomputeAmountTotal(ctx, [...before, ...(await ordersOfLines(ctx, ids))]);
    },
    async beforeUnlink(ctx, ids) {
      await release(ctx, { lineIds: ids });
      await recomputeAmountTotal(ctx, await ordersOfLines(ctx, ids), ids);
    },
  });

  behaviours.register('hp.inventory', {
    // hp_mall's @api.constrains('reserved', 'quantity') on the records' own values: the engine runs it
    // before a write is flushed (the Python message, not the CHECK) and after a create's INSERT.
    checks: {
      _check_reserved: {
        reads: ['reserved', 'quantity'],
        values(_ctx, rows) {
          if (rows.some((r) => Number(r.reserved ?? 0) > Number(r.quantity ?? 0))) throw validationError('Reserved quantity cannot exceed the quantity on hand.');
        },
      },
    },
  });
  return behaviours;
}

/** Orders whose lines a write moves elsewhere, between beforeWrite and afterWrite of one call. */
const ordersBeforeMove = new WeakMap<CallContext, number[]>();

async function ordersOfLines(ctx: CallContext, lineIds: readonly number[]): Promise<number[]> {
  if (!lineIds.length) return [];
  const { rows } = await ctx.db.query<{ order_id: number }>('SELECT DISTINCT order_id FROM order_lines WHERE id = ANY($1::int4[]) AND order_id IS NOT NULL', [[...lineIds]]);
  return rows.map((r) => r.order_id);
}

/**
 * `amount_total = sum(line_ids.subtotal)` (@api.depends('line_ids.subtotal')), as a Monetary
 * stores it (rounded to the currency). `leaving`: lines about to be deleted.
 */
async function recomputeAmountTotal(ctx: CallContext, orderIds: readonly number[], leaving: readonly number[] = []): Promise<void> {
  const ids = [...new Set(orderIds)];
  if (!ids.length) return;
  await ctx.db.query(
    `UPDATE orders o
        SET amount_total = COALESCE(round(t.total, (SELECT c.decimal_places FROM res_currency c WHERE c.id = o.currency_id)), t.total)
       FROM (SELECT o2.id, COALESCE((SELECT sum(l.subtotal) FROM order_lines l WHERE l.order_id = o2.id AND l.id <> ALL($2::int4[])), 0) AS total
               FROM orders o2 WHERE o2.id = ANY($1::int4[])) t
      WHERE o.id = t.id`,
    [ids, [...leaving]],
  );
}

/** The business methods hp_mall defines (the ec face's business methods line). */
export const MALL_BUSINESS_METHODS = {
  'hp.mall.order': ['action_pay', 'action_ship', 'action_deliver', 'action_cancel'],
} as const;
