import xmlrpc from 'xmlrpc';
import type { Caller } from './isolation-stack.ts';

/** One answer of an Odoo call: the result, or the error's Python class as the protocol tells it. */
export type OdooAnswer = { ok: true; result: unknown; raw: string } | { ok: false; error: string; raw: string };

export const ACCESS_ERROR = 'odoo.exceptions.AccessError';

/** An Odoo call as execute_kw takes it (positional args, keyword args), sent by one protocol as `caller`. */
export type OdooProtocol = (base: string, caller: Caller, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>) => Promise<OdooAnswer>;

const DATABASE = 'hp_legacy';

function jsonRpcAnswer(raw: string): OdooAnswer {
  const body = JSON.parse(raw) as { result?: unknown; error?: { data?: { name?: string } } };
  return body.error ? { ok: false, error: body.error.data?.name ?? 'unknown', raw } : { ok: true, result: body.result, raw };
}

const jsonRpc: OdooProtocol = async (base, caller, model, method, args, kwargs) => {
  const response = await fetch(`${base}/jsonrpc`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { service: 'object', method: 'execute_kw', args: [DATABASE, caller.uid, caller.login, model, method, args, kwargs] } }),
  });
  return jsonRpcAnswer(await response.text());
};

const callKw: OdooProtocol = async (base, caller, model, method, args, kwargs) => {
  const response = await fetch(`${base}/web/dataset/call_kw/${model}/${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: caller.session },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { model, method, args, kwargs } }),
  });
  return jsonRpcAnswer(await response.text());
};

const xmlRpc: OdooProtocol = (base, caller, model, method, args, kwargs) => {
  const u = new URL(base);
  const client = xmlrpc.createClient({ host: u.hostname, port: Number(u.port), path: '/xmlrpc/2/object' });
  return new Promise<OdooAnswer>((resolve, reject) =>
    client.methodCall('execute_kw', [DATABASE, caller.uid, caller.login, model, method, args, kwargs], (failure: object | null, value: unknown) => {
      const fault = failure as (Error & { faultCode?: number; faultString?: string }) | null;
      if (!fault) return resolve({ ok: true, result: value, raw: JSON.stringify(value) });
      if (fault.faultCode === undefined) return reject(fault);
      // Fault 4 is Odoo's AccessError (and AccessDenied); the others name their class in the string.
      resolve({ ok: false, error: fault.faultCode === 4 ? ACCESS_ERROR : `fault ${fault.faultCode}: ${fault.faultString}`, raw: fault.faultString ?? '' });
    }),
  );
};

/** JSON-2 takes named arguments: the names of execute_kw's positional ones, `ids` first for record methods. */
const POSITIONAL_NAMES: Record<string, readonly string[]> = {
  search_read: ['domain', 'fields'],
  search: ['domain'],
  search_count: ['domain'],
  read: ['ids', 'fields'],
  web_read: ['ids'],
  read_group: ['domain', 'fields', 'groupby'],
  name_search: ['name'],
  write: ['ids', 'vals'],
  unlink: ['ids'],
  copy: ['ids'],
  create: ['vals_list'],
  action_record_progress: ['ids', 'value'],
  action_abandon: ['ids'],
  action_archive: ['ids'],
  action_unarchive: ['ids'],
};

const json2: OdooProtocol = async (base, caller, model, method, args, kwargs) => {
  const names = POSITIONAL_NAMES[method];
  if (!names) throw new Error(`no JSON-2 parameter names for ${method}`);
  const body: Record<string, unknown> = { ...kwargs };
  args.forEach((value, i) => (body[names[i]!] = value));
  const response = await fetch(`${base}/json/2/${model}/${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `bearer ${caller.apiKey}`, 'x-odoo-database': DATABASE },
    body: JSON.stringify(body),
  });
  const raw = await response.text();
  if (response.ok) return { ok: true, result: JSON.parse(raw) as unknown, raw };
  return { ok: false, error: (JSON.parse(raw) as { name?: string }).name ?? `HTTP ${response.status}`, raw };
};

export const ODOO_PROTOCOLS = { jsonrpc: jsonRpc, xmlrpc: xmlRpc, call_kw: callKw, json2 } as const satisfies Record<string, OdooProtocol>;
export type OdooProtocolName = keyof typeof ODOO_PROTOCOLS;
