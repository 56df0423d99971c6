import {
  accessError, type BehaviourRegistry, type CallContext, checkExist, checkRules, idsOf, type MethodSpec, type ModelInfo, odooNow, typeError, updateRecords, userError, valueError,
} from '../../../odoo-bridge/orm/index.ts';
import { OPERATOR_GROUP, type OrderAction } from '../domain/service-order-states.ts';
import { OrderRefused, transitionOrders, type OrderStore } from '../domain/order-transitions.ts';
import { inTransactionWithAfterCommit } from './after-commit.ts';
import { forCall, type OrderSideEffects } from './side-effects.ts';
import { userHasGroup } from '../../kit/index.ts';

interface OrderRow {
  id: number;
  name: string;
  state: string;
  health_worker_id: number | null;
  customer_id: number;
  service_id: number | null;
  amount: string | null;
}

/**
 * The records as `self` sees them: reading their state is a read of the records, so the read
 * ACL, deleted ids (MissingError) and read record rules come first, as in Odoo.
 */
async function readOrders(ctx: CallContext, model: ModelInfo, ids: number[], behaviours: BehaviourRegistry): Promise<OrderRow[]> {
  ctx.access.checkModel(model, 'read');
  const w = { ctx, behaviours };
  const unique = [...new Set(ids)];
  await checkExist(w, model, unique);
  await checkRules(w, model, 'read', unique);
  const r = await ctx.db.query<OrderRow>(
    'SELECT id, name, state, health_worker_id, customer_id, service_id, amount::text AS amount FROM service_orders WHERE id = ANY($1::int4[])',
    [unique],
  );
  const byId = new Map(r.rows.map((row) => [row.id, row]));
  return unique.map((id) => byId.get(id)!);
}

/**
 * The domain's OrderStore inside an ORM call: reads as `self` (ACL, MissingError, read rules),
 * writes through the engine's `write` (write ACL and rules, write_uid/write_date, stored computes).
 */
function rpcOrderStore(ctx: CallContext, model: ModelInfo, behaviours: BehaviourRegistry): OrderStore {
  return {
    read: async (ids) => (await readOrders(ctx, model, [...ids], behaviours)).map((r) => ({
      id: r.id, name: r.name, state: r.state, customerId: r.customer_id, healthWorkerId: r.health_worker_id, serviceId: r.service_id, amount: r.amount,
    })),
    write: async (ids, vals) => void (await updateRecords({ ctx, behaviours }, model, [...ids], vals)),
    callerIsOperator: () => userHasGroup(ctx.db, ctx.access, OPERATOR_GROUP),
    userExists: async (id) => ((await ctx.db.query('SELECT 1 FROM res_users WHERE id = $1', [id])).rowCount ?? 0) > 0,
  };
}

/** The domain's refusals in Odoo's exception classes. */
async function asOdooErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof OrderRefused) throw error.kind === 'access' ? accessError(error.message) : userError(error.message);
    throw error;
  }
}

/** Python's `int(worker_id)`: ints, integral floats and digit strings; anything else is the TypeError/ValueError Python raises. */
function pythonInt(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value.trim());
  if (typeof value === 'string') throw valueError(`invalid literal for int() with base 10: '${value}'`);
  throw typeError(`int() argument must be a string, a bytes-like object or a real number, not '${value === null || value === undefined ? 'NoneType' : Array.isArray(value) ? 'list' : 'dict'}'`);
}

function method(qualname: string, params: MethodSpec['signature']['params'], run: (ctx: CallContext, model: ModelInfo, ids: number[], args: Record<string, unknown>) => Promise<unknown>): MethodSpec {
  return {
    api: 'records',
    signature: { qualname, params },
    run: (ctx, model, args, ids) => inTransactionWithAfterCommit(ctx, (tx) => run(tx, model, idsOf(ids), args)),
  };
}

/** hp.service.order's public state-machine methods (hp_marketplace + hp_grab's action_decide): domain/order-transitions.ts, called as Odoo calls them. */
export function serviceOrderMethods(behaviours: BehaviourRegistry, effects: OrderSideEffects, decidePendingGrabs: (ctx: CallContext, orderIds: number[]) => Promise<void>): Record<string, MethodSpec> {
  const transition = (ctx: CallContext, model: ModelInfo, action: OrderAction, ids: number[], worker?: { id: () => number; label: string }) =>
    asOdooErrors(transitionOrders(rpcOrderStore(ctx, model, behaviours), forCall(effects, ctx), { action, ids, uid: ctx.uid, now: odooNow(), ...(worker ? { worker } : {}) })).then(() => true);
  const simple = (action: OrderAction) => method(`HpServiceOrder.${action}`, [], (ctx, model, ids) => transition(ctx, model, action, ids));

  return {
    action_submit: simple('action_submit'),
    action_mark_paid: simple('action_mark_paid'),
    action_start: simple('action_start'),
    action_complete: simple('action_complete'),
    action_cancel: simple('action_cancel'),
    action_refund: simple('action_refund'),
    // `int(worker_id)` after the state and caller checks, as the addon does: Python's TypeError/ValueError for what int() refuses.
    action_assign: method('HpServiceOrder.action_assign', [{ name: 'worker_id' }], (ctx, model, ids, args) =>
      transition(ctx, model, 'action_assign', ids, { id: () => pythonInt(args.worker_id), label: String(args.worker_id) }),
    ),
    action_decide: method('HpServiceOrder.action_decide', [], async (ctx, model, ids) => {
      await readOrders(ctx, model, ids, behaviours);
      await decidePendingGrabs(ctx, ids);
      return true;
    }),
  };
}

/** Business methods trade provides, per model (the control plane's "methods provided" gate reads this). */
export const SERVICE_ORDER_METHOD_NAMES = ['action_submit', 'action_mark_paid', 'action_assign', 'action_start', 'action_complete', 'action_cancel', 'action_refund', 'action_decide'] as const;
