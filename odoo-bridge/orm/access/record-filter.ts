import type { AccessMode } from '../access-policy.ts';
import { compileWhere } from '../domain/compile.ts';
import { newSearchEnv, type Sql } from '../domain/search-env.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';
import type { FicusUserAccess } from './access-policy.ts';

/**
 * The record rules `user` meets for `mode` on `model` (global rules ANDed, group rules ORed, as
 * the engine applies them to its own searches), ANDed with `domain`, as one SQL condition over
 * `alias` (a row of the model's table): what a caller checking access outside a model call (REST
 * authorization) puts in its WHERE to see exactly the rows an RPC call of the same user would.
 * Archived rows are not filtered out: rules decide, not `active`. TRUE when no rule applies.
 */
export function recordRuleFilter(registry: Registry, user: FicusUserAccess, model: ModelInfo, mode: AccessMode, alias: string, domain: unknown[] = []): Sql {
  const env = newSearchEnv(registry, { activeTest: false, companyId: user.companyId, ruleDomain: (m) => user.ruleDomain(m, mode) });
  return compileWhere(env, model, domain, alias, { activeTest: false });
}
