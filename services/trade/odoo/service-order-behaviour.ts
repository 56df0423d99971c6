import { type BehaviourRegistry, companyCurrency, missingError, type ModelBehaviour, odooNow, type Vals } from '../../../odoo-bridge/orm/index.ts';
import { requestedGrabs } from '../db/grab-store.ts';
import { build, onQueryable } from '../db/sql-runner.ts';
import { orderAmount } from '../domain/health-service.ts';
import { decideGrabs } from './grab-behaviour.ts';
import { serviceOrderMethods } from './service-order-methods.ts';
import type { OrderSideEffects } from './side-effects.ts';

const isEmpty = (v: unknown) => v === undefined || v === null || v === false || v === 0 || v === '';

/**
 * hp.service.order (hp_marketplace/models/hp_service_order.py): field defaults; `create()`
 * (the name from the sequence is the engine's, see odoo-bridge/orm/write/sequences.ts; the
 * amount defaults to the service's price, read as `browse(service_id).price`, so a missing
 * service is a MissingError); the state machine's methods.
 */
export function serviceOrderBehaviour(effects: OrderSideEffects, behaviours: BehaviourRegistry): ModelBehaviour {
  return {
    defaults: async (ctx) => ({ name: '/', state: 'draft', ordered_at: odooNow(), currency_id: await companyCurrency(ctx) }),
    async beforeCreate(ctx, valsList: Vals[]) {
      for (const vals of valsList) {
        if (isEmpty(vals.service_id) || !isEmpty(vals.amount)) continue;
        const serviceId = Number(vals.service_id);
        const rows = await onQueryable(ctx.db).run(build.selectFrom('health_services').select(['price']).where('id', '=', serviceId));
        if (!rows.length) throw missingError(`Record does not exist or has been deleted.\n(Record: hp.health.service(${serviceId},), User: ${ctx.uid})`);
        vals.amount = orderAmount(undefined, rows[0]!.price);
      }
    },
    async afterCreate(ctx, ids) {
      const rows = await onQueryable(ctx.db).run(
        build.selectFrom('service_orders').select(['id', 'name', 'customer_id', 'service_id', 'state', 'ordered_at']).select((eb) => eb.cast<string>('amount', 'text').as('amount')).where('id', 'in', ids).orderBy('id'),
      );
      await effects.created(ctx, rows.map((r) => ({
        id: r.id, name: r.name, customerId: r.customer_id, serviceId: r.service_id, amount: r.amount, state: r.state,
        orderedAt: r.ordered_at === null ? null : r.ordered_at instanceof Date ? r.ordered_at.toISOString() : String(r.ordered_at),
      })));
    },
    methods: serviceOrderMethods(behaviours, effects, async (ctx, orderIds) => decideGrabs(ctx, await requestedGrabs(onQueryable(ctx.db), { orderIds }), effects)),
  };
}
