import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_DB_NAME, startLegacyGateway } from '../../support/legacy-gateway.ts';

const run = promisify(execFile);

/**
 * Issue 17 bar 2: the everyday flow (python/everyday_flow.py) through xmlrpc.client, odoorpc,
 * odoo-client-lib and odooly, unchanged, on hp_legacy: login, search_read, browse an order to
 * its customer (res.users, every field the client knows of) and the customer's partner and
 * groups, a partner's one2many users read in full, create a partner with phone and email (the
 * stored computes phone_sanitized / email_normalized and commercial_partner_id), write both,
 * fields_get, read_group, unlink. EXPECTED is what each of the four clients saw against real
 * Odoo 18 serving the same dump (all four saw the same).
 */
const EXPECTED = {
  uid: 2,
  people: ['Administrator', 'Wei Wu', 'Fang Wang'],
  customer: { login: 'member176@hp.example', name: 'Yong Zheng', totp_enabled: false },
  customer_has_login_date: false,
  customer_partner: 'Yong Zheng',
  customer_children: [],
  customer_groups: ['Technical / Basic Pricelists', 'User types / Internal User', 'Health Platform / Member'],
  member_partner: 'Wei Wu',
  member_users: [{ login: 'member001@hp.example', name: 'Wei Wu', share: false, active: true }],
  created: { phone: '+86 10 1234 5678', email: 'Flow.Tester@Example.COM', phone_sanitized: '+86 10 1234 5678', email_normalized: 'flow.tester@example.com' },
  created_commercial_is_self: true,
  written: true,
  after_write: { phone: '+86 10 8765 4321', email: '"Flow Tester" <flow.tester2@example.com>', phone_sanitized: '+86 10 8765 4321', email_normalized: 'flow.tester2@example.com' },
  fields: {
    phone: { string: 'Phone', type: 'char' },
    email: { string: 'Email', type: 'char' },
    phone_sanitized: { string: 'Sanitized Number', type: 'char' },
    child_ids: { string: 'Contact', type: 'one2many' },
  },
  read_group: [{ is_company: false, is_company_count: 1, id: 1 }],
  unlinked: true,
  left: 0,
};

describe('the everyday flow through four Python clients', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyGateway>>;
  beforeAll(async () => {
    legacy = await startLegacyGateway();
  }, 120_000);
  afterAll(async () => legacy?.stop());

  for (const client of ['xmlrpc', 'odoorpc', 'odoolib', 'odooly'] as const) {
    it(`${client} sees what it saw against real Odoo 18`, async () => {
      const { stdout } = await run('python3', [path.join(import.meta.dirname, 'python', 'everyday_flow.py'), client, legacy.gateway.url, LEGACY_DB_NAME, 'admin', 'admin'], { timeout: 120_000 });
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual(EXPECTED);
    }, 150_000);
  }
});
