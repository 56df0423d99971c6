import { sql } from 'kysely';
import { OdooError } from '../../errors.ts';
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
type SearchMethod = (env: SearchEnv, model: ModelInfo, alias: string, operator: Operator, value: unknown, search: SudoSearch, tools: SearchTools) => Sql;

/** What a search method needs from the compiler besides sudo searches. */
export interface SearchTools {
  /** `comodel._search(domain)` as the user (rules, active test), selecting `column`. */
  userSearch: SudoSearch;
  /** One leaf `[field, operator, value]` of `model` compiled under `alias`. */
  leaf: (field: string, operator: Operator, value: unknown) => Sql;
  /** An id set the compiler built (`('field', 'in', Query)` of Odoo), else undefined. */
  idQuery: (value: unknown) => ((column: string) => Sql) | undefined;
}

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
    // `values.pop()` of a value with nothing but slashes ('', '/'): Python's IndexError.
    if (!parts.length) throw new OdooError('builtins.IndexError', 'pop from empty list');
    const groupName = parts.pop()!.trim();
    const categoryName = parts.length ? parts.join('/').trim() : groupName;
    const groupDomain = [['name', operator, list ? [groupName] : groupName]];
    let categoryDomain: unknown[] = [['category_id', 'any', [['name', operator, list ? [categoryName] : categoryName]]]];
    if (negative && !parts.length) categoryDomain = ['|', ...categoryDomain, ['category_id', '=', false]];
    return negative === !parts.length ? ['&', ...groupDomain, ...categoryDomain] : ['|', ...groupDomain, ...categoryDomain];
  });
  const joiner = negative ? '&' : '|';
  return [...Array(Math.max(0, domains.length - 1)).fill(joiner), ...domains.flat()];
}

/**
 * mail_activity_mixin.py `_search_activity_state`: the records whose active activities' earliest
 * deadline (against today in the activity user's timezone, else UTC) is overdue (-1), today (0)
 * or planned (1); a set holding False is searched as NOT IN its complement.
 */
const activityState: SearchMethod = (_env, model, alias, operator, value) => {
  const all = ['overdue', 'today', 'planned', false] as const;
  const asSet = (v: unknown) => new Set<unknown>((Array.isArray(v) ? v : [v]).map((x) => (x === null ? false : x)));
  let states: Set<unknown>;
  if (operator === '=') states = asSet(value);
  else if (operator === '!=') states = new Set(all.filter((s) => !asSet(value).has(s)));
  else if (operator === 'in') states = asSet(value);
  else if (operator === 'not in') states = new Set(all.filter((s) => !asSet(value).has(s)));
  else throw new OdooError('builtins.NameError', "cannot access local variable 'search_states' where it is not associated with a value");
  const reverse = states.has(false);
  if (reverse) states = new Set(all.filter((s) => !states.has(s)));
  const codes = [...states].map((s) => ({ overdue: -1, today: 0, planned: 1 })[s as 'overdue'] ?? null);
  const ids = sql`SELECT res_id FROM (SELECT res_id, MIN(SIGN(EXTRACT(day from (a.date_deadline - DATE_TRUNC('day', now() AT TIME ZONE COALESCE(a.user_tz, 'utc'))))))::INT AS activity_state
      FROM mail_activity a WHERE a.res_model = ${model.name} AND a.active = true GROUP BY res_id) AS res_record
    WHERE ${codes}::int4[] @> ARRAY[activity_state]`;
  return sql`(${sql.ref(`${alias}.id`)} ${reverse ? sql`NOT IN` : sql`IN`} (${ids}))`;
};

/** mail_thread.py `_search_message_is_follower`: records the user's partner follows (sudo), or the others. */
const messageIsFollower: SearchMethod = (env, model, alias, operator, value) => {
  const positive = (operator === '=' && pyTruthyValue(value)) || (operator === '!=' && !pyTruthyValue(value));
  const followed = sql`SELECT f.res_id FROM mail_followers f WHERE f.res_model = ${model.name} AND f.res_id IS NOT NULL
    AND f.partner_id = (SELECT u.partner_id FROM res_users u WHERE u.id = ${env.uid ?? 0})`;
  return sql`(${sql.ref(`${alias}.id`)} ${positive ? sql`IN` : sql`NOT IN`} (${followed}))`;
};

/**
 * mail discuss_channel.py `_search_is_member`: the channels of the caller's partner
 * (`current_partner.sudo().channel_ids`, the discuss_channel_member rows), `in` for `= True` and
 * `!= False`, `not in` for anything else. mail's record rules on channels and channel members
 * are written with it.
 */
const channelIsMember: SearchMethod = (env, _model, alias, operator, value) => {
  const isIn = (operator === '=' && pyTruthyValue(value)) || (operator === '!=' && !pyTruthyValue(value));
  const joined = sql`SELECT cm.channel_id FROM discuss_channel_member cm WHERE cm.channel_id IS NOT NULL
    AND cm.partner_id = (SELECT u.partner_id FROM res_users u WHERE u.id = ${env.uid ?? 0})`;
  return sql`(${sql.ref(`${alias}.id`)} ${isIn ? sql`IN` : sql`NOT IN`} (${joined}))`;
};

/** mail_thread.py `_search_has_message`: records with (`= True`, `!= False`) or without a message of their model. */
const hasMessage: SearchMethod = (_env, model, alias, operator, value) => {
  const positive = (operator === '=' && value === true) || (operator === '!=' && value === false);
  const posted = sql`SELECT m.res_id FROM mail_message m WHERE m.model = ${model.name}`;
  return sql`(${sql.ref(`${alias}.id`)} ${positive ? sql`IN` : sql`NOT IN`} (${posted}))`;
};

/**
 * account mail_message.py `_search_audit_log_related_record_id` (the account_audit_log_*_id
 * many2ones of mail.message): `[('model', '=', <comodel>)]` and, for a string with `=`, `like`,
 * `ilike` or their negations, `res_id in <comodel>._search([('display_name', op, value)])` (as
 * the user); for `=`, `in`, `!=`, `not in` otherwise `res_id <op> value`, which is how a dotted
 * path or `any` reaches it (expression.py: a many2one `any` is `in <comodel>._search(sub)`, a
 * `not any` `not in … or = False`); any other operator is UserError.
 */
function auditLogRecord(comodelName: string): SearchMethod {
  return (env, _model, alias, operator, value, _search, tools) => {
    const ofModel = tools.leaf('model', '=', comodelName);
    let records: Sql;
    if (['=', 'like', 'ilike', '!=', 'not ilike', 'not like'].includes(operator) && typeof value === 'string') {
      const comodel = env.registry.model(comodelName);
      if (!comodel) throw new OdooError('builtins.KeyError', comodelName);
      records = sql`(${sql.ref(`${alias}.res_id`)} IN (${tools.userSearch(env, comodel, [['display_name', operator, value]], 'id')}))`;
    } else if (['=', 'in', '!=', 'not in'].includes(operator)) {
      const query = tools.idQuery(value);
      const negative = operator === '!=' || operator === 'not in';
      records = query
        ? sql`(${sql.ref(`${alias}.res_id`)} ${negative ? sql`NOT IN` : sql`IN`} (${query('id')}))`
        : tools.leaf('res_id', operator, value);
    } else {
      throw new OdooError('odoo.exceptions.UserError', 'Operation not supported');
    }
    return sql`(${ofModel} AND ${records})`;
  };
}

const AUDIT_LOG_FIELDS: Record<string, string> = {
  account_audit_log_move_id: 'account.move',
  account_audit_log_partner_id: 'res.partner',
  account_audit_log_account_id: 'account.account',
  account_audit_log_tax_id: 'account.tax',
  account_audit_log_company_id: 'res.company',
};

const pyTruthyValue = (v: unknown) => !(v === false || v === null || v === undefined || v === 0 || v === '' || (Array.isArray(v) && !v.length));

export function searchMethodOf(registry: Registry, field: FieldInfo): SearchMethod | undefined {
  const mail = registry.model('mail.followers')?.table && registry.model('mail.message')?.table;
  if (mail && field.name === 'message_is_follower' && field.type === 'boolean') return messageIsFollower;
  if (mail && field.name === 'has_message' && field.type === 'boolean') return hasMessage;
  if (field.name === 'activity_state' && field.type === 'selection' && registry.model('mail.activity')?.table) return activityState;
  if (field.name === 'message_partner_ids' && field.relation === 'res.partner' && registry.model('mail.followers')?.table) return messagePartnerIds;
  if (field.model === 'res.groups' && field.name === 'full_name') return groupFullName;
  const audited = field.model === 'mail.message' ? AUDIT_LOG_FIELDS[field.name] : undefined;
  if (audited && field.relation === audited && registry.modules.has('account')) return auditLogRecord(audited);
  if (field.model === 'discuss.channel' && field.name === 'is_member' && registry.model('discuss.channel.member')?.table) return channelIsMember;
  return undefined;
}

/**
 * `search=` methods that only rewrite the leaf into another domain on the same model, compiled as
 * the user (compile.ts). mail/models/mail_activity_mixin.py and mail_thread.py.
 */
export type DomainSearchMethod = (operator: Operator, value: unknown) => unknown[];

const ACTIVITY_DOMAIN_SEARCHES: Record<string, DomainSearchMethod> = {
  activity_user_id: (operator, value) =>
    typeof value === 'boolean' && ((operator === '=' && !value) || (operator === '!=' && value))
      ? [['activity_ids', '=', false]]
      : [['activity_ids', 'any', [['active', 'in', [true, false]], ['user_id', operator, value]]]],
  activity_type_id: (operator, value) => [['activity_ids.activity_type_id', operator, value]],
  activity_summary: (operator, value) => [['activity_ids.summary', operator, value]],
  activity_date_deadline: (operator, value) =>
    operator === '=' && !pyTruthyValue(value) ? [['activity_ids', '=', false]] : [['activity_ids.date_deadline', operator, value]],
  activity_exception_decoration: (operator, value) => [['activity_ids.activity_type_id.decoration_type', operator, value]],
};

export function domainSearchMethodOf(model: ModelInfo, field: FieldInfo): DomainSearchMethod | undefined {
  if (ACTIVITY_DOMAIN_SEARCHES[field.name] && model.fields.get('activity_ids')?.relation === 'mail.activity') return ACTIVITY_DOMAIN_SEARCHES[field.name];
  if (field.name === 'message_needaction' && model.fields.get('message_ids')?.relation === 'mail.message') {
    return (operator, value) => [['message_ids.needaction', operator, value]];
  }
  if (model.name === 'res.users' && field.name === 'state' && model.fields.get('log_ids')?.relation === 'res.users.log') return userStateSearch;
  // product/models/product_template.py _search_standard_price: the cost is the variants' (company dependent).
  if (model.name === 'product.template' && field.name === 'standard_price' && model.fields.get('product_variant_ids')?.relation === 'product.product') {
    return (operator, value) => [['product_variant_ids.standard_price', operator, value]];
  }
  return undefined;
}

/** expression.py TRUE_DOMAIN / FALSE_DOMAIN as leaves the compiler reads: every record, none. */
const EVERY_RECORD = [['id', '!=', false]];
const NO_RECORD = [['id', '=', false]];

/**
 * auth_signup res_users.py `_search_state`: 'new' is a user without res.users.log row (`log_ids
 * = False`), 'active' one with; no value is every record for a negative operator, none otherwise;
 * `in`/`not in` of two values or more is every record (none when negative); another operator
 * than =, !=, in, not in is every record. A single other value than 'new'/'active' in a list is
 * Python's UnboundLocalError on `comp`.
 */
const userStateSearch: DomainSearchMethod = (operator, value) => {
  const negative = NEGATIVE_OPERATORS.has(operator);
  if (!pyTruthyValue(value)) return negative ? EVERY_RECORD : NO_RECORD;
  if (operator === 'in' || operator === 'not in') {
    const values = Array.isArray(value) ? value : [...String(value)];
    if (values.length > 1) return negative ? NO_RECORD : EVERY_RECORD;
    if (values[0] === 'new') return [['log_ids', negative ? '!=' : '=', false]];
    if (values[0] === 'active') return [['log_ids', negative ? '=' : '!=', false]];
    throw new OdooError('builtins.UnboundLocalError', "cannot access local variable 'comp' where it is not associated with a value");
  }
  if (operator === '=' || operator === '!=') {
    const positive = value === 'new' ? operator : operator === '=' ? '!=' : '=';
    return [['log_ids', positive, false]];
  }
  return EVERY_RECORD;
};
