import { defineService } from '../kit/index.ts';
import { DYNAMIC_MIGRATIONS } from './db/migrations.ts';
import { DYNAMIC_ODOO_MODELS } from './odoo/models.ts';

/**
 * Dynamic: the activity feed (M19 hp_feed). Its Odoo models are served through the ORM engine
 * over svc_dynamic (odoo/engine.ts), with hp_feed's behaviour (odoo/behaviours.ts); legacy
 * writes to its tables after cutover arrive as commands (commands.ts).
 */
export default defineService({
  name: 'dynamic',
  modules: ['M19'],
  owns: {
    models: DYNAMIC_ODOO_MODELS.map((m) => m.model),
    tables: DYNAMIC_ODOO_MODELS.map((m) => m.table),
  },
  publishes: [],
  routes: [],
  subscriptions: [],
  migrations: DYNAMIC_MIGRATIONS,
});
