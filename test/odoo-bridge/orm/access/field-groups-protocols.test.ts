import xmlrpc from 'xmlrpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../../../odoo-bridge/auth/api-keys.ts';
import { createFullOrmEngine } from '../../../../odoo-bridge/orm/write/full-engine.ts';
import { legacyDatabase, odooRefDatabase, testFilestores, type TestDatabase } from '../../../support/databases.ts';
import { startTestGateway, type TestGateway } from '../../../support/gateway.ts';

/**
 * Field-level access rights (`groups=` on fields, Odoo 18) on every wire — XML-RPC and JSON-RPC
 * `execute_kw`, the web client's `call_kw`, JSON-2 — for users in and out of the groups, on real
 * fields of the two databases: `res.partner.signup_type` (auth_signup, base.group_erp_manager),
 * `res.users.totp_secret` (auth_totp, NO_ACCESS), `discuss.channel.sfu_server_url` and
 * `ir.actions.server.code` (base.group_system), the mail.thread / mail.activity.mixin fields
 * (base.group_user, hidden from portal users), `standard_price` (product, base.group_user) and the
 * accounting fields of partners (account). The messages are Odoo's
 * (`check_field_access_rights`, models.py 18), with the debug part for members of
 * base.group_no_one (every hp_legacy member, odoo_ref's demo) and without it for the others.
 */

interface User {
  db: 'hp_legacy' | 'odoo_ref';
  uid: number;
  login: string;
  password: string;
  apiKey: string;
}

const USERS: Record<string, User> = {
  'hp_legacy member001': { db: 'hp_legacy', uid: 6, login: 'member001@hp.example', password: 'member001@hp.example', apiKey: 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840' },
  'hp_legacy admin': { db: 'hp_legacy', uid: 2, login: 'admin', password: 'admin', apiKey: '6dbf783997b4adad487fb78491d4eb53b6d23168' },
  // odoo_ref has no API keys: beforeAll gives each user one, as res.users.apikeys._generate would.
  'odoo_ref portal': { db: 'odoo_ref', uid: 7, login: 'portal', password: 'portal', apiKey: '' },
  'odoo_ref demo': { db: 'odoo_ref', uid: 6, login: 'demo', password: 'demo', apiKey: '' },
  'odoo_ref admin': { db: 'odoo_ref', uid: 2, login: 'admin', password: 'admin', apiKey: '' },
};

type Outcome = { ok: true; value: unknown } | { ok: false; name: string; message: string };

interface Case {
  title: string;
  user: keyof typeof USERS;
  model: string;
  method: string;
  /** Record ids (record methods): `args[0]` of execute_kw/call_kw, `ids` of JSON-2. */
  ids?: number[];
  /** Every other argument by name: kwargs of execute_kw/call_kw, the JSON-2 body. */
  kwargs: Record<string, unknown>;
  expect: { error: string } | { value: (value: unknown) => void };
}

const DENIED = (fields: string, kind: string, model: string, operation: string) =>
  `You do not have enough rights to access the fields "${fields}" on ${kind} (${model}). Please contact your system administrator.\n\nOperation: ${operation}`;
/** The same with the part members of base.group_no_one see. */
const DENIED_DEBUG = (fields: string, kind: string, model: string, operation: string, uid: number, lines: string[]) =>
  `${DENIED(fields, kind, model, operation)}\nUser: ${uid}\nFields:\n${lines.join('\n')}`;
const ACCESS_RIGHTS = "allowed for groups 'Administration / Access Rights'";
const SETTINGS = "allowed for groups 'Administration / Settings'";

const rows = (value: unknown) => value as Array<Record<string, unknown>>;

const CASES: Case[] = [
  // --- hp_legacy: member001 is an internal user (and in base.group_no_one), not an access-rights manager.
  {
    title: 'read names a restricted field', user: 'hp_legacy member001', model: 'res.partner', method: 'read', ids: [7], kwargs: { fields: ['name', 'signup_type'] },
    expect: { error: DENIED_DEBUG('signup_type', 'Contact', 'res.partner', 'read', 6, [`- signup_type (${ACCESS_RIGHTS})`]) },
  },
  {
    title: 'an _inherits field has its parent field\'s groups', user: 'hp_legacy member001', model: 'res.users', method: 'read', ids: [6], kwargs: { fields: ['login', 'signup_type'] },
    expect: { error: DENIED_DEBUG('signup_type', 'User', 'res.users', 'read', 6, [`- signup_type (${ACCESS_RIGHTS})`]) },
  },
  {
    title: 'reading all fields leaves it out', user: 'hp_legacy member001', model: 'res.partner', method: 'search_read', kwargs: { domain: [['id', '=', 7]] },
    expect: { value: (v) => { expect(rows(v)[0]).toHaveProperty('name'); expect(rows(v)[0]).not.toHaveProperty('signup_type'); } },
  },
  {
    title: 'fields_get leaves it out', user: 'hp_legacy member001', model: 'res.partner', method: 'fields_get', kwargs: { attributes: ['type'] },
    expect: { value: (v) => { expect(v).toHaveProperty('name'); expect(v).not.toHaveProperty('signup_type'); } },
  },
  {
    title: 'a domain on it', user: 'hp_legacy member001', model: 'res.partner', method: 'search', kwargs: { domain: [['signup_type', '=', 'signup']] },
    expect: { error: DENIED_DEBUG('signup_type', 'Contact', 'res.partner', 'read', 6, [`- signup_type (${ACCESS_RIGHTS})`]) },
  },
  {
    title: 'a domain through a many2one path', user: 'hp_legacy member001', model: 'res.users', method: 'search_count', kwargs: { domain: [['partner_id.signup_type', '!=', false]] },
    expect: { error: DENIED_DEBUG('signup_type', 'Contact', 'res.partner', 'read', 6, [`- signup_type (${ACCESS_RIGHTS})`]) },
  },
  {
    title: 'ordering by it', user: 'hp_legacy member001', model: 'res.partner', method: 'search_read', kwargs: { domain: [], fields: ['name'], order: 'signup_type desc', limit: 1 },
    expect: { error: DENIED_DEBUG('signup_type', 'Contact', 'res.partner', 'read', 6, [`- signup_type (${ACCESS_RIGHTS})`]) },
  },
  {
    title: 'grouping by it', user: 'hp_legacy member001', model: 'res.partner', method: 'read_group', kwargs: { domain: [], fields: ['id:count'], groupby: ['signup_type'] },
    expect: { error: DENIED_DEBUG('signup_type', 'Contact', 'res.partner', 'read', 6, [`- signup_type (${ACCESS_RIGHTS})`]) },
  },
  {
    title: 'a nested web_read specification', user: 'hp_legacy member001', model: 'res.users', method: 'web_read', ids: [6], kwargs: { specification: { login: {}, partner_id: { fields: { display_name: {}, signup_type: {} } } } },
    expect: { error: DENIED_DEBUG('signup_type', 'Contact', 'res.partner', 'read', 6, [`- signup_type (${ACCESS_RIGHTS})`]) },
  },
  {
    title: 'check_field_access_rights answers the same', user: 'hp_legacy member001', model: 'res.partner', method: 'check_field_access_rights', kwargs: { operation: 'read', field_names: ['name', 'signup_type'] },
    expect: { error: DENIED_DEBUG('signup_type', 'Contact', 'res.partner', 'read', 6, [`- signup_type (${ACCESS_RIGHTS})`]) },
  },
  {
    title: 'writing a field of Settings on a channel the member may write', user: 'hp_legacy member001', model: 'discuss.channel', method: 'write', ids: [1], kwargs: { vals: { sfu_server_url: 'https://sfu.example' } },
    expect: { error: DENIED_DEBUG('sfu_server_url', 'Discussion Channel', 'discuss.channel', 'write', 6, [`- sfu_server_url (${SETTINGS})`]) },
  },
  {
    title: 'copy reads every copied field: the first of Settings fails it', user: 'hp_legacy member001', model: 'discuss.channel', method: 'copy', ids: [1], kwargs: {},
    expect: { error: DENIED_DEBUG('sfu_channel_uuid', 'Discussion Channel', 'discuss.channel', 'read', 6, [`- sfu_channel_uuid (${SETTINGS})`]) },
  },
  {
    title: 'the field check comes before the model ACL in search_read', user: 'hp_legacy member001', model: 'ir.actions.server', method: 'search_read', kwargs: { domain: [], fields: ['name', 'code'] },
    expect: { error: DENIED_DEBUG('code', 'Server Action', 'ir.actions.server', 'read', 6, [`- code (${SETTINGS})`]) },
  },
  // --- hp_legacy admin: in every group but NO_ACCESS.
  {
    title: 'admin reads it', user: 'hp_legacy admin', model: 'res.partner', method: 'read', ids: [7], kwargs: { fields: ['name', 'signup_type'] },
    expect: { value: (v) => expect(rows(v)).toEqual([{ id: 7, name: 'Wei Wu', signup_type: false }]) },
  },
  {
    title: 'admin sees it in fields_get', user: 'hp_legacy admin', model: 'res.partner', method: 'fields_get', kwargs: { allfields: ['signup_type'], attributes: ['type'] },
    expect: { value: (v) => expect(v).toEqual({ signup_type: { type: 'char' } }) },
  },
  {
    title: 'admin searches and orders by it', user: 'hp_legacy admin', model: 'res.partner', method: 'search', kwargs: { domain: [['signup_type', '=', 'signup']], order: 'signup_type' },
    expect: { value: (v) => expect(v).toEqual([]) },
  },
  {
    title: 'admin reads server action code', user: 'hp_legacy admin', model: 'ir.actions.server', method: 'search_read', kwargs: { domain: [['id', '=', 12]], fields: ['code'] },
    expect: { value: (v) => expect(typeof rows(v)[0]!.code).toBe('string') },
  },
  {
    title: 'NO_ACCESS refuses even the administrator', user: 'hp_legacy admin', model: 'res.users', method: 'write', ids: [2], kwargs: { vals: { totp_secret: 'JBSWY3DPEHPK3PXP' } },
    expect: { error: DENIED_DEBUG('totp_secret', 'User', 'res.users', 'write', 2, ['- totp_secret (always forbidden)']) },
  },
  // --- odoo_ref portal: not an internal user, not in base.group_no_one (short message).
  {
    title: 'portal: the followers of their own partner', user: 'odoo_ref portal', model: 'res.partner', method: 'read', ids: [8], kwargs: { fields: ['name', 'message_follower_ids'] },
    expect: { error: DENIED('message_follower_ids', 'Contact', 'res.partner', 'read') },
  },
  {
    title: 'portal: several restricted fields, named in the order given', user: 'odoo_ref portal', model: 'sale.order', method: 'search_read', kwargs: { domain: [], fields: ['activity_state', 'name', 'message_partner_ids'] },
    expect: { error: DENIED('activity_state,message_partner_ids', 'Sales Order', 'sale.order', 'read') },
  },
  {
    // Reading every field of a partner needs res.partner.bank, which portal users may not read (in Odoo too):
    // the list of fields they may read is what check_field_access_rights answers without names.
    title: 'portal: the fields they may read leave the mail, activity and accounting ones out', user: 'odoo_ref portal', model: 'res.partner', method: 'check_field_access_rights', kwargs: { operation: 'read', field_names: false },
    expect: {
      value: (v) => {
        expect(v).toContain('name');
        expect(v).toContain('email');
        for (const hidden of ['message_follower_ids', 'activity_ids', 'activity_state', 'credit', 'total_invoiced', 'sale_order_count', 'signup_type', 'is_blacklisted']) expect(v).not.toContain(hidden);
      },
    },
  },
  {
    title: 'portal: an inherited accounting field of their own user', user: 'odoo_ref portal', model: 'res.users', method: 'read', ids: [7], kwargs: { fields: ['name', 'credit'] },
    expect: { error: DENIED('credit', 'User', 'res.users', 'read') },
  },
  {
    title: 'portal: web_search_read of their orders naming an activity field', user: 'odoo_ref portal', model: 'sale.order', method: 'web_search_read', kwargs: { domain: [], specification: { name: {}, activity_ids: {} } },
    expect: { error: DENIED('activity_ids', 'Sales Order', 'sale.order', 'read') },
  },
  {
    title: 'portal: fields_get of sale.order', user: 'odoo_ref portal', model: 'sale.order', method: 'fields_get', kwargs: { attributes: ['type'] },
    expect: { value: (v) => { expect(v).toHaveProperty('name'); expect(v).not.toHaveProperty('message_follower_ids'); expect(v).not.toHaveProperty('activity_ids'); } },
  },
  {
    title: 'portal: the product cost', user: 'odoo_ref portal', model: 'product.template', method: 'search_read', kwargs: { domain: [], fields: ['name', 'standard_price'], limit: 1 },
    expect: { error: DENIED('standard_price', 'Product', 'product.template', 'read') },
  },
  // --- odoo_ref demo: internal salesman and invoicing user, not an access-rights manager.
  {
    title: 'demo: signup_type, with the debug part', user: 'odoo_ref demo', model: 'res.partner', method: 'read', ids: [8], kwargs: { fields: ['signup_type'] },
    expect: { error: DENIED_DEBUG('signup_type', 'Contact', 'res.partner', 'read', 6, [`- signup_type (${ACCESS_RIGHTS})`]) },
  },
  {
    title: 'demo: reading all fields of a partner leaves signup_type out, not the followers', user: 'odoo_ref demo', model: 'res.partner', method: 'search_read', kwargs: { domain: [['id', '=', 8]] },
    expect: { value: (v) => { expect(rows(v)[0]).toHaveProperty('message_follower_ids'); expect(rows(v)[0]).not.toHaveProperty('signup_type'); } },
  },
  {
    title: 'demo: followers are for internal users', user: 'odoo_ref demo', model: 'res.partner', method: 'read', ids: [8], kwargs: { fields: ['name', 'message_follower_ids'] },
    expect: { value: (v) => expect(rows(v)[0]).toHaveProperty('message_follower_ids') },
  },
  // --- odoo_ref admin.
  {
    title: 'admin: reads what portal and demo may not', user: 'odoo_ref admin', model: 'res.partner', method: 'read', ids: [8], kwargs: { fields: ['signup_type', 'message_follower_ids'] },
    expect: { value: (v) => expect(Object.keys(rows(v)[0]!).sort()).toEqual(['id', 'message_follower_ids', 'signup_type']) },
  },
];

let gateway: TestGateway;
const databases: TestDatabase[] = [];
const sessions = new Map<string, string>();

beforeAll(async () => {
  const [legacy, ref] = await Promise.all([legacyDatabase(), odooRefDatabase()]);
  databases.push(legacy, ref);
  const filestores = testFilestores();
  gateway = await startTestGateway({
    serve: [{ name: 'hp_legacy', database: legacy }, { name: 'odoo_ref', database: ref }],
    handlerFor: (served) => createFullOrmEngine({ database: served, filestore: served.name === 'hp_legacy' ? filestores.legacy : filestores.odooRef }).call,
  });
  for (const user of Object.values(USERS).filter((u) => u.db === 'odoo_ref')) {
    const key = await generateApiKey();
    await ref.pool.query(`INSERT INTO res_users_apikeys (name, user_id, scope, index, key, create_date) VALUES ('field groups test', $1, NULL, $2, $3, now())`, [user.uid, key.index, key.hash]);
    user.apiKey = key.key;
  }
  for (const [name, user] of Object.entries(USERS)) {
    const login = await fetch(`${gateway.url}/web/session/authenticate`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { db: user.db, login: user.login, password: user.password } }),
    });
    const body = (await login.json()) as { result?: { uid: number } };
    if (body.result?.uid !== user.uid) throw new Error(`${name} could not log in: ${JSON.stringify(body)}`);
    sessions.set(name, login.headers.get('set-cookie')!.split(';')[0]!);
  }
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await Promise.all(databases.map((d) => d.drop()));
});

type Protocol = (user: User, name: string, c: Case) => Promise<Outcome>;

const positional = (c: Case) => (c.ids ? [c.ids] : []);

function jsonRpcOutcome(raw: unknown): Outcome {
  const body = raw as { result?: unknown; error?: { data: { name: string; message: string } } };
  return body.error ? { ok: false, name: body.error.data.name, message: body.error.data.message } : { ok: true, value: body.result };
}

const PROTOCOLS: Record<string, Protocol> = {
  'XML-RPC execute_kw': (user, _name, c) =>
    new Promise((resolve, reject) => {
      const client = xmlrpc.createClient({ host: '127.0.0.1', port: gateway.port, path: '/xmlrpc/2/object' });
      client.methodCall('execute_kw', [user.db, user.uid, user.password, c.model, c.method, positional(c), c.kwargs], (error: { faultCode?: number; faultString?: string } | null, value: unknown) => {
        if (!error) return resolve({ ok: true, value });
        if (error.faultCode === undefined) return reject(error);
        // Odoo's fault codes: 4 AccessError, 2 other UserErrors, 1 anything else.
        resolve({ ok: false, name: error.faultCode === 4 ? 'odoo.exceptions.AccessError' : `fault ${error.faultCode}`, message: error.faultString ?? '' });
      });
    }),
  'JSON-RPC execute_kw': async (user, _name, c) => {
    const response = await fetch(`${gateway.url}/jsonrpc`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { service: 'object', method: 'execute_kw', args: [user.db, user.uid, user.password, c.model, c.method, positional(c), c.kwargs] } }),
    });
    return jsonRpcOutcome(await response.json());
  },
  'web client call_kw': async (_user, name, c) => {
    const response = await fetch(`${gateway.url}/web/dataset/call_kw/${c.model}/${c.method}`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: sessions.get(name)! },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { model: c.model, method: c.method, args: positional(c), kwargs: c.kwargs } }),
    });
    return jsonRpcOutcome(await response.json());
  },
  'JSON-2': async (user, _name, c) => {
    const response = await fetch(`${gateway.url}/json/2/${c.model}/${c.method}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `bearer ${user.apiKey}`, 'x-odoo-database': user.db },
      body: JSON.stringify({ ...(c.ids ? { ids: c.ids } : {}), ...c.kwargs }),
    });
    const body = (await response.json()) as { name?: string; message?: string };
    if (response.ok) return { ok: true, value: body };
    // JSON-2 answers an AccessError with 403 and Odoo's error object.
    expect(response.status).toBe(body.name === 'odoo.exceptions.AccessError' ? 403 : response.status);
    return { ok: false, name: body.name ?? `HTTP ${response.status}`, message: body.message ?? '' };
  },
};

describe.each(Object.entries(PROTOCOLS))('field groups over %s', (_protocol, protocol) => {
  it.each(CASES.map((c) => [`${c.user}: ${c.title}`, c] as const))('%s', async (_title, c) => {
    const outcome = await protocol(USERS[c.user]!, c.user, c);
    if ('error' in c.expect) {
      expect(outcome).toEqual({ ok: false, name: 'odoo.exceptions.AccessError', message: c.expect.error });
    } else {
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      c.expect.value((outcome as { value: unknown }).value);
    }
  });
});
