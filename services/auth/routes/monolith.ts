import type pg from 'pg';
import { createCredentialStore, type CredentialStore } from '../../../odoo-bridge/orm/index.ts';
import { problems } from '../../kit/index.ts';

/**
 * The monolith's database: res_users (passwords, API keys, groups) stays the monolith's until
 * every module has left it, so auth checks credentials and users there. Without it auth cannot
 * answer at all.
 */
export function monolith(legacyPool: pg.Pool | null): pg.Pool {
  if (!legacyPool) throw problems.unavailable('the auth service has no connection to the monolith\'s users (LEGACY_DATABASE_URL)', 30);
  return legacyPool;
}

const stores = new WeakMap<pg.Pool, CredentialStore>();

/**
 * Odoo's own credential checks over the monolith's tables. No verification cache: a REST login
 * happens once per session (refreshes never hash), so every login pays the legacy hash cost and
 * no password is held in memory after its check.
 */
export function legacyCredentials(pool: pg.Pool): CredentialStore {
  let store = stores.get(pool);
  if (!store) {
    store = createCredentialStore(pool, { cache: false });
    stores.set(pool, store);
  }
  return store;
}
