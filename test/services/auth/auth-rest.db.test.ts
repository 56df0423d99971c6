import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restCall, type Answer } from './support/rest-call.ts';
import { startAuthPlatform, LEGACY_DB, type AuthPlatform } from './support/auth-platform.ts';

// hp_legacy demo users (legacy README): password = login. member001 uid 6, member002 uid 7, operator001 uid 301 (operator + admin).
const MEMBER = { login: 'member001@hp.example', uid: 6 };
const OTHER_MEMBER = { login: 'member002@hp.example', uid: 7 };
const OPERATOR = { login: 'operator001@hp.example', uid: 301 };
const ADMIN_PASSWORD = 'admin';

let platform: AuthPlatform;
let addressCounter = 0;
/** Each test speaks from its own client address (the gateway trusts X-Forwarded-For from loopback), so budgets and cooldowns of one test do not leak into another. */
const freshAddress = () => `198.51.100.${++addressCounter}`;

beforeAll(async () => {
  platform = await startAuthPlatform();
}, 120_000);
afterAll(async () => {
  await platform?.stop();
});

function rest(method: string, path: string, options: { body?: unknown; token?: string; address?: string } = {}): Promise<Answer> {
  return restCall(platform.url, method, path, { ...options, address: options.address ?? '203.0.113.1' });
}

async function jsonRpc(service: string, method: string, args: unknown[], address = '203.0.113.1'): Promise<any> {
  const response = await fetch(`${platform.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: 1 }),
  });
  return response.json();
}

const signIn = async (login: string, password = login, address = freshAddress()) => rest('POST', '/auth/login', { body: { login, password }, address });

/** Polls until `probe` answers `status`; the bar is one second. */
async function refusedWithin(probe: () => Promise<Answer>, status: number, limitMs = 1000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const answer = await probe();
    const elapsed = performance.now() - started;
    if (answer.status === status) return elapsed;
    if (elapsed > limitMs + 2000) throw new Error(`still ${answer.status} after ${Math.round(elapsed)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /auth/login', () => {
  it('answers an access token that trade\'s REST routes and /auth/verify accept, and a refresh token Odoo sees as an hp.auth.token row', async () => {
    const signed = await signIn(MEMBER.login);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('cache-control')).toBe('no-store');
    expect(signed.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, user_id: MEMBER.uid });
    const orders = await rest('GET', '/trade/service-orders', { token: signed.body.access_token });
    expect(orders.status).toBe(200);
    const verified = await rest('GET', '/auth/verify', { token: signed.body.access_token });
    expect(verified.status).toBe(200);
    expect(verified.body.userId).toBe(MEMBER.uid);
    expect(verified.body.groups).toEqual(expect.arrayContaining(['hp_account.group_hp_member', 'base.group_user']));
    expect(verified.body.permissionCodes).toContain('health.record.write');
    const { rows } = await platform.legacy.pool.query(`SELECT user_id, scope, revoked, expires_at > now() AT TIME ZONE 'utc' AS alive, length(token_hash) AS hash_length FROM auth_tokens WHERE id = $1`, [verified.body.session.tokenId]);
    expect(rows).toEqual([{ user_id: MEMBER.uid, scope: 'refresh', revoked: false, alive: true, hash_length: 64 }]);
  });

  it('an API key alone, or in the password\'s place, signs in like Odoo RPC accepts it', async () => {
    const key = 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840';
    expect((await rest('POST', '/auth/login', { body: { apiKey: key }, address: freshAddress() })).body.user_id).toBe(MEMBER.uid);
    expect((await rest('POST', '/auth/login', { body: { login: MEMBER.login, password: key }, address: freshAddress() })).body.user_id).toBe(MEMBER.uid);
  });

  it('a wrong password and an unknown login get the same answer', async () => {
    const wrongPassword = await signIn(MEMBER.login, 'not-the-password');
    const unknownLogin = await signIn('nobody@hp.example', 'not-the-password');
    expect(wrongPassword.status).toBe(401);
    expect(unknownLogin.status).toBe(401);
    expect({ ...unknownLogin.body, instance: undefined, requestId: undefined }).toEqual({ ...wrongPassword.body, instance: undefined, requestId: undefined });
  });

  it('refuses bodies that are not credentials with a 400 naming the field, before any check', async () => {
    const answer = await rest('POST', '/auth/login', { body: { login: MEMBER.login }, address: freshAddress() });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('refresh tokens rotate on every use; reuse ends the whole login', () => {
  it('a refresh gives new tokens; presenting the used-up one again ends every token of the login, everywhere within 1 s', async () => {
    const first = (await signIn(MEMBER.login)).body;
    const second = await rest('POST', '/auth/refresh', { body: { refreshToken: first.refresh_token }, address: freshAddress() });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await rest('GET', '/trade/service-orders', { token: second.body.access_token })).status).toBe(200);

    const reuse = await rest('POST', '/auth/refresh', { body: { refreshToken: first.refresh_token }, address: freshAddress() });
    expect(reuse.status).toBe(401);
    expect(reuse.headers.get('content-type')).toContain('application/problem+json');
    expect(reuse.body.detail).toMatch(/already used/);
    // The thief's (or the client's) newer refresh token is dead too, and so are the access tokens.
    expect((await rest('POST', '/auth/refresh', { body: { refreshToken: second.body.refresh_token }, address: freshAddress() })).status).toBe(401);
    const ms = await refusedWithin(() => rest('GET', '/trade/service-orders', { token: second.body.access_token }), 401);
    expect(ms).toBeLessThan(1000);
    expect((await rest('GET', '/auth/verify', { token: first.access_token })).status).toBe(401);
  });

  it('two concurrent refreshes of one token: one wins, the other is a reuse, and the login ends', async () => {
    const first = (await signIn(OTHER_MEMBER.login)).body;
    const both = await Promise.all([1, 2].map(() => rest('POST', '/auth/refresh', { body: { refreshToken: first.refresh_token }, address: freshAddress() })));
    expect(both.map((a) => a.status).sort()).toEqual([200, 401]);
    const winner = both.find((a) => a.status === 200)!;
    await refusedWithin(() => rest('GET', '/auth/verify', { token: winner.body.access_token }), 401);
  });

  it('garbage, an api-scope token row and an unknown token are refused alike', async () => {
    for (const refreshToken of ['x', `frt_${'A'.repeat(43)}`, 'frt_'.padEnd(47, '-')]) {
      expect((await rest('POST', '/auth/refresh', { body: { refreshToken }, address: freshAddress() })).status).toBe(401);
    }
  });
});

describe('a token stops working everywhere within 1 s once its login ends', () => {
  it('after logout', async () => {
    const signed = (await signIn(MEMBER.login)).body;
    expect((await rest('POST', '/auth/logout', { body: { refreshToken: signed.refresh_token }, address: freshAddress() })).status).toBe(204);
    expect(await refusedWithin(() => rest('GET', '/trade/service-orders', { token: signed.access_token }), 401)).toBeLessThan(1000);
    expect((await rest('POST', '/auth/refresh', { body: { refreshToken: signed.refresh_token }, address: freshAddress() })).status).toBe(401);
    // RFC 7009: an unknown token gets the same 204.
    expect((await rest('POST', '/auth/logout', { body: { refreshToken: `frt_${'B'.repeat(43)}` }, address: freshAddress() })).status).toBe(204);
  });

  it('after hp.auth.token.action_revoke over Odoo RPC (admin), on the session\'s token row', async () => {
    const signed = (await signIn(MEMBER.login)).body;
    const session = (await rest('GET', '/auth/verify', { token: signed.access_token })).body.session;
    const revoked = await jsonRpc('object', 'execute_kw', [LEGACY_DB, 2, ADMIN_PASSWORD, 'hp.auth.token', 'action_revoke', [[session.tokenId]]]);
    expect(revoked.result).toBe(true);
    expect(await refusedWithin(() => rest('GET', '/trade/service-orders', { token: signed.access_token }), 401)).toBeLessThan(1000);
  });

  it('after the user is archived over Odoo RPC', async () => {
    const signed = (await signIn(OTHER_MEMBER.login)).body;
    expect((await jsonRpc('object', 'execute_kw', [LEGACY_DB, 2, ADMIN_PASSWORD, 'res.users', 'write', [[OTHER_MEMBER.uid], { active: false }]])).result).toBe(true);
    try {
      expect(await refusedWithin(() => rest('GET', '/trade/service-orders', { token: signed.access_token }), 401)).toBeLessThan(1000);
      expect((await rest('POST', '/auth/refresh', { body: { refreshToken: signed.refresh_token }, address: freshAddress() })).status).toBe(401);
    } finally {
      await jsonRpc('object', 'execute_kw', [LEGACY_DB, 2, ADMIN_PASSWORD, 'res.users', 'write', [[OTHER_MEMBER.uid], { active: true }]]);
    }
  });
});

describe('one login cooldown across REST and Odoo RPC (base.login_cooldown_after = 10 in hp_legacy)', () => {
  it('ten wrong passwords over JSON-RPC put the REST login of that address on cooldown (429, Retry-After), even with the right password', async () => {
    const address = freshAddress();
    // A login of its own: the cooldown counts per login too, and would refuse OPERATOR in later tests.
    const login = 'operator003@hp.example';
    for (let i = 0; i < 10; i++) expect((await jsonRpc('common', 'authenticate', [LEGACY_DB, login, 'wrong', {}], address)).result).toBe(false);
    const refused = await signIn(login, login, address);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('ten wrong passwords over REST make Odoo RPC refuse that address', async () => {
    const address = freshAddress();
    const login = 'member003@hp.example';
    for (let i = 0; i < 10; i++) expect((await signIn(login, 'wrong', address)).status).toBe(401);
    expect((await jsonRpc('common', 'authenticate', [LEGACY_DB, login, login, {}], address)).result).toBe(false);
  });
});

describe('GET /users/{id}/permissions', () => {
  it('a member reads their own, not another member\'s; an operator reads anyone\'s', async () => {
    const member = (await signIn(MEMBER.login)).body.access_token;
    const own = await rest('GET', `/users/${MEMBER.uid}/permissions`, { token: member });
    expect(own.body).toMatchObject({ userId: MEMBER.uid });
    expect(own.body.acl['hp.health.record']).toEqual({ read: true, write: true, create: true, unlink: true });
    expect((await rest('GET', `/users/${OTHER_MEMBER.uid}/permissions`, { token: member })).status).toBe(403);
    expect((await rest('GET', `/users/999999/permissions`, { token: member })).status).toBe(403);
    const operator = (await signIn(OPERATOR.login)).body.access_token;
    expect((await rest('GET', `/users/${OTHER_MEMBER.uid}/permissions`, { token: operator })).body.userId).toBe(OTHER_MEMBER.uid);
    expect((await rest('GET', `/users/999999/permissions`, { token: operator })).status).toBe(404);
    expect((await rest('GET', `/users/${MEMBER.uid}/permissions`)).status).toBe(401);
  });
});

describe('POST /auth/register', () => {
  it('creates a member who signs in over REST, XML-RPC, JSON-RPC and the web session at once', async () => {
    const login = `new.member.${Date.now()}@hp.example`;
    const password = 'a long enough secret';
    const created = await rest('POST', '/auth/register', { body: { login, password, name: 'New Member' }, address: freshAddress() });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/users/${created.body.id}/permissions`);
    const signed = await signIn(login, password);
    expect(signed.body.user_id).toBe(created.body.id);
    expect((await rest('GET', created.headers.get('location')!, { token: signed.body.access_token })).body.groups.map((g: any) => g.xmlid)).toContain('hp_account.group_hp_member');
    expect((await jsonRpc('common', 'authenticate', [LEGACY_DB, login, password, {}], freshAddress())).result).toBe(created.body.id);
    const xml = await fetch(`${platform.url}/xmlrpc/2/common`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', 'x-forwarded-for': freshAddress() },
      body: `<?xml version="1.0"?><methodCall><methodName>authenticate</methodName><params><param><value><string>${LEGACY_DB}</string></value></param><param><value><string>${login}</string></value></param><param><value><string>${password}</string></value></param><param><value><struct></struct></value></param></params></methodCall>`,
    });
    expect(await xml.text()).toContain(`<int>${created.body.id}</int>`);
    const web = await fetch(`${platform.url}/web/session/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshAddress() },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { db: LEGACY_DB, login, password }, id: 1 }),
    });
    expect(((await web.json()) as any).result.uid).toBe(created.body.id);
    expect((await rest('POST', '/auth/register', { body: { login, password, name: 'Again' }, address: freshAddress() })).status).toBe(409);
  });
});

describe('rate limits on /auth/*', () => {
  it('one address gets 120 requests a minute, then 429 with Retry-After', async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++) statuses.push((await rest('POST', '/auth/logout', { body: { refreshToken: 'x' }, address })).status);
    expect(statuses.slice(0, 120).every((s) => s === 204)).toBe(true);
    expect(statuses[120]).toBe(429);
    const limited = await rest('POST', '/auth/logout', { body: { refreshToken: 'x' }, address });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('a member\'s tokens are theirs alone, on every method (hp_account: read-only ACL for members, own-tokens rule)', () => {
  it('member002 can neither see nor change member001\'s hp.auth.token rows; member001 reads their own but cannot revoke them over RPC', async () => {
    const mine = (await rest('GET', '/auth/verify', { token: (await signIn(MEMBER.login)).body.access_token })).body.session.tokenId as number;
    const asOther = (method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
      jsonRpc('object', 'execute_kw', [LEGACY_DB, OTHER_MEMBER.uid, OTHER_MEMBER.login, 'hp.auth.token', method, args, kwargs], freshAddress());
    expect((await asOther('search', [[['id', '=', mine]]])).result).toEqual([]);
    expect((await asOther('search_count', [[['user_id', '=', MEMBER.uid]]])).result).toBe(0);
    expect((await asOther('read_group', [[['user_id', '=', MEMBER.uid]], ['user_id'], ['user_id']])).result).toEqual([]);
    for (const [method, args] of [
      ['read', [[mine], ['token_hash']]],
      ['write', [[mine], { revoked: true }]],
      ['unlink', [[mine]]],
      ['action_revoke', [[mine]]],
      ['copy', [mine]],
      ['create', [{ user_id: MEMBER.uid, token_hash: 'planted' }]],
    ] as const) {
      const answer = await asOther(method, [...args]);
      expect(answer.error?.data?.name, `${method}: ${JSON.stringify(answer).slice(0, 200)}`).toMatch(/AccessError|MissingError/);
    }
    const asOwner = (method: string, args: unknown[]) => jsonRpc('object', 'execute_kw', [LEGACY_DB, MEMBER.uid, MEMBER.login, 'hp.auth.token', method, args], freshAddress());
    expect((await asOwner('read', [[mine], ['scope', 'revoked']])).result).toEqual([{ id: mine, scope: 'refresh', revoked: false }]);
    expect((await asOwner('action_revoke', [[mine]])).error?.data?.name).toBe('odoo.exceptions.AccessError');
    const { rows } = await platform.legacy.pool.query('SELECT revoked FROM auth_tokens WHERE id = $1', [mine]);
    expect(rows).toEqual([{ revoked: false }]);
  });
});
