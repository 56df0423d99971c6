import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';

const MEMBER_KEY = 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840';

describe('JSON-2 (Odoo 19 API) in front of the Odoo 18 database', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
  beforeAll(async () => {
    legacy = await startLegacyGateway();
  });
  afterAll(async () => legacy?.stop());

  const call = (path: string, body: unknown, headers: Record<string, string> = { authorization: `bearer ${MEMBER_KEY}` }) =>
    fetch(`${legacy.gateway.url}/json/2/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-odoo-database': LEGACY_DB_NAME, ...headers }, body: JSON.stringify(body) });

  it('answers named arguments with the bare result', async () => {
    const response = await call('hp.device.binding/search_read', { domain: [['user_id', '=', 6]], fields: ['user_id'], limit: 3 });
    expect(response.status).toBe(200);
    const rows = (await response.json()) as { user_id: [number, string] }[];
    for (const row of rows) expect(row.user_id[0]).toBe(6);

    const read = await call('res.users/read', { ids: [6], fields: ['login'] });
    expect(await read.json()).toEqual([{ id: 6, login: 'member001@hp.example' }]);
  });

  it('refuses a missing or wrong key with 401 and WWW-Authenticate: bearer', async () => {
    const missing = await call('res.partner/search', { domain: [] }, {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('bearer');
    const wrong = await call('res.partner/search', { domain: [] }, { authorization: 'Bearer 0000000000000000000000000000000000000000' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey' });
  });

  it('answers errors with their HTTP status and Odoo error object', async () => {
    const denied = await call('hp.risk.rule/search_read', { domain: [] });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ name: 'odoo.exceptions.AccessError' });

    const withIds = await call('res.partner/search', { ids: [1], domain: [] });
    expect(withIds.status).toBe(422);

    const badJson = await fetch(`${legacy.gateway.url}/json/2/res.partner/search`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `bearer ${MEMBER_KEY}` }, body: '{oops' });
    expect(badJson.status).toBe(400);

    const elsewhere = await fetch(`${legacy.gateway.url}/json/2/res.partner`, { method: 'POST' });
    expect(elsewhere.status).toBe(404);
  });

  it("answers an unknown model or method 404 and arguments the method does not bind 422, as Odoo 19's web_json_2 (werkzeug errors, inspect's texts)", async () => {
    const werkzeug = (name: string, message: string, status: number) => ({ name: `werkzeug.exceptions.${name}`, message, arguments: [message, status], context: {}, debug: '' });
    const model = await call('no.such.model/search', { domain: [] });
    expect([model.status, await model.json()]).toEqual([404, werkzeug('NotFound', "the model 'no.such.model' does not exist", 404)]);
    const method = await call('res.partner/no_such', {});
    expect([method.status, await method.json()]).toEqual([404, werkzeug('NotFound', "The method 'no_such' does not exist on the model 'res.partner'", 404)]);
    const missing = await call('res.partner/write', { ids: [3] });
    expect([missing.status, await missing.json()]).toEqual([422, werkzeug('UnprocessableEntity', "missing a required argument: 'vals'", 422)]);
    const unexpected = await call('res.partner/search', { domain: [], bogus: 1 });
    expect([unexpected.status, await unexpected.json()]).toEqual([422, werkzeug('UnprocessableEntity', "got an unexpected keyword argument 'bogus'", 422)]);
    // The same failures over JSON-RPC keep Odoo 18's own errors.
    const rpc = await fetch(`${legacy.gateway.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'object', method: 'execute_kw', args: [LEGACY_DB_NAME, 6, MEMBER_KEY, 'res.partner', 'no_such', [], {}] } }),
    });
    expect(((await rpc.json()) as { error: { data: { name: string } } }).error.data.name).toBe('builtins.AttributeError');
  });
});
