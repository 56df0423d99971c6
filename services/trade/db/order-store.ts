import { sql } from 'kysely';
import { TRANSITIONS, type OrderAction } from '../domain/service-order-states.ts';
import { build, type SqlRunner } from './sql-runner.ts';

const utcNow = sql<string>`(now() at time zone 'UTC')`;
const utcSecond = sql<string>`date_trunc('second', now() at time zone 'UTC')`;

export async function readOrder(db: SqlRunner, id: number) {
  const [row] = await db.run(
    build.selectFrom('service_orders').select(['id', 'name', 'state', 'customer_id', 'health_worker_id', 'service_id', 'ordered_at', 'completed_at']).select((eb) => eb.cast<string>('amount', 'text').as('amount')).where('id', '=', id),
  );
  return row;
}

/**
 * One transition as one guarded UPDATE (state still one the action leaves from), so a
 * concurrent transition of the same order cannot be overwritten; returns the row when it applied.
 */
export async function applyTransition(db: SqlRunner, id: number, action: OrderAction, uid: number, workerId?: number) {
  const t = TRANSITIONS[action];
  const [row] = await db.run(
    build
      .updateTable('service_orders')
      .set({
        state: t.to,
        write_uid: uid,
        write_date: utcNow,
        ...(action === 'action_assign' ? { health_worker_id: workerId! } : {}),
        ...(action === 'action_complete' ? { completed_at: utcSecond } : {}),
      })
      .where('id', '=', id)
      .where('state', 'in', [...t.from])
      .returning(['id', 'name', 'state', 'customer_id', 'health_worker_id', 'service_id', 'completed_at'])
      .returning((eb) => eb.cast<string>('amount', 'text').as('amount')),
  );
  return row;
}
