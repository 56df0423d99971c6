import * as odooJsonRpcModule from '@fernandoslim/odoo-jsonrpc';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';
import { MEMBER, runClientFlow, type FlowClient } from './client-flow.ts';

const MEMBER_API_KEY = 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840';

/**
 * npm @fernandoslim/odoo-jsonrpc, in both of its modes: a web session (it parses Set-Cookie by
 * hand and calls /web/dataset/call_kw) and an API key over /jsonrpc.
 */
// The package is CommonJS with `exports.default`: seen from ESM, the class is `.default`.
interface OdooJsonRpcClient {
  uId: number | undefined;
  connect(): Promise<unknown>;
  disconnect(): Promise<unknown>;
  call_kw(model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  searchRead(model: string, domain: unknown[], fields: string[]): Promise<Record<string, unknown>[]>;
  read(model: string, ids: number[], fields: string[]): Promise<Record<string, unknown>[]>;
  create(model: string, values: Record<string, unknown>): Promise<number>;
  update(model: string, id: number, values: Record<string, unknown>): Promise<unknown>;
  delete(model: string, id: number): Promise<unknown>;
  getFields(model: string): Promise<unknown>;
}
type OdooJsonRpcConstructor = new (config: Record<string, unknown>) => OdooJsonRpcClient;
// Node's ESM loader shows the CommonJS exports object as `default`; vitest's loader unwraps it once more.
const loaded = (odooJsonRpcModule as unknown as { default: OdooJsonRpcConstructor | { default: OdooJsonRpcConstructor } }).default;
const OdooJSONRpc: OdooJsonRpcConstructor = typeof loaded === 'function' ? loaded : loaded.default;

describe('@fernandoslim/odoo-jsonrpc against Ficus', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
  beforeAll(async () => {
    legacy = await startLegacyGateway();
  });
  afterAll(async () => legacy?.stop());

  const flowFor = (odoo: OdooJsonRpcClient, login: () => Promise<number>): FlowClient => ({
    login,
    version: async () => {
      const response = await fetch(`http://127.0.0.1:${legacy.gateway.port}/web/webclient/version_info`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {}, id: 1 }),
      });
      return ((await response.json()) as { result: { server_version: string } }).result;
    },
    searchRead: (model, domain, fields) => odoo.searchRead(model, domain, fields),
    read: (model, ids, fields) => odoo.read(model, ids, fields),
    create: (model, values) => odoo.create(model, values),
    write: (model, id, values) => odoo.update(model, id, values),
    unlink: (model, id) => odoo.delete(model, id),
    fieldsGet: (model) => odoo.getFields(model) as never,
    nameSearch: (model, name) => odoo.call_kw(model, 'name_search', [name]) as never,
    failingCall: async (model, method, args) => {
      try {
        await odoo.call_kw(model, method, args);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('the call succeeded');
    },
  });

  it('runs the whole client flow with a web session', async () => {
    const odoo = new OdooJSONRpc({ baseUrl: 'http://127.0.0.1', port: legacy.gateway.port, db: LEGACY_DB_NAME, username: MEMBER.login, password: MEMBER.password });
    await runClientFlow(flowFor(odoo, async () => ((await odoo.connect()) as { uid: number }).uid), 'jsonrpc-session');
    await odoo.disconnect();
  });

  it('runs the whole client flow with an API key', async () => {
    const odoo = new OdooJSONRpc({ baseUrl: 'http://127.0.0.1', port: legacy.gateway.port, db: LEGACY_DB_NAME, username: MEMBER.login, apiKey: MEMBER_API_KEY });
    await runClientFlow(flowFor(odoo, async () => {
      await odoo.connect();
      return odoo.uId as number;
    }), 'jsonrpc-apikey');
  });
});
