import pg from 'pg';
import { SagaRejected } from '../../../services/kit/saga/saga.ts';
import type { Migration } from '../../../services/kit/db/migrations.ts';
import type { OrderCreationPorts } from '../../../services/trade/domain/order-creation-saga.ts';

/**
 * Small real owners for the OrderCreationSaga's ports, on real tables. The effect tables have
 * no unique constraint on the idempotency key: each port makes itself idempotent (advisory lock
 * + look-up by key), so a runner that re-ran a step under another key, or ran it twice at once,
 * would leave a second row for the crash test to find.
 *
 * Scripted outcomes, by request: user 13 is blocked (rejected at verify), amount 950 is declined
 * (rejected at payment), amount 777 hits a payment gateway that is always down (retries run out).
 * Any reserve call also fails transiently with probability `flakiness`.
 */
export const SAGA_FIXTURE_MIGRATIONS: Migration[] = [
  {
    id: 'test_0001_saga_owners',
    sql: `
      CREATE TABLE saga_requests (key text PRIMARY KEY, customer_id integer NOT NULL, amount numeric NOT NULL);
      CREATE TABLE saga_users (id integer PRIMARY KEY, blocked boolean NOT NULL DEFAULT false, locked boolean NOT NULL DEFAULT false);
      CREATE TABLE saga_user_locks (id serial PRIMARY KEY, key text NOT NULL, user_id integer NOT NULL, reason text);
      CREATE TABLE saga_orders (id serial PRIMARY KEY, create_key text NOT NULL, customer_id integer NOT NULL, amount numeric NOT NULL, state text NOT NULL);
      CREATE TABLE saga_order_cancellations (id serial PRIMARY KEY, key text NOT NULL, order_id integer NOT NULL);
      CREATE TABLE saga_reservations (id serial PRIMARY KEY, reserve_key text NOT NULL, order_id integer NOT NULL, amount numeric NOT NULL, state text NOT NULL);
      CREATE TABLE saga_releases (id serial PRIMARY KEY, key text NOT NULL, reservation_id integer NOT NULL);
      INSERT INTO saga_users (id, blocked) SELECT g, g = 13 FROM generate_series(1, 50) g;
    `,
  },
];

export function sagaPorts(pool: pg.Pool, flakiness = 0): OrderCreationPorts {
  /** Runs `work` once per key: under a per-key lock, if no row carries the key yet. */
  const once = async <T>(key: string, find: (c: pg.PoolClient) => Promise<T | undefined>, make: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [key]);
      const found = await find(client);
      const result = found !== undefined ? found : await make(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const one = async <T>(c: pg.PoolClient, text: string, values: unknown[]): Promise<T | undefined> => (await c.query(text, values)).rows[0] as T | undefined;

  return {
    users: {
      async verify(userId) {
        const user = (await pool.query<{ blocked: boolean }>('SELECT blocked FROM saga_users WHERE id = $1', [userId])).rows[0];
        if (!user || user.blocked) throw new SagaRejected(`user ${userId} may not order`);
        return { userId };
      },
      async lock(userId, reason, key) {
        await once(key, (c) => one(c, 'SELECT id FROM saga_user_locks WHERE key = $1', [key]), async (c) => {
          await c.query('INSERT INTO saga_user_locks (key, user_id, reason) VALUES ($1, $2, $3)', [key, userId, reason]);
          await c.query('UPDATE saga_users SET locked = true WHERE id = $1', [userId]);
          return { done: true };
        });
      },
    },
    orders: {
      async create(order, key) {
        return once(
          key,
          async (c) => {
            const row = await one<{ id: number }>(c, 'SELECT id FROM saga_orders WHERE create_key = $1', [key]);
            return row ? { orderId: row.id, name: `SO/${row.id}` } : undefined;
          },
          async (c) => {
            const row = (await one<{ id: number }>(c, `INSERT INTO saga_orders (create_key, customer_id, amount, state) VALUES ($1, $2, $3, 'pending_payment') RETURNING id`, [
              key, order.customerId, order.amount,
            ]))!;
            return { orderId: row.id, name: `SO/${row.id}` };
          },
        );
      },
      async cancel({ createKey }, key) {
        await once(key, (c) => one(c, 'SELECT id FROM saga_order_cancellations WHERE key = $1', [key]), async (c) => {
          const order = await one<{ id: number }>(c, 'SELECT id FROM saga_orders WHERE create_key = $1', [createKey]);
          if (order) {
            await c.query('INSERT INTO saga_order_cancellations (key, order_id) VALUES ($1, $2)', [key, order.id]);
            await c.query(`UPDATE saga_orders SET state = 'cancelled' WHERE id = $1`, [order.id]);
          }
          return { done: true };
        });
      },
    },
    payments: {
      async reserve(reservation, key) {
        if (Number(reservation.amount) === 950) throw new SagaRejected('payment declined');
        if (Number(reservation.amount) === 777) throw new Error('payment gateway unavailable');
        if (Math.random() < flakiness) throw new Error('payment gateway timeout');
        return once(
          key,
          async (c) => {
            const row = await one<{ id: number }>(c, 'SELECT id FROM saga_reservations WHERE reserve_key = $1', [key]);
            return row ? { reservationId: row.id } : undefined;
          },
          async (c) => {
            const row = (await one<{ id: number }>(c, `INSERT INTO saga_reservations (reserve_key, order_id, amount, state) VALUES ($1, $2, $3, 'reserved') RETURNING id`, [
              key, reservation.orderId, reservation.amount,
            ]))!;
            return { reservationId: row.id };
          },
        );
      },
      async release({ reserveKey }, key) {
        await once(key, (c) => one(c, 'SELECT id FROM saga_releases WHERE key = $1', [key]), async (c) => {
          const reservation = await one<{ id: number }>(c, 'SELECT id FROM saga_reservations WHERE reserve_key = $1', [reserveKey]);
          if (reservation) {
            await c.query('INSERT INTO saga_releases (key, reservation_id) VALUES ($1, $2)', [key, reservation.id]);
            await c.query(`UPDATE saga_reservations SET state = 'released' WHERE id = $1`, [reservation.id]);
          }
          return { done: true };
        });
      },
    },
  };
}
