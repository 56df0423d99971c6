import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpsDatabase } from '../../../services/ops/db/tables.ts';
import { RISK_FEED_PURPOSE } from '../../../services/ops/domain/risk-stream-work.ts';
import ops from '../../../services/ops/index.ts';
import { withAdmin } from '../../support/databases.ts';
import { startServiceRestStack, type ServiceRestStack } from '../../support/service-rest-stack.ts';
import { OPS_TABLES } from './risk-sides.ts';

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The risk stream as ops's runtime runs it (OPS_RISK_STREAM=on, a monolith beside it): the
 * service's background work opens the kit's feed on slot ficus_ops_risk, and a payment written
 * to the monolith by anything is alerted by an active rule in svc_ops (M18 owned by ops), with
 * the lag in the runtime's metrics. Without the setting nothing holds a slot.
 */
describe('ops runtime: risk rules on the change stream (OPS_RISK_STREAM=on)', () => {
  let stack: ServiceRestStack<OpsDatabase>;
  const slot = `ficus_${RISK_FEED_PURPOSE}`;
  let legacyDatabase = '';

  beforeAll(async () => {
    process.env.OPS_RISK_STREAM = 'on';
    try {
      stack = await startServiceRestStack<OpsDatabase>({ definition: ops, tables: OPS_TABLES, owner: 'service' });
      legacyDatabase = (await stack.legacy.pool.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
    } finally {
      delete process.env.OPS_RISK_STREAM;
    }
  }, 300_000);
  afterAll(async () => {
    // The runtime stops its feed; the slot stays (as in production) until dropped here.
    await stack?.stop();
    await withAdmin((admin) => admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND database = $2 AND NOT active', [slot, legacyDatabase]));
  });

  // The feed reads no snapshot (snapshot.mode no_data): it streams from the slot's consistent
  // point. A slot being created is already listed as active, but a commit before that point is
  // never decoded, and creation waits for every transaction running in the cluster (other test
  // files' included), so the write waits until the slot has its confirmed position.
  it('a payment written to the monolith is alerted by an active rule of svc_ops', { timeout: 240_000 }, async () => {
    await waitUntil('the feed streaming', async () => (await stack.legacy.pool.query(
      'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND database = current_database() AND active AND confirmed_flush_lsn IS NOT NULL', [slot],
    )).rows.length > 0, 120_000);
    const { rows: [rule] } = await stack.service.pool.query<{ id: number }>(
      `INSERT INTO risk_rules (name, code, model_name, severity, condition, active, create_uid, write_uid, create_date, write_date)
       VALUES ('Runtime', 'RUNTIME', 'hp.payment', 'high', '[(''amount'', ''>'', 77777)]', true, 2, 2, now(), now()) RETURNING id`,
    );
    const { rows: [payment] } = await stack.legacy.pool.query<{ id: number }>(
      `INSERT INTO payments (payer_id, currency_id, reference, method, state, amount, create_uid, write_uid, create_date, write_date)
       VALUES (6, 6, 'PAY-RUNTIME-1', 'card', 'pending', 80000, 2, 2, now(), now()) RETURNING id`,
    );
    await waitUntil('the alert', async () => (await stack.service.pool.query('SELECT 1 FROM risk_alerts WHERE rule_id = $1', [rule!.id])).rows.length > 0);
    expect((await stack.service.pool.query('SELECT res_model, res_id, severity, state FROM risk_alerts WHERE rule_id = $1', [rule!.id])).rows).toEqual([
      { res_model: 'hp.payment', res_id: payment!.id, severity: 'high', state: 'open' },
    ]);
  });
});
