import { ODOO_PROTOCOLS, type OdooProtocol } from '../user/support/odoo-protocols.ts';

/**
 * The Odoo protocols the ec and ai isolation properties attack through: XML-RPC, JSON-RPC
 * execute_kw and /web/dataset/call_kw with a web session (test/services/user/support/
 * odoo-protocols.ts), and JSON-2 with an API key, whose named arguments are execute_kw's positional
 * ones by name (`ids` first for a record method: every `action_*` of these models takes the
 * records only).
 */
const JSON2_NAMES: Record<string, readonly string[]> = {
  read: ['ids', 'fields'], web_read: ['ids'], search_read: ['domain', 'fields'], search: ['domain'], search_count: ['domain'],
  web_search_read: ['domain'], read_group: ['domain', 'fields', 'groupby'], name_search: ['name'], write: ['ids', 'vals'],
  unlink: ['ids'], copy: ['ids'], create: ['vals_list'],
};

const json2: OdooProtocol = async (base, caller, model, method, args, kwargs) => {
  const names = JSON2_NAMES[method] ?? (method.startsWith('action_') ? ['ids'] : undefined);
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

export const ISOLATION_PROTOCOLS = { xmlrpc: ODOO_PROTOCOLS.xmlrpc, jsonrpc: ODOO_PROTOCOLS.jsonrpc, call_kw: ODOO_PROTOCOLS.call_kw, json2 } as const;
export type IsolationProtocolName = keyof typeof ISOLATION_PROTOCOLS;

/**
 * The record ids an Odoo answer shows: a search's ids, a read's or search_read's records, a
 * web_search_read's `records`, name_search's pairs (a count shows none, it is judged apart).
 * Only record ids count: a many2one pair or an x2many list inside a record names other rows.
 */
export function shownIds(result: unknown): number[] {
  if (!Array.isArray(result)) {
    const records = (result as { records?: unknown } | null)?.records;
    return Array.isArray(records) ? shownIds(records) : [];
  }
  return result.flatMap((item: unknown) => {
    if (typeof item === 'number') return [item];
    if (Array.isArray(item) && typeof item[0] === 'number') return [item[0]];
    if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'number') return [(item as { id: number }).id];
    return [];
  });
}
