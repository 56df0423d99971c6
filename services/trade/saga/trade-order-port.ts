import type { Kysely } from 'kysely';
import type pg from 'pg';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import { inPgTransaction, SagaRejected } from '../../kit/index.ts';
import { nextOrderName } from '../db/order-names.ts';
import { build, onKysely, onQueryable, queryableOf, type SqlRunner } from '../db/sql-runner.ts';
import { COMPANY_CURRENCY, orderAmount } from '../domain/health-service.ts';
import { CustomerHeld, type OrderCreated, type OrderCreationInput, type OrderPort } from '../domain/order-creation-saga.ts';
import { orderCreatedEvent, writeOutbox } from '../odoo/outbox-events.ts';

/**
 * The saga's "create order" on trade's own tables (trade owns M04 once cut over), once per key:
 * a draft hp.service.order as hp.service.order's create makes it (named from the order sequence,
 * the amount defaulting to the service's price, created and written by the customer), its
 * creation key (order_creation_keys) and its order_created event, in one transaction: the
 * request's (`createIn`, POST /trade/service-orders) or its own (`create`, a saga run by the
 * runner alone). Its compensation cancels the order if it is still before payment.
 */
export function tradeOrderPort(trade: pg.Pool): OrderPort {
  return {
    createIn: (tx, order, key) => createOrderOnce(onKysely(tx), queryableOf(tx), order, key),
    create: (order, key) => inPgTransaction(trade, (client) => createOrderOnce(onQueryable(client), client, order, key)),
    async cancel({ createKey }) {
      await trade.query(
        `UPDATE service_orders SET state = 'cancelled', write_date = now() at time zone 'UTC'
          WHERE id = (SELECT order_id FROM order_creation_keys WHERE key = $1) AND state IN ('draft', 'pending_payment')`,
        [createKey],
      );
    },
  };
}

/**
 * The create itself, on the caller's transaction. A hold placed since the user was verified (an
 * earlier order of theirs failed meanwhile) is seen here, in the transaction of the insert.
 */
async function createOrderOnce(run: SqlRunner, outbox: Parameters<typeof writeOutbox>[0], order: OrderCreationInput, key: string): Promise<OrderCreated> {
  await outbox.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
  const [done] = await run.run(build.selectFrom('order_creation_keys as k').innerJoin('service_orders as o', 'o.id', 'k.order_id').select(['k.order_id', 'o.name']).select((eb) => eb.cast<string>('o.amount', 'text').as('amount')).where('k.key', '=', key));
  if (done) return { orderId: done.order_id, name: done.name, amount: String(Number(done.amount ?? 0)) };
  const [held] = await run.run(build.selectFrom('customer_holds').select('user_id').where('user_id', '=', order.customerId).limit(1));
  if (held) throw new CustomerHeld(order.customerId);
  const [service] = await run.run(build.selectFrom('health_services').select('price').where('id', '=', order.serviceId).where('active', '=', true));
  if (!service) throw new SagaRejected(`health service ${order.serviceId} does not exist or is archived`);
  const now = odooNow();
  const uid = order.customerId;
  const [row] = await run.run(
    build.insertInto('service_orders').values({
      name: await nextOrderName(run), customer_id: uid, service_id: order.serviceId, currency_id: COMPANY_CURRENCY.id,
      amount: String(orderAmount(order.amount, service.price)), state: 'draft', ordered_at: now, note: order.note ?? null,
      create_uid: uid, write_uid: uid, create_date: now, write_date: now,
    }).returning(['id', 'name', 'state', 'service_id']).returning((eb) => eb.cast<string>('amount', 'text').as('amount')),
  );
  await run.run(build.insertInto('order_creation_keys').values({ key, order_id: row!.id }));
  await writeOutbox(outbox, [orderCreatedEvent({ id: row!.id, name: row!.name, customerId: uid, serviceId: row!.service_id, amount: row!.amount, state: row!.state, orderedAt: now })]);
  return { orderId: row!.id, name: row!.name, amount: String(Number(row!.amount)) };
}
