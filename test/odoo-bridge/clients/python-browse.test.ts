import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';

const run = promisify(execFile);

/**
 * odoorpc browsing `hp.service.order` → `customer_id` (res.users): odoorpc reads all the
 * non-relational fields fields_get lists, the computed ones included (issue 17: this failed on
 * `login_date`). The values are checked against the rows Odoo's computes read.
 */
let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
beforeAll(async () => {
  legacy = await startLegacyGateway();
}, 120_000);
afterAll(async () => legacy?.stop());

it('odoorpc follows an order to its customer and reads the user like Odoo', async () => {
  const { stdout } = await run('python3', [path.join(import.meta.dirname, 'python', 'odoorpc_browse_flow.py'), '127.0.0.1', String(legacy.gateway.port), LEGACY_DB_NAME, 'admin', 'admin'], { timeout: 60_000 });
  const seen = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  const db = legacy.database.pool;
  const order = (await db.query<{ id: number; customer_id: number; health_worker_id: number | null }>('SELECT id, customer_id, health_worker_id FROM service_orders ORDER BY id LIMIT 1')).rows[0]!;
  const customer = (await db.query<{ login: string; name: string; totp: boolean }>(
    `SELECT u.login, p.name, coalesce(u.totp_secret, '') <> '' AS totp FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`, [order.customer_id])).rows[0]!;
  // login_date: the create_date of the user's latest res.users.log (log_ids ordered by id desc).
  const log = (await db.query<{ d: string }>(`SELECT to_char(create_date, 'YYYY-MM-DD HH24:MI:SS') AS d FROM res_users_log WHERE create_uid = 2 ORDER BY id DESC LIMIT 1`)).rows[0];
  expect(seen).toMatchObject({
    order_id: order.id,
    customer_id: order.customer_id,
    customer_name: customer.name,
    customer_login: customer.login,
    customer_totp: customer.totp,
    worker: order.health_worker_id ?? false,
  });
  // The gateway's own login may have logged a newer entry: at least the latest one in the dump.
  expect(typeof seen.my_login_date).toBe('string');
  expect(String(seen.my_login_date) >= (log?.d ?? '')).toBe(true);
  expect(typeof seen.my_partner_address).toBe('string');
});
