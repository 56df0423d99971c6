import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../services/kit/auth/tokens.ts';
import { rotate } from '../../services/kit/auth/keys.ts';
import trade from '../../services/trade/index.ts';
import { serveForTest, type ServiceUnderTest } from '../../bench/support/service-app.ts';
import { tradeServiceCopy, type TradeServiceCopy } from './trade/support/trade-service-copy.ts';

// Bearer routes authorize against the service database's copy of the legacy users, groups, ACLs
// and rules: svc_trade as a backfill leaves it.
let copy: TradeServiceCopy;
let database: TradeServiceCopy['service'];
let svc: ServiceUnderTest;
const coach = 246;

beforeAll(async () => {
  copy = await tradeServiceCopy();
  database = copy.service;
  svc = await serveForTest(trade, database.url);
}, 60_000);
afterAll(async () => {
  await svc?.stop();
  await copy?.stop();
});

const token = (userId = coach) => issueToken(svc.keys.current, { userId });
const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${svc.baseUrl}/trade/health-services`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}`, ...headers },
    body: JSON.stringify(body),
  });
const countServices = async () => Number((await database.pool.query('SELECT count(*) FROM health_services')).rows[0].count);

describe('Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) over HTTP', () => {
  it('replays the stored response to a retry with the same key and body, and creates once', async () => {
    const body = { name: 'Sleep reset', category: 'mental', price: '199.00' };
    const before = await countServices();
    const first = await post(body, { 'idempotency-key': 'k-replay-1' });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: number };
    const second = await post({ price: '199.00', category: 'mental', name: 'Sleep reset' }, { 'idempotency-key': 'k-replay-1' });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(`/trade/health-services/${created.id}`);
    expect(await second.json()).toEqual(created);
    expect(await countServices()).toBe(before + 1);
  });

  it('answers 422 when the key is reused with a different body, and changes nothing', async () => {
    expect((await post({ name: 'A', category: 'fitness', price: '10' }, { 'idempotency-key': 'k-reuse' })).status).toBe(201);
    const before = await countServices();
    const reused = await post({ name: 'B', category: 'fitness', price: '10' }, { 'idempotency-key': 'k-reuse' });
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await reused.json()).toMatchObject({ status: 422, type: 'https://ficus.dev/problems/idempotency-key-reused' });
    expect(await countServices()).toBe(before);
  });

  it('answers 409 to a duplicate sent while the first is still in flight', async () => {
    // Hold the first request inside its transaction: a row lock it will wait for.
    const blocker = await database.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE health_services IN EXCLUSIVE MODE');
    const body = { name: 'Slow', category: 'rehab', price: '1' };
    const first = post(body, { 'idempotency-key': 'k-concurrent' });
    await new Promise((r) => setTimeout(r, 300));
    const duplicate = await post(body, { 'idempotency-key': 'k-concurrent' });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ status: 409, type: 'https://ficus.dev/problems/idempotency-key-in-use' });
    await blocker.query('ROLLBACK');
    blocker.release();
    expect((await first).status).toBe(201);
    const retry = await post(body, { 'idempotency-key': 'k-concurrent' });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(Number((await database.pool.query(`SELECT count(*) FROM health_services WHERE name = 'Slow'`)).rows[0].count)).toBe(1);
  });

  it('keys are per principal: another user with the same key is a different request', async () => {
    const body = { name: 'Per user', category: 'nutrition', price: '5' };
    expect((await post(body, { 'idempotency-key': 'k-shared' })).status).toBe(201);
    const other = await fetch(`${svc.baseUrl}/trade/health-services`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(247)}`, 'idempotency-key': 'k-shared' },
      body: JSON.stringify(body),
    });
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('REST kit: validation, problems, tokens, OpenAPI', () => {
  it('rejects an invalid body with 400 problem+json naming each field, and writes nothing', async () => {
    const before = await countServices();
    const response = await post({ name: '', category: 'astrology', price: 12.5, extra: 1 });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { pointer: string }[] };
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(problem.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['#/category', '#/extra', '#/name', '#/price']);
    expect(JSON.stringify(problem)).not.toMatch(/astrology|at |\.ts|SELECT|INSERT/);
    expect(await countServices()).toBe(before);
  });

  it('answers malformed JSON and unknown paths with problem+json', async () => {
    const bad = await fetch(`${svc.baseUrl}/trade/health-services`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` }, body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ detail: 'the body is not valid JSON' });
    const missing = await fetch(`${svc.baseUrl}/trade/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('verifies EdDSA bearer tokens locally and survives a key rotation', async () => {
    const body = { name: 'Rotation', category: 'fitness', price: '3' };
    const oldToken = token();
    expect((await post(body, { authorization: 'Bearer nope' })).status).toBe(401);
    const forged = `${oldToken.split('.').slice(0, 2).join('.')}.${Buffer.alloc(64).toString('base64url')}`;
    const refused = await post(body, { authorization: `Bearer ${forged}` });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    svc.keys.current = rotate(svc.keys.current);
    expect((await post(body, { authorization: `Bearer ${oldToken}` })).status).toBe(201); // previous key still verifies
    expect((await post(body, { authorization: `Bearer ${token()}` })).status).toBe(201); // new current key
    svc.keys.current = rotate(svc.keys.current); // the first key drops out of the set
    expect((await post(body, { authorization: `Bearer ${oldToken}` })).status).toBe(401);
    const expired = issueToken(svc.keys.current, { userId: coach }, 60, Date.now() - 3_600_000);
    expect(await (await post(body, { authorization: `Bearer ${expired}` })).json()).toMatchObject({ status: 401, detail: 'token expired' });
  });

  it('serves the list with coerced query parameters, per-request ids and the caller trace', async () => {
    const response = await fetch(`${svc.baseUrl}/trade/health-services?category=fitness&limit=2`, {
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x-request-id': 'req-42' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-42');
    const page = (await response.json()) as { items: { category: string }[] };
    expect(page.items.length).toBeLessThanOrEqual(2);
    expect(page.items.every((s: { category: string }) => s.category === 'fitness')).toBe(true);
    expect((await fetch(`${svc.baseUrl}/trade/health-services?limit=0`)).status).toBe(400);
    expect((await fetch(`${svc.baseUrl}/trade/health-services/999999`)).status).toBe(404);
  });

  it('publishes an OpenAPI 3.1 document built from the same schemas', async () => {
    const doc = (await (await fetch(`${svc.baseUrl}/trade/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/trade/grab-orders',
      '/trade/grab-orders/{id}',
      '/trade/health-services',
      '/trade/health-services/{id}',
      '/trade/matching/available-orders',
      '/trade/orders/{id}/status',
      '/trade/service-orders',
      '/trade/service-orders/{id}',
    ]);
    const create = doc.paths['/trade/health-services'].post;
    expect(create.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/rest.trade.health-service-create');
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '422', '500', '503']));
    expect(doc.components.schemas['rest.trade.health-service-list'].properties.items.items.$ref).toBe('#/components/schemas/rest.trade.health-service');
    // every internal $ref resolves inside the document
    const refs = JSON.stringify(doc).match(/"\$ref":"([^"]+)"/g)!.map((r) => r.slice(8, -1));
    for (const ref of refs) {
      const target = ref.slice(2).split('/').reduce((node: any, part) => node?.[part], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('counts requests per route in the metrics', async () => {
    const text = await svc.metrics.metrics();
    expect(text).toMatch(/ficus_http_requests_total\{service="trade",method="post",route="\/trade\/health-services",status="201"\} \d+/);
  });
});
