import type { Logger } from 'pino';
import { coreBehaviours, createFullOrmEngine, type OrmEngine } from '../../../odoo-bridge/orm/index.ts';
import { LegacyCommandProcessor } from '../cdc/legacy-command-processor.ts';
import { provisionServiceDatabase } from '../db/provision.ts';
import type { ServiceDefinition } from '../define-service.ts';
import type { CommandProcessor, OdooFace, ServiceEngineOptions } from './odoo-face.ts';

/** A service definition that declares its Odoo face: its modules can move. */
export type ServiceWithOdooFace = ServiceDefinition<any> & { odoo: OdooFace };

export function hasOdooFace(definition: ServiceDefinition<any>): definition is ServiceWithOdooFace {
  return definition.odoo !== undefined;
}

/** The ORM engine over the service's database: Odoo's core behaviour, then the service's. */
export function createServiceEngine(definition: ServiceWithOdooFace, options: ServiceEngineOptions): OrmEngine {
  const engine = createFullOrmEngine({
    database: { name: options.name, pool: options.pool },
    behaviours: definition.odoo.behaviours(coreBehaviours(), options),
    ...(options.accessChanges ? { access: { changes: options.accessChanges } } : {}),
  });
  const observe = definition.odoo.callObserver?.(options);
  if (!observe) return engine;
  const served = new Set(definition.odoo.models.map((m) => m.model));
  return {
    ...engine,
    async call(request) {
      const answer = await engine.call(request);
      if (served.has(request.model)) await observe(request, answer);
      return answer;
    },
  };
}

/** Creates the service's database when missing and migrates it (the face's own provisioning, or the kit's). */
export function provisionService(definition: ServiceWithOdooFace, serviceUrl: string): Promise<void> {
  return definition.odoo.provision ? definition.odoo.provision(serviceUrl) : provisionServiceDatabase(serviceUrl, definition.migrations);
}

/**
 * The processor of legacy writes to the service's tables after cutover. `ownedTables`: every table
 * of the service's modules as the legacy database has them (the control plane's module plans:
 * models' tables and their many2many relation tables); without it, the tables of the models the
 * face serves.
 */
export function serviceCommandProcessor(definition: ServiceWithOdooFace, options: { url: string; logger: Logger; ownedTables?: readonly string[] }): CommandProcessor {
  const { ownedTables, ...common } = options;
  if (definition.odoo.commandProcessor) return definition.odoo.commandProcessor(common);
  const tables = new Set([...definition.odoo.models.map((m) => m.table), ...(ownedTables ?? [])]);
  return new LegacyCommandProcessor({ ...common, service: definition.name, ownedTables: [...tables] });
}
