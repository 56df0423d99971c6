import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallHandler } from '../../../odoo-bridge/call.ts';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { testFilestores } from '../../support/databases.ts';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';
import { MEMBER } from '../clients/client-flow.ts';

const MEMBER_KEY = 'c0a6f4d02cc8fbc694b3968250ae4b42020f0840';

/**
 * The gateway's admission limit seen from clients: with one call running and one waiting (the
 * limits set to 1 and 1), a third is refused at once, in each protocol's own shape, and the two
 * admitted calls still get their answers.
 */
describe('admission limit: a full queue answers in each protocol', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
  let release: () => void = () => undefined;
  let holding: Promise<void> = Promise.resolve();
  let entered = 0;

  beforeAll(async () => {
    legacy = await startLegacyGateway({
      admission: { maxConcurrent: 1, maxQueued: 1 },
      loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 },
      handlerFor: (served) => {
        const engine = createFullOrmEngine({ database: served, filestore: testFilestores().legacy }).call;
        // `search_count` of partners waits for the test: it keeps the one slot busy.
        const handler: CallHandler = async (call) => {
          if (call.model === 'res.partner' && call.method === 'search_count') {
            entered++;
            await holding;
          }
          return engine(call);
        };
        return handler;
      },
    });
  });
  afterAll(async () => legacy?.stop());

  const url = () => legacy.gateway.url;
  const executeKw = (model: string, method: string, args: unknown[]) =>
    fetch(`${url()}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'object', method: 'execute_kw', args: [LEGACY_DB_NAME, MEMBER.uid, MEMBER.password, model, method, args] } }),
    }).then((r) => r.json() as Promise<{ result?: unknown; error?: { code: number; message: string; data: { name: string; message: string } } }>);
  const metric = async (name: string) => {
    const text = await (await fetch(`${url()}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`database="${LEGACY_DB_NAME}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('the third call gets 503 on JSON-2, an Odoo error object on JSON-RPC and a fault on XML-RPC; the admitted two are answered', async () => {
    holding = new Promise<void>((r) => (release = r));
    const running = executeKw('res.partner', 'search_count', [[]]);
    while (entered < 1) await new Promise((r) => setTimeout(r, 10));
    const queued = executeKw('res.partner', 'search_count', [[['id', '>', 0]]]);
    while ((await metric('ficus_gateway_calls_queued')) < 1) await new Promise((r) => setTimeout(r, 10));

    const json2 = await fetch(`${url()}/json/2/res.partner/search_count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `bearer ${MEMBER_KEY}`, 'x-odoo-database': LEGACY_DB_NAME },
      body: JSON.stringify({ domain: [] }),
    });
    expect(json2.status).toBe(503);
    expect(json2.headers.get('retry-after')).toBe('1');
    expect(await json2.json()).toMatchObject({ name: 'werkzeug.exceptions.ServiceUnavailable', message: expect.stringMatching(/^503 Service Unavailable: .*1 calls to database hp_legacy are already waiting/) });

    const jsonrpc = await executeKw('res.users', 'read', [[MEMBER.uid], ['name']]);
    expect(jsonrpc.error).toMatchObject({ code: 200, message: 'Odoo Server Error', data: { name: 'werkzeug.exceptions.ServiceUnavailable' } });
    expect(jsonrpc.error!.data.message).toMatch(/^503 Service Unavailable/);

    const xml = await fetch(`${url()}/xmlrpc/2/object`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>
        <param><value><string>${LEGACY_DB_NAME}</string></value></param><param><value><int>${MEMBER.uid}</int></value></param>
        <param><value><string>${MEMBER.password}</string></value></param><param><value><string>res.partner</string></value></param>
        <param><value><string>search_count</string></value></param><param><value><array><data><value><array><data/></array></value></data></array></value></param>
      </params></methodCall>`,
    });
    expect(xml.status).toBe(200);
    const fault = await xml.text();
    expect(fault).toMatch(/<name>faultCode<\/name>\s*<value><int>1<\/int>/);
    expect(fault).toContain('werkzeug.exceptions.ServiceUnavailable: 503 Service Unavailable');
    for (const body of [fault, JSON.stringify(jsonrpc)]) expect(body).not.toMatch(/at |\.ts:|SELECT /);

    expect(await metric('ficus_gateway_calls_refused_total')).toBe(3);
    release();
    const [first, second] = await Promise.all([running, queued]);
    expect(typeof first.result).toBe('number');
    expect(typeof second.result).toBe('number');
    expect(await metric('ficus_gateway_calls_running')).toBe(0);
    // Once drained, calls are admitted again.
    expect((await executeKw('res.users', 'read', [[MEMBER.uid], ['name']])).result).toEqual([{ id: MEMBER.uid, name: MEMBER.name }]);
  });
});
