import Odoo from 'odoo-await';
import xmlrpc from 'xmlrpc';
import { afterAll, beforeAll, describe, it } from 'vitest';
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
});
