import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { SearchEnv } from './search-env.ts';

/**
 * Odoo's `_field_to_sql` checks that the user may read every stored field it turns into SQL
 * (`check_field_access_rights('read', [field.name])`, models.py 18): a domain leaf, an order
 * term, a read_group groupby or aggregate on a field with `groups=` the user is not in fails
 * with AccessError. Record rules are compiled with `sudo()` and sudo sub-searches
 * (`child_of` expansion, `_search_related`) run as superuser, so neither is checked.
 */
export function checkFieldRead(env: SearchEnv, model: ModelInfo, field: FieldInfo): void {
  if (!env.checkFieldRead || env.insideRule || env.sudoDepth) return;
  env.checkFieldRead(model, field);
}

/** Compiles `build` as Odoo's `.sudo()` sub-searches run: no field checks inside (rules are the caller's business). */
export function asSudo<T>(env: SearchEnv, build: () => T): T {
  env.sudoDepth = (env.sudoDepth ?? 0) + 1;
  try {
    return build();
  } finally {
    env.sudoDepth -= 1;
  }
}
