import { defineService } from '../kit/index.ts';
import { BIZ_MIGRATIONS } from './db/migrations.ts';
import type { BizDatabase } from './db/tables.ts';
import { BIZ_PUBLISHES, BIZ_SUBSCRIPTIONS } from './events.ts';
import { registerLegacyBizBehaviours } from './legacy/legacy-behaviours.ts';
import { BIZ_BUSINESS_METHODS, registerBizEngineBehaviours } from './odoo/behaviours.ts';
import { BIZ_ODOO_MODELS } from './odoo/models.ts';
import { BIZ_ROUTES, BIZ_SHARED_PATHS } from './routes/index.ts';

/**
 * Biz: the coach and merchant workbench (M03 hp_workbench), live streams signed for Tencent Cloud
 * (M07 hp_live) and paid community groups (M08 hp_community_biz). Its tables keep their legacy
 * names in svc_biz, so the ORM engine serves hp.biz.dashboard, hp.live.stream,
 * hp.community.group and hp.community.member with the addons' behaviour (odoo/behaviours.ts over
 * domain/), the same rules the REST routes run, and on the monolith's tables while a module is
 * still legacy (legacy/legacy-behaviours.ts). The three modules change owner on their own; REST
 * and events work where each module's rows live (db/biz-home.ts). Legacy writes to its tables
 * after cutover arrive as commands, applied by the kit's processor.
 */
export default defineService<BizDatabase>({
  name: 'biz',
  modules: ['M03', 'M07', 'M08'],
  publishes: BIZ_PUBLISHES,
  routes: BIZ_ROUTES,
  sharedPaths: BIZ_SHARED_PATHS,
  subscriptions: BIZ_SUBSCRIPTIONS,
  migrations: BIZ_MIGRATIONS,
  odoo: {
    models: BIZ_ODOO_MODELS,
    behaviours: registerBizEngineBehaviours,
    businessMethods: BIZ_BUSINESS_METHODS,
    legacyBehaviours: registerLegacyBizBehaviours,
  },
});
