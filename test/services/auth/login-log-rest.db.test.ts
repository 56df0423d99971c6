import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restCall } from './support/rest-call.ts';
import { startAuthPlatform, type AuthPlatform } from './support/auth-platform.ts';

/**
 * The auth service's password login on the monolith is Odoo's res.users `_login` for the user
 * (common.authenticate): it leaves the res.users.log row Odoo would, as the user. An API key
 * alone is JSON-2's bearer check, which Odoo does not log; a refused login leaves nothing.
 */
describe('POST /auth/login leaves the res.users.log row of an Odoo login', () => {
  let platform: AuthPlatform;
  beforeAll(async () => {
    platform = await startAuthPlatform();
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
  });

  const rowsOf = async (uid: number) =>
    (await platform.legacy.pool.query<{ create_uid: number; write_uid: number }>(`SELECT create_uid, write_uid FROM res_users_log WHERE create_uid = $1 ORDER BY id`, [uid])).rows;
  const signIn = (body: unknown, address: string) => restCall(platform.url, 'POST', '/auth/login', { body, address });

  it('one row per password login, none for a key alone or a refusal', async () => {
    const uid = 6;
    const login = 'member001@hp.example';
    const before = await rowsOf(uid);
    expect((await signIn({ login, password: 'not-the-password' }, '198.51.100.201')).status).toBe(401);
    expect((await signIn({ apiKey: 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840' }, '198.51.100.202')).body.user_id).toBe(uid);
    expect(await rowsOf(uid)).toEqual(before);
    expect((await signIn({ login, password: login }, '198.51.100.203')).body.user_id).toBe(uid);
    expect(await rowsOf(uid)).toEqual([...before, { create_uid: uid, write_uid: uid }]);
  });
});
