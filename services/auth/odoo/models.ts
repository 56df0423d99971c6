import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models auth serves once M01 reaches phase `service`. res.users itself stays the monolith's (MIGRATION.md). */
export const AUTH_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.auth.token', table: 'auth_tokens', module: 'M01' },
  { model: 'hp.permission', table: 'permissions', module: 'M01' },
];
