import { sql } from 'kysely';
import type { AccessMode } from '../access-policy.ts';
import { compileWhere } from '../domain/compile.ts';
import { newSearchEnv } from '../domain/search-env.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';
import { run, type Queryable } from '../sql/execute.ts';
import type { CompanyHint } from './access-messages.ts';
import type { RuleRow } from './access-tables.ts';
import { applicableRules, combineDomains, evaluateRule } from './rule-domains.ts';
import type { PyValue } from './python-expression.ts';
import type { UserFacts } from './user-facts.ts';

/**
 * `ir.rule._get_failing` + `_get_redirect_suggested_company`: which rules reject the records
 * (each global rule on its own; the user's group rules together) and, when one of them is about
 * companies, which company the records belong to — that decides the multi-company hint.
 */
export async function companyHintForFailure(
  db: Queryable,
  registry: Registry,
  rules: ReadonlyMap<string, RuleRow[]>,
  model: ModelInfo,
  mode: AccessMode,
  ids: readonly number[],
  user: UserFacts,
  names: Record<string, PyValue>,
  activeTest = true,
): Promise<CompanyHint> {
  if (!model.table || !ids.length) return { kind: 'none' };
  const { global, group } = applicableRules(rules.get(model.name), mode, user.groupIds);
  const failing: RuleRow[] = [];
  if (group.length && (await countMatching(db, registry, model, combineDomains('|', group.map((r) => evaluateRule(r, names))), ids, activeTest)) < ids.length) {
    failing.push(...group);
  }
  for (const rule of global) {
    if ((await countMatching(db, registry, model, evaluateRule(rule, names), ids, activeTest)) < ids.length) failing.push(rule);
  }
  if (!failing.some((r) => (r.domainForce ?? '').includes('company_id'))) return { kind: 'none' };

  const shown = ids.slice(0, 6);
  let companies: number[] = [];
  if (model.fields.get('company_id')?.column) {
    const rows = await run<{ company_id: number }>(
      db,
      sql`SELECT DISTINCT company_id FROM ${sql.table(model.table)} WHERE id = ANY(${shown}::int4[]) AND company_id IS NOT NULL`,
    );
    companies = rows.map((r) => r.company_id);
  } else if (model.fields.get('company_ids')?.relationTable) {
    const f = model.fields.get('company_ids')!;
    const rows = await run<{ cid: number }>(
      db,
      sql`SELECT DISTINCT ${sql.ref(f.column2!)} AS cid FROM ${sql.table(f.relationTable!)} WHERE ${sql.ref(f.column1!)} = ANY(${shown}::int4[])`,
    );
    companies = rows.map((r) => r.cid).filter((c) => user.companyIds.includes(c)).slice(0, 1);
  }
  if (!companies.length) return { kind: 'none' };
  if (companies.length > 1) return { kind: 'several' };
  const companyId = companies[0]!;
  if (!user.companyIds.includes(companyId)) return { kind: 'unreachable' };
  const name = await run<{ name: string }>(db, sql`SELECT name FROM res_company WHERE id = ${companyId}`);
  return { kind: 'switch', companyId, companyName: name[0]?.name ?? '' };
}

/**
 * `Model.sudo().search_count([('id', 'in', ids)] + rule)`: without rules but with the call's
 * active_test, so an archived record fails every rule (a portal user reading archived users gets
 * the multi-company hint of res.users' company rule).
 */
async function countMatching(db: Queryable, registry: Registry, model: ModelInfo, domain: unknown[], ids: readonly number[], activeTest: boolean): Promise<number> {
  const env = newSearchEnv(registry, { activeTest });
  const where = compileWhere(env, model, [['id', 'in', [...ids]], ...normalizeForAnd(domain)], 't', { sudo: true, activeTest });
  const rows = await run<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM ${sql.table(model.table!)} AS t WHERE ${where}`);
  return rows[0]?.n ?? 0;
}

function normalizeForAnd(domain: unknown[]): unknown[] {
  // An implicit AND between the id leaf and a prefix-form domain needs the domain to be one term.
  return combineDomains('&', [domain]);
}
