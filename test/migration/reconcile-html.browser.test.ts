import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, runReconciliation, type ReconcileReport } from '../../migration/reconcile/index.ts';
import { legacyDatabase, type TestDatabase } from '../support/databases.ts';

let source: TestDatabase;
let target: TestDatabase;
let report: ReconcileReport;
let workDir: string;
let browser: BrowserContext;

beforeAll(async () => {
  [source, target] = await Promise.all([legacyDatabase(), legacyDatabase()]);
  await target.pool.query(`UPDATE service_orders SET note = 'only in the service' WHERE id = 42`);
  await target.pool.query(`UPDATE health_records SET value = value * 2, note = 'secret reading' WHERE id = 77`);
  await target.pool.query(`DELETE FROM health_records WHERE id BETWEEN 500 AND 520`);
  report = await runReconciliation({
    tables: [{ table: 'service_orders', module: 'M04' }, { table: 'health_records', module: 'M02' }, { table: 'payments', module: 'M13' }],
    source: { pool: source.pool, label: 'legacy' },
    targetFor: () => ({ pool: target.pool, label: 'service' }),
  });
  workDir = await mkdtemp(path.join(tmpdir(), 'ficus-reconcile-html-'));
  browser = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
  await Promise.all([source?.drop(), target?.drop()]);
});

describe('HTML report', () => {
  it('is self-contained and shows the summary, one chart per table and the differing rows in Chromium', async () => {
    const html = renderReport(report, 'html');
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const file = path.join(workDir, 'report.html');
    await writeFile(file, html);

    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);

    await expect(page.locator('#summary h1').textContent()).resolves.toContain('differences found');
    const summary = await page.locator('#summary').innerText();
    expect(summary).toMatch(/missing in target\s*$/m);
    expect(summary).toContain('21'); // 21 health records missing
    expect(await page.locator('svg.chart').count()).toBe(3);
    expect(await page.locator('#t-service_orders svg.chart rect').count()).toBeGreaterThan(1);

    const row = page.locator('#t-service_orders tr.diff-row', { hasText: '42' });
    await expect(row.innerText()).resolves.toContain("note: NULL → 'only in the service'");
    const records = await page.locator('#t-health_records').innerText();
    expect(records).toContain('value');
    expect(records).not.toContain('secret reading');
    expect(await page.content()).not.toContain('secret reading');
    await page.close();
  });
});
