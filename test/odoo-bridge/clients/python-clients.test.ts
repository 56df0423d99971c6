import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';
import { MEMBER } from './client-flow.ts';

/** The member's API key in the legacy dump (test/odoo-bridge/gateway/json2.test.ts). */
const MEMBER_API_KEY = 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840';

const run = promisify(execFile);
const script = (name: string) => path.join(import.meta.dirname, 'python', name);

async function pythonFlow(name: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run('python3', [script(name), ...args], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

/** Python clients, unchanged: the standard library's xmlrpc.client, OCA's odoorpc, odoo-client-lib, odooly and ERPpeek. */
describe('Python clients against Ficus', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
  beforeAll(async () => {
    legacy = await startLegacyGateway();
  });
  afterAll(async () => legacy?.stop());

  it('xmlrpc.client follows the external API documentation', async () => {
    const seen = await pythonFlow('xmlrpc_flow.py', [legacy.gateway.url, LEGACY_DB_NAME, MEMBER.login, MEMBER.password]);
    expect(seen).toMatchObject({
      server_version: '18.0',
      uid: MEMBER.uid,
      written: true,
      vendor: 'Ficus Labs',
      unlinked: true,
      left: 0,
      device_type: 'selection',
      fault: { code: 4 },
    });
    for (const id of seen.own_user_ids as number[]) expect(id).toBe(MEMBER.uid);
    expect((seen.fault as { string: string }).string).toMatch(/You are not allowed to access/);
    expect((seen.names as [number, string][]).some(([, name]) => name.includes('Wei Wu'))).toBe(true);
  });

  it('odoorpc logs in, reads, creates, writes, unlinks and sees the access error', async () => {
    const seen = await pythonFlow('odoorpc_flow.py', ['127.0.0.1', String(legacy.gateway.port), LEGACY_DB_NAME, MEMBER.login, MEMBER.password]);
    expect(seen).toMatchObject({ server_version: '18.0', uid: MEMBER.uid, vendor: 'Ficus Labs', unlinked: true, left: 0, device_type: 'selection' });
    const { rows } = await legacy.database.pool.query<{ name: string }>(`SELECT name FROM res_company WHERE id = 1`);
    expect(seen.company).toBe(rows[0]!.name); // env.ref('base.main_company')
    for (const id of seen.own_user_ids as number[]) expect(id).toBe(MEMBER.uid);
    expect(String(seen.error)).toMatch(/You are not allowed to access/);
  });

  it('odoo-client-lib runs over XML-RPC, and over JSON-2 names positional arguments from /doc-bearer', async () => {
    const seen = await pythonFlow('odoolib_flow.py', ['127.0.0.1', String(legacy.gateway.port), LEGACY_DB_NAME, MEMBER.login, MEMBER.password, MEMBER_API_KEY]);
    expect(seen).toMatchObject({ uid: MEMBER.uid, own_login: MEMBER.login, json2_context_lang: 'en_US', json2_search_limited: 1 });
    expect(seen.search_params).toEqual(['domain', 'offset', 'limit', 'order']);
    expect(seen.json2_binding_users).toEqual([MEMBER.uid]);
    expect(seen.binding_users).toEqual([MEMBER.uid]);
    expect(seen.json2_count).toBeGreaterThan(0);
  });

  it('odooly works over JSON-RPC and over the web session, learning its models from ir.model.get_available_models', async () => {
    const seen = await pythonFlow('odooly_flow.py', [legacy.gateway.url, LEGACY_DB_NAME, MEMBER.login, MEMBER.password]);
    for (const transport of ['jsonrpc', 'web'] as const) {
      const flow = seen[transport] as Record<string, unknown>;
      expect(flow).toMatchObject({ server_version: '18.0', uid: MEMBER.uid, vendor: 'Ficus Labs', found: 1, left: 0, device_type: 'selection', login: MEMBER.login });
      expect(flow.own_user_ids).toEqual([MEMBER.uid]);
      // A member reads these three hp.health* models; odooly refuses a model get_available_models left out, before any call.
      expect(flow.models).toEqual(['hp.health.goal', 'hp.health.record', 'hp.health.service']);
      expect(flow.error).toBe('Model not found: hp.risk.rule');
      expect((flow.names as [number, string][]).some(([, name]) => name.includes('Wei Wu'))).toBe(true);
    }
  });

  it('ERPpeek (object.execute with positional arguments) reads, creates, writes, unlinks and gets the fault of a missing required field', async () => {
    const seen = await pythonFlow('erppeek_flow.py', [legacy.gateway.url, LEGACY_DB_NAME, 'admin', 'admin']);
    expect(seen).toMatchObject({ server_version: '18.0', uid: 2, vendor: 'Ficus Labs', found: 1, left: 0, device_type: 'selection' });
    // The string fault codes of /xmlrpc/ (not /xmlrpc/2): Odoo's class and message in faultCode, faultString empty.
    expect(seen.error).toEqual({ code: expect.stringMatching(/^warning -- UserError\n\nThe operation cannot be completed:[\s\S]*Field: Device Type \(device_type\)/), string: '' });
  });
});
