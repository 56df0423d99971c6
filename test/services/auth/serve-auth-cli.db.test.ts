import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../../bench/support/free-port.ts';
import { remoteKeyLookup } from '../../../services/kit/auth/key-sources.ts';
import { verifyToken } from '../../../services/kit/auth/tokens.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { runFicus, waitForHttp, type FicusProcess } from '../../support/ficus-process.ts';

let legacy: TestDatabase;
let authDb: TestDatabase;
let ficus: FicusProcess;
let port: number;
let dataDir: string;

beforeAll(async () => {
  legacy = await legacyDatabase();
  authDb = await emptyDatabase('svc_auth');
  dataDir = mkdtempSync(path.join(tmpdir(), 'ficus-serve-auth-'));
  port = await freePort();
  ficus = runFicus(['serve', 'auth'], {
    FICUS_SERVICE_DB_AUTH: authDb.url,
    LEGACY_DATABASE_URL: legacy.url,
    FICUS_DATA_DIR: dataDir,
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
  await authDb?.drop();
  await legacy?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('`ficus serve auth` alone signs in against the monolith, publishes its keys, and its tokens verify against them', async () => {
  const base = `http://127.0.0.1:${port}`;
  const signed = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'member001@hp.example', password: 'member001@hp.example' }),
  });
  expect(signed.status, ficus.output()).toBe(200);
  const tokens = (await signed.json()) as { access_token: string; refresh_token: string };
  // What every other service does with FICUS_JWKS_URL pointing here.
  const principal = await verifyToken(tokens.access_token, remoteKeyLookup(`${base}/.well-known/jwks.json`));
  expect(principal.userId).toBe(6);
  expect(principal.session).toBeDefined();
  const verified = await fetch(`${base}/auth/verify`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(verified.status).toBe(200);
  const out = await fetch(`${base}/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: tokens.refresh_token }) });
  expect(out.status).toBe(204);
  const deadline = Date.now() + 3000;
  let status = 200;
  while (status === 200 && Date.now() < deadline) {
    status = (await fetch(`${base}/auth/verify`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status;
    if (status === 200) await new Promise((r) => setTimeout(r, 100));
  }
  expect(status).toBe(401);
});
