import { defineService } from '../kit/index.ts';
import { USER_MIGRATIONS } from './db/migrations.ts';
import type { UserDatabase } from './db/tables.ts';
import { USER_PUBLISHES, USER_SUBSCRIPTIONS } from './events.ts';
import { registerLegacyUserBehaviours } from './legacy/legacy-behaviours.ts';
import { USER_BUSINESS_METHODS, registerUserEngineBehaviours } from './odoo/behaviours.ts';
import { USER_ODOO_MODELS } from './odoo/models.ts';
import { auditOdooReads } from './domain/health-read-audit.ts';
import { USER_ROUTES, USER_SHARED_PATHS } from './routes/index.ts';

/**
 * User: members' health data (M02 hp_personal): health records, device bindings, goals and
 * assessments. Its tables keep their legacy names in svc_user, so the ORM engine serves
 * hp.health.record, hp.device.binding, hp.health.goal and hp.assessment with the addon's
 * behaviour (odoo/behaviours.ts over domain/), the same rules the REST routes run, and on the
 * monolith's tables while M02 is still legacy (legacy/legacy-behaviours.ts). Its REST works
 * where the rows live (routes/rest-access.ts). Legacy writes to its tables after cutover arrive
 * as commands, applied by the kit's processor.
 */
export default defineService<UserDatabase>({
  name: 'user',
  modules: ['M02'],
  publishes: USER_PUBLISHES,
  routes: USER_ROUTES,
  sharedPaths: USER_SHARED_PATHS,
  subscriptions: USER_SUBSCRIPTIONS,
  migrations: USER_MIGRATIONS,
  odoo: {
    models: USER_ODOO_MODELS,
    behaviours: registerUserEngineBehaviours,
    businessMethods: USER_BUSINESS_METHODS,
    legacyBehaviours: registerLegacyUserBehaviours,
    callObserver: (engine) => auditOdooReads(engine.pool),
  },
});
