import type { CallContext } from '../call-context.ts';
import type { TableQueryScope } from './table-query-scope.ts';

/** The table-query scope of an ORM call: env.companies as its access resolved them (access/access-policy.ts `envCompanies`). */
export function tableQueryScopeOf(ctx: CallContext): TableQueryScope {
  return { registry: ctx.registry, companyIds: ctx.access.companyIds ?? null, mainCompanyId: ctx.access.companyId, uid: ctx.uid };
}
