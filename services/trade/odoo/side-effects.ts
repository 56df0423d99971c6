import type { CallContext } from '../../../odoo-bridge/orm/call-context.ts';

export interface CompletedOrder {
  id: number;
  customerId: number;
  healthWorkerId: number | null;
  serviceId: number | null;
  amount: string | null;
  completedAt: string;
  /** Who completed it (create_uid of the points the legacy side writes). */
  completedBy: number;
}

export interface AssignedOrder {
  id: number;
  customerId: number;
  healthWorkerId: number;
  via: 'operator' | 'grab';
  grabOrderId: number | null;
}

export interface CreatedOrder {
  id: number;
  name: string;
  customerId: number;
  serviceId: number | null;
  amount: string | null;
  state: string;
  orderedAt: string | null;
}

/**
 * What a service-order change sets off beyond its own rows, inside the call's transaction
 * (`ctx.db`). The two sides differ: in the monolith (legacy engine) `_hp_after_complete` writes
 * the points ledger in the same database; in trade the changes become outbox events and the
 * points cross the cut through the legacy adapter.
 */
export interface OrderSideEffects {
  created(ctx: CallContext, orders: CreatedOrder[]): Promise<void>;
  assigned(ctx: CallContext, orders: AssignedOrder[]): Promise<void>;
  completed(ctx: CallContext, orders: CompletedOrder[]): Promise<void>;
}
