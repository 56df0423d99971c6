import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';

/**
 * The probes of the security issue, on every wire: member001 (uid 6) reading other members'
 * health records with `web_read`, and reaching another member's service order through a
 * nested specification on a model without rules (hp.rating → order_id). Each protocol must
 * refuse with its own AccessError (JSON-RPC `data.name`, XML-RPC fault 4, JSON-2 403) and
 * leak no value; the member's own rows still read.
 */
const MEMBER = { uid: 6, login: 'member001@hp.example', password: 'member001@hp.example', apiKey: 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840' };

let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
let foreignRecords: number[];
let ownRecords: number[];
let ratingOfForeignOrder: number;
let sessionCookie: string;

interface Attempt {
  ok: boolean;
  /** The protocol's error class name, when it failed. */
  error?: string;
  raw: string;
}

type Protocol = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown>) => Promise<Attempt>;

const url = () => legacy.gateway.url;

const jsonRpc: Protocol = async (model, method, args, kwargs) => {
  const response = await fetch(`${url()}/jsonrpc`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { service: 'object', method: 'execute_kw', args: [LEGACY_DB_NAME, MEMBER.uid, MEMBER.password, model, method, args, kwargs] } }),
  });
  const raw = await response.text();
  const body = JSON.parse(raw) as { error?: { data: { name: string } } };
  return body.error ? { ok: false, error: body.error.data.name, raw } : { ok: true, raw };
};

const callKw: Protocol = async (model, method, args, kwargs) => {
  const response = await fetch(`${url()}/web/dataset/call_kw/${model}/${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: sessionCookie },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { model, method, args, kwargs } }),
  });
  const raw = await response.text();
  const body = JSON.parse(raw) as { error?: { data: { name: string } } };
  return body.error ? { ok: false, error: body.error.data.name, raw } : { ok: true, raw };
};

const json2: Protocol = async (model, method, args, kwargs) => {
  const response = await fetch(`${url()}/json/2/${model}/${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `bearer ${MEMBER.apiKey}`, 'x-odoo-database': LEGACY_DB_NAME },
    body: JSON.stringify({ ids: args[0], ...kwargs }),
  });
  const raw = await response.text();
  if (response.ok) return { ok: true, raw };
  return { ok: false, error: (JSON.parse(raw) as { name: string }).name, raw };
};

function xmlValue(value: unknown): string {
  if (typeof value === 'number') return `<int>${value}</int>`;
  if (typeof value === 'string') return `<string>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</string>`;
  if (typeof value === 'boolean') return `<boolean>${value ? 1 : 0}</boolean>`;
  if (Array.isArray(value)) return `<array><data>${value.map((v) => `<value>${xmlValue(v)}</value>`).join('')}</data></array>`;
  const members = Object.entries(value as Record<string, unknown>).map(([k, v]) => `<member><name>${k}</name><value>${xmlValue(v)}</value></member>`);
  return `<struct>${members.join('')}</struct>`;
}

const xmlRpc: Protocol = async (model, method, args, kwargs) => {
  const params = [LEGACY_DB_NAME, MEMBER.uid, MEMBER.password, model, method, args, kwargs];
  const response = await fetch(`${url()}/xmlrpc/2/object`, {
    method: 'POST', headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>${params.map((p) => `<param><value>${xmlValue(p)}</value></param>`).join('')}</params></methodCall>`,
  });
  const raw = await response.text();
  const fault = /<name>faultCode<\/name>\s*<value><int>(\d+)<\/int>/.exec(raw);
  if (!fault) return { ok: true, raw };
  return { ok: false, error: fault[1] === '4' ? 'odoo.exceptions.AccessError' : `fault ${fault[1]}`, raw };
};

const PROTOCOLS: Record<string, Protocol> = { '/jsonrpc': jsonRpc, '/xmlrpc/2/object': xmlRpc, '/web/dataset/call_kw': callKw, '/json/2': json2 };

beforeAll(async () => {
  legacy = await startLegacyGateway();
  const pool = legacy.database.pool;
  foreignRecords = (await pool.query<{ id: number }>('SELECT id FROM health_records WHERE user_id <> $1 ORDER BY id LIMIT 3', [MEMBER.uid])).rows.map((r) => r.id);
  ownRecords = (await pool.query<{ id: number }>('SELECT id FROM health_records WHERE user_id = $1 ORDER BY id LIMIT 2', [MEMBER.uid])).rows.map((r) => r.id);
  ratingOfForeignOrder = (await pool.query<{ id: number }>(
    'SELECT r.id FROM ratings r JOIN service_orders o ON o.id = r.order_id WHERE o.customer_id <> $1 ORDER BY r.id LIMIT 1', [MEMBER.uid],
  )).rows[0]!.id;
  const login = await fetch(`${url()}/web/session/authenticate`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { db: LEGACY_DB_NAME, login: MEMBER.login, password: MEMBER.password } }),
  });
  sessionCookie = login.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => legacy?.stop());

describe.each(Object.entries(PROTOCOLS))('a member on %s', (_name, protocol) => {
  it('cannot web_read other members health records', async () => {
    const attempt = await protocol('hp.health.record', 'web_read', [foreignRecords], { specification: { value: {}, note: {}, measured_at: {} } });
    expect(attempt.ok).toBe(false);
    expect(attempt.error).toBe('odoo.exceptions.AccessError');
    expect(attempt.raw).not.toMatch(/measured_at/);
  });

  it('cannot reach another member service order through a nested specification', async () => {
    const attempt = await protocol('hp.rating', 'web_read', [[ratingOfForeignOrder]], { specification: { order_id: { fields: { amount: {}, customer_id: {}, state: {} } } } });
    expect(attempt.ok).toBe(false);
    expect(attempt.error).toBe('odoo.exceptions.AccessError');
  });

  it('still reads their own records, and the rating with the order as a bare id', async () => {
    const own = await protocol('hp.health.record', 'web_read', [ownRecords], { specification: { value: {}, note: {} } });
    expect(own.ok, own.raw).toBe(true);
    const bare = await protocol('hp.rating', 'web_read', [[ratingOfForeignOrder]], { specification: { order_id: {}, score: {} } });
    expect(bare.ok, bare.raw).toBe(true);
  });
});
