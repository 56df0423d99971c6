import Odoo from 'odoo-await';
import xmlrpc from 'xmlrpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';
import { MEMBER, runClientFlow, type FlowClient } from './client-flow.ts';

/** npm odoo-await (XML-RPC through node-xmlrpc), used exactly as its README shows. */
describe('odoo-await against Ficus', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
  beforeAll(async () => {
    legacy = await startLegacyGateway();
  });
  afterAll(async () => legacy?.stop());

  it('runs the whole client flow', async () => {
    const odoo = new Odoo({ baseUrl: 'http://127.0.0.1', port: legacy.gateway.port, db: LEGACY_DB_NAME, username: MEMBER.login, password: MEMBER.password });
    // odoo-await never calls common.version; its own transport (node-xmlrpc) does here.
    const common = xmlrpc.createClient({ host: '127.0.0.1', port: legacy.gateway.port, path: '/xmlrpc/2/common' });
    const client: FlowClient = {
      login: () => odoo.connect(),
      version: () => new Promise((resolve, reject) => common.methodCall('version', [], (error: unknown, value: { server_version: string }) => (error ? reject(error) : resolve(value)))),
      searchRead: (model, domain, fields) => odoo.searchRead(model, domain, fields),
      read: (model, ids, fields) => odoo.read(model, ids, fields),
      create: (model, values) => odoo.create(model, values),
      write: (model, id, values) => odoo.update(model, id, values),
      unlink: (model, id) => odoo.delete(model, id),
      fieldsGet: (model) => odoo.getFields(model, ['type', 'string']),
      nameSearch: (model, name) => odoo.execute_kw(model, 'name_search', [[name]]),
      failingCall: async (model, method, args) => {
        try {
          await odoo.execute_kw(model, method, [args]);
        } catch (error) {
          return String((error as { faultString?: string }).faultString ?? (error as Error).message);
        }
        throw new Error('the call succeeded');
      },
    };
    await runClientFlow(client, 'odoo-await');
  });

  it('keeps external ids in ir.model.data and changes many2many sets with its action objects, as an administrator', async () => {
    const odoo = new Odoo({ baseUrl: 'http://127.0.0.1', port: legacy.gateway.port, db: LEGACY_DB_NAME, username: 'admin', password: 'admin' });
    await odoo.connect();
    const externalId = `ficus_partner_${Date.now()}`;
    for (const name of ['Ficus tag A', 'Ficus tag B']) await odoo.create('res.partner.category', { name });
    const categories = (await odoo.searchRead('res.partner.category', [['name', 'like', 'Ficus tag']], ['name'], { offset: 0, limit: 0, order: 'name desc', context: {} })) as { id: number; name: string }[];
    expect(categories.map((c) => c.name)).toEqual(['Ficus tag B', 'Ficus tag A']);
    categories.reverse(); // a many2many reads in its comodel's order: res.partner.category by complete_name
    const id = await odoo.create('res.partner', { name: 'Ficus External', category_id: { action: 'add', id: [categories[0]!.id, categories[1]!.id] } }, externalId);
    expect(await odoo.searchByExternalId(externalId)).toBe(id);
    expect(await odoo.readByExternalId(externalId, ['name', 'category_id'])).toEqual({ id, name: 'Ficus External', category_id: [categories[0]!.id, categories[1]!.id] });
    expect(await odoo.updateByExternalId(externalId, { category_id: { action: 'remove', id: categories[0]!.id } })).toBe(true);
    expect(((await odoo.read('res.partner', [id], ['category_id'])) as { category_id: number[] }[])[0]!.category_id).toEqual([categories[1]!.id]);
    const [data] = (await odoo.searchRead('ir.model.data', { name: externalId }, ['module', 'model', 'res_id', 'complete_name'])) as Record<string, unknown>[];
    expect(data).toMatchObject({ module: '__api__', model: 'res.partner', res_id: id, complete_name: `__api__.${externalId}` });
    await odoo.deleteByExternalId(externalId);
    expect(await odoo.search('res.partner', [['id', '=', id]])).toEqual([]);
  });
});
