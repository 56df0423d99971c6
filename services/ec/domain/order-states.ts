import type { MallOrderState } from '../db/tables.ts';

/**
 * hp.mall.order's state machine (hp_mall/models/hp_mall_order.py): each action's allowed states,
 * its target, and the addon's refusals, word for word.
 */
export type OrderAction = 'pay' | 'ship' | 'deliver' | 'cancel';

export interface OrderTransition {
  allowed: readonly MallOrderState[];
  to: MallOrderState;
}

export const ORDER_TRANSITIONS: Readonly<Record<OrderAction, OrderTransition>> = {
  pay: { allowed: ['draft'], to: 'paid' },
  ship: { allowed: ['paid'], to: 'shipped' },
  deliver: { allowed: ['shipped'], to: 'delivered' },
  cancel: { allowed: ['draft', 'paid'], to: 'cancelled' },
};

/** The Odoo method of each action. */
export const ORDER_METHODS: Readonly<Record<OrderAction, string>> = {
  pay: 'action_pay',
  ship: 'action_ship',
  deliver: 'action_deliver',
  cancel: 'action_cancel',
};

/** `_check_state`: "Order %(order)s: cannot %(action)s from state '%(state)s'." (a name of False prints False). */
export function wrongStateMessage(name: string | null, action: OrderAction, state: string): string {
  return `Order ${name ?? 'False'}: cannot ${action} from state '${state}'.`;
}

/** action_pay's second check. */
export const ORDER_WITHOUT_LINES = 'An order without lines cannot be paid.';
