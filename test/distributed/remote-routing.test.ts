import express from 'express';
import fc from 'fast-check';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { OdooError } from '../../odoo-bridge/errors.ts';
import { decodeAnswer, decodeValue, encodeAnswer, encodeValue } from '../../odoo-bridge/routing/remote-call-codec.ts';
import { PythonFloat, XmlRpcBinary } from '../../odoo-bridge/wire/xmlrpc/values.ts';
import { listen, type RunningHttpServer } from '../../platform/http-server.ts';
import { createLogger } from '../../platform/logger.ts';
import { NoInstanceAnswered, ServiceInstances } from '../../runtime/remote-instances.ts';
import { remoteOdooCalls } from '../../runtime/remote-odoo-calls.ts';
import { remoteRestProxy } from '../../runtime/remote-rest-proxy.ts';
import { loadRemoteServicesConfig } from '../../runtime/remote-services-config.ts';
import { startRemoteServices } from '../../runtime/distributed-services.ts';
import { loadBuiltServices } from '../../services/catalog.ts';
import { INTERNAL_SIGNATURE_HEADER, signInternalRequest, verifyInternalRequest } from '../../services/kit/http/internal-signature.ts';
import { INTERNAL_ODOO_CALL_PATH, internalOdooEndpoint } from '../../services/kit/runner/internal-odoo-endpoint.ts';
import trade from '../../services/trade/index.ts';
import { freePort } from '../../bench/support/free-port.ts';

/**
 * The pieces of distributed routing on their own, against real HTTP servers that answer, refuse,
 * hang or die mid-request: what is resent where, what a client is told, and what a service process
 * refuses. The whole topology runs in distributed-trade.test.ts.
 */
const logger = createLogger({ level: 'silent', format: 'json' });
const SECRET = 'a'.repeat(64);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An instance named `once…` resets the connection of the first request it receives, then answers. */
type Behaviour = 'answer' | 'reset' | 'hang';
/** A stand-in instance: counts what it received; answers 200 with its name, resets the connection after reading, or never answers. */
async function instance(name: string, behaviour: { current: Behaviour }, ready = { current: true }) {
  const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/readyz') {
      res.statusCode = ready.current ? 200 : 503;
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (behaviour.current === 'reset' || (behaviour.current === 'answer' && received.length === 1 && name.startsWith('once'))) req.socket.destroy();
      else if (behaviour.current === 'answer') res.setHeader('content-type', 'application/json').end(JSON.stringify({ from: name }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received };
}

function pool(urls: string[], timeoutMs = 2000, healthIntervalMs = 60_000) {
  const instances = new ServiceInstances({ service: 'trade', urls, timeoutMs, healthIntervalMs, logger, metrics: new Registry() });
  cleanups.push(() => instances.stop());
  return instances;
}

const request = (body = '{}') => ({ method: 'POST', path: '/trade/x', headers: { 'content-type': 'application/json' }, body: Buffer.from(body) });
const from = (response: { body: Buffer }) => (JSON.parse(response.body.toString()) as { from: string }).from;

describe('ServiceInstances: round robin, and resending only what may be resent', () => {
  it('alternates between healthy instances', async () => {
    const [a, b] = [await instance('a', { current: 'answer' }), await instance('b', { current: 'answer' })];
    const instances = pool([a.url, b.url]);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(from(await instances.send(request(), { idempotent: false })));
    expect(answers).toEqual(['a', 'b', 'a', 'b']);
  });

  it('a refused connection (nothing sent) moves any request on, a write included, and takes the instance out of rotation', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const b = await instance('b', { current: 'answer' });
    const instances = pool([closed, b.url]);
    expect(from(await instances.send(request(), { idempotent: false }))).toBe('b');
    expect(instances.healthyCount()).toBe(1);
    // Out of rotation: the next requests go straight to b.
    expect(from(await instances.send(request(), { idempotent: false }))).toBe('b');
    expect(b.received).toHaveLength(2);
  });

  it('an instance that dies after receiving the request: a read goes on to the next; a write does not, and says its outcome is unknown', async () => {
    const dying = await instance('dying', { current: 'reset' });
    const b = await instance('b', { current: 'answer' });
    expect(from(await pool([dying.url, b.url]).send(request('read'), { idempotent: true }))).toBe('b');
    const failure = await pool([dying.url, b.url]).send(request('write'), { idempotent: false }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NoInstanceAnswered);
    expect((failure as NoInstanceAnswered).outcomeUnknown).toBe(true);
    expect(b.received.map((r) => r.body)).toEqual(['read']);
    expect(dying.received.map((r) => r.body)).toEqual(['read', 'write']);
  });

  it('one URL standing for many instances (a Kubernetes Service): a read is tried there a second time, a write is not', async () => {
    const service = await instance('once-behind-a-service', { current: 'answer' });
    expect(from(await pool([service.url]).send(request('read'), { idempotent: true }))).toBe('once-behind-a-service');
    expect(service.received.map((r) => r.body)).toEqual(['read', 'read']);
    const again = await instance('once-again', { current: 'answer' });
    expect(((await pool([again.url]).send(request('write'), { idempotent: false }).catch((e: unknown) => e)) as NoInstanceAnswered).outcomeUnknown).toBe(true);
    expect(again.received.map((r) => r.body)).toEqual(['write']);
  });

  it('an instance that does not answer within the timeout counts as dead for this call (ambiguous)', async () => {
    const hung = await instance('hung', { current: 'hang' });
    const b = await instance('b', { current: 'answer' });
    const started = Date.now();
    expect(from(await pool([hung.url, b.url], 300).send(request(), { idempotent: true }))).toBe('b');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(((await pool([hung.url, b.url], 300).send(request(), { idempotent: false }).catch((e: unknown) => e)) as NoInstanceAnswered).outcomeUnknown).toBe(true);
  });

  it('health: an instance whose /readyz fails leaves the rotation and comes back when it answers 200', async () => {
    const readyA = { current: true };
    const a = await instance('a', { current: 'answer' }, readyA);
    const b = await instance('b', { current: 'answer' });
    const instances = pool([a.url, b.url], 2000, 50);
    instances.start();
    readyA.current = false;
    await expect.poll(() => instances.healthyCount(), { timeout: 3000 }).toBe(1);
    for (let i = 0; i < 3; i++) expect(from(await instances.send(request(), { idempotent: false }))).toBe('b');
    readyA.current = true;
    await expect.poll(() => instances.healthyCount(), { timeout: 3000 }).toBe(2);
  });
});

describe('the wire between gateway and service: values, errors and signatures', () => {
  const leaf = fc.oneof(
    fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.constant(null),
    fc.double().map((d) => new PythonFloat(d)), fc.bigInt().map((b) => b), fc.date({ noInvalidDate: true }),
    fc.uint8Array({ maxLength: 8 }), fc.base64String({ maxLength: 12 }).map((s) => new XmlRpcBinary(s)),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('$o', '$float', '$map')), tie('node'), { maxKeys: 3, noNullPrototype: true }),
      fc.array(fc.tuple(fc.oneof(fc.string(), fc.integer()), tie('node')), { maxLength: 3 }).map((entries) => new Map(entries))),
  })).node;

  it('any answer or argument survives the trip with its kind (whole floats, bigints, NaN, maps, dates, bytes, `$` keys)', () => {
    fc.assert(fc.property(value, (v) => {
      expect(decodeValue(JSON.parse(JSON.stringify(encodeValue(v))))).toStrictEqual(v);
    }), { numRuns: 500 });
  });

  it("an Odoo exception comes back as the same exception (each protocol then answers it in its own shape)", () => {
    const error = new OdooError('odoo.exceptions.AccessError', 'no', { arguments: ['no', new PythonFloat(1)], context: { a: 1 } });
    const thrown = (() => { try { decodeAnswer(encodeAnswer({ error })); } catch (e) { return e; } })() as OdooError;
    expect(thrown).toBeInstanceOf(OdooError);
    expect({ name: thrown.exceptionName, message: thrown.message, args: thrown.arguments, context: thrown.context }).toStrictEqual({ name: error.exceptionName, message: 'no', args: ['no', new PythonFloat(1)], context: { a: 1 } });
  });

  it('a signature holds for exactly its request, secret and time window', () => {
    const body = Buffer.from('{"call":{"uid":2}}');
    const header = signInternalRequest(SECRET, 'POST', '/p', body, 1_000_000);
    expect(verifyInternalRequest(SECRET, header, 'POST', '/p', body, 1_000_000 + 59_000)).toBe(true);
    expect(verifyInternalRequest(SECRET, header, 'POST', '/p', Buffer.from('{"call":{"uid":1}}'), 1_000_000)).toBe(false);
    expect(verifyInternalRequest(SECRET, header, 'POST', '/q', body, 1_000_000)).toBe(false);
    expect(verifyInternalRequest('b'.repeat(64), header, 'POST', '/p', body, 1_000_000)).toBe(false);
    expect(verifyInternalRequest(SECRET, header, 'POST', '/p', body, 1_000_000 + 61_000)).toBe(false);
    expect(verifyInternalRequest(SECRET, undefined, 'POST', '/p', body)).toBe(false);
    expect(verifyInternalRequest(SECRET, 't=1,v1=zz', 'POST', '/p', body)).toBe(false);
  });
});

describe("a service process's internal endpoint, and the gateway's handler calling it", () => {
  async function serviceEndpoint() {
    // No call here reaches the engine's database: refusals come first.
    const unreachable = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1 });
    unreachable.on('error', () => undefined);
    cleanups.push(() => unreachable.end());
    const app = express();
    app.use(internalOdooEndpoint({ service: trade, settings: { secret: SECRET, odooDatabaseName: 'hp_legacy', gatewayUrl: undefined }, pool: unreachable, logger, metrics: new Registry() })!);
    const server: RunningHttpServer = await listen(app, 0, '127.0.0.1');
    cleanups.push(() => server.close(100));
    return `http://127.0.0.1:${server.port}`;
  }
  const callBody = (uid: number, database = 'hp_legacy') => JSON.stringify({ call: { database, uid, model: 'hp.service.order', method: 'read', args: [[1]], kwargs: {} } });

  it('refuses a call that is unsigned, signed with another secret, or signed for another body (a uid changed on the way)', async () => {
    const url = await serviceEndpoint();
    const post = (headers: Record<string, string>, body: string) => fetch(`${url}${INTERNAL_ODOO_CALL_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({}, callBody(2))).status).toBe(401);
    expect((await post({ [INTERNAL_SIGNATURE_HEADER]: signInternalRequest('c'.repeat(64), 'POST', INTERNAL_ODOO_CALL_PATH, callBody(2)) }, callBody(2))).status).toBe(401);
    expect((await post({ [INTERNAL_SIGNATURE_HEADER]: signInternalRequest(SECRET, 'POST', INTERNAL_ODOO_CALL_PATH, callBody(6)) }, callBody(2))).status).toBe(401);
  });

  it("the gateway's handler: the service's Odoo error thrown as such; an instance dying in a write is ServiceUnavailable, outcome unknown", async () => {
    const url = await serviceEndpoint();
    const isReadMethod = (m: string) => m === 'read';
    const calls = remoteOdooCalls({ instances: pool([url]), secret: SECRET, isReadMethod });
    const refused = (await calls({ database: 'other_db', uid: 2, model: 'hp.service.order', method: 'read', args: [[1]], kwargs: {} }).catch((e: unknown) => e)) as OdooError;
    expect(refused).toBeInstanceOf(OdooError);
    expect(refused.exceptionName).toBe('odoo.exceptions.AccessDenied');

    const dying = await instance('dying', { current: 'reset' });
    const viaDying = remoteOdooCalls({ instances: pool([dying.url]), secret: SECRET, isReadMethod });
    const lost = (await viaDying({ database: 'hp_legacy', uid: 6, model: 'hp.service.order', method: 'create', args: [{}], kwargs: {} }).catch((e: unknown) => e)) as OdooError;
    expect(lost.exceptionName).toBe('werkzeug.exceptions.ServiceUnavailable');
    expect(lost.message).toMatch(/whether it was done is unknown/);
    // The signed body carried the gateway's uid, and the signature header the gateway's, never a client's.
    expect(verifyInternalRequest(SECRET, dying.received[0]!.headers[INTERNAL_SIGNATURE_HEADER] as string, 'POST', INTERNAL_ODOO_CALL_PATH, Buffer.from(dying.received[0]!.body))).toBe(true);
  });
});

describe('REST forwarded by the gateway', () => {
  async function gatewayTo(urls: string[]) {
    const app = express();
    app.use(remoteRestProxy({ instances: pool(urls), prefixes: new Set(['trade']), logger }));
    app.use((_req, res) => void res.status(404).end('not forwarded'));
    const server = await listen(app, 0, '127.0.0.1');
    cleanups.push(() => server.close(100));
    return `http://127.0.0.1:${server.port}`;
  }

  it("forwards the service's paths only, without a client's internal signature header, with X-Forwarded-For", async () => {
    const a = await instance('a', { current: 'answer' });
    const gateway = await gatewayTo([a.url]);
    const response = await fetch(`${gateway}/trade/orders?x=1`, { method: 'POST', headers: { [INTERNAL_SIGNATURE_HEADER]: 'forged', authorization: 'Bearer t' }, body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ from: 'a' });
    expect(a.received[0]).toMatchObject({ method: 'POST', url: '/trade/orders?x=1', body: '{"a":1}' });
    expect(a.received[0]!.headers).toMatchObject({ authorization: 'Bearer t', 'x-forwarded-for': '127.0.0.1' });
    expect(a.received[0]!.headers[INTERNAL_SIGNATURE_HEADER]).toBeUndefined();
    expect((await fetch(`${gateway}/finance/x`)).status).toBe(404);
  });

  it('a write whose instance died: 502 problem without a key (outcome unknown), resent and answered with one; nothing reachable: 503', async () => {
    const dying = await instance('dying', { current: 'reset' });
    const b = await instance('b', { current: 'answer' });
    const gateway = await gatewayTo([dying.url, b.url]);
    const unkeyed = await fetch(`${gateway}/trade/service-orders`, { method: 'POST', body: '{}' });
    expect(unkeyed.status).toBe(502);
    expect(unkeyed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await unkeyed.json()) as { detail: string }).detail).toMatch(/whether it took effect is unknown/);
    const keyed = await fetch(`${gateway}/trade/service-orders`, { method: 'POST', headers: { 'idempotency-key': 'k1' }, body: '{}' });
    expect(keyed.status).toBe(200);
    expect(b.received.map((r) => r.headers['idempotency-key'])).toEqual(['k1']);

    const nowhere = await gatewayTo([`http://127.0.0.1:${await freePort()}`]);
    const unavailable = await fetch(`${nowhere}/trade/service-orders`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('1');
    expect(await unavailable.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
  });
});

describe('startRemoteServices: what the gateway routes for each service listed', () => {
  it("a remote token authority (auth) answers the gateway's JWKS path and /auth/*; an unknown service name is refused", async () => {
    const auth = await instance('auth', { current: 'answer' });
    const services = await loadBuiltServices();
    const remote = startRemoteServices({ config: { instances: new Map([['auth', [auth.url]]]), secret: SECRET, timeoutMs: 2000, healthIntervalMs: 60_000 }, services, isReadMethod: () => true, logger, metrics: new Registry() });
    cleanups.push(() => remote.stop());
    expect(remote.odooCallsOf('auth')).toBeDefined();
    expect(remote.odooCallsOf('trade')).toBeUndefined();
    const app = express();
    for (const router of remote.routers) app.use(router);
    app.use((_req, res) => void res.status(404).end());
    const server = await listen(app, 0, '127.0.0.1');
    cleanups.push(() => server.close(100));
    for (const path of ['/.well-known/jwks.json', '/auth/verify', '/users/7/permissions']) expect((await fetch(`http://127.0.0.1:${server.port}${path}`)).status, path).toBe(200);
    expect((await fetch(`http://127.0.0.1:${server.port}/trade/service-orders`)).status).toBe(404);
    expect(auth.received.map((r) => r.url)).toEqual(['/.well-known/jwks.json', '/auth/verify', '/users/7/permissions']);
    expect(() => startRemoteServices({ config: { instances: new Map([['billing', [auth.url]]]), secret: SECRET, timeoutMs: 2000, healthIntervalMs: 60_000 }, services, isReadMethod: () => true, logger, metrics: new Registry() })).toThrow(/FICUS_SERVICE_URLS.*billing is not a built service/);
  });
});

describe('FICUS_SERVICE_URLS', () => {
  it('unset: embedded mode; set: parsed per service, with the settings named in every refusal', () => {
    expect(loadRemoteServicesConfig({})).toBeUndefined();
    const config = loadRemoteServicesConfig({ FICUS_SERVICE_URLS: 'trade=http://10.0.0.5:8080, http://10.0.0.6:8080/ ; finance=http://f:8080', FICUS_INTERNAL_SECRET: SECRET, FICUS_REMOTE_TIMEOUT_MS: '2500' })!;
    expect(Object.fromEntries(config.instances)).toEqual({ trade: ['http://10.0.0.5:8080', 'http://10.0.0.6:8080'], finance: ['http://f:8080'] });
    expect(config.timeoutMs).toBe(2500);
    const refusal = (env: NodeJS.ProcessEnv) => (() => { try { loadRemoteServicesConfig(env); } catch (e) { return (e as Error).message; } })();
    expect(refusal({ FICUS_SERVICE_URLS: 'trade=http://a:1' })).toMatch(/FICUS_INTERNAL_SECRET/);
    expect(refusal({ FICUS_SERVICE_URLS: 'trade=http://a:1', FICUS_INTERNAL_SECRET: 'short' })).toMatch(/at least 32/);
    expect(refusal({ FICUS_SERVICE_URLS: 'trade', FICUS_INTERNAL_SECRET: SECRET })).toMatch(/FICUS_SERVICE_URLS.*<service>=<url>/);
    expect(refusal({ FICUS_SERVICE_URLS: 'trade=https://a:1', FICUS_INTERNAL_SECRET: SECRET })).toMatch(/only http/);
    expect(refusal({ FICUS_SERVICE_URLS: 'trade=http://u:p@a:1', FICUS_INTERNAL_SECRET: SECRET })).toMatch(/scheme, host and port only/);
    expect(refusal({ FICUS_SERVICE_URLS: 'trade=http://a:1;trade=http://b:1', FICUS_INTERNAL_SECRET: SECRET })).toMatch(/twice/);
  });
});
