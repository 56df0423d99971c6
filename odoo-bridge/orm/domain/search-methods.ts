import { sql } from 'kysely';
import type { FieldInfo, ModelInfo, Registry } from '../registry/types.ts';
import { NEGATIVE_OPERATORS, type Operator } from './parse.ts';
import type { SearchEnv, Sql } from './search-env.ts';

/** `comodel._search(domain)` as SQL selecting `column`, run as superuser (compile.ts subSearch). */
export type SudoSearch = (env: SearchEnv, model: ModelInfo, domain: unknown[], column: string) => Sql;

/**
 * A non-stored field's `search=` method, re-implemented. The database does not say which
 * computed fields have one, so each is listed here from Odoo's source; any other non-stored
 * field is left to compile.ts (dropped from a user's domain as Odoo does for fields without
 * one, and failing closed inside a record rule).
 */
type SearchMethod = (env: SearchEnv, model: ModelInfo, alias: string, operator: Operator, value: unknown, search: SudoSearch) => Sql;

/**
 * mail.thread `_search_message_partner_ids`: followers of the record, searched on
 * mail.followers as superuser; a negative operator becomes NOT IN of the positive search. Portal
 * record rules ("own quotations", "own invoices") are written with it.
 */
const messagePartnerIds: SearchMethod = (env, model, alias, operator, value, search) => {
  const followers = env.registry.model('mail.followers')!;
  const negative = NEGATIVE_OPERATORS.has(operator);
  const positive = negative ? POSITIVE[operator]! : operator;
  const ids = search(env, followers, [['res_model', '=', model.name], ['partner_id', positive, value]], 'res_id');
  return sql`(${sql.ref(`${alias}.id`)} ${negative ? sql`NOT IN` : sql`IN`} (${ids}))`;
};

const POSITIVE: Partial<Record<Operator, Operator>> = { '!=': '=', 'not in': 'in', 'not like': 'like', 'not ilike': 'ilike', 'not any': 'any' };

/**
 * base res_users.py ResGroups `_search_full_name` ("Category / Group"): per value, the group part
 * (after the last `/`) on `name` and the category part on the category's name (searched as
 * superuser), ANDed or ORed as Odoo combines them for positive and negative operators.
 */
const groupFullName: SearchMethod = (env, model, alias, operator, value, search) => {
  const domain = groupFullNameDomain(operator, value);
  return sql`(${sql.ref(`${alias}.id`)} IN (${search(env, model, domain, 'id')}))`;
};

export function groupFullNameDomain(operator: Operator, operand: unknown): unknown[] {
  if (typeof operand === 'boolean') return [['name', operator, operand]];
  const list = typeof operand !== 'string';
  const values = (list ? (Array.isArray(operand) ? operand : [operand]) : [operand]).map(String);
  const negative = NEGATIVE_OPERATORS.has(operator);
  const domains = values.map((group) => {
    const parts = group.split('/').filter((v) => v);
    const groupName = (parts.pop() ?? '').trim();
    const categoryName = parts.length ? parts.join('/').trim() : groupName;
    const groupDomain = [['name', operator, list ? [groupName] : groupName]];
    let categoryDomain: unknown[] = [['category_id', 'any', [['name', operator, list ? [categoryName] : categoryName]]]];
    if (negative && !parts.length) categoryDomain = ['|', ...categoryDomain, ['category_id', '=', false]];
    return negative === !parts.length ? ['&', ...groupDomain, ...categoryDomain] : ['|', ...groupDomain, ...categoryDomain];
  });
  const joiner = negative ? '&' : '|';
  return [...Array(Math.max(0, domains.length - 1)).fill(joiner), ...domains.flat()];
}

export function searchMethodOf(registry: Registry, field: FieldInfo): SearchMethod | undefined {
  if (field.name === 'message_partner_ids' && field.relation === 'res.partner' && registry.model('mail.followers')?.table) return messagePartnerIds;
  if (field.model === 'res.groups' && field.name === 'full_name') return groupFullName;
  return undefined;
}
