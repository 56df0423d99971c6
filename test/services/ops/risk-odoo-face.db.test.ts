import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { odooErrorOf, startRiskSide, type RiskSide } from './risk-sides.ts';

const ADMIN = 2;
const OPERATOR = 302; // operator002: operator, not admin
const MEMBER = 6;
const COACH = 251;
const RULE = 'hp.risk.rule';
const ALERT = 'hp.risk.alert';

/**
 * hp_risk's Python as Odoo clients see it, on both sides of M18's cut: `_check_condition`'s
 * ValidationError texts on create and write (nothing written), action_scan (one open alert per
 * matching record not yet alerted for the rule, the count returned, the caller's rights on the
 * searched model, "Unknown model %s." as a UserError, one transaction), and the alerts' three
 * actions; members and coaches have no access to either model.
 */
for (const owner of ['legacy', 'service'] as const) {
  describe(`hp.risk.rule / hp.risk.alert over Odoo RPC, M18 ${owner === 'legacy' ? 'in phase legacy (monolith tables, embedded engine)' : 'after cutover (svc_ops)'}`, () => {
    let side: RiskSide;
    const rpc = (uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => side.rpc(uid, model, method, args, kwargs);
    const rows = () => side.stack.home(owner);
    const alertsOf = async (ruleId: number) =>
      (await rows().query<{ res_id: number; res_model: string; severity: string; state: string; create_uid: number; detected_at: Date | null }>('SELECT res_id, res_model, severity, state, create_uid, detected_at FROM risk_alerts WHERE rule_id = $1 ORDER BY res_id', [ruleId])).rows;
    let seq = 0;
    const newRule = async (vals: Record<string, unknown>) => (await rpc(OPERATOR, RULE, 'create', [{ name: 'Test rule', code: `T${owner}${++seq}`, model_name: 'hp.payment', ...vals }])) as number;

    beforeAll(async () => {
      side = await startRiskSide(owner);
    }, 300_000);
    afterAll(async () => side?.stop());

    it('action_scan: one open alert per matching record not already alerted, the count returned; again: 0', async () => {
      const id = await newRule({ condition: "[('amount', '>', 1000), ('state', '!=', 'refunded')]", severity: 'high' });
      const expected = (await side.stack.legacy.pool.query<{ id: number }>("SELECT id FROM payments WHERE amount > 1000 AND state IS DISTINCT FROM 'refunded' ORDER BY id")).rows.map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(await rpc(OPERATOR, RULE, 'action_scan', [[id]])).toBe(expected.length);
      const alerts = await alertsOf(id);
      expect(alerts.map((a) => a.res_id)).toEqual(expected);
      expect(alerts.every((a) => a.res_model === 'hp.payment' && a.severity === 'high' && a.state === 'open' && a.create_uid === OPERATOR && a.detected_at instanceof Date)).toBe(true);
      expect(await rpc(OPERATOR, RULE, 'action_scan', [[id]])).toBe(0);
      // A repeated id runs twice; the second finds its alerts there.
      expect(await rpc(ADMIN, RULE, 'action_scan', [[id, id]])).toBe(0);
    });

    it('the seed rules: PAY_LARGE only adds the payments its earlier alerts miss; an archived rule still scans when called', async () => {
      const before = (await alertsOf(1)).map((a) => a.res_id);
      const matching = (await side.stack.legacy.pool.query<{ id: number }>('SELECT id FROM payments WHERE amount > 1000 ORDER BY id')).rows.map((r) => r.id);
      const missing = matching.filter((m) => !before.includes(m));
      expect(await rpc(OPERATOR, RULE, 'action_scan', [[1]])).toBe(missing.length);
      // The seed already alerted payment 390 twice (the seed wrote alerts directly): set equality.
      expect([...new Set((await alertsOf(1)).map((a) => a.res_id))].sort((a, b) => a - b)).toEqual([...new Set([...before, ...matching])].sort((a, b) => a - b));
      const archived = await newRule({ condition: "[('state', '=', 'failed')]", active: false });
      const failed = (await side.stack.legacy.pool.query("SELECT id FROM payments WHERE state = 'failed'")).rows.length;
      expect(await rpc(OPERATOR, RULE, 'action_scan', [[archived]])).toBe(failed);
    });

    it('the condition may be any domain the engine reads: prefix operators, tuples, an empty condition (every record)', async () => {
      const orRule = await newRule({ condition: "['|', ('state', '=', 'failed'), ('amount', '<', 10)]" });
      const expected = (await side.stack.legacy.pool.query("SELECT id FROM payments WHERE state = 'failed' OR amount < 10")).rows.length;
      expect(await rpc(OPERATOR, RULE, 'action_scan', [[orRule]])).toBe(expected);
      const all = await newRule({ condition: '', model_name: 'hp.rating' });
      const ratings = (await side.stack.legacy.pool.query('SELECT count(*)::int AS n FROM ratings')).rows[0].n;
      expect(await rpc(OPERATOR, RULE, 'action_scan', [[all]])).toBe(ratings);
    });

    it('_check_condition: ValidationError with the addon\'s texts on create and write, nothing written', async () => {
      const create = (code: string, condition: string) => odooErrorOf(rpc(OPERATOR, RULE, 'create', [{ name: 'Bad', code, model_name: 'hp.payment', condition }]));
      expect(await create(`B1${owner}`, "[('amount', '>', ")).toEqual({ name: 'odoo.exceptions.ValidationError', message: `Invalid domain for rule B1${owner}: '(' was never closed (, line 1)` });
      expect(await create(`B2${owner}`, '42')).toEqual({ name: 'odoo.exceptions.ValidationError', message: `The condition of rule B2${owner} must be a list.` });
      expect(await create(`B3${owner}`, "[('state', '=', draft)]")).toEqual({
        name: 'odoo.exceptions.ValidationError',
        message: `Invalid domain for rule B3${owner}: NameError("name 'draft' is not defined") while evaluating\n"[('state', '=', draft)]"`,
      });
      expect(await create(`B4${owner}`, '[1,,2]')).toEqual({ name: 'odoo.exceptions.ValidationError', message: `Invalid domain for rule B4${owner}: invalid syntax (, line 1)` });
      expect((await rows().query("SELECT count(*)::int AS n FROM risk_rules WHERE code ~ '^B[0-9]'")).rows[0].n).toBe(0);
      const id = await newRule({ condition: '[]' });
      expect(await odooErrorOf(rpc(OPERATOR, RULE, 'write', [[id], { condition: '(1, 2' }]))).toEqual({ name: 'odoo.exceptions.ValidationError', message: `Invalid domain for rule T${owner}${seq}: '(' was never closed (, line 1)` });
      expect((await rows().query('SELECT condition FROM risk_rules WHERE id = $1', [id])).rows[0].condition).toBe('[]');
      // A tuple is a list for the constraint.
      expect(await rpc(OPERATOR, RULE, 'write', [[id], { condition: "(('amount', '>', 1),)" }])).toBe(true);
    });

    it("the search runs with the caller's rights: what the caller's own search answers; the caller's AccessError when it may not read the model", async () => {
      const domain = [['record_type', '=', 'blood_glucose']];
      const rule = await newRule({ model_name: 'hp.health.record', condition: "[('record_type', '=', 'blood_glucose')]" });
      const visible = (await side.legacyRpc({ database: 'hp_legacy', uid: OPERATOR, model: 'hp.health.record', method: 'search', args: [domain], kwargs: {} })) as number[];
      expect(await rpc(OPERATOR, RULE, 'action_scan', [[rule]])).toBe(visible.length);
      expect((await alertsOf(rule)).map((a) => a.res_id)).toEqual([...visible].sort((a, b) => a - b));
      // ir.config_parameter: settings administrators only.
      const hidden = await newRule({ model_name: 'ir.config_parameter' });
      const direct = await odooErrorOf(side.legacyRpc({ database: 'hp_legacy', uid: OPERATOR, model: 'ir.config_parameter', method: 'search', args: [[]], kwargs: {} }));
      expect(direct.name).toBe('odoo.exceptions.AccessError');
      expect(await odooErrorOf(rpc(OPERATOR, RULE, 'action_scan', [[hidden]]))).toEqual(direct);
      expect(await alertsOf(hidden)).toEqual([]);
    });

    it('Unknown model: UserError "Unknown model %s.", and the alerts of the rules before it are undone (one transaction)', async () => {
      const good = await newRule({ condition: "[('state', '=', 'refunded')]" });
      const unknown = await newRule({ model_name: 'hp.no.such.model' });
      expect(await odooErrorOf(rpc(OPERATOR, RULE, 'action_scan', [[good, unknown]]))).toEqual({ name: 'odoo.exceptions.UserError', message: 'Unknown model hp.no.such.model.' });
      expect(await alertsOf(good)).toEqual([]);
    });

    it('members and coaches have no access: AccessError for the scan and the alerts; MissingError for a deleted rule', async () => {
      for (const uid of [MEMBER, COACH]) {
        expect((await odooErrorOf(rpc(uid, RULE, 'action_scan', [[1]]))).name).toBe('odoo.exceptions.AccessError');
        expect((await odooErrorOf(rpc(uid, ALERT, 'action_resolve', [[1]]))).name).toBe('odoo.exceptions.AccessError');
      }
      expect((await odooErrorOf(rpc(OPERATOR, RULE, 'action_scan', [[99999999]]))).name).toBe('odoo.exceptions.MissingError');
    });

    it('alerts: action_investigate / action_resolve / action_false_positive write the state, True, from any state', async () => {
      const [alert] = (await rows().query<{ id: number }>('SELECT id FROM risk_alerts ORDER BY id LIMIT 1')).rows;
      const stateOf = async () => (await rows().query('SELECT state, write_uid FROM risk_alerts WHERE id = $1', [alert!.id])).rows[0];
      expect(await rpc(OPERATOR, ALERT, 'action_investigate', [[alert!.id]])).toBe(true);
      expect(await stateOf()).toEqual({ state: 'investigating', write_uid: OPERATOR });
      expect(await rpc(ADMIN, ALERT, 'action_resolve', [[alert!.id]])).toBe(true);
      expect((await stateOf()).state).toBe('resolved');
      expect(await rpc(OPERATOR, ALERT, 'action_false_positive', [[alert!.id]])).toBe(true);
      expect((await stateOf()).state).toBe('false_positive');
      expect(await rpc(OPERATOR, ALERT, 'action_investigate', [[alert!.id]])).toBe(true);
      expect((await stateOf()).state).toBe('investigating');
    });
  });
}
