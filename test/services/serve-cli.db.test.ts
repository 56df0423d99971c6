import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueToken } from '../../services/kit/auth/tokens.ts';
import { newSigningKeySet, publicJwks } from '../../services/kit/auth/keys.ts';
import type { TestDatabase } from '../support/databases.ts';
import { tradeServiceCopy, type TradeServiceCopy } from './trade/support/trade-service-copy.ts';
import { runFicus, waitForHttp, type FicusProcess } from '../support/ficus-process.ts';
import { freePort } from '../../bench/support/free-port.ts';

let copy: TradeServiceCopy;
let database: TestDatabase;
let jwks: Server;
let ficus: FicusProcess;
const keys = newSigningKeySet();
let port: number;

beforeAll(async () => {
  // svc_trade as a backfill leaves it: REST answers only once the service holds its copy (else 503).
  copy = await tradeServiceCopy();
  database = copy.service;
  // The auth service's JWKS endpoint, as `ficus serve` finds it through FICUS_JWKS_URL.
  jwks = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(publicJwks(keys))));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  port = await freePort();
  ficus = runFicus(['serve', 'trade'], {
    FICUS_SERVICE_DB_TRADE: database.url,
    // The monolith's database, for trade's side effects across the cut (the order saga's user check, points).
    LEGACY_DATABASE_URL: copy.legacy.url,
    FICUS_JWKS_URL: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`,
    FICUS_SERVICE_PORT: String(port),
    FICUS_BUS: 'embedded',
    LOG_LEVEL: 'info',
  });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${ficus.output()}`);
  });
}, 90_000);

afterAll(async () => {
  ficus?.child.kill('SIGTERM');
  await ficus?.exited;
  await new Promise((r) => jwks?.close(r));
  await copy?.stop();
});

it('`ficus serve trade` runs trade alone: its migrations, REST with tokens verified via JWKS, OpenAPI, readiness', async () => {
  const base = `http://127.0.0.1:${port}`;
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  // Each page is cached for 5 s: the second count asks for another page size.
  const chronicCare = async (limit: number) => ((await (await fetch(`${base}/trade/health-services?category=chronic_care&limit=${limit}`)).json()) as { total: number }).total;
  const before = await chronicCare(10);
  const created = await fetch(`${base}/trade/health-services`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${issueToken(keys, { userId: 250 })}`, 'idempotency-key': 'serve-1' },
    body: JSON.stringify({ name: 'Diabetes coaching', category: 'chronic_care', price: '399.00' }),
  });
  expect(created.status).toBe(201);
  expect(await chronicCare(20)).toBe(before + 1);
  // An order runs the order-creation saga, its user check against LEGACY_DATABASE_URL's res_users.
  const ordered = await fetch(`${base}/trade/service-orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${issueToken(keys, { userId: 6 })}`, 'idempotency-key': 'serve-order-1' },
    body: JSON.stringify({ serviceId: 8, note: 'ordered through ficus serve' }),
  });
  expect(ordered.status).toBe(201);
  const saga = await database.pool.query(`SELECT status FROM saga_instances WHERE input->>'note' = 'ordered through ficus serve'`);
  expect(saga.rows).toEqual([{ status: 'completed' }]);
  expect(((await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string }).openapi).toBe('3.1.0');
  const { rows } = await database.pool.query(`SELECT id FROM ficus_migrations ORDER BY position`);
  expect(rows.map((r) => r.id)).toEqual([
    'kit_0001_outbox',
    'kit_0002_inbox',
    'kit_0003_idempotency_keys',
    'kit_0004_sagas',
    'trade_0001_marketplace_and_grab_tables',
    'trade_0002_order_names_and_no_foreign_keys',
    'trade_0003_order_creation_saga',
  ]);
  const exit = ficus.exited;
  ficus.child.kill('SIGINT');
  // A clean shutdown on Ctrl-C: the server, consumers and pools close, then exit 0 (not 130).
  expect(await exit, ficus.output()).toBe(0);
  expect(ficus.output()).toMatch(/"msg":"shutting down"/);
  expect(ficus.output()).toMatch(/"msg":"stopped"/);
});
