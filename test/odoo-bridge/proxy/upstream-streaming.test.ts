/**
 * The upstream proxy (odoo-bridge/proxy/upstream-odoo.ts) against a stand-in Odoo whose answers
 * the test controls: connections to the upstream are kept alive and reused, answers are relayed
 * as they arrive (not after the upstream finished), byte for byte with their length and
 * encoding, the request's bytes arrive as sent, a slow upstream is a protocol error after the
 * timeout, and an answer cut in the middle reaches the client as a cut connection, never as a
 * shorter answer that looks whole.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { odooRefDatabase, type TestDatabase } from '../../support/databases.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';

const TIMEOUT_MS = 1500;
/** undici's timeouts run on coarse timers (a tick of about half a second): one may fire that much early or late. */
const TIMER_TICK_MS = 600;
const BIG = 2 * 1024 * 1024;

let database: TestDatabase;
let upstream: http.Server;
let proxy: TestGateway;
const sockets = new Set<Socket>();
/** Lets the stand-in's half-sent big answer go on: the test calls it once the client has bytes. */
let releaseBig: () => void = () => undefined;
let seen: { headers: http.IncomingHttpHeaders; body: Buffer } | undefined;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    sockets.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen = { headers: req.headers, body };
      const method = (JSON.parse(body.toString('utf8')) as { params: { method: string } }).params.method;
      const answer = (text: string, headers: http.OutgoingHttpHeaders = {}) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
        res.end(text);
      };
      if (method === 'version') answer('{"jsonrpc":"2.0","id":1,"result":{"server_version":"18.0"}}');
      else if (method === 'big') {
        const half = Buffer.alloc(BIG / 2, 'a');
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG });
        res.write(half);
        releaseBig = () => res.end(half);
      } else if (method === 'gzip') {
        const zipped = gzipSync(Buffer.from('{"jsonrpc":"2.0","id":1,"result":"zipped"}'));
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': zipped.length });
        res.end(zipped);
      } else if (method === 'cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
        res.write('{"jsonrpc":"2.0","id":1,"result":"');
        setTimeout(() => req.socket.destroy(), 50);
      } else if (method === 'silent') {
        // never answers: the proxy's timeout speaks
      } else answer(JSON.stringify({ jsonrpc: '2.0', id: 1, result: 'echo' }));
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  database = await odooRefDatabase();
  proxy = await startTestGateway({
    serve: [{ name: 'odoo_ref', database }],
    handlerFor: (served) => createFullOrmEngine({ database: served }).call,
    upstream: { url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, timeoutMs: TIMEOUT_MS },
  });
});
afterAll(async () => {
  await proxy?.stop();
  upstream?.closeAllConnections();
  upstream?.close();
  await database?.drop();
});

const call = (method: string, extra: Record<string, string> = {}, dispatcher?: Agent) =>
  request(`${proxy.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...extra },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'common', method, args: [] } }),
    ...(dispatcher ? { dispatcher } : {}),
  });

describe('upstream proxy: pooled connections, streamed bodies', () => {
  it('reuses one kept-alive connection to the upstream for calls one after another', async () => {
    sockets.clear();
    for (let i = 0; i < 20; i++) {
      const answer = await call('version');
      expect(await answer.body.json()).toEqual({ jsonrpc: '2.0', id: 1, result: { server_version: '18.0' } });
    }
    expect(sockets.size).toBe(1);
  });

  it('sends the request as it came: body bytes, headers, the client in X-Forwarded-For, no hop-by-hop headers', async () => {
    const answer = await call('echo', { 'x-custom': 'kept', cookie: 'session_id=abc', 'x-forwarded-for': '10.1.2.3' });
    await answer.body.text();
    expect(seen!.body.toString('utf8')).toBe(JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'common', method: 'echo', args: [] } }));
    expect(seen!.headers).toMatchObject({ 'x-custom': 'kept', cookie: 'session_id=abc', 'content-type': 'application/json', 'x-forwarded-for': '10.1.2.3, 127.0.0.1' });
    expect(seen!.headers['content-length']).toBe(String(seen!.body.length));
  });

  it('relays the answer while the upstream is still sending it, with its length', async () => {
    const answer = await call('big');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-length']).toBe(String(BIG));
    let received = 0;
    let released = false;
    for await (const chunk of answer.body) {
      received += (chunk as Buffer).length;
      // The upstream holds its second half until the client has bytes of the first: a proxy that
      // waited for the whole answer would never get here.
      if (!released) {
        released = true;
        releaseBig();
      }
    }
    expect(received).toBe(BIG);
  });

  it('passes a compressed answer through untouched', async () => {
    const answer = await call('gzip', { 'accept-encoding': 'gzip' });
    expect(answer.headers['content-encoding']).toBe('gzip');
    const bytes = Buffer.from(await answer.body.arrayBuffer());
    expect(Number(answer.headers['content-length'])).toBe(bytes.length);
    expect(bytes).toEqual(gzipSync(Buffer.from('{"jsonrpc":"2.0","id":1,"result":"zipped"}')));
  });

  it('turns an upstream that does not answer into a JSON-RPC error after the timeout', async () => {
    const started = performance.now();
    const answer = await call('silent');
    const body = (await answer.body.json()) as { error: { data: { message: string } } };
    expect(body.error.data.message).toMatch(/did not answer in time/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - TIMER_TICK_MS);
  });

  it('cuts the client off when the upstream fails in the middle of its answer', async () => {
    const agent = new Agent();
    const answer = await call('cut', {}, agent);
    expect(answer.statusCode).toBe(200);
    await expect(answer.body.text()).rejects.toThrow();
    await agent.close();
    // The proxy still serves afterwards.
    expect((await (await call('version')).body.json()) as unknown).toMatchObject({ result: { server_version: '18.0' } });
  });
});
