import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullOrmEngine } from '../../../odoo-bridge/orm/write/full-engine.ts';
import { odooRefDatabase, testFilestores, type TestDatabase } from '../../support/databases.ts';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';

let database: TestDatabase;
let gateway: TestGateway;
let workDir: string;
let browser: BrowserContext;

beforeAll(async () => {
  database = await odooRefDatabase();
  gateway = await startTestGateway({
    serve: [{ name: 'odoo_ref', database }],
    handlerFor: (served) => createFullOrmEngine({ database: served, filestore: testFilestores().odooRef }).call,
    loginCooldown: { failuresBeforeCooldown: 0, cooldownMs: 0 },
  });
  workDir = await mkdtemp(path.join(tmpdir(), 'ficus-login-page-'));
  browser = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
  await gateway?.stop();
  await database?.drop();
});

/** The page's own `/web/session/get_session_info` call, with the browser's cookie: the uid, or the JSON-RPC error code. */
async function sessionUid(page: import('playwright-core').Page): Promise<number | { code: number }> {
  return page.evaluate(async () => {
    const response = await fetch('/web/session/get_session_info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {}, id: 1 }) });
    const answer = (await response.json()) as { result?: { uid: number }; error?: { code: number } };
    return answer.result ? answer.result.uid : { code: answer.error!.code };
  });
}

describe('the login page in Chromium', () => {
  it('sends a visitor of /odoo to the form, refuses a wrong password, opens a web session, and logs out', async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/odoo`);
    expect(new URL(page.url()).pathname).toBe('/web/login');
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/odoo?');
    expect(await sessionUid(page)).toEqual({ code: 100 });

    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    await expect(page.locator('[role=alert]').innerText()).resolves.toBe('Wrong login/password');
    await expect(page.locator('input[name=login]').inputValue()).resolves.toBe('admin');

    await page.fill('input[name=password]', 'admin');
    await page.click('button[type=submit]');
    await page.waitForURL((url) => url.pathname === '/odoo');
    await expect(page.locator('main').innerText()).resolves.toContain('Mitchell Admin');
    expect(await sessionUid(page)).toBe(2);
    const cookie = (await browser.cookies(gateway.url)).find((c) => c.name === 'session_id');
    expect(cookie?.httpOnly).toBe(true);

    await page.click('text=Log out');
    await page.waitForURL((url) => url.pathname === '/web/login');
    expect(await sessionUid(page)).toEqual({ code: 100 });
  }, 120_000);

  it('lands a portal user on /my, the portal home, with the session opened', async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/web/login`);
    await page.fill('input[name=login]', 'portal');
    await page.fill('input[name=password]', 'portal');
    await page.click('button[type=submit]');
    await page.waitForURL((url) => url.pathname === '/my');
    await expect(page.locator('main').innerText()).resolves.toContain('Joel Willis');
    expect(await sessionUid(page)).toBe(7);
    await page.goto(`${gateway.url}/web/session/logout`);
    expect(await sessionUid(page)).toEqual({ code: 100 });
  }, 120_000);

  it('refuses a form posted without the page\'s CSRF token', async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/web/login`);
    await page.locator('input[name=csrf_token]').evaluate((input: { value: string }) => {
      input.value = 'forged';
    });
    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', 'admin');
    const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(response?.status()).toBe(400);
    await expect(page.locator('body').innerText()).resolves.toContain('Session expired (invalid CSRF token)');
    expect(await sessionUid(page)).toEqual({ code: 100 });
  }, 120_000);
});
