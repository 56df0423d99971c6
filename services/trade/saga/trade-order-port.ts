import type pg from 'pg';
import { SagaRejected } from '../../kit/index.ts';
import { nextOrderName } from '../db/order-names.ts';
import { onQueryable } from '../db/sql-runner.ts';
import type { OrderPort } from '../domain/order-creation-saga.ts';
import { COMPANY_CURRENCY } from '../domain/health-service.ts';

/**
 * The saga's "create order" on trade's own tables (trade owns M04 once cut over): a draft
 * hp.service.order named from the order sequence, once per key (order_creation_keys, in the
 * same transaction); its compensation cancels it if it is still before payment.
 */
export function tradeOrderPort(trade: pg.Pool): OrderPort {
  return {
    async create(order, idempotencyKey) {
      const client = await trade.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [idempotencyKey]);
        const done = await client.query<{ order_id: number; name: string }>('SELECT k.order_id, o.name FROM order_creation_keys k JOIN service_orders o ON o.id = k.order_id WHERE k.key = $1', [idempotencyKey]);
        if (done.rows[0]) {
          await client.query('COMMIT');
          return { orderId: done.rows[0].order_id, name: done.rows[0].name };
        }
        const service = await client.query<{ price: string | null }>('SELECT price::text AS price FROM health_services WHERE id = $1 AND active', [order.serviceId]);
        if (!service.rows[0]) throw new SagaRejected(`health service ${order.serviceId} does not exist or is archived`);
        const name = await nextOrderName(onQueryable(client));
        const { rows } = await client.query<{ id: number }>(
          `INSERT INTO service_orders (name, customer_id, service_id, currency_id, amount, state, ordered_at, note, create_uid, write_uid, create_date, write_date)
           VALUES ($1, $2, $3, $4, $5, 'draft', now() at time zone 'UTC', $6, $2, $2, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`,
          [name, order.customerId, order.serviceId, COMPANY_CURRENCY.id, order.amount, order.note ?? null],
        );
        await client.query('INSERT INTO order_creation_keys (key, order_id) VALUES ($1, $2)', [idempotencyKey, rows[0]!.id]);
        await client.query('COMMIT');
        return { orderId: rows[0]!.id, name };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async cancel({ createKey }) {
      await trade.query(
        `UPDATE service_orders SET state = 'cancelled', write_date = now() at time zone 'UTC'
          WHERE id = (SELECT order_id FROM order_creation_keys WHERE key = $1) AND state IN ('draft', 'pending_payment')`,
        [createKey],
      );
    },
  };
}
