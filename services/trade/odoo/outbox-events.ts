import type { Logger } from 'pino';
import { OUTBOX_INSERT, outboxRows, type NewEvent } from '../../kit/index.ts';
import { COMPANY_CURRENCY } from '../domain/health-service.ts';
import type { TradeEvent } from '../events.ts';
import { afterCommit, logAfterCommitFailure } from './after-commit.ts';
import type { CallContext, Queryable } from '../../../odoo-bridge/orm/index.ts';
import type { AssignedOrder, CompletedOrder, CreatedOrder, OrderEffects } from '../domain/order-effects.ts';
import type { OrderSideEffects } from './side-effects.ts';

/**
 * Writes events into trade's outbox on the engine's connection, inside the call's transaction,
 * exactly as the kit's OutboxWriter does for REST (validated, keyed by the order), so an Odoo
 * client's action_complete publishes the same service_completed a REST call does.
 */
export async function writeOutbox(db: Queryable, events: NewEvent<TradeEvent>[]): Promise<void> {
  if (!events.length) return;
  const { ids, types, keys, payloads } = outboxRows('trade', events);
  await db.query(OUTBOX_INSERT, [ids, types, keys, payloads]);
}

/** Odoo datetimes ("2026-11-25 11:46:25", UTC) as RFC 3339. */
export function isoUtc(odoo: string | null): string {
  if (!odoo) return new Date().toISOString();
  return odoo.includes('T') ? new Date(odoo).toISOString() : `${odoo.replace(' ', 'T')}Z`;
}

const decimal = (v: string | null) => (v === null ? '0' : String(Number(v)));
const subject = (id: number) => `hp.service.order/${id}`;

export function orderCreatedEvent(o: CreatedOrder): NewEvent<'order_created'> {
  return {
    type: 'order_created', subject: subject(o.id),
    data: { orderId: o.id, name: o.name, customerId: o.customerId, serviceId: o.serviceId, amount: decimal(o.amount), currency: COMPANY_CURRENCY.code, state: o.state === 'pending_payment' ? 'pending_payment' : 'draft', orderedAt: isoUtc(o.orderedAt) },
  } as NewEvent<'order_created'>;
}

export function orderAssignedEvent(o: AssignedOrder): NewEvent<'order_assigned'> {
  return { type: 'order_assigned', subject: subject(o.id), data: { orderId: o.id, customerId: o.customerId, healthWorkerId: o.healthWorkerId, assignedVia: o.via, grabOrderId: o.grabOrderId } } as NewEvent<'order_assigned'>;
}

export function serviceCompletedEvent(o: CompletedOrder): NewEvent<'service_completed'> {
  return {
    type: 'service_completed', subject: subject(o.id),
    data: { orderId: o.id, customerId: o.customerId, healthWorkerId: o.healthWorkerId ?? o.customerId, serviceId: o.serviceId, amount: decimal(o.amount), currency: COMPANY_CURRENCY.code, completedAt: isoUtc(o.completedAt) },
  } as NewEvent<'service_completed'>;
}

/** Where trade's effects go, as each edge provides them. */
export interface EffectsChannel {
  /** Into trade's outbox, in the change's transaction. */
  writeEvents(events: NewEvent<TradeEvent>[]): Promise<void>;
  /** Runs `work` once the change committed; its failure goes to `onFailure`, never to the client. */
  afterCommit(work: () => Promise<void>): void;
}

/**
 * Trade's side effects, the same for REST and Odoo RPC: the events, in the change's transaction;
 * completed orders are also handed to `afterCompleted`, run once the change committed (the
 * legacy adapter awarding points, which counts its outcomes in
 * ficus_trade_legacy_side_effects_total). A failure there reaches no client, the change being
 * committed: it is logged, and the outbox event is its durable retry.
 */
export function tradeOrderEffects(channel: EffectsChannel, afterCompleted: (orders: CompletedOrder[]) => Promise<void>): OrderEffects {
  return {
    created: (orders) => channel.writeEvents(orders.map(orderCreatedEvent)),
    assigned: (orders) => channel.writeEvents(orders.map(orderAssignedEvent)),
    async completed(orders) {
      await channel.writeEvents(orders.map(serviceCompletedEvent));
      channel.afterCommit(() => afterCompleted(orders));
    },
  };
}

/** The same effects inside an ORM call: the engine's connection, the call's after-commit list (logAfterCommitFailure, `log` outside a unit of work). */
export function tradeSideEffects(afterCompleted: (orders: CompletedOrder[]) => Promise<void>, log: Logger): OrderSideEffects {
  const bound = (ctx: CallContext) =>
    tradeOrderEffects({ writeEvents: (events) => writeOutbox(ctx.db, events), afterCommit: (work) => afterCommit(ctx, work, logAfterCommitFailure(log, ctx.uid)) }, afterCompleted);
  return {
    created: (ctx, orders) => bound(ctx).created(orders),
    assigned: (ctx, orders) => bound(ctx).assigned(orders),
    completed: (ctx, orders) => bound(ctx).completed(orders),
  };
}
