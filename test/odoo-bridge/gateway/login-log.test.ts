import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';

/**
 * res.users `_login` bookkeeping (base res_users.py): every login through it leaves a
 * res.users.log row as the user (`_update_last_login`), and a browser tz cookie becomes the tz of
 * a user without one or who never logged in. Checks of a password or key alone (`execute_kw`)
 * leave nothing.
 */
describe('logins leave the res.users.log row Odoo writes', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
  const logsOf = async (uid: number) =>
    (await legacy.database.pool.query<{ id: number; create_uid: number; write_uid: number; recent: boolean }>(
      `SELECT id, create_uid, write_uid, create_date > (now() AT TIME ZONE 'UTC') - interval '10 minutes' AS recent FROM res_users_log WHERE create_uid = $1 ORDER BY id`,
      [uid],
    )).rows;
  const jsonrpc = async (service: string, method: string, args: unknown[]) => {
    const response = await fetch(`${legacy.gateway.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service, method, args } }),
    });
    return ((await response.json()) as { result?: unknown }).result;
  };
  const webLogin = (login: string, password: string, cookie?: string) =>
    fetch(`${legacy.gateway.url}/web/session/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { db: LEGACY_DB_NAME, login, password } }),
    }).then((r) => r.json() as Promise<{ result?: { uid: number }; error?: unknown }>);

  beforeAll(async () => {
    legacy = await startLegacyGateway();
  });
  afterAll(async () => {
    await legacy?.stop();
  });

  it('common.authenticate and common.login write one row per success as the user, none on a failure or an execute_kw', async () => {
    const login = 'member002@hp.example';
    const uid = 7;
    const before = await logsOf(uid);
    const read = () => jsonrpc('object', 'execute_kw', [LEGACY_DB_NAME, 2, 'admin', 'res.users', 'read', [[uid]], { fields: ['state', 'login_date', 'log_ids'] }]);
    expect(await jsonrpc('common', 'authenticate', [LEGACY_DB_NAME, login, 'wrong password', {}])).toBe(false);
    expect(await jsonrpc('object', 'execute_kw', [LEGACY_DB_NAME, uid, login, 'res.users', 'search_count', [[['id', '=', uid]]]])).toBe(1);
    expect(await logsOf(uid)).toEqual(before);

    expect(await jsonrpc('common', 'authenticate', [LEGACY_DB_NAME, login, login, {}])).toBe(uid);
    expect(await jsonrpc('common', 'login', [LEGACY_DB_NAME, login, login])).toBe(uid);
    const after = await logsOf(uid);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([
      expect.objectContaining({ create_uid: uid, write_uid: uid, recent: true }),
      expect.objectContaining({ create_uid: uid, write_uid: uid, recent: true }),
    ]);
    const [user] = (await read()) as Array<{ state: string; login_date: string | false; log_ids: number[] }>;
    // log_ids in res.users.log's _order (id desc); login_date is the latest row's create_date.
    expect(user!.log_ids).toEqual(after.map((row) => row.id).reverse());
    expect(user!.state).toBe('active');
    const latest = await legacy.database.pool.query<{ at: string }>(`SELECT to_char(create_date, 'YYYY-MM-DD HH24:MI:SS') AS at FROM res_users_log WHERE id = $1`, [after.at(-1)!.id]);
    expect(user!.login_date).toBe(latest.rows[0]!.at);
  });

  it('a web login writes its row and adopts the browser tz cookie only for a user without tz or without a login', async () => {
    const login = 'member003@hp.example';
    const uid = 8;
    await legacy.database.pool.query(`UPDATE res_partner SET tz = NULL WHERE id = (SELECT partner_id FROM res_users WHERE id = $1)`, [uid]);
    const tzOf = async () => (await legacy.database.pool.query<{ tz: string | null }>(`SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`, [uid])).rows[0]!.tz;
    const before = (await logsOf(uid)).length;

    // An unknown zone is not taken (`tz in pytz.all_timezones`).
    expect((await webLogin(login, login, 'tz=Not/AZone')).result?.uid).toBe(uid);
    expect(await tzOf()).toBeNull();
    expect((await webLogin(login, login, 'frontend_lang=en_US; tz=Asia/Shanghai')).result?.uid).toBe(uid);
    expect(await tzOf()).toBe('Asia/Shanghai');
    // Now with a tz and a login date: the cookie no longer changes it.
    expect((await webLogin(login, login, 'tz=Europe/Brussels')).result?.uid).toBe(uid);
    expect(await tzOf()).toBe('Asia/Shanghai');
    expect((await webLogin(login, 'wrong password', 'tz=Europe/Brussels')).error).toBeDefined();
    expect((await logsOf(uid)).length).toBe(before + 3);
  });
});
