import type pg from 'pg';
import type { Logger } from 'pino';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { coreBehaviours } from '../../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { nextOrderName } from '../db/order-names.ts';
import { onQueryable } from '../db/sql-runner.ts';
import type { PointsAwardAdapter } from '../legacy/points-award-adapter.ts';
import { registerTradeBehaviours } from './behaviours.ts';
import { tradeSideEffects } from './outbox-events.ts';

/**
 * The ORM engine over svc_trade: M04/M20's tables plus the reference copies the engine reads
 * (migration/control/sync/reference-tables.ts), with hp_marketplace/hp_grab behaviour, order
 * names from trade's own counter, events into trade's outbox, and points for completed orders
 * through the legacy adapter.
 */
export function createTradeOrmEngine(options: { name: string; pool: pg.Pool; points: PointsAwardAdapter; logger: Logger }): OrmEngine {
  const behaviours = registerTradeBehaviours(coreBehaviours(), {
    effects: tradeSideEffects((orders) => options.points.award(orders), options.logger),
    withoutForeignKeys: true,
    nextOrderName: async (ctx) => nextOrderName(onQueryable(ctx.db)),
  });
  return createFullOrmEngine({ database: { name: options.name, pool: options.pool }, behaviours });
}
