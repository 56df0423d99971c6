/**
 * What a service-order change sets off beyond its own rows: the one side-effects port every use
 * case calls, whichever edge (REST, Odoo RPC) it came through. Trade's implementation
 * (odoo/outbox-events.ts `tradeOrderEffects`) writes the events into the outbox in the change's
 * transaction and, once it committed, hands completed orders to the points award through the
 * legacy adapter (hp_points, M14, is still in the monolith); the monolith's own implementation
 * (legacy/legacy-behaviours.ts) writes the points ledger in the same transaction instead.
 */
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

export interface OrderEffects {
  created(orders: CreatedOrder[]): Promise<void>;
  assigned(orders: AssignedOrder[]): Promise<void>;
  completed(orders: CompletedOrder[]): Promise<void>;
}
