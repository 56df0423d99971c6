import type { Kysely } from 'kysely';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { riskHome } from '../db/ops-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { OpsDatabase, RiskAlertState, RiskSeverity } from '../db/tables.ts';
import { listAlerts, moveAlerts, readAlert, type AlertAction } from '../domain/risk-alerts.ts';
import { checkRecords, readerOfHome, writeInHome } from './rest-access.ts';

export const ALERT_MODEL = 'hp.risk.alert';
const TABLE = 'risk_alerts';
const LABEL = 'risk alert';

interface AlertQuery { state?: RiskAlertState; severity?: RiskSeverity; rule?: number; model?: string; limit: number; offset: number }

/**
 * GET /risk/alerts: operators and administrators (hp_risk gives members no access: 403 with
 * Odoo's AccessError text), filtered by state, severity, rule and the alerted record's model, in
 * hp.risk.alert's order (newest detected first), paged, where M18's rows live now.
 */
export const listRiskAlertsRoute = defineRoute<OpsDatabase, unknown, AlertQuery>({
  method: 'get',
  path: '/risk/alerts',
  summary: 'Risk alerts by state, severity, rule and model, newest first (operators and administrators)',
  auth: 'bearer',
  query: 'rest/ops/risk-alert-query.json',
  responses: { 200: 'rest/ops/risk-alert-list.json' },
  async handler(ctx) {
    const { query } = ctx;
    const access = ctx.access!;
    await access.check(ALERT_MODEL, 'read');
    const page = await listAlerts(onKysely(await readerOfHome(riskHome, ctx)), {
      visible: await access.rules(ALERT_MODEL, 'read', 'r'),
      ...(query.state ? { state: query.state } : {}), ...(query.severity ? { severity: query.severity } : {}),
      ...(query.rule !== undefined ? { ruleId: query.rule } : {}), ...(query.model ? { model: query.model } : {}), limit: query.limit, offset: query.offset,
    });
    return { status: 200, body: { ...page, limit: query.limit, offset: query.offset } };
  },
});

/** GET /risk/alerts/{id}. */
export const getRiskAlertRoute = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/risk/alerts/:id',
  summary: 'One risk alert (operators and administrators)',
  auth: 'bearer',
  params: 'rest/ops/risk-alert-params.json',
  responses: { 200: 'rest/ops/risk-alert.json' },
  async handler(ctx) {
    const rows = await readerOfHome(riskHome, ctx);
    await checkRecords(ctx.access!, rows, ALERT_MODEL, TABLE, 'read', [ctx.params.id], LABEL);
    const alert = await readAlert(onKysely(rows), ctx.params.id);
    if (!alert) throw problems.notFound(`${LABEL} ${ctx.params.id} does not exist`);
    return { status: 200, body: alert };
  },
});

/** `self.write({'state': …})` over REST: the write ACL and rules on the alert's home (404 for an alert that does not exist), then the stamped write. */
function restAlertWriter(rows: Kysely<any>, ctx: { access: AccessPort }) {
  return {
    async write(ids: readonly number[], vals: { state: RiskAlertState }) {
      await checkRecords(ctx.access, rows, ALERT_MODEL, TABLE, 'write', ids, LABEL);
      await onKysely(rows).raw(`UPDATE risk_alerts SET state = $2, write_uid = $3, write_date = now() AT TIME ZONE 'UTC' WHERE id = ANY($1::int4[])`, [[...ids], vals.state, ctx.access.uid]);
    },
  };
}

/** The three actions over REST: the domain function the Odoo methods run, on M18's home, answered with the alert. */
function alertActionRoute(segment: string, action: AlertAction) {
  return defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
    method: 'post',
    path: `/risk/alerts/:id/${segment}`,
    summary: `hp.risk.alert.${action} (operators and administrators)`,
    auth: 'bearer',
    idempotency: 'optional',
    params: 'rest/ops/risk-alert-params.json',
    responses: { 200: 'rest/ops/risk-alert.json' },
    async handler(ctx) {
      const access = ctx.access!;
      return writeInHome(riskHome, ctx, async (rows) => {
        await moveAlerts(restAlertWriter(rows, { access }), [ctx.params.id], action);
        return { status: 200, body: (await readAlert(onKysely(rows), ctx.params.id))! };
      });
    },
  });
}

/** POST /risk/alerts/{id}/investigate: state investigating. */
export const investigateRiskAlertRoute = alertActionRoute('investigate', 'action_investigate');
/** POST /risk/alerts/{id}/resolve: state resolved. */
export const resolveRiskAlertRoute = alertActionRoute('resolve', 'action_resolve');
/** POST /risk/alerts/{id}/false-positive: state false_positive. */
export const falsePositiveRiskAlertRoute = alertActionRoute('false-positive', 'action_false_positive');

export const RISK_ALERT_ROUTES = [listRiskAlertsRoute, getRiskAlertRoute, investigateRiskAlertRoute, resolveRiskAlertRoute, falsePositiveRiskAlertRoute];
