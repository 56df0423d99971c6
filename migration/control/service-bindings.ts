import type pg from 'pg';
import type { Logger } from 'pino';
import type { CallHandler } from '../../odoo-bridge/call.ts';
import { LegacyCommandProcessor } from '../../services/dynamic/commands.ts';
import { provisionDynamicDatabase } from '../../services/dynamic/db/provision.ts';
import { DYNAMIC_BUSINESS_METHODS, registerFeedBehaviours } from '../../services/dynamic/odoo/behaviours.ts';
import { createDynamicOrmEngine } from '../../services/dynamic/odoo/engine.ts';
import type { BehaviourRegistry } from '../../odoo-bridge/orm/write/behaviour-registry.ts';

/**
 * What the control plane needs from a service that takes over modules: create its database,
 * answer its Odoo models, the business methods it provides, the Python behaviour the legacy
 * side's engine needs for those models, and the processor of legacy commands. One entry per
 * service as it joins the migration.
 */
export interface ServiceBinding {
  provision(serviceUrl: string): Promise<void>;
  engine(options: { name: string; pool: pg.Pool }): { call: CallHandler };
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
};

export function bindingFor(service: string): ServiceBinding {
  const binding = SERVICE_BINDINGS[service];
  if (!binding) throw new Error(`service ${service} cannot take over modules yet (no binding in migration/control/service-bindings.ts)`);
  return binding;
}
