import type { CallContext } from '../call-context.ts';
import type { TableQueryScope } from './table-query-scope.ts';

/** The table-query scope of an ORM call: env.companies as its access resolved them (access/access-policy.ts `envCompanies`). */
export function tableQueryScopeOf(ctx: CallContext): TableQueryScope {
  const companyIds = 'companyIds' in ctx.access && Array.isArray(ctx.access.companyIds) ? (ctx.access.companyIds as number[]) : null;
  return { registry: ctx.registry, companyIds, mainCompanyId: ctx.access.companyId, uid: ctx.uid };
}
