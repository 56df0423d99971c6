import type pg from 'pg';
import { ACCESS_ERROR, ODOO_PROTOCOLS, type OdooAnswer, type OdooProtocol } from '../user/support/odoo-protocols.ts';

/**
 * The Odoo calls of the ops isolation property (isolation.property.db.test.ts): what a member
 * tries on another member's notifications (hp_operations' record rule: a member reads and writes
 * only their own), and on the models a member has no access to at all (hp.operation, hp.risk.rule,
 * hp.risk.alert, hp.audit.log: operators and administrators only), and what must come of it.
 */

/** JSON-2 takes named arguments: the names of execute_kw's positional ones, `ids` first for record methods. */
const JSON2_NAMES: Record<string, readonly string[]> = {
  read: ['ids', 'fields'], web_read: ['ids'], search_read: ['domain', 'fields'], search: ['domain'], search_count: ['domain'],
  web_search_read: ['domain'], read_group: ['domain', 'fields', 'groupby'], name_search: ['name'], write: ['ids', 'vals'],
  unlink: ['ids'], copy: ['ids'], create: ['vals_list'],
  action_mark_read: ['ids'], action_schedule: ['ids'], action_done: ['ids'], action_cancel: ['ids'], action_scan: ['ids'],
  action_investigate: ['ids'], action_resolve: ['ids'], action_false_positive: ['ids'],
};

const json2: OdooProtocol = async (base, caller, model, method, args, kwargs) => {
  const names = JSON2_NAMES[method];
  if (!names) throw new Error(`no JSON-2 parameter names for ${method}`);
  const body: Record<string, unknown> = { ...kwargs };
  args.forEach((value, i) => (body[names[i]!] = value));
  const response = await fetch(`${base}/json/2/${model}/${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `bearer ${caller.apiKey}`, 'x-odoo-database': 'hp_legacy' },
    body: JSON.stringify(body),
  });
  const raw = await response.text();
  if (response.ok) return { ok: true, result: JSON.parse(raw) as unknown, raw };
  return { ok: false, error: (JSON.parse(raw) as { name?: string }).name ?? `HTTP ${response.status}`, raw };
};

/** XML-RPC, JSON-RPC execute_kw, /web/dataset/call_kw with a web session, JSON-2 with an API key. */
export const OPS_PROTOCOLS = { xmlrpc: ODOO_PROTOCOLS.xmlrpc, jsonrpc: ODOO_PROTOCOLS.jsonrpc, call_kw: ODOO_PROTOCOLS.call_kw, json2 } as const;
export type OpsProtocolName = keyof typeof OPS_PROTOCOLS;

/** What the attempt must end in: an AccessError that changes nothing, or an answer that shows none of the victim's rows. */
export type Expectation = { refused: true } | { shows: (result: unknown) => string | undefined };

export interface Attempt {
  model: string;
  method: string;
  args: unknown[];
  kwargs?: Record<string, unknown>;
  expect: Expectation;
}

/** Who attacks whom, on which row. */
export interface Target {
  attacker: number;
  /** notifications: the member whose notifications are attacked; staff models: nobody's (0). */
  victim: number;
  /** The row attacked: one of the victim's notifications, or a row of the staff model. */
  rowId: number;
  /** Every notification of the victim (what must stay hidden). */
  victimIds: readonly number[];
  /** A notification of the attacker's own (mixed calls). */
  ownId?: number;
}

const refused: Expectation = { refused: true };
const ids = (t: Target) => (t.ownId ? [t.ownId, t.rowId] : [t.rowId]);

/** A search answer (ids, records, pairs, a count, groups) that holds none of the victim's notifications. */
function showsNone(victimIds: readonly number[]) {
  return (result: unknown): string | undefined => {
    if (typeof result === 'number') return result === 0 ? undefined : `counted ${result}`;
    const found = new Set<number>();
    const walk = (v: unknown): void => {
      if (typeof v === 'number' && victimIds.includes(v)) found.add(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k === 'id' || k === 'records' || Array.isArray(x)) walk(x);
    };
    walk(result);
    return found.size ? `showed notifications ${[...found].join(', ')}` : undefined;
  };
}

/** read_group by user_id: no group but the attacker's own. */
function groupsOnlyOwn(attacker: number) {
  return (result: unknown): string | undefined => {
    const groups = Array.isArray(result) ? (result as { user_id?: unknown }[]) : [];
    const others = groups.filter((g) => !(Array.isArray(g.user_id) && g.user_id[0] === attacker));
    return others.length ? `grouped other users: ${JSON.stringify(others.map((g) => g.user_id))}` : undefined;
  };
}

const NOTIFICATION = 'hp.notification';

export function notificationAttempts(t: Target): Record<string, Attempt> {
  const theirs = [['user_id', '=', t.victim]];
  const none = { shows: showsNone(t.victimIds) };
  const on = (method: string, args: unknown[], expect: Expectation, kwargs?: Record<string, unknown>): Attempt => ({ model: NOTIFICATION, method, args, expect, ...(kwargs ? { kwargs } : {}) });
  return {
    read: on('read', [[t.rowId], ['title', 'body', 'is_read']], refused),
    read_with_own: on('read', [ids(t), ['title']], refused),
    web_read: on('web_read', [[t.rowId]], refused, { specification: { title: {}, body: {} } }),
    search_read: on('search_read', [theirs, ['title', 'body']], none),
    search_read_ids: on('search_read', [[['id', 'in', [...t.victimIds]]], ['title']], none),
    search: on('search', [theirs], none),
    search_count: on('search_count', [theirs], none),
    web_search_read: on('web_search_read', [theirs], none, { specification: { title: {}, body: {} } }),
    name_search: on('name_search', [''], none, { limit: 1000 }),
    read_group_theirs: on('read_group', [theirs, [], ['channel']], { shows: (r) => (Array.isArray(r) && r.length ? `grouped ${JSON.stringify(r).slice(0, 200)}` : undefined) }),
    read_group_users: on('read_group', [[], [], ['user_id']], { shows: groupsOnlyOwn(t.attacker) }),
    mark_read: on('action_mark_read', [[t.rowId]], refused),
    mark_read_with_own: on('action_mark_read', [ids(t)], refused),
    write_unread: on('write', [[t.rowId], { is_read: false }], refused),
    write_title: on('write', [[t.rowId], { title: 'Taken over' }], refused),
    write_user: on('write', [[t.rowId], { user_id: t.attacker }], refused),
    write_with_own: on('write', [ids(t), { is_read: true }], refused),
    create_for_victim: on('create', [[{ user_id: t.victim, title: 'In your name' }]], refused),
    copy: on('copy', [[t.rowId]], refused),
    unlink: on('unlink', [[t.rowId]], refused),
  };
}

/** The operators' models, their tables, and what a member tries on each (every call an AccessError: members have no ACL there). */
export const STAFF_MODELS = {
  'hp.operation': { table: 'operations', ownerField: 'operator_id', write: { name: 'Taken over' }, create: { name: 'Mine', operation_type: 'banner' }, methods: ['action_schedule', 'action_done', 'action_cancel'] },
  'hp.risk.rule': { table: 'risk_rules', ownerField: 'create_uid', write: { severity: 'low', active: false }, create: { name: 'Mine', code: 'ISOLATION', model_name: 'hp.rating' }, methods: ['action_scan'] },
  'hp.risk.alert': { table: 'risk_alerts', ownerField: 'user_id', write: { state: 'resolved' }, create: { res_model: 'hp.rating', res_id: 1 }, methods: ['action_investigate', 'action_resolve', 'action_false_positive'] },
  'hp.audit.log': { table: 'audit_logs', ownerField: 'user_id', write: { action: 'erased' }, create: { action: 'forged' }, methods: [] as string[] },
} as const;
export type StaffModel = keyof typeof STAFF_MODELS;

export function staffAttempts(model: StaffModel, t: Target): Record<string, Attempt> {
  const m = STAFF_MODELS[model];
  const on = (method: string, args: unknown[], kwargs?: Record<string, unknown>): Attempt => ({ model, method, args, expect: refused, ...(kwargs ? { kwargs } : {}) });
  const methods = Object.fromEntries(m.methods.map((method) => [method, on(method, [[t.rowId]])]));
  return {
    search_read: on('search_read', [[], []], { limit: 5 }),
    search_read_own: on('search_read', [[[m.ownerField, '=', t.attacker]], []]),
    search: on('search', [[]]),
    search_count: on('search_count', [[]]),
    read: on('read', [[t.rowId], []]),
    web_read: on('web_read', [[t.rowId]], { specification: { display_name: {} } }),
    web_search_read: on('web_search_read', [[]], { specification: { display_name: {} } }),
    read_group: on('read_group', [[], [], [model === 'hp.audit.log' ? 'action' : 'create_uid']]),
    name_search: on('name_search', [''], { limit: 5 }),
    write: on('write', [[t.rowId], m.write]),
    create: on('create', [[{ ...m.create, ...(model === 'hp.audit.log' ? { user_id: t.attacker } : {}) }]]),
    copy: on('copy', [[t.rowId]]),
    unlink: on('unlink', [[t.rowId]]),
    ...methods,
  };
}

/** The area of a draw: another member's notifications, or one of the operators' models. */
export type Area = 'notifications' | StaffModel;
export const AREA_NAMES: readonly Area[] = ['notifications', ...(Object.keys(STAFF_MODELS) as StaffModel[])];

export const attemptsOf = (area: Area, t: Target): Record<string, Attempt> => (area === 'notifications' ? notificationAttempts(t) : staffAttempts(area, t));

/** The labels of an area's attempts (they do not depend on the target). */
export const attemptLabels = (area: Area): string[] => Object.keys(attemptsOf(area, { attacker: 1, victim: 2, rowId: 1, victimIds: [1] }));

/**
 * The rows a refused attempt must leave exactly as they were: the victim's notifications (a row
 * created for them shows too), or the operators' tables (action_scan opens alerts) and the
 * certifications (only operators revoke them).
 */
export async function guardedRows(pool: pg.Pool, area: Area, victim: number): Promise<string> {
  if (area === 'notifications') {
    const { rows } = await pool.query('SELECT * FROM notifications WHERE user_id = $1 ORDER BY id', [victim]);
    return JSON.stringify(rows);
  }
  const tables = [...Object.values(STAFF_MODELS).map((m) => m.table), 'certifications'];
  const digests = await Promise.all(tables.map(async (table) => (await pool.query<{ d: string | null }>(`SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) AS d FROM ${table} t`)).rows[0]!.d));
  return JSON.stringify(digests);
}

/** What is wrong with the answer and the rows after it, or undefined. */
export function breachOf(attempt: Attempt, answer: OdooAnswer, before: string, after: string): string | undefined {
  if (before !== after) return `the guarded rows changed (answer ${answer.raw.slice(0, 200)})`;
  if ('refused' in attempt.expect) {
    if (answer.ok) return `accepted: ${answer.raw.slice(0, 200)}`;
    if (answer.error === ACCESS_ERROR) return undefined;
    return `refused with ${answer.error}, not an AccessError: ${answer.raw.slice(0, 200)}`;
  }
  if (!answer.ok) return `failed: ${answer.error} ${answer.raw.slice(0, 200)}`;
  return attempt.expect.shows(answer.result);
}
