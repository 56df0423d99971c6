import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BehaviourRegistry, ModelCaller } from '../../odoo-bridge/orm/write/behaviour-registry.ts';
import { registerHpGrowth } from './hp-growth.ts';

/** What legacy addons may use beyond their own tables. */
export interface LegacyAddonPorts {
  /** Other models' public methods, through the dispatch clients' calls take. */
  callModel: ModelCaller;
  /** The gateway's logger and metrics (services' legacy behaviours report side effects with them). */
  logger?: Logger;
  metrics?: Registry;
  /** The monolith's database this engine serves and the services' databases (LegacyBehaviourPorts says why). */
  legacyPool?: pg.Pool;
  servicePool?: (service: string) => pg.Pool;
}

/**
 * Python of modules that stay legacy but that the legacy side's engine must still answer like
 * the monolith because flows of migrated modules run through them. It is nobody's service code:
 * when the owning service joins the migration, its definition's `legacyBehaviours` takes the
 * module over and the file leaves here (hp_payment went to finance, hp_personal to user, hp_mall to ec).
 */
export function registerLegacyAddons(behaviours: BehaviourRegistry, ports: LegacyAddonPorts): BehaviourRegistry {
  registerHpGrowth(behaviours);
  return behaviours;
}
