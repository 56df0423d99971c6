import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';
import { startRedis, type TestRedis } from '../../support/redis.ts';

const rpc = (params: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params });

async function post(url: string, params: Record<string, unknown>, cookie?: string) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: rpc(params) });
  return { response, body: (await response.json()) as { result?: unknown; error?: { code: number; data: { name: string; message: string } } } };
}

describe.each([
  ['PostgreSQL', false],
  ['Redis', true],
] as const)('web sessions kept in %s', (_label, useRedis) => {
  let redis: TestRedis | undefined;
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;

  beforeAll(async () => {
    if (useRedis) redis = await startRedis();
    legacy = await startLegacyGateway({ maxInactivitySeconds: 2, ...(redis ? { redisUrl: redis.url } : {}) });
  });
  afterAll(async () => {
    await legacy?.stop();
    await redis?.stop();
  });

  it('logs in with the password (never an API key), serves call_kw on the cookie, and ends on destroy', async () => {
    const base = legacy.gateway.url;
    const login = await post(`${base}/web/session/authenticate`, { db: LEGACY_DB_NAME, login: 'member001@hp.example', password: 'member001@hp.example' });
    const setCookie = login.response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^session_id=[A-Za-z0-9_-]{84}; Expires=.*; Max-Age=2; HttpOnly; Path=\/$/);
    expect(login.body.result).toMatchObject({ uid: 6, username: 'member001@hp.example', db: LEGACY_DB_NAME, is_internal_user: true });
    const cookie = setCookie.split(';')[0]!;

    if (redis) {
      const client = new Redis(redis.url);
      expect(await client.keys('ficus:session:*')).toHaveLength(1);
      client.disconnect();
    }

    const count = await post(`${base}/web/dataset/call_kw/hp.health.record/search_count`, { model: 'hp.health.record', method: 'search_count', args: [[]], kwargs: {} }, cookie);
    expect(typeof count.body.result).toBe('number');

    const withKey = await post(`${base}/web/session/authenticate`, { db: LEGACY_DB_NAME, login: 'member001@hp.example', password: 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840' });
    expect(withKey.body.error?.data.name).toBe('odoo.exceptions.AccessDenied');

    await post(`${base}/web/session/destroy`, {}, cookie);
    const after = await post(`${base}/web/session/get_session_info`, {}, cookie);
    expect(after.body.error?.code).toBe(100);
    expect(after.body.error?.data.name).toBe('odoo.http.SessionExpiredException');
  });

  it('expires a session after the inactivity limit, with the error Odoo gives', async () => {
    const base = legacy.gateway.url;
    const login = await post(`${base}/web/session/authenticate`, { db: LEGACY_DB_NAME, login: 'coach001@hp.example', password: 'coach001@hp.example' });
    const cookie = (login.response.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await post(`${base}/web/session/check`, {}, cookie)).body.error).toBeUndefined();
    await new Promise((r) => setTimeout(r, 3000));
    const expired = await post(`${base}/web/session/check`, {}, cookie);
    expect(expired.body).toMatchObject({ id: null, error: { code: 100, message: 'Odoo Session Expired', data: { name: 'odoo.http.SessionExpiredException', message: 'Session expired' } } });
  });

  it('ends every session of a user whose password changes', async () => {
    const base = legacy.gateway.url;
    const login = await post(`${base}/web/session/authenticate`, { db: LEGACY_DB_NAME, login: 'member002@hp.example', password: 'member002@hp.example' });
    const cookie = (login.response.headers.get('set-cookie') ?? '').split(';')[0]!;
    await legacy.database.pool.query(`UPDATE res_users SET password = 'changed' WHERE login = 'member002@hp.example'`);
    expect((await post(`${base}/web/session/check`, {}, cookie)).body.error?.code).toBe(100);
  });
});
