import { defineService } from '../kit/index.ts';
import { DYNAMIC_MIGRATIONS } from './db/migrations.ts';
import type { DynamicDatabase } from './db/tables.ts';
import { DYNAMIC_PUBLISHES, DYNAMIC_SUBSCRIPTIONS } from './events.ts';
import { DYNAMIC_BUSINESS_METHODS, registerFeedBehaviours } from './odoo/behaviours.ts';
import { DYNAMIC_ODOO_MODELS } from './odoo/models.ts';
import { DYNAMIC_ROUTES, DYNAMIC_SHARED_PATHS } from './routes/index.ts';

/**
 * Dynamic: the activity feed (M19 hp_feed). Every business event becomes activities delivered
 * to the feeds they concern (fan-out on write), read over REST (GET /users/{id}/feed, /trending)
 * through a cache that never outlives a removal, and over Odoo RPC as hp.activity,
 * hp.user.feed and hp.recommendation. Its rows live where M19 is owned now (db/feed-home.ts):
 * the monolith's tables until cutover, svc_dynamic's after. svc_dynamic holds M19's tables,
 * dynamic's own (relations, preferences, cache epochs) and read-only copies of the metadata,
 * access and user tables the engine reads (synced forward from legacy), so the unchanged engine
 * serves it with hp_feed's behaviour on top (odoo/behaviours.ts), the same on both sides of the
 * cut. Legacy writes to its tables after cutover arrive as commands, applied by the kit's processor.
 */
export default defineService<DynamicDatabase>({
  name: 'dynamic',
  modules: ['M19'],
  publishes: DYNAMIC_PUBLISHES,
  routes: DYNAMIC_ROUTES,
  sharedPaths: DYNAMIC_SHARED_PATHS,
  subscriptions: DYNAMIC_SUBSCRIPTIONS,
  migrations: DYNAMIC_MIGRATIONS,
  odoo: {
    models: DYNAMIC_ODOO_MODELS,
    behaviours: (registry) => registerFeedBehaviours(registry),
    businessMethods: DYNAMIC_BUSINESS_METHODS,
    legacyBehaviours: registerFeedBehaviours,
  },
});
