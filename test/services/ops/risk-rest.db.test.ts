import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRiskSide, type RiskSide } from './risk-sides.ts';

const ADMIN = 2;
const OPERATOR = 302;
const MEMBER = 6;

/**
 * The risk REST API on both sides of M18's cut: GET /risk/alerts (filters, paging, hp.risk.alert's
 * order), the three actions, POST /risk/rules/{id}/scan (the same domain function as
 * action_scan, the count in the answer, the addon's texts as 422), operators and administrators
 * only; REST and RPC see the same rows.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`risk REST, M18 ${owner}`, () => {
    let side: RiskSide;
    const call = (method: string, path: string, uid: number | null, body?: unknown) => side.stack.call(method, path, uid === null ? null : side.stack.token(uid), body);

    beforeAll(async () => {
      side = await startRiskSide(owner);
    }, 300_000);
    afterAll(async () => side?.stop());

    it('GET /risk/alerts: the seed alerts newest first, filtered by state, severity, rule and model, paged', async () => {
      const all = await call('GET', '/risk/alerts?limit=200', OPERATOR);
      expect(all.status).toBe(200);
      const seed = (await side.stack.home(owner).query("SELECT id, to_char(detected_at, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS at FROM risk_alerts ORDER BY detected_at DESC NULLS FIRST, id DESC")).rows;
      expect(all.body.total).toBe(seed.length);
      expect(all.body.items.map((a: { id: number }) => a.id)).toEqual(seed.slice(0, 200).map((r) => r.id));
      expect(all.body.items[0].detectedAt).toBe(`${seed[0].at}.000Z`);
      const high = await call('GET', '/risk/alerts?severity=high&state=open', OPERATOR);
      expect(high.body.items.length).toBeGreaterThan(0);
      expect(high.body.items.every((a: { severity: string; state: string }) => a.severity === 'high' && a.state === 'open')).toBe(true);
      const byRule = await call('GET', '/risk/alerts?rule=1&model=hp.payment&limit=2&offset=1', ADMIN);
      const ruleOne = seed.length && (await side.stack.home(owner).query("SELECT id FROM risk_alerts WHERE rule_id = 1 AND res_model = 'hp.payment' ORDER BY detected_at DESC NULLS FIRST, id DESC")).rows.map((r) => r.id);
      expect(byRule.body).toMatchObject({ total: (ruleOne as number[]).length, limit: 2, offset: 1 });
      expect(byRule.body.items.map((a: { id: number }) => a.id)).toEqual((ruleOne as number[]).slice(1, 3));
      expect((await call('GET', '/risk/alerts?severity=urgent', OPERATOR)).status).toBe(400);
      expect((await call('GET', '/risk/alerts?limit=0', OPERATOR)).status).toBe(400);
    });

    it('members have no access (403, Odoo\'s AccessError text); no token is 401', async () => {
      const refused = await call('GET', '/risk/alerts', MEMBER);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
      expect(refused.body.detail).toMatch(/not allowed to access 'Risk Alert' \(hp\.risk\.alert\)/);
      expect((await call('POST', '/risk/rules/1/scan', MEMBER)).status).toBe(403);
      expect((await call('POST', '/risk/alerts/1/resolve', MEMBER)).status).toBe(403);
      expect((await call('GET', '/risk/alerts', null)).status).toBe(401);
    });

    it('the actions write the state, as RPC does; an alert that does not exist is 404', async () => {
      const investigated = await call('POST', '/risk/alerts/2/investigate', OPERATOR);
      expect(investigated.status).toBe(200);
      expect(investigated.body).toMatchObject({ id: 2, state: 'investigating' });
      expect((await call('POST', '/risk/alerts/2/false-positive', OPERATOR)).body.state).toBe('false_positive');
      expect((await call('POST', '/risk/alerts/2/resolve', ADMIN)).body.state).toBe('resolved');
      expect((await side.rpc(OPERATOR, 'hp.risk.alert', 'read', [[2], ['state', 'write_uid']]))).toEqual([{ id: 2, state: 'resolved', write_uid: [ADMIN, expect.any(String)] }]);
      expect((await call('GET', '/risk/alerts/2', OPERATOR)).body.state).toBe('resolved');
      expect((await call('POST', '/risk/alerts/99999999/resolve', OPERATOR)).status).toBe(404);
      expect((await call('GET', '/risk/alerts/99999999', OPERATOR)).status).toBe(404);
    });

    it('POST /risk/rules/{id}/scan: action_scan\'s count and alerts; again 0; Unknown model and a bad stored condition are 422 with the addon\'s text', async () => {
      const id = (await side.rpc(OPERATOR, 'hp.risk.rule', 'create', [{ name: 'REST scan', code: `REST${owner}`, model_name: 'hp.payment', condition: "[('state', '=', 'refunded')]" }])) as number;
      const refunded = (await side.stack.legacy.pool.query("SELECT id FROM payments WHERE state = 'refunded' ORDER BY id")).rows.map((r) => r.id);
      const scanned = await call('POST', `/risk/rules/${id}/scan`, OPERATOR);
      expect(scanned.status).toBe(200);
      expect(scanned.body).toEqual({ ruleId: id, created: refunded.length });
      expect((await side.stack.home(owner).query('SELECT res_id, create_uid, state FROM risk_alerts WHERE rule_id = $1 ORDER BY res_id', [id])).rows).toEqual(refunded.map((r) => ({ res_id: r, create_uid: OPERATOR, state: 'open' })));
      expect((await call('POST', `/risk/rules/${id}/scan`, ADMIN)).body).toEqual({ ruleId: id, created: 0 });
      expect(await side.rpc(OPERATOR, 'hp.risk.rule', 'action_scan', [[id]])).toBe(0);

      const unknown = (await side.rpc(OPERATOR, 'hp.risk.rule', 'create', [{ name: 'Nowhere', code: `NOWHERE${owner}`, model_name: 'hp.nowhere' }])) as number;
      const refused = await call('POST', `/risk/rules/${unknown}/scan`, OPERATOR);
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toBe('Unknown model hp.nowhere.');
      // A condition written around the constraint (SQL) fails the scan as safe_eval would.
      await side.stack.home(owner).query("UPDATE risk_rules SET condition = '[(' WHERE id = $1", [id]);
      const bad = await call('POST', `/risk/rules/${id}/scan`, OPERATOR);
      expect(bad.status).toBe(422);
      expect(bad.body.detail).toBe(`Invalid domain for rule REST${owner}: '(' was never closed (, line 1)`);
      expect((await call('POST', '/risk/rules/99999999/scan', OPERATOR)).status).toBe(404);
    });
  });
}
