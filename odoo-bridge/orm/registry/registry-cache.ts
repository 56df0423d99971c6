import type { ServedDatabase } from '../../call.ts';
import { introspectRegistry } from './introspect.ts';
import type { Registry } from './types.ts';

/**
 * One registry per served database, loaded on first use and kept: no call pays for
 * introspection after the first. Keyed by pool so two names for one database share nothing
 * surprising, and a dropped pool's registry is collected with it.
 */
const cache = new WeakMap<object, Promise<Registry>>();

export function loadRegistry(database: ServedDatabase): Promise<Registry> {
  let pending = cache.get(database.pool);
  if (!pending) {
    pending = introspectRegistry(database.name, database.pool);
    cache.set(database.pool, pending);
    // A failed load (database down) must not poison the cache forever.
    pending.catch(() => cache.delete(database.pool));
  }
  return pending;
}

/** After a module install/upgrade on the legacy side: the next call reloads the metadata. */
export function forgetRegistry(database: ServedDatabase): void {
  cache.delete(database.pool);
}
