import type { Queryable } from '../../../odoo-bridge/orm/sql/execute.ts';
import { toCloudEvent, type NewEvent } from '../../kit/events/cloudevent.ts';
import { assertValidEvent } from '../../kit/events/validate-event.ts';
import type { Logger } from 'pino';
import { currentTraceparent } from '../../kit/observability/work-context.ts';
import { COMPANY_CURRENCY } from '../domain/health-service.ts';
import type { TradeEvent } from '../events.ts';
import { afterCommit, logAfterCommitFailure } from './after-commit.ts';
import type { AssignedOrder, CompletedOrder, CreatedOrder, OrderSideEffects } from './side-effects.ts';

/**
 * Writes events into trade's outbox on the engine's connection, inside the call's transaction,
 * exactly as the kit's OutboxWriter does for REST (validated, keyed by the order), so an Odoo
 * client's action_complete publishes the same service_completed a REST call does.
 */
export async function writeOutbox(db: Queryable, events: NewEvent<TradeEvent>[]): Promise<void> {
  for (const event of events) {
    const cloudEvent = toCloudEvent('trade', event, currentTraceparent());
    assertValidEvent(cloudEvent);
    await db.query('INSERT INTO outbox (id, type, aggregate_id, payload) VALUES ($1, $2, $3, $4::jsonb)', [cloudEvent.id, cloudEvent.type, event.key ?? event.subject ?? cloudEvent.id, JSON.stringify(cloudEvent)]);
  }
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

/**
 * Trade's side effects: the events, in the change's transaction; completed orders are also
 * handed to `afterCompleted`, run once the call committed (the legacy adapter awarding points,
 * which counts its outcomes in ficus_trade_legacy_side_effects_total). A failure there reaches
 * no client, the change being committed: it is logged (logAfterCommitFailure, `log` outside a
 * unit of work), and the outbox event is its durable retry.
 */
export function tradeSideEffects(afterCompleted: (orders: CompletedOrder[]) => Promise<void>, log: Logger): OrderSideEffects {
  return {
    created: (ctx, orders) => writeOutbox(ctx.db, orders.map(orderCreatedEvent)),
    assigned: (ctx, orders) => writeOutbox(ctx.db, orders.map(orderAssignedEvent)),
    async completed(ctx, orders) {
      await writeOutbox(ctx.db, orders.map(serviceCompletedEvent));
      afterCommit(ctx, () => afterCompleted(orders), logAfterCommitFailure(log, ctx.uid));
    },
  };
}
