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

export function searchMethodOf(registry: Registry, field: FieldInfo): SearchMethod | undefined {
  if (field.name === 'message_partner_ids' && field.relation === 'res.partner' && registry.model('mail.followers')?.table) return messagePartnerIds;
  return undefined;
}
