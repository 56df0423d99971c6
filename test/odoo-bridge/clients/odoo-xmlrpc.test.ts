import OdooXmlrpc from 'odoo-xmlrpc';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';
import { MEMBER, runClientFlow, type FlowClient } from './client-flow.ts';

/** npm odoo-xmlrpc: callback API, `execute_kw(model, method, [[positional…], {kwargs}])`. */
describe('odoo-xmlrpc against Ficus', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
  beforeAll(async () => {
    legacy = await startLegacyGateway();
  });
  afterAll(async () => legacy?.stop());

  it('runs the whole client flow', async () => {
    const odoo = new OdooXmlrpc({ url: `http://127.0.0.1:${legacy.gateway.port}`, db: LEGACY_DB_NAME, username: MEMBER.login, password: MEMBER.password });
    const call = <T>(model: string, method: string, params: unknown[]) =>
      new Promise<T>((resolve, reject) => odoo.execute_kw(model, method, params, (error: unknown, value: T) => (error ? reject(error) : resolve(value))));
    const client: FlowClient = {
      login: () => new Promise((resolve, reject) => odoo.connect((error: unknown, uid: number) => (error ? reject(error) : resolve(uid)))),
      version: async () => {
        const { default: xmlrpc } = await import('xmlrpc');
        const common = xmlrpc.createClient({ host: '127.0.0.1', port: legacy.gateway.port, path: '/xmlrpc/2/common' });
        return new Promise((resolve, reject) => common.methodCall('version', [], (e: unknown, v: { server_version: string }) => (e ? reject(e) : resolve(v))));
      },
      searchRead: (model, domain, fields) => call(model, 'search_read', [[domain], { fields }]),
      read: (model, ids, fields) => call(model, 'read', [[ids], { fields }]),
      create: (model, values) => call(model, 'create', [[values]]),
      write: (model, id, values) => call(model, 'write', [[[id], values]]),
      unlink: (model, id) => call(model, 'unlink', [[[id]]]),
      fieldsGet: (model) => call(model, 'fields_get', [[], { attributes: ['type', 'string'] }]),
      nameSearch: (model, name) => call(model, 'name_search', [[name]]),
      failingCall: async (model, method, args) => {
        try {
          await call(model, method, [args]);
        } catch (error) {
          return String((error as { faultString?: string }).faultString ?? (error as Error).message);
        }
        throw new Error('the call succeeded');
      },
    };
    await runClientFlow(client, 'odoo-xmlrpc');
  });
});
