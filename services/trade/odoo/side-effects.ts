import type { CallContext } from '../../../odoo-bridge/orm/index.ts';
import type { AssignedOrder, CompletedOrder, CreatedOrder, OrderEffects } from '../domain/order-effects.ts';

export type { AssignedOrder, CompletedOrder, CreatedOrder };

/**
 * The side-effects port (domain/order-effects.ts) as the ORM engine's behaviours hold it: per
 * call, bound to the call's transaction (`ctx.db`) by `forCall`. The monolith's engine
 * (legacy/legacy-behaviours.ts) writes the points ledger in the same database; trade's
 * (outbox-events.ts) writes outbox events and hands points to the legacy adapter.
 */
export interface OrderSideEffects {
  created(ctx: CallContext, orders: CreatedOrder[]): Promise<void>;
  assigned(ctx: CallContext, orders: AssignedOrder[]): Promise<void>;
  completed(ctx: CallContext, orders: CompletedOrder[]): Promise<void>;
}

/** The port for one call: what domain/ functions are given when an Odoo client calls them. */
export function forCall(effects: OrderSideEffects, ctx: CallContext): OrderEffects {
  return {
    created: (orders) => effects.created(ctx, orders),
    assigned: (orders) => effects.assigned(ctx, orders),
    completed: (orders) => effects.completed(ctx, orders),
  };
}
