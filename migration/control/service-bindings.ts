import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CallHandler } from '../../odoo-bridge/call.ts';
import type { BehaviourRegistry } from '../../odoo-bridge/orm/write/behaviour-registry.ts';
import { LegacyCommandProcessor } from '../../services/dynamic/commands.ts';
import { provisionDynamicDatabase } from '../../services/dynamic/db/provision.ts';
import { DYNAMIC_BUSINESS_METHODS, registerFeedBehaviours } from '../../services/dynamic/odoo/behaviours.ts';
import { createDynamicOrmEngine } from '../../services/dynamic/odoo/engine.ts';
import { TradeLegacyCommandProcessor } from '../../services/trade/commands.ts';
import { provisionTradeDatabase } from '../../services/trade/db/provision.ts';
import { registerLegacyTradeBehaviours } from '../../services/trade/legacy/legacy-behaviours.ts';
import { embeddedPointsAward, unavailablePointsAward } from '../../services/trade/legacy/points-award-adapter.ts';
import { TRADE_BUSINESS_METHODS } from '../../services/trade/odoo/behaviours.ts';
import { createTradeOrmEngine } from '../../services/trade/odoo/engine.ts';

export interface ServiceEngineOptions {
  /** The database name clients use (hp_legacy). */
  name: string;
  /** The service's own database. */
  pool: pg.Pool;
  /** The monolith's database, for legacy adapters performing side effects across the cut. */
  legacyPool?: pg.Pool;
  metrics?: Registry;
  /** Where the engine logs what no client sees (work after a commit). */
  logger: Logger;
}

/**
 * What the control plane needs from a service that takes over modules: create its database,
 * answer its Odoo models, the business methods it provides, the Python behaviour the legacy
 * side's engine needs for those models, and the processor of legacy commands. One entry per
 * service as it joins the migration.
 */
export interface ServiceBinding {
  provision(serviceUrl: string): Promise<void>;
  engine(options: ServiceEngineOptions): { call: CallHandler };
  providedMethods: Readonly<Record<string, readonly string[]>>;
  registerLegacyBehaviours(behaviours: BehaviourRegistry): BehaviourRegistry;
  commandProcessor(options: { url: string; logger: Logger }): { start(): Promise<void>; stop(): Promise<void> };
}

export const SERVICE_BINDINGS: Readonly<Record<string, ServiceBinding>> = {
  dynamic: {
    provision: provisionDynamicDatabase,
    engine: createDynamicOrmEngine,
    providedMethods: DYNAMIC_BUSINESS_METHODS,
    registerLegacyBehaviours: registerFeedBehaviours,
    commandProcessor: (options) => new LegacyCommandProcessor(options),
  },
  trade: {
    provision: provisionTradeDatabase,
    engine: ({ name, pool, legacyPool, metrics, logger }) =>
      createTradeOrmEngine({ name, pool, logger, points: legacyPool ? embeddedPointsAward(legacyPool, metrics) : unavailablePointsAward(metrics) }),
    providedMethods: TRADE_BUSINESS_METHODS,
    registerLegacyBehaviours: registerLegacyTradeBehaviours,
    commandProcessor: (options) => new TradeLegacyCommandProcessor(options),
  },
};

export function bindingFor(service: string): ServiceBinding {
  const binding = SERVICE_BINDINGS[service];
  if (!binding) throw new Error(`service ${service} cannot take over modules yet (no binding in migration/control/service-bindings.ts)`);
  return binding;
}
