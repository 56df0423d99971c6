import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { odooRefDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';

const run = promisify(execFile);
const UPSTREAM_TIMEOUT_MS = 2000;

/**
 * Proxy mode: a gateway with LEGACY_ODOO_URL forwards legacy-phase requests to the upstream
 * as they are. Here the upstream is a second Ficus gateway serving the golden database.
 */
describe('upstream proxy (LEGACY_ODOO_URL)', () => {
  let database: TestDatabase;
  let upstream: TestGateway;
  let proxy: TestGateway;

  beforeAll(async () => {
    database = await odooRefDatabase();
    const handlerFor = (served: Parameters<typeof createFullOrmEngine>[0]['database']) => createFullOrmEngine({ database: served, filestore: testFilestores().odooRef }).call;
    upstream = await startTestGateway({ serve: [{ name: 'odoo_ref', database }], handlerFor });
    proxy = await startTestGateway({ serve: [{ name: 'odoo_ref', database }], handlerFor, upstream: { url: upstream.url, timeoutMs: UPSTREAM_TIMEOUT_MS } });
  });
  afterAll(async () => {
    await proxy?.stop();
    await upstream?.stop();
    await database?.drop();
  });

  it('answers every golden read case exactly as the upstream does', async () => {
    const { stdout } = await run(
      'python3',
      [path.join(PROJECT_ROOT, 'test/support/golden/compare_servers.py'), upstream.url, proxy.url, path.join(PROJECT_ROOT, 'fixtures/odoo-golden.jsonl'), '--db', 'odoo_ref', '--only', 'read.,domain.,meta.,acl.,common.,object.,transport.'],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const { compared, different } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { compared: number; different: unknown[] };
    console.log(`proxy vs upstream: ${compared} golden cases compared, ${different.length} different`);
    expect(compared).toBeGreaterThan(250);
    expect(different).toEqual([]);
  });

  it("turns a stopped upstream into each protocol's error within the timeout", async () => {
    await upstream.stop();
    const started = performance.now();
    const json = await fetch(`${proxy.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 5, params: { service: 'object', method: 'execute_kw', args: ['odoo_ref', 2, 'admin', 'res.partner', 'search_count', [[]]] } }),
    });
    const jsonBody = (await json.json()) as { id: number; error: { code: number; data: { name: string; message: string } } };
    expect(jsonBody.id).toBe(5);
    expect(jsonBody.error.code).toBe(200);
    expect(jsonBody.error.data.message).toMatch(/legacy Odoo server cannot be reached/);

    const xml = await fetch(`${proxy.url}/xmlrpc/2/common`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: "<?xml version='1.0'?>\n<methodCall>\n<methodName>version</methodName>\n<params>\n</params>\n</methodCall>\n" });
    expect(await xml.text()).toMatch(/<fault>[\s\S]*<int>1<\/int>[\s\S]*legacy Odoo server cannot be reached/);
    // Both calls gave up on the timeout instead of hanging (slack for a loaded machine).
    expect(performance.now() - started).toBeLessThan(UPSTREAM_TIMEOUT_MS * 2 + 10_000);
  });
});
