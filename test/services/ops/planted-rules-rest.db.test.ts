import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRiskSide, type RiskSide } from './risk-sides.ts';

const OPERATOR = 302; // operator002: operator, not admin
const ACCESS_TTL_MS = 1_000; // the kit's access ports see a changed rule within this long

/**
 * hp_operations and hp_risk declare no record rules on hp.operation and hp.risk.alert today, so
 * their REST lists filter by nothing but the ACL. A rule an administrator adds later (Settings →
 * Technical → Record Rules) must narrow the REST answers exactly as it narrows search_read over
 * RPC: lists (the kit's rulesSql), counts and single reads (checkRecords: 404 outside the read
 * rules). Planted here as global rules in the service database's copy of ir_rule, where the
 * access ports read them, in both phases of each module's cut.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`record rules planted after start narrow ops's REST reads as they narrow RPC, modules ${owner === 'legacy' ? 'in phase legacy' : 'after cutover'}`, () => {
    let side: RiskSide;
    const rest = (path: string) => side.stack.call('GET', path, side.stack.token(OPERATOR));
    const rpcIds = async (model: string) => ((await side.rpc(OPERATOR, model, 'search', [[]])) as number[]).sort((a, b) => a - b);
    const ids = (body: { items: { id: number }[] }) => body.items.map((item) => item.id).sort((a, b) => a - b);

    const plantGlobalRule = async (model: string, domain: string) => {
      const access = side.stack.service.pool;
      const { rowCount } = await access.query(
        `INSERT INTO ir_rule (id, name, model_id, domain_force, active, perm_read, perm_write, perm_create, perm_unlink, global)
         SELECT (SELECT COALESCE(max(id), 0) + 1 FROM ir_rule), $1, m.id, $2, true, true, true, true, true, true FROM ir_model m WHERE m.model = $3`,
        [`planted: ${model}`, domain, model],
      );
      expect(rowCount).toBe(1);
      // The legacy side's dispatch answers RPC from the monolith's rules: the same rule there too.
      await side.stack.legacy.pool.query(
        `INSERT INTO ir_rule (id, name, model_id, domain_force, active, perm_read, perm_write, perm_create, perm_unlink, global)
         SELECT (SELECT COALESCE(max(id), 0) + 1 FROM ir_rule), $1, m.id, $2, true, true, true, true, true, true FROM ir_model m WHERE m.model = $3`,
        [`planted: ${model}`, domain, model],
      );
    };

    beforeAll(async () => {
      side = await startRiskSide(owner);
      const home = side.stack.home(owner);
      // Rows on both sides of each planted rule, whatever the seed holds.
      await home.query(`INSERT INTO operations (name, operation_type, state, operator_id) VALUES ('Planted banner', 'banner', 'draft', $1), ('Planted review', 'review', 'draft', $1)`, [OPERATOR]);
      await home.query(
        `INSERT INTO risk_alerts (rule_id, severity, state, res_model, res_id, detected_at)
         SELECT id, 'low', 'open', 'hp.payment', 1, now() AT TIME ZONE 'UTC' FROM risk_rules ORDER BY id LIMIT 1`,
      );
      await home.query(
        `INSERT INTO risk_alerts (rule_id, severity, state, res_model, res_id, detected_at)
         SELECT id, 'high', 'open', 'hp.payment', 2, now() AT TIME ZONE 'UTC' FROM risk_rules ORDER BY id LIMIT 1`,
      );
    }, 300_000);
    afterAll(async () => side?.stop());

    it('before any rule, the lists show every row the ACL allows (so the narrowing below is the rules\' doing)', async () => {
      const operations = await rest('/ops/operations?limit=200');
      expect(operations.status, JSON.stringify(operations.body)).toBe(200);
      expect(operations.body.items.map((o: { operationType: string }) => o.operationType)).toContain('review');
      const alerts = await rest('/risk/alerts?limit=200');
      expect(alerts.status).toBe(200);
      expect(alerts.body.items.map((a: { severity: string }) => a.severity)).toContain('high');
    });

    it('a global rule on hp.operation and one on hp.risk.alert: lists, totals and single reads follow them, equal to RPC search', async () => {
      await plantGlobalRule('hp.operation', "[('operation_type', '!=', 'review')]");
      await plantGlobalRule('hp.risk.alert', "[('severity', 'in', ['low', 'medium'])]");
      await new Promise((resolve) => setTimeout(resolve, ACCESS_TTL_MS + 200));

      const operations = await rest('/ops/operations?limit=200');
      expect(operations.status).toBe(200);
      expect(operations.body.items.length).toBeGreaterThan(0);
      expect(operations.body.items.every((o: { operationType: string }) => o.operationType !== 'review')).toBe(true);
      expect(operations.body.total).toBe(operations.body.items.length);
      expect(ids(operations.body)).toEqual(await rpcIds('hp.operation'));

      const alerts = await rest('/risk/alerts?limit=200');
      expect(alerts.status).toBe(200);
      expect(alerts.body.items.length).toBeGreaterThan(0);
      expect(alerts.body.items.every((a: { severity: string }) => a.severity !== 'high')).toBe(true);
      expect(ids(alerts.body)).toEqual(await rpcIds('hp.risk.alert'));

      const home = side.stack.home(owner);
      const hiddenOperation = (await home.query<{ id: number }>(`SELECT id FROM operations WHERE operation_type = 'review' ORDER BY id LIMIT 1`)).rows[0]!.id;
      const hiddenAlert = (await home.query<{ id: number }>(`SELECT id FROM risk_alerts WHERE severity = 'high' ORDER BY id LIMIT 1`)).rows[0]!.id;
      expect((await rest(`/ops/operations/${hiddenOperation}`)).status).toBe(404);
      expect((await rest(`/risk/alerts/${hiddenAlert}`)).status).toBe(404);
      const shownOperation = operations.body.items[0].id as number;
      expect((await rest(`/ops/operations/${shownOperation}`)).status).toBe(200);
    });
  });
}
