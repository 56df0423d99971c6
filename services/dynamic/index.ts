import { defineService } from '../kit/index.ts';
import { DYNAMIC_MIGRATIONS } from './db/migrations.ts';
import { DYNAMIC_BUSINESS_METHODS, registerFeedBehaviours } from './odoo/behaviours.ts';
import { DYNAMIC_ODOO_MODELS } from './odoo/models.ts';

/**
 * Dynamic: the activity feed (M19 hp_feed). Its Odoo models are served through the ORM engine
 * over svc_dynamic, which holds M19's tables and read-only copies of the metadata, access and
 * user tables the engine reads (synced forward from legacy), so the unchanged engine serves it
 * with hp_feed's behaviour on top (odoo/behaviours.ts), the same on both sides of the cut. The
 * database is the kit's provisioning of db/migrations.ts; legacy writes to its tables after
 * cutover arrive as commands, applied by the kit's processor.
 */
export default defineService({
  name: 'dynamic',
  modules: ['M19'],
  publishes: [],
  routes: [],
  subscriptions: [],
  migrations: DYNAMIC_MIGRATIONS,
  odoo: {
    models: DYNAMIC_ODOO_MODELS,
    behaviours: (registry) => registerFeedBehaviours(registry),
    businessMethods: DYNAMIC_BUSINESS_METHODS,
    legacyBehaviours: registerFeedBehaviours,
  },
});
