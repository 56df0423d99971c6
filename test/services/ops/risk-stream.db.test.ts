import { Kysely, PostgresDialect } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { RowChangeFeed } from '../../../services/kit/cdc/row-change-feed.ts';
import type { OpsDatabase } from '../../../services/ops/db/tables.ts';
import { RiskStreamHost } from '../../../services/ops/domain/risk-stream-host.ts';
import ops from '../../../services/ops/index.ts';
import { startServiceRestStack, type ModuleOwner, type ServiceRestStack } from '../../support/service-rest-stack.ts';
import { OPS_TABLES } from './risk-sides.ts';

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Risk rules on the change stream, end to end: the kit's RowChangeFeed reads the monolith's WAL
 * (every model's table: a rule may name any model), ops's RiskStreamHost evaluates each active
 * rule against the changed rows of its model with a keyed search through the ORM engine, and
 * opens one alert per (rule, record) where M18 lives — whatever wrote the row, however often it
 * changes, with scans in between. The lag from the source commit is measured.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`risk rules on the stream (M18 ${owner})`, () => {
    let stack: ServiceRestStack<OpsDatabase>;
    let db: Kysely<OpsDatabase>;
    let feed: RowChangeFeed;
    let host: RiskStreamHost;
    const metrics = new Registry();
    const rules = () => stack.home(owner);
    const alerted = async (ruleId: number) => (await rules().query<{ res_id: number }>('SELECT res_id FROM risk_alerts WHERE rule_id = $1 ORDER BY res_id', [ruleId])).rows.map((r) => r.res_id);
    const addRule = async (code: string, model: string, condition: string, active = true) =>
      (await rules().query<{ id: number }>(
        `INSERT INTO risk_rules (name, code, model_name, severity, condition, active, create_uid, write_uid, create_date, write_date)
         VALUES ($1, $1, $2, 'high', $3, $4, 2, 2, now(), now()) RETURNING id`, [code, model, condition, active],
      )).rows[0]!.id;
    const newPayment = async (amount: number, state = 'pending') =>
      (await stack.legacy.pool.query<{ id: number }>(
        `INSERT INTO payments (payer_id, currency_id, reference, method, state, amount, create_uid, write_uid, create_date, write_date)
         VALUES (6, 6, 'PAY-STREAM-' || nextval('payments_id_seq'), 'card', $2, $1, 2, 2, now(), now()) RETURNING id`, [amount, state],
      )).rows[0]!.id;

    beforeAll(async () => {
      stack = await startServiceRestStack<OpsDatabase>({ definition: ops, tables: OPS_TABLES, owner });
      db = new Kysely<OpsDatabase>({ dialect: new PostgresDialect({ pool: stack.service.pool }) });
      host = new RiskStreamHost({ db, legacyPool: stack.legacy.pool, odooDatabaseName: 'hp_legacy' });
      const tables = await host.watchedTables();
      expect(tables).toEqual(expect.arrayContaining(['payments', 'ratings', 'health_records', 'service_orders', 'assessments']));
      feed = new RowChangeFeed({
        sourceUrl: stack.legacy.url, consumerUrl: stack.service.url, purpose: `ops_risk_${owner}`, tables,
        handle: async (changes) => void (await host.evaluate(changes)), logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' }), metrics, heartbeatIntervalMs: 500,
      });
      feed.start();
      await feed.ready;
    }, 300_000);
    afterAll(async () => {
      await feed?.stop();
      await feed?.remove();
      await stack?.stop();
    });

    it('a new or changed row matching an active rule is alerted once; rows that do not match, deletes and inactive rules are not', async () => {
      const large = await addRule(`LARGE_${owner}`, 'hp.payment', "[('amount', '>', 5000), ('state', '!=', 'refunded')]");
      const inactive = await addRule(`OFF_${owner}`, 'hp.payment', '[]', false);
      const lowRating = await addRule(`LOW_${owner}`, 'hp.rating', "[('score', '<=', 1)]");
      const p1 = await newPayment(6000);
      const p2 = await newPayment(10);
      const p3 = await newPayment(9000, 'refunded');
      await stack.legacy.pool.query('UPDATE payments SET amount = 7000 WHERE id = $1', [p2]);
      await waitUntil('the large payments alerted', async () => (await alerted(large)).length === 2);
      expect(await alerted(large)).toEqual([p1, p2].sort((a, b) => a - b));
      // More changes of the same rows, and a delete: still one alert each.
      await stack.legacy.pool.query('UPDATE payments SET amount = 8000 WHERE id = ANY($1::int4[])', [[p1, p2]]);
      await stack.legacy.pool.query('DELETE FROM payments WHERE id = $1', [p3]);
      const { rows: [rating] } = await stack.legacy.pool.query<{ id: number }>('UPDATE ratings SET score = 1 WHERE id = (SELECT min(id) FROM ratings WHERE score > 1) RETURNING id');
      await waitUntil('the low rating alerted', async () => (await alerted(lowRating)).length === 1);
      expect(await alerted(lowRating)).toEqual([rating!.id]);
      expect(await alerted(large)).toEqual([p1, p2].sort((a, b) => a - b));
      expect(await alerted(inactive)).toEqual([]);
      const { rows } = await rules().query('SELECT res_model, severity, state, create_uid FROM risk_alerts WHERE rule_id = $1', [large]);
      expect(rows).toEqual([1, 2].map(() => ({ res_model: 'hp.payment', severity: 'high', state: 'open', create_uid: 1 })));
    });

    it('the stream and action_scan never alert a record twice: a scan finds the stream\'s alerts, the stream finds the scan\'s', async () => {
      const failed = await addRule(`FAILED_${owner}`, 'hp.payment', "[('state', '=', 'failed')]");
      const seed = (await stack.legacy.pool.query<{ id: number }>("SELECT id FROM payments WHERE state = 'failed' ORDER BY id")).rows.map((r) => r.id);
      // The scan of the existing rows (over REST-less domain ports: the same SQL the routes use).
      const { scanRules } = await import('../../../services/ops/domain/risk-scan.ts');
      const { alertedRecordsLocked, insertAlerts } = await import('../../../services/ops/domain/risk-alerts.ts');
      const { onQueryable } = await import('../../../services/ops/db/sql-runner.ts');
      const client = await rules().connect();
      try {
        await client.query('BEGIN');
        const run = onQueryable(client);
        const created = await scanRules({
          rules: async () => new Map([[failed, { id: failed, code: `FAILED_${owner}`, model_name: 'hp.payment', condition: "[('state', '=', 'failed')]", severity: 'high' as const }]]),
          knowsModel: () => true,
          search: (model, domain) => host.ports().search(model, domain),
          alertedRecords: (ruleId) => alertedRecordsLocked(run, ruleId),
          createAlerts: (alerts) => insertAlerts(run, alerts, 2),
        }, [failed]);
        await client.query('COMMIT');
        expect(created).toBe(seed.length);
      } finally {
        client.release();
      }
      // A seed row the scan alerted changes; a new failed payment arrives.
      await stack.legacy.pool.query("UPDATE payments SET provider_txn_id = 'again' WHERE id = $1", [seed[0]]);
      const fresh = await newPayment(50, 'failed');
      await waitUntil('the new failed payment alerted', async () => (await alerted(failed)).includes(fresh));
      expect(await alerted(failed)).toEqual([...seed, fresh].sort((a, b) => a - b));
    });

    it('measures the lag from the source commit', async () => {
      const text = await metrics.getSingleMetricAsString('ficus_row_change_feed_lag_ms');
      const count = Number(/ficus_row_change_feed_lag_ms_count\{feed="[^"]+"\} (\d+)/.exec(text)?.[1] ?? 0);
      expect(count).toBeGreaterThanOrEqual(feed.handled);
      expect(feed.handled).toBeGreaterThanOrEqual(7);
    });
  });
}
