import { coreBehaviours, type BehaviourRegistry, type ModelCaller } from '../../odoo-bridge/orm/index.ts';
import type { ServiceDefinition } from '../../services/kit/index.ts';
import { SERVICE_CATALOG } from '../../services/catalog.ts';
import { registerLegacyAddons } from './index.ts';

/** Every built service's definition, from the catalogue (planned services have none yet). */
export async function builtServices(): Promise<ServiceDefinition<any>[]> {
  return Promise.all(Object.values(SERVICE_CATALOG).flatMap((entry) => ('load' in entry ? [entry.load()] : [])));
}

/**
 * The Python the monolith's engine runs while every module is still `legacy`: core behaviours,
 * the legacy addons kept here, and each service's legacy behaviours (hp business methods, the
 * points ledger, the holes services close), as the migration runtime's legacy engine registers
 * them (migration/control/migration-runtime.ts, for the services its plans move). For what serves
 * hp_legacy outside that runtime (bench/differential/ficus-server.ts, recorded hp security
 * probes), so that it answers what the product answers.
 */
export function legacyPhaseBehaviours(services: readonly ServiceDefinition<any>[], callModel: ModelCaller): BehaviourRegistry {
  const behaviours = registerLegacyAddons(coreBehaviours(), { callModel });
  for (const service of services) service.odoo?.legacyBehaviours(behaviours, { callModel });
  return behaviours;
}
