import { accessError, typeError, userError, valueError } from '../../../odoo-bridge/errors.ts';
import type { CallContext } from '../../../odoo-bridge/orm/call-context.ts';
import { idsOf, type MethodSpec } from '../../../odoo-bridge/orm/methods/method.ts';
import type { ModelInfo } from '../../../odoo-bridge/orm/registry/types.ts';
import type { BehaviourRegistry } from '../../../odoo-bridge/orm/write/behaviour-registry.ts';
import { updateRecords } from '../../../odoo-bridge/orm/write/record-writes.ts';
import { checkExist, checkRules } from '../../../odoo-bridge/orm/write/write-env.ts';
import { callerRefusal, stateRefusal, TRANSITIONS, type OrderAction, type OrderFacts } from '../domain/service-order-states.ts';
import { inTransactionWithAfterCommit } from './after-commit.ts';
import { odooNow } from '../../../odoo-bridge/orm/write/env-values.ts';
import type { OrderSideEffects } from './side-effects.ts';
import { userHasGroup } from '../../kit/index.ts';
import { OPERATOR_GROUP } from '../domain/service-order-states.ts';

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

const facts = (rows: OrderRow[]): OrderFacts[] => rows.map((r) => ({ id: r.id, name: r.name, state: r.state, healthWorkerId: r.health_worker_id }));

async function guard(ctx: CallContext, action: OrderAction, rows: OrderRow[]): Promise<void> {
  const state = stateRefusal(action, facts(rows));
  if (state) throw userError(state.message);
  if (TRANSITIONS[action].caller === 'writer') return;
  const refusal = callerRefusal(action, facts(rows), { uid: ctx.uid, isOperator: await userHasGroup(ctx.db, ctx.access, OPERATOR_GROUP) });
  if (refusal) throw accessError(refusal.message);
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

/** hp.service.order's public state-machine methods (hp_marketplace + hp_grab's action_decide). */
export function serviceOrderMethods(behaviours: BehaviourRegistry, effects: OrderSideEffects, decidePendingGrabs: (ctx: CallContext, orderIds: number[]) => Promise<void>): Record<string, MethodSpec> {
  const simple = (action: OrderAction) =>
    method(`HpServiceOrder.${action}`, [], async (ctx, model, ids) => {
      const rows = await readOrders(ctx, model, ids, behaviours);
      await guard(ctx, action, rows);
      const vals: Record<string, unknown> = { state: TRANSITIONS[action].to };
      const now = odooNow();
      if (action === 'action_complete') vals.completed_at = now;
      if (rows.length) await updateRecords({ ctx, behaviours }, model, ids, vals);
      if (action === 'action_complete' && rows.length) {
        await effects.completed(ctx, rows.map((r) => ({ id: r.id, customerId: r.customer_id, healthWorkerId: r.health_worker_id, serviceId: r.service_id, amount: r.amount, completedAt: now, completedBy: ctx.uid })));
      }
      return true;
    });

  return {
    action_submit: simple('action_submit'),
    action_mark_paid: simple('action_mark_paid'),
    action_start: simple('action_start'),
    action_complete: simple('action_complete'),
    action_cancel: simple('action_cancel'),
    action_refund: simple('action_refund'),
    action_assign: method('HpServiceOrder.action_assign', [{ name: 'worker_id' }], async (ctx, model, ids, args) => {
      const rows = await readOrders(ctx, model, ids, behaviours);
      await guard(ctx, 'action_assign', rows);
      const workerId = pythonInt(args.worker_id);
      const worker = await ctx.db.query('SELECT 1 FROM res_users WHERE id = $1', [workerId]);
      if (!worker.rowCount) throw userError(`Health worker ${String(args.worker_id)} does not exist.`);
      if (!rows.length) return true;
      await updateRecords({ ctx, behaviours }, model, ids, { state: 'assigned', health_worker_id: workerId });
      await effects.assigned(ctx, rows.map((r) => ({ id: r.id, customerId: r.customer_id, healthWorkerId: workerId, via: 'operator' as const, grabOrderId: null })));
      return true;
    }),
    action_decide: method('HpServiceOrder.action_decide', [], async (ctx, model, ids) => {
      await readOrders(ctx, model, ids, behaviours);
      await decidePendingGrabs(ctx, ids);
      return true;
    }),
  };
}

/** Business methods trade provides, per model (the control plane's "methods provided" gate reads this). */
export const SERVICE_ORDER_METHOD_NAMES = ['action_submit', 'action_mark_paid', 'action_assign', 'action_start', 'action_complete', 'action_cancel', 'action_refund', 'action_decide'] as const;
