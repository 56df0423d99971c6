import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBehaviour } from '../../../odoo-bridge/errors.ts';
import { createUpstreamOdoo } from '../../../odoo-bridge/proxy/upstream-odoo.ts';
import { phaseAwareRouter, type PhaseDirectory } from '../../../odoo-bridge/routing/phase-routing.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { MEMBER } from '../clients/client-flow.ts';

const MEMBER_KEY = 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840';

/** Rules of Odoo 18's protocol layer (odoo/http.py, odoo/service/*.py, base/controllers/rpc.py). */
describe('protocol rules', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
  beforeAll(async () => {
    legacy = await startLegacyGateway({ loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 } });
  });
  afterAll(async () => legacy?.stop());

  const jsonrpc = async (path: string, params: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${legacy.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params, id: 7 }) });
    return (await response.json()) as { id: unknown; result?: unknown; error?: { code: number; data: { name: string; message: string } } };
  };
  /** A web session of MEMBER, as its cookie. */
  const memberCookie = async () => {
    const login = await fetch(`${legacy.gateway.url}/web/session/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { db: LEGACY_DB_NAME, login: MEMBER.login, password: MEMBER.password }, id: 1 }) });
    return login.headers.get('set-cookie')!.split(';')[0]!;
  };
  const execute = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
    jsonrpc('/jsonrpc', { service: 'object', method: 'execute_kw', args: [LEGACY_DB_NAME, MEMBER.uid, MEMBER.password, model, method, args, kwargs] });

  it("db.list_lang is scan_languages(): every language of res.lang.csv, sorted by name", async () => {
    const { result } = await jsonrpc('/jsonrpc', { service: 'db', method: 'list_lang', args: [] });
    const languages = result as [string, string][];
    expect(languages.length).toBe(92);
    expect(languages).toContainEqual(['en_US', 'English (US)']);
    expect(languages).toContainEqual(['zh_CN', 'Chinese (Simplified) / 简体中文']);
    const names = languages.map(([, name]) => name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const wrong = await jsonrpc('/jsonrpc', { service: 'db', method: 'list_lang', args: [1] });
    expect(wrong.error?.data).toMatchObject({ name: 'builtins.TypeError', message: 'exp_list_lang() takes 0 positional arguments but 1 was given' });
  });

  it('XML-RPC to an unknown service is a fault (KeyError), not a 404; GET is 405', async () => {
    const body = "<?xml version='1.0'?>\n<methodCall>\n<methodName>version</methodName>\n<params>\n</params>\n</methodCall>\n";
    const v2 = await fetch(`${legacy.gateway.url}/xmlrpc/2/nosuchservice`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    expect(v2.status).toBe(200);
    const v2Text = await v2.text();
    expect(v2Text).toMatch(/<fault>[\s\S]*<name>faultCode<\/name>\s*<value><int>1<\/int>/);
    expect(v2Text).toMatch(/KeyError/);
    const legacyDialect = await fetch(`${legacy.gateway.url}/xmlrpc/nosuchservice`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    expect(await legacyDialect.text()).toMatch(/<fault>/);
    for (const path of ['/xmlrpc/2/object', '/xmlrpc/common', '/xmlrpc/2/anything']) {
      const get = await fetch(`${legacy.gateway.url}${path}`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(await get.text()).toContain('<title>405 Method Not Allowed</title>');
    }
  });

  it('an auth="user" route reads a malformed body after the session check: SessionExpired without a session, 400 with one', async () => {
    const broken = (cookie?: string) =>
      fetch(`${legacy.gateway.url}/web/session/get_session_info`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: '{"jsonrpc": "2.0", "params": {' });
    const anonymous = await broken();
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toMatchObject({ id: null, error: { code: 100, data: { name: 'odoo.http.SessionExpiredException' } } });
    const withSession = await broken(await memberCookie());
    expect(withSession.status).toBe(400);
    expect(await withSession.text()).toBe('Invalid JSON data');
  });

  // Recorded from Odoo 18 (Python 3.11, Werkzeug 2.2): DataSet._call_kw_readonly reads the body
  // while Odoo picks the cursor, before authentication and before the request id is read.
  it('call_kw and call_button read the body before the session check: the Python error of that read, id null, with or without a session', async () => {
    const cookie = await memberCookie();
    const cases: [string, Record<string, unknown>][] = [
      ['{"jsonrpc": "2.0", "params": {', { name: 'json.decoder.JSONDecodeError', message: 'Expecting property name enclosed in double quotes: line 1 column 31 (char 30)' }],
      ['', { name: 'json.decoder.JSONDecodeError', message: 'Expecting value: line 1 column 1 (char 0)' }],
      ['[1 2]', { name: 'json.decoder.JSONDecodeError', message: "Expecting ',' delimiter: line 1 column 4 (char 3)" }],
      ['{"a":1}}', { name: 'json.decoder.JSONDecodeError', message: 'Extra data: line 1 column 8 (char 7)' }],
      ['[1,2]', { name: 'builtins.TypeError', message: 'list indices must be integers or slices, not str' }],
      ['"x"', { name: 'builtins.TypeError', message: "string indices must be integers, not 'str'" }],
      ['null', { name: 'builtins.TypeError', message: "'NoneType' object is not subscriptable" }],
      ['{}', { name: 'builtins.KeyError', message: 'params', arguments: ['params'] }],
      ['{"params": {}}', { name: 'werkzeug.exceptions.NotFound' }],
      ['{"params": {"model": "nope", "method": "search"}, "id": 4}', { name: 'werkzeug.exceptions.NotFound' }],
      ['{"params": {"model": ["a"]}}', { name: 'builtins.TypeError', message: "unhashable type: 'list'" }],
      ['{"params": {"model": "res.partner"}}', { name: 'builtins.KeyError', message: 'method' }],
      ['{"params": {"model": "res.partner", "method": 5}}', { name: 'builtins.TypeError', message: "attribute name must be string, not 'int'" }],
    ];
    for (const path of ['/web/dataset/call_kw', '/web/dataset/call_button/x']) {
      for (const [body, data] of cases) {
        for (const session of [undefined, cookie]) {
          const response = await fetch(`${legacy.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(session ? { cookie: session } : {}) }, body });
          expect(response.status, `${path} ${body}`).toBe(200);
          expect(await response.json(), `${path} ${body} ${session ? 'with' : 'without'} a session`).toMatchObject({ id: null, error: { data } });
        }
      }
    }
    // A well-formed call without a session is SessionExpired; with one, it is dispatched (the request id is read).
    const wellFormed = '{"params": {"model": "res.partner", "method": "search_count", "args": [[]], "kwargs": {}}, "id": 9}';
    const anonymous = await fetch(`${legacy.gateway.url}/web/dataset/call_kw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: wellFormed });
    expect(await anonymous.json()).toMatchObject({ id: null, error: { code: 100 } });
    const answered = await fetch(`${legacy.gateway.url}/web/dataset/call_kw`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: wellFormed });
    expect(await answered.json()).toMatchObject({ id: 9, result: expect.any(Number) });
  });

  it('a JSON body is read as Werkzeug 2.2 and json.loads read it: invalid UTF-8 becomes U+FFFD, NaN is a value, a byte-order mark is refused', async () => {
    const post = (body: Buffer) => fetch(`${legacy.gateway.url}/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const version = (id: string) => Buffer.from(`{"jsonrpc":"2.0","method":"call","params":{"service":"common","method":"version","args":[]},"id":${id}}`);
    const replaced = await post(Buffer.concat([version('"a').subarray(0, -1), Buffer.from([0xff]), Buffer.from('b"}')]));
    expect(await replaced.json()).toMatchObject({ id: 'a\ufffdb', result: { server_version: '18.0' } });
    const nan = await post(version('NaN'));
    expect(await nan.text()).toMatch(/^\{"jsonrpc":"2.0","id":NaN,"result":/);
    const bom = await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), version('1')]));
    expect(bom.status).toBe(400);
    expect(await bom.text()).toBe('Invalid JSON data');
  });

  it('common.login with an empty password: AssertionError for a user, False for no user', async () => {
    for (const password of ['', null, false]) {
      const known = await jsonrpc('/jsonrpc', { service: 'common', method: 'login', args: [LEGACY_DB_NAME, MEMBER.login, password] });
      expect(known.error?.data).toMatchObject({ name: 'builtins.AssertionError', message: 'scope and key required' });
    }
    expect((await jsonrpc('/jsonrpc', { service: 'common', method: 'login', args: [LEGACY_DB_NAME, 'nobody@nowhere.example', ''] })).result).toBe(false);
    expect((await jsonrpc('/jsonrpc', { service: 'common', method: 'authenticate', args: [LEGACY_DB_NAME, MEMBER.login, MEMBER.password, {}] })).result).toBe(MEMBER.uid);
  });

  it("session_info has the keys of the modules installed in this database, and no others", async () => {
    const { rows } = await legacy.database.pool.query<{ name: string }>("SELECT name FROM ir_module_module WHERE state = 'installed'");
    const installed = new Set(rows.map((r) => r.name));
    const { result } = await jsonrpc('/web/session/authenticate', { db: LEGACY_DB_NAME, login: MEMBER.login, password: MEMBER.password });
    const info = result as Record<string, unknown>;
    const byModule: Record<string, string> = { bus: 'websocket_worker_version', web_tour: 'tour_enabled', mail: 'storeData', spreadsheet: 'can_insert_in_spreadsheet' };
    for (const [module, key] of Object.entries(byModule)) expect(key in info, `${key} (${module})`).toBe(installed.has(module));
    expect(info.user_settings).not.toBeUndefined();
  });

  it('session_info: the onboarding tour an administrator has not consumed, False once consumed, None with tours off', async () => {
    const login = () => jsonrpc('/web/session/authenticate', { db: LEGACY_DB_NAME, login: 'admin', password: 'admin' });
    const admin = (await login()).result as Record<string, unknown>;
    expect(admin.tour_enabled).toBe(true);
    expect(admin.current_tour).toEqual({
      name: 'discuss_channel_tour', url: '/odoo', custom: false, steps: [],
      rainbowManMessage: '<span><b>Good job!</b> You went through all steps of this tour.</span>',
    });
    await legacy.database.pool.query('INSERT INTO res_users_web_tour_tour_rel (web_tour_tour_id, res_users_id) SELECT id, 2 FROM web_tour_tour');
    expect(((await login()).result as Record<string, unknown>).current_tour).toBe(false);
    const member = (await jsonrpc('/web/session/authenticate', { db: LEGACY_DB_NAME, login: MEMBER.login, password: MEMBER.password })).result as Record<string, unknown>;
    expect(member.current_tour).toBeNull();
  });

  it('a business method the engine cannot run: Python binding first, then the clear refusal', async () => {
    const right = await execute('hp.health.goal', 'action_record_progress', [[1], 9000]);
    expect(right.error?.data.name).toBe('odoo.exceptions.UserError');
    expect(right.error?.data.message).toMatch(/^Ficus cannot run the business method action_record_progress\(\) of hp.health.goal/);
    const named = await execute('hp.health.goal', 'action_record_progress', [[1]], { value: 9000 });
    expect(named.error?.data.message).toMatch(/^Ficus cannot run/);
    const missing = await execute('hp.health.goal', 'action_record_progress', [[1]]);
    expect(missing.error?.data).toMatchObject({ name: 'builtins.TypeError', message: "HpHealthGoal.action_record_progress() missing 1 required positional argument: 'value'" });
    const extra = await execute('hp.health.goal', 'action_record_progress', [[1], 1, 2]);
    expect(extra.error?.data).toMatchObject({ name: 'builtins.TypeError', message: 'HpHealthGoal.action_record_progress() takes 2 positional arguments but 3 were given' });
    const unknown = await execute('hp.health.goal', 'action_no_such_thing', [[1]]);
    expect(unknown.error?.data).toMatchObject({ name: 'builtins.AttributeError' });
    // BaseModel methods the engine lacks get the same treatment (models.py signatures).
    const exportData = await execute('res.partner', 'export_data', [[1]]);
    expect(exportData.error?.data).toMatchObject({ name: 'builtins.TypeError', message: "BaseModel.export_data() missing 1 required positional argument: 'fields_to_export'" });
  });

  it('GET /doc-bearer/<model>.json lists the methods and their parameters (Odoo 19 api_doc)', async () => {
    const doc = (model: string, headers: Record<string, string> = { authorization: `Bearer ${MEMBER_KEY}` }) =>
      fetch(`${legacy.gateway.url}/doc-bearer/${model}.json`, { headers: { 'x-odoo-database': LEGACY_DB_NAME, ...headers } });
    const response = await doc('hp.health.goal');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { model: string; fields: Record<string, unknown>; methods: Record<string, { parameters: Record<string, unknown>; api?: string[]; signature: string }> };
    expect(body.model).toBe('hp.health.goal');
    expect(Object.keys(body.methods.action_record_progress!.parameters)).toEqual(['value']);
    expect(body.methods.search).toMatchObject({ signature: '(domain, offset=0, limit=None, order=None)', api: ['model', 'readonly'] });
    expect(Object.keys(body.methods.read_group!.parameters)).toEqual(['domain', 'fields', 'groupby', 'offset', 'limit', 'orderby', 'lazy']);
    expect(body.fields.target_value).toBeDefined();
    expect(Object.keys(body.methods).some((name) => name.startsWith('_'))).toBe(false);
    expect((await doc('hp.health.goal', {})).status).toBe(401);
    expect((await doc('no.such.model')).status).toBe(404);
  });
});

/** With an upstream Odoo, what Ficus cannot run is answered by Odoo (stand-in upstream below). */
describe('missing behaviour with an upstream Odoo', () => {
  let upstreamServer: http.Server;
  let upstreamUrl: string;
  const seenByUpstream: string[] = [];
  let gateway: TestGateway;
  let stopLegacy: () => Promise<void>;

  beforeAll(async () => {
    // The stand-in answers every JSON-RPC call the way Odoo would after running the method.
    upstreamServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seenByUpstream.push(body);
        const id = (JSON.parse(body) as { id: unknown }).id;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result: 'answered by odoo' }));
      });
    });
    await new Promise<void>((resolve) => upstreamServer.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstreamServer.address() as AddressInfo).port}`;
    const upstream = createUpstreamOdoo(upstreamUrl, 2000);
    const phases: Record<string, 'shadow' | 'service' | 'retired'> = { hp_personal: 'shadow', hp_ads: 'service' };
    const directory: PhaseDirectory = {
      moduleOfModel: (model) => ({ 'hp.health.goal': 'hp_personal', 'hp.ad.campaign': 'hp_ads' } as Record<string, string>)[model],
      phaseOf: (module) => ({ phase: phases[module] ?? 'legacy', canaryPercent: 0 }),
      isFrozen: () => false,
      enterWrite: async () => () => {},
      isReadMethod: (method) => ['read', 'search_read', 'search', 'fields_get'].includes(method),
    };
    const router = phaseAwareRouter({ directory, upstream, legacy: () => Promise.reject(new Error('unused')), serviceFor: () => undefined });
    const legacy = await startLegacyGateway({ router });
    gateway = legacy.gateway;
    stopLegacy = legacy.stop;
  });
  afterAll(async () => {
    await stopLegacy?.();
    await new Promise((resolve) => upstreamServer?.close(resolve));
  });

  const execute = async (model: string, method: string, args: unknown[]) => {
    const response = await fetch(`${gateway.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 3, params: { service: 'object', method: 'execute_kw', args: [LEGACY_DB_NAME, MEMBER.uid, MEMBER.password, model, method, args] } }),
    });
    return (await response.json()) as { result?: unknown; error?: { data: { name: string; message: string } } };
  };

  it('forwards the request Ficus refused to the upstream, which answers it', async () => {
    const before = seenByUpstream.length;
    const answer = await execute('hp.health.goal', 'action_record_progress', [[1], 9000]);
    expect(answer.result).toBe('answered by odoo');
    expect(seenByUpstream.length).toBe(before + 1);
    expect(seenByUpstream.at(-1)).toContain('action_record_progress');
  });

  it('answers locally what Ficus runs, and never sends a wrong call upstream', async () => {
    const before = seenByUpstream.length;
    const count = await execute('hp.health.goal', 'search_count', [[]]);
    expect(typeof count.result).toBe('number');
    const wrong = await execute('hp.health.goal', 'action_record_progress', [[1]]);
    expect(wrong.error?.data.name).toBe('builtins.TypeError');
    expect(seenByUpstream.length).toBe(before);
  });

  it('keeps the refusal for a write of a module in service (Odoo no longer owns its tables)', async () => {
    const before = seenByUpstream.length;
    const answer = await execute('hp.ad.campaign', 'action_start', [[1]]);
    expect(answer.error?.data.message).toMatch(/^Ficus cannot run the business method action_start\(\) of hp.ad.campaign/);
    expect(seenByUpstream.length).toBe(before);
    expect(missingBehaviour('x', 'y').message).toMatch(/^Ficus cannot run /);
  });
});
