import { sql } from 'kysely';
import { GRABBABLE_STATE } from '../domain/grab-decision.ts';
import type { GrabStore, RequestedGrab } from '../domain/grab-orders.ts';
import { build, type SqlRunner } from './sql-runner.ts';

const utcNow = sql<string>`(now() at time zone 'UTC')`;

/**
 * hp_grab's create order: lock the orders (ascending ids, so batches cannot deadlock) before the
 * grab rows are inserted, whose foreign-key check would otherwise take a weaker lock first.
 */
export async function lockOrders(db: SqlRunner, orderIds: readonly number[]): Promise<void> {
  const ids = [...new Set(orderIds)].sort((a, b) => a - b);
  if (!ids.length) return;
  await db.run(build.selectFrom('service_orders').select('id').where('id', 'in', ids).orderBy('id').forUpdate());
}

/**
 * The domain's GrabStore (domain/grab-orders.ts) on one connection. The order is assigned by a
 * single UPDATE guarded by state = paid AND no worker: whichever transaction's UPDATE matches
 * first wins, a concurrent one matches nothing (READ COMMITTED re-checks the guard; REPEATABLE
 * READ fails and the engine retries the call, which then matches nothing). No read decides anything.
 */
export function grabStore(db: SqlRunner): GrabStore {
  return {
    async assignIfGrabbable(grab, uid) {
      const [assigned] = await db.run(
        build
          .updateTable('service_orders')
          .set({ state: 'assigned', health_worker_id: grab.coachId, write_uid: uid, write_date: utcNow })
          .where('id', '=', grab.serviceOrderId)
          .where('state', '=', GRABBABLE_STATE)
          .where('health_worker_id', 'is', null)
          .returning(['id', 'customer_id']),
      );
      return assigned ? { customerId: assigned.customer_id } : null;
    },
    async recordOutcome(grabId, state, uid) {
      await db.run(
        build
          .updateTable('grab_orders')
          .set({ state, decided_at: sql<string>`date_trunc('second', now() at time zone 'UTC')`, write_uid: uid, write_date: utcNow })
          .where('id', '=', grabId)
          .where('state', '=', 'requested'),
      );
    },
  };
}

/** Requested grabs among `grabIds` (or of `orderIds`), in id order: the order they are decided in. */
export async function requestedGrabs(db: SqlRunner, filter: { grabIds?: readonly number[]; orderIds?: readonly number[] }): Promise<RequestedGrab[]> {
  let q = build.selectFrom('grab_orders').select(['id', 'service_order_id', 'coach_id']).where('state', '=', 'requested');
  if (filter.grabIds) q = q.where('id', 'in', filter.grabIds.length ? [...filter.grabIds] : [0]);
  if (filter.orderIds) q = q.where('service_order_id', 'in', filter.orderIds.length ? [...filter.orderIds] : [0]);
  const rows = await db.run(q.orderBy('id'));
  return rows.map((r) => ({ id: r.id, serviceOrderId: r.service_order_id, coachId: r.coach_id }));
}
