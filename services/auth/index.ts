import { defineService } from '../kit/index.ts';
import { AUTH_MIGRATIONS } from './db/migrations.ts';
import type { AuthDatabase } from './db/tables.ts';
import { sessionAuthority } from './domain/session-authority.ts';
import { AUTH_PUBLISHES } from './events.ts';
import { AUTH_BUSINESS_METHODS, registerAccountBehaviours } from './odoo/behaviours.ts';
import { AUTH_ODOO_MODELS } from './odoo/models.ts';
import { AUTH_ROUTES, AUTH_SHARED_PATHS } from './routes/index.ts';

/**
 * Auth: sign-in, registration, tokens and permissions for every app (M01 hp_account). It issues
 * the access tokens every service verifies, and answers whether a token's session is still alive
 * (sessionAuthority). res.users itself stays the monolith's until the last module leaves it:
 * auth checks credentials and creates members there, and owns hp.auth.token and hp.permission,
 * whose rows it writes on whichever side owns M01 now (db/token-home.ts). MIGRATION.md draws the
 * boundary.
 */
export default defineService<AuthDatabase>({
  name: 'auth',
  modules: ['M01'],
  publishes: AUTH_PUBLISHES,
  routes: AUTH_ROUTES,
  sharedPaths: AUTH_SHARED_PATHS,
  restAuthorization: 'self',
  subscriptions: [],
  migrations: AUTH_MIGRATIONS,
  sessionAuthority,
  odoo: {
    models: AUTH_ODOO_MODELS,
    behaviours: registerAccountBehaviours,
    businessMethods: AUTH_BUSINESS_METHODS,
    legacyBehaviours: registerAccountBehaviours,
  },
});
