import fc from 'fast-check';
import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import type { OpsDatabase } from '../../../services/ops/db/tables.ts';
import { RiskStreamHost } from '../../../services/ops/domain/risk-stream-host.ts';
import type { RowChange } from '../../../services/ops/domain/risk-stream.ts';
import { conditionText, domainArb, domainFieldsOf, type DomainField } from './risk-domain-arbitraries.ts';
import { startRiskSide, type RiskSide } from './risk-sides.ts';

const ADMIN = 2;
const MODELS = ['hp.payment', 'hp.service.order', 'hp.rating'] as const;
const RUNS_PER_MODEL = Number(process.env.RISK_AGREEMENT_RUNS ?? 25);

/**
 * Bar 2 of issue 26: for random rules (domains from the engine's property generator, written as
 * Python literal conditions) over the monolith's seed data (the drill's starting data), three
 * ways of alerting select the same records:
 * - the legacy side's action_scan (hp_risk's, on the gateway's engine over the monolith's tables,
 *   as an administrator calls it in phase legacy);
 * - ops's action_scan after M18's cutover (its engine over svc_ops, the rule's model searched
 *   through the dispatch);
 * - streaming evaluation: every row of the model arriving as a change, in random order and random
 *   batches, each batch evaluated by the keyed search of RiskStreamHost.
 */
describe('risk rules: streaming evaluation, action_scan after cutover and the legacy action_scan alert the same records', () => {
  let side: RiskSide;
  let host: RiskStreamHost;
  let db: Kysely<OpsDatabase>;
  const fieldsOf = new Map<string, DomainField[]>();
  const idsOf = new Map<string, number[]>();
  const tableOf = new Map<string, string>();
  let seq = 0;

  beforeAll(async () => {
    side = await startRiskSide('service');
    db = new Kysely<OpsDatabase>({ dialect: new PostgresDialect({ pool: side.stack.service.pool }) });
    host = new RiskStreamHost({ db, legacyPool: side.stack.legacy.pool, odooDatabaseName: 'hp_legacy' });
    // Only this test's rules are active for the stream (the seed's would alert on their own).
    await side.stack.service.pool.query('UPDATE risk_rules SET active = false');
    const registry = await (await import('../../../odoo-bridge/orm/index.ts')).loadRegistry({ name: 'hp_legacy', pool: side.stack.legacy.pool });
    for (const name of MODELS) {
      const model = registry.model(name) as ModelInfo;
      fieldsOf.set(name, await domainFieldsOf(side.stack.legacy.pool, model));
      tableOf.set(name, model.table!);
      idsOf.set(name, (await side.stack.legacy.pool.query<{ id: number }>(`SELECT id FROM "${model.table}" ORDER BY id`)).rows.map((r) => r.id));
    }
  }, 300_000);
  afterAll(async () => {
    // The Kysely shares the stack's pool, which stop() ends.
    await side?.stop();
  });

  const insertRule = async (pool: import('pg').Pool, code: string, model: string, condition: string, active: boolean) =>
    (await pool.query<{ id: number }>(
      `INSERT INTO risk_rules (name, code, model_name, severity, condition, active, create_uid, write_uid, create_date, write_date)
       VALUES ($1, $1, $2, 'medium', $3, $4, 2, 2, now(), now()) RETURNING id`, [code, model, condition, active],
    )).rows[0]!.id;
  const alertedBy = async (pool: import('pg').Pool, ruleId: number) =>
    (await pool.query<{ res_id: number }>('SELECT res_id FROM risk_alerts WHERE rule_id = $1 ORDER BY res_id', [ruleId])).rows.map((r) => r.res_id);

  for (const model of MODELS) {
    it(`${model}: ${RUNS_PER_MODEL} random rules alert the same records all three ways`, async () => {
      const fields = fieldsOf.get(model)!;
      const ids = idsOf.get(model)!;
      const orderArb = fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length });
      let nonEmpty = 0;
      await fc.assert(
        fc.asyncProperty(domainArb(fields), orderArb, fc.integer({ min: 20, max: 400 }), async (domain, order, batchSize) => {
          const condition = conditionText(domain);
          const code = `P${++seq}`;
          // The legacy side: hp_risk's action_scan on the monolith.
          const legacyRule = await insertRule(side.stack.legacy.pool, `${code}_L`, model, condition, false);
          const legacyCount = (await side.legacyRpc({ database: 'hp_legacy', uid: ADMIN, model: 'hp.risk.rule', method: 'action_scan', args: [[legacyRule]], kwargs: {} })) as number;
          const legacy = await alertedBy(side.stack.legacy.pool, legacyRule);
          // After cutover: ops's action_scan over svc_ops.
          const scanRule = await insertRule(side.stack.service.pool, `${code}_S`, model, condition, false);
          const scanCount = (await side.rpc(ADMIN, 'hp.risk.rule', 'action_scan', [[scanRule]])) as number;
          const scanned = await alertedBy(side.stack.service.pool, scanRule);
          // The stream: every row arrives as a change, in batches.
          const streamRule = await insertRule(side.stack.service.pool, `${code}_T`, model, condition, true);
          const table = tableOf.get(model)!;
          for (let i = 0; i < order.length; i += batchSize) {
            const batch: RowChange[] = order.slice(i, i + batchSize).map((id) => ({ table, id, op: 'c', committedAtMs: Date.now() }));
            await host.evaluate(batch);
          }
          await side.stack.service.pool.query('UPDATE risk_rules SET active = false WHERE id = $1', [streamRule]);
          const streamed = await alertedBy(side.stack.service.pool, streamRule);
          if (legacy.length) nonEmpty += 1;
          expect({ condition, scanned, streamed }).toEqual({ condition, scanned: legacy, streamed: legacy });
          expect([legacyCount, scanCount]).toEqual([legacy.length, legacy.length]);
        }),
        { numRuns: RUNS_PER_MODEL },
      );
      // The property must have had something to compare.
      expect(nonEmpty).toBeGreaterThan(0);
    }, 600_000);
  }
});
