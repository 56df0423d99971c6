import { createHash } from 'node:crypto';
import type { OdooCall } from '../call.ts';
import { bindArguments, type Signature } from '../orm/dispatch/signature.ts';
import type { RouteQuery } from '../routing/call-router.ts';

/**
 * The reads the gateway may answer itself in front of a live Odoo. Everything else (writes,
 * `name_create`, `action_*`, `onchange`, `default_get`, any other business method) always goes
 * to Odoo: only these nine are pure functions of the tables, the user and the arguments.
 */
export const OFFLOADABLE_READS: ReadonlySet<string> = new Set([
  'search', 'search_read', 'read', 'search_count', 'read_group', 'name_search', 'fields_get', 'web_read', 'web_search_read',
]);

/**
 * A class of call: the unit that is verified, promoted and demoted as one.
 *
 * key = database × model × method × fields × shape, where
 *
 * - `fields` is the set of fields the call asks for (sorted, so `['name','email']` and
 *   `['email','name']` are one class; `*` for "all fields"; `(ids)` / `(count)` for search and
 *   search_count, which read no field values; read_group's aggregates and its groupby in order;
 *   a web_read specification with its nested fields). Different fields are different code:
 *   a stored column, a compute Ficus re-implements, a related path, an x2many. Proving
 *   `res.partner.read{name}` equal says nothing about `res.partner.read{contact_address}`.
 * - `shape` is what else picks code rather than data: the domain's leaves as `path operator
 *   kind-of-value` (never the value: `('id','in',[4,5])` and `('id','in',[9])` are one class,
 *   `('parent_id','=',False)` — an IS NULL — is not the class of `('parent_id','=',7)`), the
 *   order, read_group's `lazy`, name_search's operator and whether a name was given, fields_get's
 *   attributes, and the context keys present with the values of those that change how Odoo
 *   reads (`lang`, `tz`, `active_test`, `bin_size`).
 *
 * Values (ids, search text, limits, offsets) stay out of the key: they select data, not code,
 * and a class per value would never gather enough samples. What values still change is what
 * sampling after promotion is for.
 */
export interface ReadClass {
  /** First 16 hex digits of the key's SHA-256: how metrics, logs and `ficus offload` name it. */
  id: string;
  key: string;
  database: string;
  model: string;
  method: string;
  fields: string;
  shape: string;
}

/**
 * The fields a call asks the engine to compute: names on the call's model (`*`: every field),
 * and for a web_read specification the fields asked of each relation's comodel.
 */
export interface AskedFields {
  names: readonly string[] | '*';
  nested?: ReadonlyMap<string, AskedFields>;
}

/** An offloadable call as the upstream will see it: its class, the call the engine answers, and the caller's secret. */
export interface OffloadableCall {
  readClass: ReadClass;
  call: OdooCall;
  asked: AskedFields;
  /** The password or API key of `execute_kw` (checked by Ficus before the engine answers as `call.uid`). */
  secret: string;
}

/** Domains, field lists and specifications longer than this go to Odoo unclassified: a class per giant domain never gathers samples. */
const MAX_LEAVES = 64;
const MAX_FIELDS = 400;

/** The class of a routed object-service call, or undefined when it is not an offloadable read (or is malformed: Odoo answers those). */
export function offloadableCall(query: RouteQuery): OffloadableCall | undefined {
  if (!query.rpc || !query.method || !OFFLOADABLE_READS.has(query.method)) return undefined;
  const call = objectCall(query.rpc.method, query.rpc.params);
  if (!call) return undefined;
  const described = describe(call.call);
  if (!described) return undefined;
  const readClass = readClassOf({ database: call.call.database, model: call.call.model, method: call.call.method, fields: described.fields, shape: described.shape });
  return { readClass, call: call.call, secret: call.secret, asked: described.asked };
}

/** A class from its parts (as the control database keeps them). */
export function readClassOf({ database, model, method, fields, shape }: Omit<ReadClass, 'id' | 'key'>): ReadClass {
  const key = `${database}\u001f${model}\u001f${method}\u001f${fields}\u001f${shape}`;
  let id: string | undefined;
  // The hash is needed when a class is first seen, not on every call of a known one (the hot path).
  return {
    get id() {
      return (id ??= createHash('sha256').update(key).digest('hex').slice(0, 16));
    },
    key,
    database,
    model,
    method,
    fields,
    shape,
  };
}

/** `[db, uid, password, model, method, args, kw]` (execute_kw) or `[db, uid, password, model, method, *args]` (execute). */
function objectCall(rpcMethod: string, params: readonly unknown[]): { call: OdooCall; secret: string } | undefined {
  if (params.length < 5) return undefined;
  const [database, uidParam, secret] = params;
  const uid = typeof uidParam === 'number' && Number.isInteger(uidParam) ? uidParam : typeof uidParam === 'string' && /^\d+$/.test(uidParam) ? Number(uidParam) : undefined;
  if (typeof database !== 'string' || uid === undefined || typeof secret !== 'string') return undefined;
  let model: unknown;
  let method: unknown;
  let args: unknown[];
  let kwargs: Record<string, unknown>;
  if (rpcMethod === 'execute_kw') {
    // `execute_kw(db, uid, obj, method, args, kw=None)` after the password: RPC params are positional only.
    if (params.length < 6 || params.length > 7) return undefined; // Odoo's TypeError
    [model, method] = [params[3], params[4]];
    args = Array.isArray(params[5]) ? params[5] : [params[5]];
    kwargs = isPlainObject(params[6]) ? params[6] : {};
  } else if (rpcMethod === 'execute') {
    [model, method] = [params[3], params[4]];
    args = params.slice(5);
    kwargs = {};
  } else return undefined;
  if (typeof model !== 'string' || typeof method !== 'string') return undefined;
  return { call: { database, uid, model, method, args, kwargs }, secret };
}

interface Described {
  fields: string;
  shape: string;
  asked: AskedFields;
}

interface MethodForm {
  /** Record methods take the ids first (`read`, `web_read`). */
  record: boolean;
  signature: Signature;
  describe(bound: Record<string, unknown>): Described | undefined;
}

const param = (name: string) => ({ name });
const optional = (name: string, fallback: unknown = null) => ({ name, default: fallback });

const FORMS: Record<string, MethodForm> = {
  search: {
    record: false,
    signature: { qualname: 'BaseModel.search', params: [param('domain'), optional('offset', 0), optional('limit'), optional('order')] },
    describe: (b) => shaped('(ids)', [['where', domainShape(b.domain)], ['order', orderShape(b.order)]], NONE),
  },
  search_count: {
    record: false,
    signature: { qualname: 'BaseModel.search_count', params: [param('domain'), optional('limit')] },
    describe: (b) => shaped('(count)', [['where', domainShape(b.domain)]], NONE),
  },
  search_read: {
    record: false,
    signature: { qualname: 'BaseModel.search_read', params: [optional('domain'), optional('fields'), optional('offset', 0), optional('limit'), optional('order')], varKeywords: true },
    describe: (b) => {
      const extra = (b.__extra__ ?? {}) as Record<string, unknown>;
      if (Object.keys(extra).some((k) => k !== 'load')) return undefined;
      return shaped(fieldList(b.fields), [['where', domainShape(b.domain ?? [])], ['order', orderShape(b.order)], ['load', 'load' in extra ? scalar(extra.load) : '']], askedList(b.fields));
    },
  },
  read: {
    record: true,
    signature: { qualname: 'BaseModel.read', params: [optional('fields'), optional('load', '_classic_read')] },
    describe: (b) => shaped(fieldList(b.fields), [['load', scalar(b.load)]], askedList(b.fields)),
  },
  read_group: {
    record: false,
    signature: { qualname: 'BaseModel.read_group', params: [param('domain'), param('fields'), param('groupby'), optional('offset', 0), optional('limit'), optional('orderby', false), optional('lazy', true)] },
    describe: (b) => {
      const aggregates = fieldList(b.fields);
      const groupby = typeof b.groupby === 'string' ? [b.groupby] : b.groupby;
      if (aggregates === undefined || !Array.isArray(groupby) || !groupby.every((g) => typeof g === 'string') || groupby.length > MAX_FIELDS) return undefined;
      // `amount:sum`, `total:sum(amount)`, `date:month`: the field is the name before `:` or inside the parentheses.
      const named = [...(Array.isArray(b.fields) ? (b.fields as string[]) : []), ...(groupby as string[])].map((spec) => /\((\w+)\)/.exec(spec)?.[1] ?? spec.split(':')[0]!.trim());
      const asked: AskedFields = aggregates === '*' ? { names: '*' } : { names: [...new Set(named)] };
      return shaped(`${aggregates} by ${groupby.join(',')}`, [['where', domainShape(b.domain)], ['order', orderShape(b.orderby)], ['lazy', String(Boolean(b.lazy))]], asked);
    },
  },
  name_search: {
    record: false,
    signature: { qualname: 'BaseModel.name_search', params: [optional('name', ''), optional('args'), optional('operator', 'ilike'), optional('limit', 100)] },
    describe: (b) => shaped('display_name', [['where', domainShape(b.args ?? [])], ['operator', scalar(b.operator)], ['name', b.name === '' || b.name === false || b.name === null ? 'empty' : typeof b.name]], { names: ['display_name'] }),
  },
  fields_get: {
    record: false,
    signature: { qualname: 'BaseModel.fields_get', params: [optional('allfields'), optional('attributes')] },
    describe: (b) => {
      const attributes = fieldList(b.attributes);
      return attributes === undefined ? undefined : shaped(fieldList(b.allfields), [['attributes', attributes]], NONE);
    },
  },
  web_read: {
    record: true,
    signature: { qualname: 'Base.web_read', params: [param('specification')] },
    describe: (b) => shaped(specificationShape(b.specification, 0), [], askedSpecification(b.specification)),
  },
  web_search_read: {
    record: false,
    signature: { qualname: 'Base.web_search_read', params: [param('domain'), param('specification'), optional('offset', 0), optional('limit'), optional('order'), optional('count_limit')] },
    describe: (b) => shaped(specificationShape(b.specification, 0), [['where', domainShape(b.domain)], ['order', orderShape(b.order)], ['count_limit', b.count_limit === null || b.count_limit === undefined ? 'none' : 'set']], askedSpecification(b.specification)),
  },
};

function describe(call: OdooCall): Described | undefined {
  const form = FORMS[call.method];
  if (!form) return undefined;
  const { context, ...named } = call.kwargs;
  const positional = form.record ? call.args.slice(1) : call.args;
  if (form.record && call.args.length === 0) return undefined; // Odoo's call_kw needs the ids first
  let bound: Record<string, unknown>;
  try {
    bound = bindArguments(form.signature, positional, named);
  } catch {
    return undefined; // a TypeError is Odoo's to answer
  }
  const described = form.describe(bound);
  if (!described) return undefined;
  const contextShape = contextOf(context);
  if (contextShape === undefined) return undefined;
  return { fields: described.fields, shape: [described.shape, contextShape && `context=${contextShape}`].filter(Boolean).join(' '), asked: described.asked };
}

/** search, search_count, fields_get: no field values are computed. */
const NONE: AskedFields = { names: [] };

function shaped(fields: string | undefined, parts: [string, string | undefined][], asked: AskedFields): Described | undefined {
  if (fields === undefined || parts.some(([, v]) => v === undefined)) return undefined;
  // A part left at its default (no order, no load) is left out: each part is named, so the shape stays unambiguous.
  return { fields, shape: parts.filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join(' '), asked };
}

function askedList(value: unknown): AskedFields {
  return Array.isArray(value) && value.length > 0 ? { names: [...new Set(value as string[])] } : { names: '*' };
}

/** Called only once specificationShape accepted the specification. */
function askedSpecification(spec: unknown): AskedFields {
  const entries = Object.entries(spec as Record<string, { fields?: unknown }>);
  const nested = new Map<string, AskedFields>();
  for (const [name, field] of entries) if (field.fields !== undefined) nested.set(name, askedSpecification(field.fields));
  return { names: entries.map(([name]) => name), ...(nested.size ? { nested } : {}) };
}

/** A list of names as a sorted set; `*` for None / False / `[]` (all). */
function fieldList(value: unknown): string | undefined {
  if (value === null || value === undefined || value === false || (Array.isArray(value) && value.length === 0)) return '*';
  if (!Array.isArray(value) || value.length > MAX_FIELDS || !value.every((f) => typeof f === 'string')) return undefined;
  return [...new Set(value as string[])].sort().join(',');
}

/**
 * The domain's structure: its operators (`&`, `|`, `!`) and leaves as `path operator kind`,
 * in the order given (a client's code path writes them in one order). Values are reduced to
 * their kind: F(alse), T(rue), N(one), i(nt), f(loat), s(tring), l(ist, l0 when empty), o(bject).
 */
export function domainShape(domain: unknown): string | undefined {
  if (!Array.isArray(domain)) return undefined;
  if (domain.length > MAX_LEAVES) return undefined;
  const parts: string[] = [];
  for (const item of domain) {
    if (item === '&' || item === '|' || item === '!') parts.push(item);
    else if (Array.isArray(item) && item.length === 3 && (typeof item[0] === 'string' || item[0] === 1 || item[0] === 0) && typeof item[1] === 'string') {
      parts.push(`${String(item[0])} ${item[1].toLowerCase()} ${valueKind(item[2])}`);
    } else return undefined; // Odoo's to refuse
  }
  return `[${parts.join(', ')}]`;
}

function valueKind(value: unknown): string {
  if (value === false) return 'F';
  if (value === true) return 'T';
  if (value === null || value === undefined) return 'N';
  if (typeof value === 'number') return Number.isInteger(value) ? 'i' : 'f';
  if (typeof value === 'string') return 's';
  if (Array.isArray(value)) return value.length ? 'l' : 'l0';
  return 'o';
}

/** `name ASC,  id desc` → `name asc,id desc`; none → ``. */
function orderShape(order: unknown): string | undefined {
  if (order === null || order === undefined || order === false || order === '') return '';
  if (typeof order !== 'string' || order.length > 500) return undefined;
  return order.split(',').map((term) => term.trim().replace(/\s+/g, ' ').toLowerCase()).join(',');
}

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value).slice(0, 64);
  return undefined;
}

/**
 * A web_read specification: `name`, `name{sub,…}` for a nested one, sorted; a sub-list's
 * `order` and `context` keys kept, its `limit` (data) left out.
 */
function specificationShape(spec: unknown, depth: number): string | undefined {
  if (!isPlainObject(spec) || depth > 4) return undefined;
  const names = Object.keys(spec).sort();
  if (names.length > MAX_FIELDS) return undefined;
  const parts: string[] = [];
  for (const name of names) {
    const field = spec[name];
    if (!isPlainObject(field)) return undefined;
    let part = name;
    if (field.fields !== undefined) {
      const nested = specificationShape(field.fields, depth + 1);
      if (nested === undefined) return undefined;
      part += `{${nested}}`;
    }
    if (field.order !== undefined) part += `:order(${orderShape(field.order) ?? '?'})`;
    if (field.context !== undefined) part += `:context(${isPlainObject(field.context) ? Object.keys(field.context).sort().join(',') : '?'})`;
    parts.push(part);
  }
  return parts.join(',');
}

/** Context keys that change how Odoo reads, whose values are part of the class. */
const CONTEXT_VALUES = new Set(['lang', 'tz', 'active_test', 'bin_size']);

function contextOf(context: unknown): string | undefined {
  if (context === undefined || context === null) return '';
  if (!isPlainObject(context)) return undefined;
  const keys = Object.keys(context).sort();
  if (keys.length > 64 || keys.some((k) => k.length > 64)) return undefined;
  return keys.map((k) => (CONTEXT_VALUES.has(k) ? `${k}:${scalar(context[k]) ?? '?'}` : k)).join(',');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
