import { sql } from 'kysely';
import { OdooError } from '../../../odoo-bridge/orm/index.ts';
import { defineRoute, problems, type AccessPort, type OdooCalls } from '../../kit/index.ts';
import { riskHome } from '../db/ops-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { OpsDatabase } from '../db/tables.ts';
import { alertedRecordsLocked, insertAlerts } from '../domain/risk-alerts.ts';
import { scanRules, type RiskRuleFacts, type RiskScanPorts } from '../domain/risk-scan.ts';
import { ALERT_MODEL } from './risk-alerts.ts';
import { asProblems, checkRecords, writeInHome } from './rest-access.ts';

const RULE_MODEL = 'hp.risk.rule';

/** An Odoo error of the dispatch as the problem REST answers for it (the same text; no trace). */
function asProblem(error: unknown): never {
  if (error instanceof OdooError) {
    if (error.exceptionName === 'odoo.exceptions.AccessError') throw problems.forbidden(error.message);
    throw problems.unprocessable(error.message, 'https://ficus.dev/problems/refused-by-rule');
  }
  throw error;
}

/**
 * action_scan's ports on a REST request: `self` with the read ACL and rules (404 for a rule that
 * does not exist), the rule's model searched as the caller through the gateway's dispatch (the
 * platform's Odoo calls, wherever that model's module lives), the alerts with the alert ACL.
 */
function restScanPorts(rows: import('kysely').Kysely<any>, access: AccessPort, odoo: OdooCalls): RiskScanPorts {
  const run = onKysely(rows);
  return {
    async rules(ids) {
      await checkRecords(access, rows, RULE_MODEL, 'risk_rules', 'read', ids, 'risk rule');
      const found = await run.raw<RiskRuleFacts>('SELECT id, code, model_name, condition, severity FROM risk_rules WHERE id = ANY($1::int4[])', [[...ids]]);
      return new Map(found.map((r) => [r.id, r]));
    },
    // The model registry is read from ir_model (svc_ops keeps the engine's copy of it).
    knowsModel: async (model) => (await sql<{ ok: number }>`SELECT 1 AS ok FROM ir_model WHERE model = ${model}`.execute(rows)).rows.length > 0,
    search: (model, domain) => odoo({ uid: access.uid, model, method: 'search', args: [domain] }).then((ids) => ids as number[], asProblem),
    async alertedRecords(ruleId) {
      await access.check(ALERT_MODEL, 'read');
      return alertedRecordsLocked(run, ruleId);
    },
    async createAlerts(alerts) {
      // Odoo 18's create([]) returns before any access check.
      if (!alerts.length) return;
      await access.check(ALERT_MODEL, 'create');
      await insertAlerts(run, alerts, access.uid);
    },
  };
}

/**
 * POST /risk/rules/{id}/scan: hp.risk.rule.action_scan over REST (domain/risk-scan.ts, the function
 * the Odoo method runs): one open alert per matching record not yet alerted for the rule, the
 * count created in the answer. Operators and administrators; members have no access (403). An
 * unknown model or a condition that is no domain is 422 with the addon's text. The rule's model is
 * searched with the caller's rights through the gateway, so a runtime without one beside it
 * (`ficus serve ops`) answers 503.
 */
export const scanRiskRuleRoute = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'post',
  path: '/risk/rules/:id/scan',
  summary: 'Run a risk rule over the existing records of its model (hp.risk.rule.action_scan): the number of alerts created',
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/ops/risk-rule-params.json',
  responses: { 200: 'rest/ops/risk-scan-result.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(RULE_MODEL, 'read');
    const odoo = ctx.platform.odoo;
    if (!odoo) throw problems.unavailable("No gateway runs beside this service: the rule's model cannot be searched.");
    return writeInHome(riskHome, ctx, async (rows) => {
      const created = await asProblems(scanRules(restScanPorts(rows, access, odoo), [ctx.params.id]));
      return { status: 200, body: { ruleId: ctx.params.id, created } };
    });
  },
});

export const RISK_RULE_ROUTES = [scanRiskRuleRoute];
