import type { OrderEffects } from './order-effects.ts';
import { callerRefusal, stateRefusal, TRANSITIONS, type OrderAction, type OrderFacts } from './service-order-states.ts';

/** A service order as the state machine reads it. */
export interface OrderRecord {
  id: number;
  name: string;
  state: string;
  customerId: number;
  healthWorkerId: number | null;
  serviceId: number | null;
  amount: string | null;
}

/**
 * Why a transition was refused, in the addon's words; each edge translates the kind into its own
 * language: `state` → UserError / 409, `access` → AccessError / 403, `invalid` → UserError / 422.
 */
export class OrderRefused extends Error {
  constructor(readonly kind: 'state' | 'access' | 'invalid', message: string) {
    super(message);
    this.name = 'OrderRefused';
  }
}

/**
 * Where a transition reads and writes orders. The edge decides how access is enforced, each the
 * way its protocol's Odoo counterpart does: over RPC the ORM engine (read ACL, MissingError, read
 * rules; `write` through the engine with its write ACL and rules); over REST the kit's access
 * port with the same ACLs and rules (and a guarded UPDATE).
 */
export interface OrderStore {
  /** The records as `self` sees them, in the given order (each id once); refuses what the caller may not read. */
  read(ids: readonly number[]): Promise<OrderRecord[]>;
  /** `self.write(vals)`: refuses what the caller may not write; `from` are the states the action leaves from. */
  write(ids: readonly number[], vals: { state: string; completed_at?: string; health_worker_id?: number }, from: readonly string[]): Promise<void>;
  /** `env.user.has_group('hp_account.group_hp_operator')` for the caller (sudo: true). */
  callerIsOperator(): Promise<boolean>;
  /** `self.env['res.users'].browse(id).exists()`. */
  userExists(id: number): Promise<boolean>;
}

export interface TransitionRequest {
  action: OrderAction;
  ids: readonly number[];
  uid: number;
  /**
   * action_assign's worker: `id()` parses the caller's argument as the edge's protocol does
   * (Python's int() over RPC, may throw), called where the addon calls it (after the state and
   * caller checks); `label` is the argument as written, for the "does not exist" message.
   */
  worker?: { id: () => number; label: string };
  /** Odoo's `fields.Datetime.now()` of the call, 'YYYY-MM-DD HH:MM:SS' UTC. */
  now: string;
}

const facts = (rows: OrderRecord[]): OrderFacts[] => rows.map((r) => ({ id: r.id, name: r.name, state: r.state, healthWorkerId: r.healthWorkerId }));

/**
 * One transition of hp.service.order's state machine (hp_marketplace/models/hp_service_order.py),
 * the same for `PUT /trade/orders/{id}/status` and `hp.service.order.action_*`: read the records,
 * `_check_state`, then `_check_operator` / `_check_worker_or_operator`, the worker's existence for
 * assign, the write, then the side effects (assigned → order_assigned; completed →
 * service_completed and floor(amount) points for the customer). Returns the records as they are now.
 */
export async function transitionOrders(store: OrderStore, effects: OrderEffects, request: TransitionRequest): Promise<OrderRecord[]> {
  const { action, uid, now } = request;
  const transition = TRANSITIONS[action];
  const rows = await store.read(request.ids);
  const state = stateRefusal(action, facts(rows));
  if (state) throw new OrderRefused('state', state.message);
  if (transition.caller !== 'writer') {
    const refusal = callerRefusal(action, facts(rows), { uid, isOperator: await store.callerIsOperator() });
    if (refusal) throw new OrderRefused('access', refusal.message);
  }
  const workerId = action === 'action_assign' ? request.worker!.id() : undefined;
  if (workerId !== undefined && !(await store.userExists(workerId))) throw new OrderRefused('invalid', `Health worker ${request.worker!.label} does not exist.`);
  if (!rows.length) return [];
  const vals = {
    state: transition.to,
    ...(action === 'action_complete' ? { completed_at: now } : {}),
    ...(workerId !== undefined ? { health_worker_id: workerId } : {}),
  };
  await store.write(rows.map((r) => r.id), vals, transition.from);
  const changed = rows.map((r) => ({ ...r, state: transition.to, ...(workerId !== undefined ? { healthWorkerId: workerId } : {}) }));
  if (workerId !== undefined) {
    await effects.assigned(changed.map((r) => ({ id: r.id, customerId: r.customerId, healthWorkerId: workerId, via: 'operator' as const, grabOrderId: null })));
  }
  if (action === 'action_complete') {
    await effects.completed(changed.map((r) => ({ id: r.id, customerId: r.customerId, healthWorkerId: r.healthWorkerId, serviceId: r.serviceId, amount: r.amount, completedAt: now, completedBy: uid })));
  }
  return changed;
}
