import type { BehaviourRegistry } from '../../../odoo-bridge/orm/index.ts';
import type { ServiceEngineOptions } from '../../kit/index.ts';
import { nextOrderName } from '../db/order-names.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { embeddedPointsAward, unavailablePointsAward } from '../legacy/points-award-adapter.ts';
import { registerTradeBehaviours } from './behaviours.ts';
import { tradeSideEffects } from './outbox-events.ts';

/**
 * Trade's behaviour on the ORM engine over svc_trade: M04/M20's tables plus the reference
 * copies the engine reads (synced forward from legacy), with hp_marketplace/hp_grab behaviour,
 * order names from trade's own counter, events into trade's outbox, and points for completed
 * orders through the legacy adapter (hp_points, M14, is still in the monolith): written into
 * the legacy database when the engine has it, otherwise refused loudly.
 */
export function registerTradeEngineBehaviours(behaviours: BehaviourRegistry, engine: ServiceEngineOptions): BehaviourRegistry {
  const points = engine.legacyPool ? embeddedPointsAward(engine.legacyPool, engine.metrics) : unavailablePointsAward(engine.metrics);
  return registerTradeBehaviours(behaviours, {
    effects: tradeSideEffects((orders) => points.award(orders), engine.logger),
    withoutForeignKeys: true,
    nextOrderName: async (ctx) => nextOrderName(onQueryable(ctx.db)),
  });
}
