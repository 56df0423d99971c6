import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, odooRefDatabase, type TestDatabase } from '../../support/databases.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';

/**
 * Protocol rules that depend on which databases a server offers, as a stock Odoo 18 serving
 * `odoo_ref` and `hp_legacy` (`-d odoo_ref,hp_legacy`) answered them (session 13's oracle):
 * - `db.list` is in name order (service/db.py `list_dbs`: `-d` names sorted, or `ORDER BY datname`);
 * - a `db` management method without parameters is IndexError (`dispatch` reads params[0], the
 *   master password, before checking it), AccessDenied with any password;
 * - an auth='user' route needs a database: without a session on a served database and with more
 *   than one database served, Odoo matches the nodb routing map (auth='none' routes only) and
 *   answers werkzeug's 404 page (http.py `_get_session_and_dbname`, `_serve_nodb`); with exactly
 *   one database (monodb) it is SessionExpired.
 */
describe('database selection rules', () => {
  let odooRef: TestDatabase;
  let legacy: TestDatabase;
  let both: TestGateway;
  let single: TestGateway;
  beforeAll(async () => {
    [odooRef, legacy] = await Promise.all([odooRefDatabase(), legacyDatabase()]);
    const handlerFor = (database: Parameters<typeof createFullOrmEngine>[0]['database']) => createFullOrmEngine({ database }).call;
    // Served in the reverse of name order: db.list must still answer in name order.
    both = await startTestGateway({ serve: [{ name: 'odoo_ref', database: odooRef }, { name: 'hp_legacy', database: legacy }], handlerFor });
    single = await startTestGateway({ serve: [{ name: 'odoo_ref', database: odooRef }], handlerFor });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([both?.stop(), single?.stop()]);
    await Promise.all([odooRef?.drop(), legacy?.drop()]);
  });

  const post = (gateway: TestGateway, path: string, body: unknown, cookie?: string) =>
    fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
  const rpc = async (gateway: TestGateway, service: string, method: string, args: unknown[]) =>
    (await (await post(gateway, '/jsonrpc', { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: 1 })).json()) as { result?: unknown; error?: { data: { name: string; message: string } } };
  const callKw = { jsonrpc: '2.0', method: 'call', params: { model: 'res.partner', method: 'search_count', args: [[]], kwargs: {} }, id: 3 };

  it('db.list and /web/database/list answer in name order', async () => {
    expect((await rpc(both, 'db', 'list', [])).result).toEqual(['hp_legacy', 'odoo_ref']);
    const web = (await (await post(both, '/web/database/list', { jsonrpc: '2.0', method: 'call', params: {}, id: 1 })).json()) as { result: unknown };
    expect(web.result).toEqual(['hp_legacy', 'odoo_ref']);
  });

  it('a management method reads the master password first: IndexError without parameters, AccessDenied with one', async () => {
    for (const method of ['list_countries', 'drop', 'dump', 'change_admin_password']) {
      expect((await rpc(both, 'db', method, [])).error?.data).toMatchObject({ name: 'builtins.IndexError', message: 'list index out of range' });
      expect((await rpc(both, 'db', method, ['not the master password', 'x'])).error?.data.name).toBe('odoo.exceptions.AccessDenied');
    }
  });

  it('an auth="user" route with no database to pick is a 404 page; with one database it is SessionExpired', async () => {
    for (const path of ['/web/dataset/call_kw', '/web/dataset/call_kw/res.partner/search_count', '/web/session/get_session_info', '/web/session/modules']) {
      const answer = await post(both, path, callKw);
      expect(answer.status).toBe(404);
      expect(await answer.text()).toContain('<title>404 Not Found</title>');
      const mono = await post(single, path, callKw);
      expect(mono.status).toBe(200);
      expect(await mono.json()).toMatchObject({ error: { code: 100, data: { name: 'odoo.http.SessionExpiredException' } } });
    }
    // auth='none' routes stay: authenticate picks its database from its parameters.
    const login = await post(both, '/web/session/authenticate', { jsonrpc: '2.0', method: 'call', params: { db: 'hp_legacy', login: 'admin', password: 'admin' }, id: 1 });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    // A session on a served database picks that database.
    const counted = (await (await post(both, '/web/dataset/call_kw', callKw, cookie)).json()) as { result?: number };
    expect(counted.result).toBeGreaterThan(0);
  });
});
