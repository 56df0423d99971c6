import type pg from 'pg';
import { ACCESS_ERROR, ODOO_PROTOCOLS, type OdooAnswer, type OdooProtocol } from '../user/support/odoo-protocols.ts';

/**
 * The Odoo calls of the biz isolation property (isolation.property.db.test.ts): what an attacker
 * tries on a victim's live stream, membership or dashboard, and what must come of it.
 */

/** JSON-2 takes named arguments: the names of execute_kw's positional ones, `ids` first for record methods. */
const JSON2_NAMES: Record<string, readonly string[]> = {
  read: ['ids', 'fields'], web_read: ['ids'], search_read: ['domain', 'fields'], search: ['domain'], search_count: ['domain'],
  web_search_read: ['domain'], read_group: ['domain', 'fields', 'groupby'], name_search: ['name'], write: ['ids', 'vals'],
  unlink: ['ids'], copy: ['ids'], create: ['vals_list'], action_go_live: ['ids'], action_end: ['ids'], action_leave: ['ids'], action_ban: ['ids'],
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
export const BIZ_PROTOCOLS = { xmlrpc: ODOO_PROTOCOLS.xmlrpc, jsonrpc: ODOO_PROTOCOLS.jsonrpc, call_kw: ODOO_PROTOCOLS.call_kw, json2 } as const;
export type BizProtocolName = keyof typeof BIZ_PROTOCOLS;

export const AREAS = {
  streams: { model: 'hp.live.stream', table: 'live_streams', owner: 'host_id' },
  memberships: { model: 'hp.community.member', table: 'members', owner: 'user_id' },
  dashboards: { model: 'hp.biz.dashboard', table: 'biz_dashboards', owner: 'owner_id' },
} as const;
export type Area = keyof typeof AREAS;

/** What the attempt must end in: an AccessError that changes nothing, or an answer that shows none of the victim's rows. */
export type Expectation = { refused: true; stateCheckFirst?: true } | { shows: (result: unknown) => string | undefined };

export interface Attempt {
  method: string;
  args: unknown[];
  kwargs?: Record<string, unknown>;
  expect: Expectation;
}

/** Who attacks whom, on which of the victim's rows. */
export interface Target {
  attacker: number;
  victim: number;
  /** The victim's row attacked (a stream they host, their membership, their dashboard). */
  rowId: number;
  /** All the victim's rows of the area (their dashboards: what must stay hidden). */
  victimIds: readonly number[];
  /** A row of the attacker's own, when they have one (mixed calls). */
  ownId?: number;
  /** Memberships: the group of the attacked membership, and a group the victim is not in that the attacker does not manage. */
  groupId?: number;
  otherGroupId?: number;
}

const USER_ERROR = 'odoo.exceptions.UserError';
const refused: Expectation = { refused: true };
/**
 * action_go_live / action_end check the stream's state before they write (the addon's loop, then
 * `self.write`), so a stream in the wrong state answers the addon's UserError before the host rule
 * guarding the write is reached, as a record rule would in Odoo: refused either way.
 */
const refusedOrWrongState: Expectation = { refused: true, stateCheckFirst: true };

const ids = (t: Target) => (t.ownId ? [t.ownId, t.rowId] : [t.rowId]);

export function streamAttempts(t: Target): Record<string, Attempt> {
  return {
    go_live: { method: 'action_go_live', args: [[t.rowId]], expect: refusedOrWrongState },
    end: { method: 'action_end', args: [[t.rowId]], expect: refusedOrWrongState },
    go_live_with_own: { method: 'action_go_live', args: [ids(t)], expect: refusedOrWrongState },
    write_title: { method: 'write', args: [[t.rowId], { title: 'Taken over' }], expect: refused },
    write_host: { method: 'write', args: [[t.rowId], { host_id: t.attacker }], expect: refused },
    write_state: { method: 'write', args: [[t.rowId], { state: 'ended' }], expect: refused },
    write_with_own: { method: 'write', args: [ids(t), { viewer_peak: 7 }], expect: refused },
    create_as_victim: { method: 'create', args: [[{ title: 'In your name', host_id: t.victim }]], expect: refused },
    copy: { method: 'copy', args: [[t.rowId]], expect: refused },
    unlink: { method: 'unlink', args: [[t.rowId]], expect: refused },
  };
}

export function membershipAttempts(t: Target): Record<string, Attempt> {
  return {
    leave: { method: 'action_leave', args: [[t.rowId]], expect: refused },
    ban: { method: 'action_ban', args: [[t.rowId]], expect: refused },
    write_left: { method: 'write', args: [[t.rowId], { state: 'left' }], expect: refused },
    write_banned: { method: 'write', args: [[t.rowId], { state: 'banned' }], expect: refused },
    write_active: { method: 'write', args: [[t.rowId], { state: 'active' }], expect: refused },
    write_role: { method: 'write', args: [[t.rowId], { role: 'admin' }], expect: refused },
    write_user: { method: 'write', args: [[t.rowId], { user_id: t.attacker }], expect: refused },
    write_group: { method: 'write', args: [[t.rowId], { group_id: t.otherGroupId }], expect: refused },
    write_joined_at: { method: 'write', args: [[t.rowId], { joined_at: '2020-01-01 00:00:00' }], expect: refused },
    join_as_victim: { method: 'create', args: [[{ group_id: t.otherGroupId, user_id: t.victim }]], expect: refused },
    copy: { method: 'copy', args: [[t.rowId]], expect: refused },
    unlink: { method: 'unlink', args: [[t.rowId]], expect: refused },
  };
}

/** A search answer (ids, records, pairs, a count, groups) that holds none of the victim's dashboards. */
function showsNone(victimIds: readonly number[]) {
  return (result: unknown): string | undefined => {
    const found = new Set<number>();
    const walk = (v: unknown): void => {
      if (typeof v === 'number' && victimIds.includes(v)) found.add(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k === 'id' || k === 'records' || Array.isArray(x)) walk(x);
    };
    if (typeof result === 'number') return result === 0 ? undefined : `counted ${result}`;
    walk(result);
    return found.size ? `showed dashboards ${[...found].join(', ')}` : undefined;
  };
}

/** read_group by owner_id: no group but the attacker's own. */
function groupsOnlyOwn(attacker: number) {
  return (result: unknown): string | undefined => {
    const groups = Array.isArray(result) ? (result as { owner_id?: unknown }[]) : [];
    const others = groups.filter((g) => !(Array.isArray(g.owner_id) && g.owner_id[0] === attacker));
    return others.length ? `grouped other owners: ${JSON.stringify(others.map((g) => g.owner_id))}` : undefined;
  };
}

export function dashboardAttempts(t: Target): Record<string, Attempt> {
  const theirs = [['owner_id', '=', t.victim]];
  const none = { shows: showsNone(t.victimIds) };
  return {
    read: { method: 'read', args: [[t.rowId], ['revenue', 'owner_id']], expect: refused },
    read_with_own: { method: 'read', args: [ids(t), ['revenue']], expect: refused },
    web_read: { method: 'web_read', args: [[t.rowId]], kwargs: { specification: { revenue: {} } }, expect: refused },
    search_read: { method: 'search_read', args: [theirs, ['revenue']], expect: none },
    search_read_ids: { method: 'search_read', args: [[['id', 'in', [...t.victimIds]]], ['revenue']], expect: none },
    search: { method: 'search', args: [theirs], expect: none },
    search_count: { method: 'search_count', args: [theirs], expect: none },
    web_search_read: { method: 'web_search_read', args: [theirs], kwargs: { specification: { revenue: {} } }, expect: none },
    name_search: { method: 'name_search', args: [''], kwargs: { limit: 1000 }, expect: none },
    read_group_theirs: { method: 'read_group', args: [theirs, ['revenue:sum'], ['period:month']], expect: { shows: (r) => (Array.isArray(r) && r.length ? `grouped ${JSON.stringify(r).slice(0, 200)}` : undefined) } },
    read_group_owners: { method: 'read_group', args: [[], ['revenue:sum'], ['owner_id']], expect: { shows: groupsOnlyOwn(t.attacker) } },
    write: { method: 'write', args: [[t.rowId], { revenue: 1 }], expect: refused },
    unlink: { method: 'unlink', args: [[t.rowId]], expect: refused },
    copy: { method: 'copy', args: [[t.rowId]], expect: refused },
  };
}

export const ATTEMPTS: Record<Area, (t: Target) => Record<string, Attempt>> = { streams: streamAttempts, memberships: membershipAttempts, dashboards: dashboardAttempts };

/** The labels of an area's attempts (they do not depend on the target). */
export const attemptLabels = (area: Area): string[] => Object.keys(ATTEMPTS[area]({ attacker: 1, victim: 2, rowId: 1, victimIds: [1], groupId: 1, otherGroupId: 2 }));

/** The victim's rows of the area, as stored: what a refused attempt must leave exactly as it was. */
export async function victimRows(pool: pg.Pool, area: Area, victim: number): Promise<string> {
  const { table, owner } = AREAS[area];
  const { rows } = await pool.query(`SELECT * FROM ${table} WHERE ${owner} = $1 ORDER BY id`, [victim]);
  return JSON.stringify(rows);
}

/** What is wrong with the answer and the rows after it, or undefined. */
export function breachOf(attempt: Attempt, answer: OdooAnswer, before: string, after: string): string | undefined {
  if (before !== after) return `the victim's rows changed (answer ${answer.raw.slice(0, 200)})`;
  if ('refused' in attempt.expect) {
    if (answer.ok) return `accepted: ${answer.raw.slice(0, 200)}`;
    if (answer.error === ACCESS_ERROR) return undefined;
    const wrongState = /Stream '.*' is not (scheduled|live)\./.test(answer.raw) && (answer.error === USER_ERROR || answer.error.startsWith('fault 2:'));
    if (attempt.expect.stateCheckFirst && wrongState) return undefined;
    return `refused with ${answer.error}, not an AccessError: ${answer.raw.slice(0, 200)}`;
  }
  if (!answer.ok) return `failed: ${answer.error} ${answer.raw.slice(0, 200)}`;
  return attempt.expect.shows(answer.result);
}
