import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The golden transcripts (fixtures/odoo-golden.jsonl) reduced to ORM calls: every pristine
 * case whose request is an object-service `execute`/`execute_kw` (JSON-RPC or XML-RPC) or a
 * web `call_kw`, with the outcome Odoo recorded.
 */
export interface GoldenCall {
  id: string;
  category: string;
  title: string;
  uid: number;
  model: string;
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  expected: { kind: 'result'; value: unknown } | { kind: 'none' } | { kind: 'error'; name: string; message: string | null };
  /** Pointers below the result that may differ (README "volatile"), relative to the result. */
  volatile: string[];
  unordered: string[];
  /** Why the engine alone cannot answer it like Odoo (another layer's job), if so. */
  outOfScope: string | null;
  /** Depends on access rights/record rules (checked with the permissive policy for now). */
  needsAccess: boolean;
}

const USERS: Record<string, { uid: number; password: string }> = {
  admin: { uid: 2, password: 'admin' },
  demo: { uid: 6, password: 'demo' },
  portal: { uid: 7, password: 'portal' },
};

/** XML-RPC fault codes → the exception family Odoo mapped to them. */
const FAULT_NAMES: Record<string, string> = { '2': 'odoo.exceptions.UserError', '3': 'odoo.exceptions.AccessDenied', '4': 'odoo.exceptions.AccessError' };

export function loadGoldenCalls(file = path.resolve(import.meta.dirname, '../../../fixtures/odoo-golden.jsonl')): GoldenCall[] {
  const calls: GoldenCall[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line);
    if (record.db_state !== 'pristine') continue;
    const call = toCall(record);
    if (call) calls.push(call);
  }
  return calls;
}

function toCall(record: any): GoldenCall | null {
  const request = record.request ?? {};
  let service: string | undefined;
  let method: string | undefined;
  let params: unknown[] | undefined;
  let model: string | undefined;
  let orm: string | undefined;
  let args: unknown[] = [];
  let kwargs: Record<string, unknown> = {};
  let outOfScope: string | null = null;
  const user = record.user?.login ? USERS[record.user.login] : undefined;
  let uid = user?.uid ?? 2;

  if (record.transport === 'call_kw') {
    const p = request.body?.params ?? {};
    if (typeof p.model !== 'string' || typeof p.method !== 'string') return null;
    model = p.model;
    orm = p.method;
    args = Array.isArray(p.args) ? p.args : [];
    kwargs = p.kwargs && typeof p.kwargs === 'object' ? p.kwargs : {};
    if (!('kwargs' in p)) outOfScope = 'call_kw route argument check (transport)';
  } else {
    if (record.transport === 'jsonrpc') {
      const p = request.body?.params ?? {};
      service = p.service;
      method = p.method;
      params = p.args;
    } else if (record.transport === 'xmlrpc') {
      service = String(request.path ?? '').split('/').pop();
      method = request.method;
      params = request.params;
    } else return null;
    if (service !== 'object' || !Array.isArray(params)) return null;
    if (method !== 'execute' && method !== 'execute_kw') return null;
    if (params.length < 5) return null;
    [, , , model, orm] = params as [unknown, unknown, unknown, string, string];
    if (method === 'execute') args = params.slice(5);
    else {
      args = Array.isArray(params[5]) ? (params[5] as unknown[]) : [];
      kwargs = params[6] && typeof params[6] === 'object' ? (params[6] as Record<string, unknown>) : {};
    }
    const requestUid = Number(params[1]);
    if (!user || params[2] !== user.password || requestUid !== user.uid) outOfScope = 'credentials (auth layer)';
    uid = requestUid;
  }
  const response = record.response ?? {};
  let expected: GoldenCall['expected'];
  let base: string;
  if (response.fault) {
    const code = String(response.fault.faultCode);
    const text = String(response.fault.faultString ?? '');
    if (code === '1') {
      const last = text.trim().split('\n').pop() ?? '';
      const m = /^(\w+(?:\.\w+)*): (.*)$/.exec(last);
      expected = { kind: 'error', name: m ? pythonName(m[1]!) : 'builtins.Exception', message: m ? m[2]! : null };
    } else {
      expected = { kind: 'error', name: FAULT_NAMES[code] ?? code, message: text };
    }
    base = '/response/fault';
  } else if (response.body?.error) {
    const data = response.body.error.data ?? {};
    expected = { kind: 'error', name: data.name, message: data.message };
    if (data.name === 'werkzeug.exceptions.NotFound') outOfScope = 'call_kw unknown model answers 404 (transport)';
    base = '/response/body/error';
  } else if (response.body && 'result' in response.body) {
    expected = { kind: 'result', value: response.body.result };
    base = '/response/body/result';
  } else if ('result' in response) {
    expected = { kind: 'result', value: response.result };
    base = '/response/result';
  } else if (response.body) {
    expected = { kind: 'none' };
    base = '/response/body/result';
  } else return null;
  const relative = (list: string[] | undefined) =>
    (list ?? []).filter((p) => p.startsWith(base)).map((p) => p.slice(base.length));
  return {
    id: record.id,
    category: String(record.id).split('.')[0]!,
    title: record.title,
    uid,
    model: model!,
    method: orm!,
    args,
    kwargs,
    expected,
    volatile: relative(record.volatile),
    unordered: relative(record.unordered),
    outOfScope,
    needsAccess: record.id.startsWith('acl.') || (record.user?.login && record.user.login !== 'admin'),
  };
}

function pythonName(name: string): string {
  if (name.includes('.')) return name;
  return `builtins.${name}`;
}
