import type pg from 'pg';
import { ACCESS_ERROR, type OdooAnswer } from '../user/support/odoo-protocols.ts';
import { shownIds } from './isolation-protocols.ts';

/**
 * The Odoo calls of the ec isolation property (isolation.property.db.test.ts): what a member
 * tries on another member's mall orders (hp_mall's record rule: a buyer reads and changes only its
 * own) and on their order lines (no record rule in the monolith: a hole ec closes, the lines being
 * as personal as their order), and on the models a member has no access to at all (hp.inventory,
 * hp.ad.campaign, hp.ad.impression: merchants, operators and administrators only), and what must
 * come of it.
 */

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
  /** orders and lines: the member whose rows are attacked; staff models: nobody's (0). */
  victim: number;
  /** The row attacked: one of the victim's orders or lines, or a row of the staff model. */
  rowId: number;
  /** Every order (or line) of the victim: what must stay hidden. */
  victimIds: readonly number[];
  /** lines: the victim's order the attacked line belongs to. */
  victimOrderId?: number;
  /** An order (or line) of the attacker's own, for mixed calls. */
  ownId?: number;
  /** lines: an order of the attacker's own (a line moved there). */
  ownOrderId?: number;
}

const refused: Expectation = { refused: true };
const ids = (t: Target) => (t.ownId ? [t.ownId, t.rowId] : [t.rowId]);

/** A search answer (ids, records, pairs, a count) that holds none of the victim's rows. */
function showsNone(victimIds: readonly number[]) {
  return (result: unknown): string | undefined => {
    if (typeof result === 'number') return result === 0 ? undefined : `counted ${result}`;
    const found = shownIds(result).filter((id) => victimIds.includes(id));
    return found.length ? `showed ${found.join(', ')}` : undefined;
  };
}

/** read_group over a domain that names only the victim's rows: no group at all. */
const noGroups: Expectation = { shows: (r) => (Array.isArray(r) && r.length ? `grouped ${JSON.stringify(r).slice(0, 200)}` : undefined) };

/** read_group by buyer_id: no group but the attacker's own. */
function groupsOnlyOwn(attacker: number) {
  return (result: unknown): string | undefined => {
    const groups = Array.isArray(result) ? (result as { buyer_id?: unknown }[]) : [];
    const others = groups.filter((g) => !(Array.isArray(g.buyer_id) && g.buyer_id[0] === attacker));
    return others.length ? `grouped other buyers: ${JSON.stringify(others.map((g) => g.buyer_id))}` : undefined;
  };
}

const ORDER = 'hp.mall.order';
const LINE = 'hp.mall.order.line';

export function orderAttempts(t: Target): Record<string, Attempt> {
  const theirs = [['buyer_id', '=', t.victim]];
  const none = { shows: showsNone(t.victimIds) };
  const on = (method: string, args: unknown[], expect: Expectation, kwargs?: Record<string, unknown>): Attempt => ({ model: ORDER, method, args, expect, ...(kwargs ? { kwargs } : {}) });
  return {
    read: on('read', [[t.rowId], ['name', 'state', 'amount_total']], refused),
    read_with_own: on('read', [ids(t), ['name']], refused),
    web_read: on('web_read', [[t.rowId]], refused, { specification: { name: {}, line_ids: { fields: { product_id: {} } } } }),
    search_read: on('search_read', [theirs, ['name', 'amount_total']], none),
    search_read_ids: on('search_read', [[['id', 'in', [...t.victimIds]]], ['name']], none),
    search: on('search', [theirs], none),
    search_count: on('search_count', [theirs], none),
    web_search_read: on('web_search_read', [theirs], none, { specification: { name: {}, state: {} } }),
    name_search: on('name_search', [''], none, { limit: 1000 }),
    read_group_theirs: on('read_group', [theirs, [], ['state']], noGroups),
    read_group_buyers: on('read_group', [[], [], ['buyer_id']], { shows: groupsOnlyOwn(t.attacker) }),
    write_state: on('write', [[t.rowId], { state: 'cancelled' }], refused),
    write_buyer: on('write', [[t.rowId], { buyer_id: t.attacker }], refused),
    write_with_own: on('write', [ids(t), { state: 'draft' }], refused),
    write_new_line: on('write', [[t.rowId], { line_ids: [[0, 0, { product_id: 1, quantity: 1 }]] }], refused),
    create_for_victim: on('create', [[{ buyer_id: t.victim, line_ids: [[0, 0, { product_id: 1 }]] }]], refused),
    action_pay: on('action_pay', [[t.rowId]], refused),
    action_ship: on('action_ship', [[t.rowId]], refused),
    action_deliver: on('action_deliver', [[t.rowId]], refused),
    action_cancel: on('action_cancel', [[t.rowId]], refused),
    action_cancel_with_own: on('action_cancel', [ids(t)], refused),
    copy: on('copy', [[t.rowId]], refused),
    unlink: on('unlink', [[t.rowId]], refused),
  };
}

export function lineAttempts(t: Target): Record<string, Attempt> {
  const theirs = [['order_id.buyer_id', '=', t.victim]];
  const none = { shows: showsNone(t.victimIds) };
  const on = (method: string, args: unknown[], expect: Expectation, kwargs?: Record<string, unknown>): Attempt => ({ model: LINE, method, args, expect, ...(kwargs ? { kwargs } : {}) });
  return {
    read: on('read', [[t.rowId], ['order_id', 'product_id', 'quantity', 'subtotal']], refused),
    read_with_own: on('read', [ids(t), ['quantity']], refused),
    web_read: on('web_read', [[t.rowId]], refused, { specification: { quantity: {}, price_unit: {} } }),
    search_read: on('search_read', [theirs, ['product_id', 'quantity']], none),
    search_read_order: on('search_read', [[['order_id', '=', t.victimOrderId]], ['quantity']], none),
    search_read_ids: on('search_read', [[['id', 'in', [...t.victimIds]]], ['quantity']], none),
    search: on('search', [theirs], none),
    search_count: on('search_count', [theirs], none),
    web_search_read: on('web_search_read', [theirs], none, { specification: { quantity: {} } }),
    name_search: on('name_search', [''], none, { limit: 5000 }),
    read_group_theirs: on('read_group', [theirs, ['subtotal:sum'], ['product_id']], noGroups),
    write_quantity: on('write', [[t.rowId], { quantity: 99 }], refused),
    write_price: on('write', [[t.rowId], { price_unit: 0 }], refused),
    write_with_own: on('write', [ids(t), { quantity: 2 }], refused),
    write_to_own_order: on('write', [[t.rowId], { order_id: t.ownOrderId ?? t.victimOrderId }], refused),
    create_on_victim_order: on('create', [[{ order_id: t.victimOrderId, product_id: 1, quantity: 1 }]], refused),
    copy: on('copy', [[t.rowId]], refused),
    unlink: on('unlink', [[t.rowId]], refused),
  };
}

/** The merchants' and operators' models, their tables, and what a member tries on each (every call an AccessError: members have no ACL there). */
export const STAFF_MODELS = {
  'hp.inventory': { table: 'inventories', ownerField: 'create_uid', groupBy: 'warehouse', write: { reserved: 0 }, create: { product_id: 1, warehouse: 'MINE', quantity: 1 }, methods: [] as string[] },
  'hp.ad.campaign': { table: 'ad_campaigns', ownerField: 'create_uid', groupBy: 'state', write: { budget: 1 }, create: { name: 'Mine' }, methods: ['action_start', 'action_pause', 'action_done'] },
  'hp.ad.impression': { table: 'ad_impressions', ownerField: 'user_id', groupBy: 'clicked', write: { cost: 0 }, create: { campaign_id: 1, cost: 0.01 }, methods: [] as string[] },
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
    read_group: on('read_group', [[], [], [m.groupBy]]),
    name_search: on('name_search', [''], { limit: 5 }),
    write: on('write', [[t.rowId], m.write]),
    create: on('create', [[{ ...m.create }]]),
    copy: on('copy', [[t.rowId]]),
    unlink: on('unlink', [[t.rowId]]),
    ...methods,
  };
}

/** The area of a draw: another member's orders or order lines, or one of the staff models. */
export type Area = 'orders' | 'order_lines' | StaffModel;
export const AREA_NAMES: readonly Area[] = ['orders', 'order_lines', ...(Object.keys(STAFF_MODELS) as StaffModel[])];

export function attemptsOf(area: Area, t: Target): Record<string, Attempt> {
  if (area === 'orders') return orderAttempts(t);
  if (area === 'order_lines') return lineAttempts(t);
  return staffAttempts(area, t);
}

/** The labels of an area's attempts (they do not depend on the target). */
export const attemptLabels = (area: Area): string[] => Object.keys(attemptsOf(area, { attacker: 1, victim: 2, rowId: 1, victimIds: [1], victimOrderId: 1 }));

/**
 * The rows a refused attempt must leave exactly as they were: the victim's orders with their
 * lines (an order created in their name shows too), or the staff tables.
 */
export async function guardedRows(pool: pg.Pool, area: Area, victim: number): Promise<string> {
  if (area === 'orders' || area === 'order_lines') {
    const orders = await pool.query('SELECT id, name, buyer_id, state, amount_total, paid_at FROM orders WHERE buyer_id = $1 ORDER BY id', [victim]);
    const lines = await pool.query(
      'SELECT l.id, l.order_id, l.product_id, l.quantity, l.price_unit, l.subtotal FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.buyer_id = $1 ORDER BY l.id',
      [victim],
    );
    return JSON.stringify([orders.rows, lines.rows]);
  }
  const tables = Object.values(STAFF_MODELS).map((m) => m.table);
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
