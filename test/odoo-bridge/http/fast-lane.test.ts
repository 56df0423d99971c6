/**
 * The gateway's fast lane (odoo-bridge/http/fast-lane.ts) answers `POST /jsonrpc`,
 * `/xmlrpc/2/object` and `/xmlrpc/2/common` without express's routing and body parsing; it must
 * answer exactly as the express routes do. The same body is sent twice: with a Content-Length
 * (the fast lane takes it) and chunked (only body-parser reads that, so the express route
 * answers), and the two answers are compared: status, type, length, text.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainBody } from '../../../odoo-bridge/http/fast-lane.ts';
import { serializeMethodCall } from '../../../odoo-bridge/wire/xmlrpc/index.ts';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';

let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
beforeAll(async () => {
  legacy = await startLegacyGateway({ loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 } });
});
afterAll(async () => legacy?.stop());

interface Answer {
  status: number;
  type: string | undefined;
  length: string | undefined;
  text: string;
}

async function send(path: string, body: string, contentType: string, chunked: boolean): Promise<Answer> {
  const bytes = Buffer.from(body, 'utf8');
  const answer = await request(`${legacy.gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    // A stream has no length to declare: undici sends it chunked.
    body: chunked ? Readable.from([bytes]) : bytes,
  });
  const text = await answer.body.text();
  const header = (name: string) => {
    const value = answer.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  // Internal errors carry a fresh reference each time.
  return { status: answer.statusCode, type: header('content-type'), length: header('content-length'), text: text.replace(/reference [0-9a-f-]{36}/g, 'reference …') };
}

async function bothWays(path: string, body: string, contentType: string): Promise<[Answer, Answer]> {
  const fast = await send(path, body, contentType, false);
  const express = await send(path, body, contentType, true);
  return [fast, express];
}

const PARTNERS = ['res.partner', 'search_read', [[]], { fields: ['name', 'country_id'], limit: 3, order: 'id' }];
const json = fc.jsonValue({ maxDepth: 3 });
const credentials = fc.constantFrom<[number | string, string]>([2, 'admin'], [2, 'wrong'], ['2', 'admin'], [999_999, 'x'], [6, 'member001@hp.example']);
const objectArgs = fc.oneof(
  credentials.map(([uid, password]) => [LEGACY_DB_NAME, uid, password, ...PARTNERS]),
  credentials.map(([uid, password]) => [LEGACY_DB_NAME, uid, password, 'res.partner', 'search_count', [[]]]),
  fc.array(json, { maxLength: 7 }),
);
const params = fc.oneof(
  fc.record({ service: fc.constant('object'), method: fc.constantFrom('execute_kw', 'execute', 'nope'), args: objectArgs }),
  fc.record({ service: fc.constant('common'), method: fc.constantFrom('version', 'login', 'authenticate', 'about'), args: fc.array(json, { maxLength: 4 }) }),
  fc.record({ service: fc.constantFrom('db', 'nosuchservice'), method: fc.string({ maxLength: 8 }), args: fc.array(json, { maxLength: 3 }) }),
  fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 4 }),
  json,
);
const jsonBody = fc.oneof(
  { weight: 6, arbitrary: fc.record({ jsonrpc: fc.constant('2.0'), method: fc.constant('call'), id: fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null), json), params }, { requiredKeys: ['params'] }).map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, // mostly not JSON at all
  { weight: 1, arbitrary: json.map((v) => JSON.stringify(v)) }, // JSON, but not a JSON-RPC object
);

describe('the fast lane answers as the express routes do', () => {
  it('takes only bodies it can read as plain bytes', () => {
    const req = (headers: Record<string, string>) => ({ headers }) as unknown as Parameters<typeof plainBody>[0];
    expect(plainBody(req({ 'content-length': '10' }))).toBe(true);
    expect(plainBody(req({ 'content-length': '10', 'content-encoding': 'identity' }))).toBe(true);
    expect(plainBody(req({ 'transfer-encoding': 'chunked' }))).toBe(false);
    expect(plainBody(req({ 'content-length': '10', 'content-encoding': 'gzip' }))).toBe(false);
    expect(plainBody(req({}))).toBe(false);
    expect(plainBody(req({ 'content-length': String(1024 ** 3) }))).toBe(false);
  });

  it('JSON-RPC: the same answer for any body, valid or not', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json-rpc', 'text/plain'), async (body, type) => {
        const [fast, express] = await bothWays('/jsonrpc', body, type);
        expect(fast).toEqual(express);
      }),
      { numRuns: 80 },
    );
  }, 300_000);

  it('XML-RPC: the same answer for calls, faults and unreadable bodies', async () => {
    const bodies = fc.oneof(
      objectArgs.map((args) => serializeMethodCall('execute_kw', args as never)),
      fc.array(json, { maxLength: 3 }).map((args) => serializeMethodCall('version', args as never)),
      fc.string({ maxLength: 60 }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, fc.constantFrom('/xmlrpc/2/object', '/xmlrpc/2/common'), async (body, path) => {
        const [fast, express] = await bothWays(path, body, 'text/xml');
        expect(fast).toEqual(express);
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it('answers a real call with rows, and the types clients expect', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 3, params: { service: 'object', method: 'execute_kw', args: [LEGACY_DB_NAME, 2, 'admin', ...PARTNERS] } });
    const [fast, express] = await bothWays('/jsonrpc', body, 'application/json');
    expect(fast).toEqual(express);
    expect(fast.status).toBe(200);
    expect(fast.type).toBe('application/json; charset=utf-8');
    expect(Number(fast.length)).toBe(Buffer.byteLength(fast.text));
    expect((JSON.parse(fast.text) as { result: unknown[] }).result).toHaveLength(3);
  });
});
