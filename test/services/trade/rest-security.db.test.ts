import { randomUUID, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialStampOf } from '../../../services/kit/auth/credential-stamp.ts';
import { newSigningKeySet } from '../../../services/kit/auth/keys.ts';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import trade from '../../../services/trade/index.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { serveForTest, type ServiceUnderTest } from '../../../bench/support/service-app.ts';
import { tradeServiceCopy, type TradeServiceCopy } from './support/trade-service-copy.ts';

// Users of the legacy database (README): members 6 and 7, coaches 246 and 247 (coach implies
// member), operator 302, admin 2 (hp admin: every ACL, operator rules).
const MEMBER_A = 6;
const MEMBER_B = 7;
const COACH_A = 246;
const COACH_B = 247;
const OPERATOR = 302;

let copy: TradeServiceCopy;
let svc: ServiceUnderTest;

beforeAll(async () => {
  copy = await tradeServiceCopy();
  svc = await serveForTest(trade, copy.service.url);
}, 60_000);
afterAll(async () => {
  await svc?.stop();
  await copy?.stop();
});

const stamped = async (uid: number) => issueToken(svc.keys.current, { userId: uid, credentialStamp: await credentialStampOf(copy.service.pool, uid) });
const call = async (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${svc.baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : undefined, text };
};
const as = async (uid: number) => {
  const token = await stamped(uid);
  return {
    get: (path: string) => call('GET', path, token),
    post: (path: string, body: unknown) => call('POST', path, token, body),
    put: (path: string, body: unknown) => call('PUT', path, token, body),
  };
};
const status = (orderId: number, action: string, extra: Record<string, unknown> = {}) => [`/trade/orders/${orderId}/status`, { action, ...extra }] as const;

/** A draft order of `member`, made over REST. */
async function orderOf(member: number): Promise<{ id: number; name: string }> {
  const created = await (await as(member)).post('/trade/service-orders', { serviceId: 8 });
  expect(created.status).toBe(201);
  return created.body;
}

describe('authentication: the token names an existing, active user whose credentials did not change', () => {
  it('refuses a token for a user that does not exist (sub=987654), and creates nothing', async () => {
    const before = (await copy.service.pool.query('SELECT count(*)::int AS n FROM service_orders')).rows[0].n;
    const unknown = await call('POST', '/trade/service-orders', issueToken(svc.keys.current, { userId: 987654 }), { serviceId: 8 });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect((await copy.service.pool.query('SELECT count(*)::int AS n FROM service_orders')).rows[0].n).toBe(before);
    expect((await call('GET', '/trade/service-orders', issueToken(svc.keys.current, { userId: 987654 }))).status).toBe(401);
  });

  it('refuses an archived user at once, and accepts them again when reactivated', async () => {
    const token = await stamped(MEMBER_B);
    expect((await call('GET', '/trade/service-orders', token)).status).toBe(200);
    await copy.service.pool.query('UPDATE res_users SET active = false WHERE id = $1', [MEMBER_B]);
    try {
      const archived = await call('GET', '/trade/service-orders', token);
      expect(archived.status).toBe(401);
      expect(archived.body.detail).toBe("the token's user does not exist or is archived");
      // The same answer for an unknown id: nothing tells which ids exist.
      expect((await call('GET', '/trade/service-orders', issueToken(svc.keys.current, { userId: 987654 }))).body.detail).toBe(archived.body.detail);
    } finally {
      await copy.service.pool.query('UPDATE res_users SET active = true WHERE id = $1', [MEMBER_B]);
    }
    expect((await call('GET', '/trade/service-orders', token)).status).toBe(200);
  });

  it('refuses a token issued before the password changed, on the next request; a new token works', async () => {
    const old = await stamped(MEMBER_A);
    expect((await call('GET', '/trade/service-orders', old)).status).toBe(200);
    await copy.service.pool.query(`UPDATE res_users SET password = password || 'x' WHERE id = $1`, [MEMBER_A]);
    try {
      const refused = await call('GET', '/trade/service-orders', old);
      expect(refused.status).toBe(401);
      expect(refused.body.detail).toMatch(/issued before the user's credentials changed/);
      expect((await call('GET', '/trade/service-orders', await stamped(MEMBER_A))).status).toBe(200);
    } finally {
      await copy.service.pool.query(`UPDATE res_users SET password = left(password, -1) WHERE id = $1`, [MEMBER_A]);
    }
    expect((await call('GET', '/trade/service-orders', old)).status).toBe(200);
  });

  it('refuses expired, forged, alg=none, foreign-key and malformed-subject tokens, without saying more', async () => {
    const expired = issueToken(svc.keys.current, { userId: MEMBER_A }, 60, Date.now() - 3_600_000);
    const foreign = issueToken(newSigningKeySet(), { userId: MEMBER_A });
    const [h, c] = (await stamped(MEMBER_A)).split('.') as [string, string, string];
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown>;
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: String(OPERATOR) })}.`;
    const tampered = `${h}.${b64({ ...claims, sub: String(OPERATOR) })}.${(await stamped(MEMBER_A)).split('.')[2]}`;
    const signWith = (payload: Record<string, unknown>) => {
      const input = `${b64({ alg: 'EdDSA', typ: 'JWT', kid: svc.keys.current.current.kid })}.${b64(payload)}`;
      return `${input}.${sign(null, Buffer.from(input), svc.keys.current.current.privateKey).toString('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: 'ficus-auth', iat: now, exp: now + 600, jti: randomUUID() };
    const subjects = ['6 OR 1=1', ' 6', '6.0', '0x6', '-6', '0', '99999999999', "6'--"].map((sub) => signWith({ ...base, sub }));
    for (const token of [expired, foreign, none, tampered, 'not-a-token', ...subjects]) {
      const answer = await call('GET', '/trade/service-orders', token);
      expect(answer.status, token).toBe(401);
      expect(answer.text).not.toMatch(/at \w+ \(|\.ts:|SELECT|res_users/);
    }
    expect((await call('GET', '/trade/service-orders', null)).status).toBe(401);
  });

  it('measures the per-request subject lookup (a primary-key read of res_users) against a whole request', async () => {
    for (let i = 0; i < 200; i++) await credentialStampOf(copy.service.pool, MEMBER_A);
    const n = 2000;
    let t0 = performance.now();
    for (let i = 0; i < n; i++) await credentialStampOf(copy.service.pool, MEMBER_A + (i % 200));
    const lookupMs = (performance.now() - t0) / n;
    const token = await stamped(MEMBER_A);
    t0 = performance.now();
    for (let i = 0; i < 200; i++) await call('GET', '/trade/service-orders?limit=1', token);
    const requestMs = (performance.now() - t0) / 200;
    console.log(`subject lookup: ${lookupMs.toFixed(3)} ms per request (pool round trip included); GET /trade/service-orders?limit=1: ${requestMs.toFixed(2)} ms`);
    expect(lookupMs).toBeLessThan(requestMs);
  });
});

describe('cross-member isolation on every trade route', () => {
  it('a member never sees or changes another member\'s order', async () => {
    const order = await orderOf(MEMBER_A);
    const b = await as(MEMBER_B);
    expect((await b.get(`/trade/service-orders/${order.id}`)).status).toBe(404);
    const list = await b.get('/trade/service-orders?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.map((o: { id: number }) => o.id)).not.toContain(order.id);
    expect(list.body.items.every((o: { customerId: number }) => o.customerId === MEMBER_B)).toBe(true);
    expect(list.body.total).toBe((await copy.service.pool.query('SELECT count(*)::int AS n FROM service_orders WHERE customer_id = $1', [MEMBER_B])).rows[0].n);
    for (const action of ['submit', 'cancel', 'mark_paid', 'start', 'complete', 'refund']) {
      const answer = await b.put(...status(order.id, action));
      expect(answer.status, action).toBe(404);
      expect(answer.body.detail).toBe(`service order ${order.id} does not exist`);
    }
    // Indistinguishable from an id that does not exist.
    expect((await b.get('/trade/service-orders/99999999')).body.detail).toBe('service order 99999999 does not exist');
    expect((await copy.service.pool.query('SELECT state FROM service_orders WHERE id = $1', [order.id])).rows[0].state).toBe('draft');
    // The owner sees it and may move it.
    const a = await as(MEMBER_A);
    expect((await a.get(`/trade/service-orders/${order.id}`)).body).toMatchObject({ id: order.id, customerId: MEMBER_A, state: 'draft' });
    expect((await a.put(...status(order.id, 'submit'))).status).toBe(200);
  });

  it('a coach sees only assigned and grabbable orders, and only their own grabs', async () => {
    const order = await orderOf(MEMBER_A);
    const coachB = await as(COACH_B);
    expect((await coachB.get(`/trade/service-orders/${order.id}`)).status).toBe(404); // a draft is not grabbable
    const op = await as(OPERATOR);
    expect((await (await as(MEMBER_A)).put(...status(order.id, 'submit'))).status).toBe(200);
    expect((await op.put(...status(order.id, 'mark_paid'))).status).toBe(200);
    expect((await coachB.get(`/trade/service-orders/${order.id}`)).status).toBe(200); // paid, unassigned: grabbable
    const grab = await (await as(COACH_A)).post('/trade/grab-orders', { serviceOrderId: order.id });
    expect(grab.body.state).toBe('won');
    expect((await (await as(COACH_A)).get(`/trade/grab-orders/${grab.body.id}`)).body).toMatchObject({ id: grab.body.id, coachId: COACH_A, state: 'won' });
    expect((await coachB.get(`/trade/grab-orders/${grab.body.id}`)).status).toBe(404);
    expect((await (await as(MEMBER_A)).get(`/trade/grab-orders/${grab.body.id}`)).status).toBe(403); // members have no read ACL on grabs
    expect((await op.get(`/trade/grab-orders/${grab.body.id}`)).status).toBe(200);
    // Assigned to coach A now: coach B neither sees it nor moves it.
    expect((await coachB.get(`/trade/service-orders/${order.id}`)).status).toBe(404);
    expect((await coachB.put(...status(order.id, 'start'))).status).toBe(404);
    const available = await coachB.get('/trade/matching/available-orders?limit=200');
    expect(available.status).toBe(200);
    expect(available.body.items.map((i: { orderId: number }) => i.orderId)).not.toContain(order.id);
  });
});

describe('escalation: member → coach-only and operator-only actions', () => {
  it('a member cannot offer a health service (hp.health.service create is coaches\' and admins\')', async () => {
    const before = (await copy.service.pool.query('SELECT count(*)::int AS n FROM health_services')).rows[0].n;
    const answer = await (await as(MEMBER_A)).post('/trade/health-services', { name: 'Fake', category: 'fitness', price: '1' });
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toMatch(/You are not allowed to create/);
    expect((await copy.service.pool.query('SELECT count(*)::int AS n FROM health_services')).rows[0].n).toBe(before);
    const coach = await (await as(COACH_A)).post('/trade/health-services', { name: 'Coach', category: 'fitness', price: '1' });
    expect(coach.status).toBe(201);
    expect(coach.body.coachId).toBe(COACH_A);
  });

  it('a member cannot grab, be matched, or run operator and worker transitions on their own order', async () => {
    const order = await orderOf(MEMBER_A);
    const a = await as(MEMBER_A);
    const grab = await a.post('/trade/grab-orders', { serviceOrderId: order.id });
    expect(grab.status).toBe(403);
    // Odoo's own AccessError: the refusal comes from hp_grab's ACL, as over RPC.
    expect(grab.body.detail).toMatch(/^You are not allowed to create .*\(hp\.grab\.order\) records/);
    expect((await a.get('/trade/matching/available-orders')).status).toBe(403);
    expect((await a.put(...status(order.id, 'submit'))).status).toBe(200);
    // State first, then the caller (the addon's order): mark_paid from pending_payment is the operator's.
    expect((await a.put(...status(order.id, 'mark_paid'))).status).toBe(403);
    await (await as(OPERATOR)).put(...status(order.id, 'mark_paid'));
    for (const [action, extra] of [['assign', { workerId: MEMBER_A }], ['refund', {}]] as const) {
      const answer = await a.put(...status(order.id, action, extra));
      expect(answer.status, action).toBe(403);
      expect(answer.body.detail).toMatch(/^Only platform operators can/);
    }
    await (await as(OPERATOR)).put(...status(order.id, 'assign', { workerId: COACH_A }));
    // The customer is not the worker: start/complete are the assigned worker's (or an operator's).
    expect((await a.put(...status(order.id, 'start'))).status).toBe(403);
    expect((await (await as(COACH_A)).put(...status(order.id, 'start'))).status).toBe(200);
    expect((await a.put(...status(order.id, 'complete'))).status).toBe(403);
    expect((await copy.service.pool.query('SELECT state FROM service_orders WHERE id = $1', [order.id])).rows[0].state).toBe('in_service');
  });

  it('a coach cannot run operator-only transitions; an operator cannot offer services', async () => {
    // Operators may read and write services but not create them (the addon's ACL); coaches may.
    expect((await (await as(OPERATOR)).post('/trade/health-services', { name: 'Op', category: 'fitness', price: '1' })).status).toBe(403);
    const order = await orderOf(MEMBER_A);
    await (await as(MEMBER_A)).put(...status(order.id, 'submit'));
    expect((await (await as(COACH_A)).put(...status(order.id, 'mark_paid'))).status).toBe(404); // not grabbable yet: invisible
    await (await as(OPERATOR)).put(...status(order.id, 'mark_paid'));
    expect((await (await as(COACH_A)).put(...status(order.id, 'assign', { workerId: COACH_A }))).status).toBe(403);
    expect((await (await as(COACH_A)).put(...status(order.id, 'refund'))).status).toBe(403);
  });
});

describe('injection in params, query and body', () => {
  it('answers 400 problems for SQL in ids, filters and bodies, and leaks nothing', async () => {
    const a = await as(MEMBER_A);
    const probes = [
      await a.get(`/trade/service-orders/${encodeURIComponent('1 OR 1=1')}`),
      await a.get(`/trade/service-orders/${encodeURIComponent("1'; DROP TABLE service_orders; --")}`),
      await a.get(`/trade/service-orders?state=${encodeURIComponent("draft' OR '1'='1")}`),
      await a.get(`/trade/service-orders?limit=${encodeURIComponent('1; SELECT 1')}`),
      await a.get(`/trade/service-orders?customer_id=7`),
      await a.put(`/trade/orders/${encodeURIComponent('1 OR 1=1')}/status`, { action: 'cancel' }),
      await a.put('/trade/orders/1/status', { action: "cancel' OR 1=1 --" }),
      await a.post('/trade/service-orders', { serviceId: '8 OR 1=1' }),
      await a.post('/trade/service-orders', { serviceId: 8, customerId: MEMBER_B }),
      await a.post('/trade/service-orders', { serviceId: 8, amount: "0'); DELETE FROM service_orders; --" }),
    ];
    for (const probe of probes) {
      expect(probe.status, probe.text).toBe(400);
      expect(probe.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(probe.text).not.toMatch(/syntax error|SELECT |\.ts:|at \w+ \(/);
    }
    expect((await copy.service.pool.query(`SELECT count(*)::int AS n FROM service_orders WHERE customer_id = $1`, [MEMBER_B])).rows[0].n).toBeGreaterThanOrEqual(0);
  });
});

describe('a service copy that is not ready answers 503, never 500 nor an empty list', () => {
  let bare: TestDatabase;
  let fresh: ServiceUnderTest;
  beforeAll(async () => {
    bare = await emptyDatabase('svc_trade');
    fresh = await serveForTest(trade, bare.url);
  });
  afterAll(async () => {
    await fresh?.stop();
    await bare?.drop();
  });

  const expect503 = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${fresh.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${issueToken(fresh.keys.current, { userId: COACH_A })}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(response.status, `${method} ${path}`).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const text = await response.text();
    expect(text).not.toMatch(/relation|does not exist|res_groups/);
  };

  it('before the backfill: every route, public or not', async () => {
    await expect503('PUT', '/trade/orders/1/status', { action: 'cancel' });
    await expect503('GET', '/trade/matching/available-orders');
    await expect503('GET', '/trade/health-services');
    await expect503('GET', '/trade/health-services/1');
    await expect503('GET', '/trade/service-orders');
    await expect503('GET', '/trade/service-orders/1');
    await expect503('POST', '/trade/service-orders', { serviceId: 8 });
    await expect503('POST', '/trade/health-services', { name: 'x', category: 'fitness', price: '1' });
    await expect503('POST', '/trade/grab-orders', { serviceOrderId: 1 });
    await expect503('GET', '/trade/grab-orders/1');
  });

  it('while the forward sync\'s snapshot is still running (tables there, copy incomplete)', async () => {
    // The copied database, with a sync's checkpoint saying its snapshot is not done.
    await copy.service.pool.query(`CREATE SCHEMA ficus_cdc; CREATE TABLE ficus_cdc.checkpoint (source text PRIMARY KEY, position jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO ficus_cdc.checkpoint (source, position) VALUES ('ficus_fwd_m04', '{"snapshotDone": false}')`);
    try {
      await new Promise((r) => setTimeout(r, 1_100)); // past the readiness cache
      const answer = await call('GET', '/trade/health-services', null);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBeTruthy();
      await copy.service.pool.query(`UPDATE ficus_cdc.checkpoint SET position = '{"snapshotDone": true}'`);
      expect((await call('GET', '/trade/health-services', null)).status).toBe(200);
    } finally {
      await copy.service.pool.query('DROP SCHEMA ficus_cdc CASCADE');
    }
  });
});
