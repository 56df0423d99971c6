import type pg from 'pg';
import type { OrmEngine } from '../../../odoo-bridge/orm/engine.ts';
import { coreBehaviours } from '../../../odoo-bridge/orm/write/core/core-behaviours.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { registerFeedBehaviours } from './behaviours.ts';

/**
 * The ORM engine over svc_dynamic. The service database holds M19's tables and read-only copies
 * of the metadata, access and user tables the engine reads (synced forward from legacy, see
 * migration/control/sync/reference-tables.ts), so the unchanged engine serves it: no hook in
 * the engine was needed. `name` is the database name clients use (hp_legacy).
 */
export function createDynamicOrmEngine(options: { name: string; pool: pg.Pool }): OrmEngine {
  return createFullOrmEngine({
    database: { name: options.name, pool: options.pool },
    behaviours: registerFeedBehaviours(coreBehaviours()),
  });
}
