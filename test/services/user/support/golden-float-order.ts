import { readFileSync } from 'node:fs';
import path from 'node:path';
import xmlrpc from 'xmlrpc';
import { PROJECT_ROOT } from '../../../support/ficus-process.ts';

/**
 * PostgreSQL adds float8 values in the order its plan feeds them (a sort is not stable), and the
 * last digits of a sum or mean follow that order: 8.049999999999999 or 8.05. The engine sends
 * Odoo's SQL, so the monolith plans it as Odoo did and phase legacy matches to the bit; svc_user
 * has the health-data route's covering index on health_records (user_id, record_type,
 * measured_at), and the planner may feed a member's read_group from it in another order, run by
 * run as its statistics settle. Adding in id or heap order matches neither plan (tried: it broke
 * goal read_groups in phase legacy). So after cutover a pristine read_group that the replayer
 * finds different is sent again and accepted when it equals the recording up to float rounding
 * (every number within 1e-12 relative, everything else exact); anything else stays a failure.
 */
export interface GoldenCase {
  id: string;
  db_state: string;
  transport: 'jsonrpc' | 'xmlrpc' | 'call_kw';
  request: { path: string; body?: unknown; params?: unknown[] };
  response: { body?: { result?: unknown; error?: unknown }; result?: unknown };
}

const READ_GROUPS = new Set(['read_group', 'web_read_group']);

export function goldenCases(files: readonly string[]): Map<string, GoldenCase> {
  const cases = new Map<string, GoldenCase>();
  for (const file of files) {
    for (const line of readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n')) {
      if (line.trim()) {
        const c = JSON.parse(line) as GoldenCase;
        cases.set(c.id, c);
      }
    }
  }
  return cases;
}

/** A pristine read_group over JSON-RPC or XML-RPC (resending it changes nothing). */
export function isResendableReadGroup(c: GoldenCase): boolean {
  if (c.db_state !== 'pristine') return false;
  if (c.transport === 'jsonrpc') return READ_GROUPS.has(String((c.request.body as { params: { args: unknown[] } }).params.args[4]));
  if (c.transport === 'xmlrpc') return READ_GROUPS.has(String(c.request.params?.[4]));
  return false;
}

function nearlyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => nearlyEqual(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return JSON.stringify(ka) === JSON.stringify(kb) && ka.every((k) => nearlyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** Sends the case again; true when the answer equals the recording up to float rounding. */
export async function equalUpToFloatOrder(baseUrl: string, c: GoldenCase): Promise<boolean> {
  if (c.transport === 'jsonrpc') {
    const response = await fetch(`${baseUrl}${c.request.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c.request.body) });
    const body = (await response.json()) as { result?: unknown; error?: unknown };
    return !body.error && !c.response.body?.error && nearlyEqual(body.result, c.response.body?.result);
  }
  const u = new URL(baseUrl);
  const client = xmlrpc.createClient({ host: u.hostname, port: Number(u.port), path: c.request.path });
  const result = await new Promise<unknown>((resolve, reject) => client.methodCall('execute_kw', c.request.params!, (error: unknown, value: unknown) => (error ? reject(error) : resolve(value))));
  return nearlyEqual(result, c.response.result);
}
