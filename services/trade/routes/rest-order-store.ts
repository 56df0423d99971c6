import { problems, type AccessPort, type Bus, type RouteContext } from '../../kit/index.ts';
import type { TradeDatabase } from '../db/database.ts';
import { readOrder } from '../db/order-store.ts';
import { build, type SqlRunner } from '../db/sql-runner.ts';
import { userExists } from '../db/user-facts.ts';
import type { OrderEffects } from '../domain/order-effects.ts';
import { OrderRefused, type OrderRecord, type OrderStore } from '../domain/order-transitions.ts';
import { OPERATOR_GROUP } from '../domain/service-order-states.ts';
import { pointsAwardFor } from '../legacy/points-award-adapter.ts';
import { tradeOrderEffects } from '../odoo/outbox-events.ts';
import { sql } from 'kysely';

const MODEL = 'hp.service.order';

/**
 * The domain's OrderStore on a REST request: the kit's access port checks what the ORM engine
 * checks over RPC (read ACL and rules before the state is read, 404 outside them; write ACL and
 * rules before the write, 403), and the write is one guarded UPDATE (state still one the action
 * leaves from), so a concurrent transition cannot be overwritten.
 */
export function restOrderStore(run: SqlRunner, access: AccessPort): OrderStore {
  return {
    async read(ids) {
      await access.check(MODEL, 'read', ids, 'service order');
      const rows: OrderRecord[] = [];
      for (const id of new Set(ids)) {
        const row = (await readOrder(run, id))!;
        rows.push({ id: row.id, name: row.name, state: row.state, customerId: row.customer_id, healthWorkerId: row.health_worker_id, serviceId: row.service_id, amount: row.amount });
      }
      return rows;
    },
    async write(ids, vals, from) {
      await access.check(MODEL, 'write', ids, 'service order');
      const changed = await run.run(
        build.updateTable('service_orders')
          .set({ ...vals, write_uid: access.uid, write_date: sql<string>`(now() at time zone 'UTC')` })
          .where('id', 'in', [...ids]).where('state', 'in', [...from]).returning('id'),
      );
      // Another transition won the race between our read and this guarded update.
      if (changed.length !== ids.length) throw new OrderRefused('state', `Order ${ids.join(', ')}: its state changed meanwhile; read it again.`);
    },
    callerIsOperator: () => access.hasGroup(OPERATOR_GROUP),
    userExists: (id) => userExists(run, id),
  };
}

/**
 * Trade's side effects on a REST request: the events through the kit's outbox writer in the
 * request's transaction, the points award through the legacy adapter once it committed, exactly
 * the effects an Odoo client's call has (odoo/outbox-events.ts `tradeOrderEffects`).
 */
export function restOrderEffects(ctx: Pick<RouteContext<TradeDatabase>, 'db' | 'afterCommit' | 'legacyPool' | 'log'> & { bus: Bus<TradeDatabase> }): OrderEffects {
  const points = pointsAwardFor(ctx.legacyPool);
  return tradeOrderEffects(
    {
      writeEvents: async (events) => void (await ctx.bus.publishMany(ctx.db, events)),
      afterCommit: (work) => ctx.afterCommit(() => work().catch((error: unknown) => ctx.log.warn({ err: error }, 'trade after-commit work failed; the change is committed and its outbox event retries it'))),
    },
    (orders) => points.award(orders),
  );
}

/** The domain's refusals as problems: a state refusal is 409, a caller refusal 403, a bad argument 422. */
export async function asProblems<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof OrderRefused)) throw error;
    throw error.kind === 'state' ? problems.conflict(error.message) : error.kind === 'access' ? problems.forbidden(error.message) : problems.unprocessable(error.message);
  }
}
