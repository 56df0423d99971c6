/**
 * hp.service.order's state machine as hp_marketplace defines it (models/hp_service_order.py),
 * free of HTTP and SQL: which states each action leaves from, where it goes, who may call it,
 * and the words its errors use (clients match on them).
 */
export const ORDER_STATES = ['draft', 'pending_payment', 'paid', 'assigned', 'in_service', 'completed', 'cancelled', 'refunded'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_ACTIONS = ['action_submit', 'action_mark_paid', 'action_assign', 'action_start', 'action_complete', 'action_cancel', 'action_refund'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** The group `_check_operator` asks for (`env.user.has_group`). */
export const OPERATOR_GROUP = 'hp_account.group_hp_operator';
export const COACH_GROUP = 'hp_account.group_hp_coach';

/** `operator`: back office or sudo; `worker`: the assigned health worker or an operator; `writer`: anyone who may write the order. */
export type ActionCaller = 'operator' | 'worker' | 'writer';

export interface Transition {
  from: readonly OrderState[];
  to: OrderState;
  /** The verb of "cannot <verb> from state …" and of the access messages. */
  verb: string;
  caller: ActionCaller;
}

export const TRANSITIONS: Readonly<Record<OrderAction, Transition>> = {
  action_submit: { from: ['draft'], to: 'pending_payment', verb: 'submit', caller: 'writer' },
  action_mark_paid: { from: ['pending_payment'], to: 'paid', verb: 'mark as paid', caller: 'operator' },
  action_assign: { from: ['paid'], to: 'assigned', verb: 'assign', caller: 'operator' },
  action_start: { from: ['assigned'], to: 'in_service', verb: 'start', caller: 'worker' },
  action_complete: { from: ['in_service'], to: 'completed', verb: 'complete', caller: 'worker' },
  action_cancel: { from: ['draft', 'pending_payment', 'paid', 'assigned', 'in_service'], to: 'cancelled', verb: 'cancel', caller: 'writer' },
  action_refund: { from: ['paid', 'assigned', 'cancelled'], to: 'refunded', verb: 'refund', caller: 'operator' },
};

export interface OrderFacts {
  id: number;
  name: string;
  state: string;
  healthWorkerId: number | null;
}

export type Refusal = { kind: 'state'; message: string } | { kind: 'access'; message: string };

/** `_check_state`: the first order (in the given order) not in an allowed state refuses the whole call. */
export function stateRefusal(action: OrderAction, orders: readonly OrderFacts[]): Refusal | null {
  const t = TRANSITIONS[action];
  const bad = orders.find((o) => !(t.from as readonly string[]).includes(o.state));
  return bad ? { kind: 'state', message: `Order ${bad.name}: cannot ${t.verb} from state '${bad.state}'.` } : null;
}

/** `_check_operator` / `_check_worker_or_operator`, run after the state check as the addon does. */
export function callerRefusal(action: OrderAction, orders: readonly OrderFacts[], caller: { uid: number; isOperator: boolean }): Refusal | null {
  const t = TRANSITIONS[action];
  if (t.caller === 'writer' || caller.isOperator) return null;
  if (t.caller === 'operator') return { kind: 'access', message: `Only platform operators can ${t.verb} service orders.` };
  const foreign = orders.find((o) => o.healthWorkerId !== caller.uid);
  return foreign ? { kind: 'access', message: `Only the assigned health worker can ${t.verb} order ${foreign.name}.` } : null;
}

/** hp_points' `_hp_after_complete`: floor(amount) points for the customer, none when that is 0 or less. */
export function completionPoints(amount: string | number | null): number {
  const points = Math.floor(Number(amount ?? 0));
  return Number.isFinite(points) && points > 0 ? points : 0;
}
