import type { RawBuilder } from 'kysely';
import type { RiskAlertState, RiskSeverity } from '../db/tables.ts';
import { build, type SqlRunner } from '../db/sql-runner.ts';
import { isoUtc } from './ops-events.ts';
import { RISK_ALERT_LOCK_SPACE, riskAlertLockSql, type NewRiskAlert } from './risk-scan.ts';

/** The three actions of hp.risk.alert and the state each writes (no check of the current state: the addon writes unconditionally). */
export const ALERT_ACTIONS = {
  action_investigate: 'investigating',
  action_resolve: 'resolved',
  action_false_positive: 'false_positive',
} as const satisfies Record<string, RiskAlertState>;
export type AlertAction = keyof typeof ALERT_ACTIONS;

/** Writes an alert's state as the edge's `self.write` does (the engine's write over RPC, ACL and rules checked by the caller over REST). */
export interface AlertWriter {
  write(ids: readonly number[], vals: { state: RiskAlertState }): Promise<void>;
}

/** hp.risk.alert.action_investigate / action_resolve / action_false_positive: `self.write({'state': …})`, True. */
export async function moveAlerts(writer: AlertWriter, ids: readonly number[], action: AlertAction): Promise<true> {
  await writer.write(ids, { state: ALERT_ACTIONS[action] });
  return true;
}

/** An alert as REST shows it. */
export interface RiskAlertView {
  id: number;
  ruleId: number | null;
  userId: number | null;
  resModel: string | null;
  resId: number | null;
  severity: RiskSeverity;
  state: RiskAlertState;
  detectedAt: string | null;
}

interface AlertRow {
  id: number; rule_id: number | null; user_id: number | null; res_model: string | null; res_id: number | null;
  severity: RiskSeverity; state: RiskAlertState; detected_at: string | Date | null;
}

export const alertView = (r: AlertRow): RiskAlertView => ({
  id: r.id, ruleId: r.rule_id, userId: r.user_id, resModel: r.res_model, resId: r.res_id, severity: r.severity, state: r.state,
  detectedAt: r.detected_at === null ? null : isoUtc(r.detected_at),
});

export interface AlertFilter {
  state?: RiskAlertState;
  severity?: RiskSeverity;
  ruleId?: number;
  model?: string;
  limit: number;
  offset: number;
  /** The caller's read rules over alias `r` (the access port's). */
  visible?: RawBuilder<boolean>;
}

/** A page of alerts in hp.risk.alert's `_order` (detected_at desc, id desc; Odoo puts NULLs first in desc), with the total. */
export async function listAlerts(sql: SqlRunner, filter: AlertFilter): Promise<{ items: RiskAlertView[]; total: number }> {
  let q = build.selectFrom('risk_alerts as r');
  if (filter.visible) q = q.where(filter.visible);
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.severity) q = q.where('severity', '=', filter.severity);
  if (filter.ruleId !== undefined) q = q.where('rule_id', '=', filter.ruleId);
  if (filter.model) q = q.where('res_model', '=', filter.model);
  const [count] = await sql.run(q.select((eb) => eb.fn.countAll<string>().as('n')));
  const rows = await sql.run(
    q.select(['id', 'rule_id', 'user_id', 'res_model', 'res_id', 'severity', 'state', 'detected_at'])
      .orderBy((eb) => eb.ref('detected_at'), (ob) => ob.desc().nullsFirst()).orderBy('id', 'desc').limit(filter.limit).offset(filter.offset),
  );
  return { items: rows.map((r) => alertView(r as AlertRow)), total: Number(count?.n ?? 0) };
}

export async function readAlert(sql: SqlRunner, id: number): Promise<RiskAlertView | null> {
  const [row] = await sql.run(build.selectFrom('risk_alerts').select(['id', 'rule_id', 'user_id', 'res_model', 'res_id', 'severity', 'state', 'detected_at']).where('id', '=', id));
  return row ? alertView(row as AlertRow) : null;
}

/** The records already alerted for a rule, after taking the rule's alert lock (risk-scan.ts). */
export async function alertedRecordsLocked(sql: SqlRunner, ruleId: number): Promise<Set<number>> {
  await sql.raw(riskAlertLockSql, [RISK_ALERT_LOCK_SPACE, ruleId]);
  const rows = await sql.run(build.selectFrom('risk_alerts').select('res_id').where('rule_id', '=', ruleId));
  return new Set(rows.map((r) => r.res_id).filter((id): id is number => id !== null));
}

/**
 * Inserts alerts as Odoo's create writes them: the vals, then the defaults (state open,
 * detected_at and the audit stamps now, UTC), `uid` as author. For REST and the stream; the Odoo
 * face creates through the engine.
 */
export async function insertAlerts(sql: SqlRunner, alerts: readonly NewRiskAlert[], uid: number): Promise<void> {
  if (!alerts.length) return;
  await sql.raw(
    `INSERT INTO risk_alerts (rule_id, res_model, res_id, severity, state, detected_at, create_uid, write_uid, create_date, write_date)
     SELECT a.rule_id, a.res_model, a.res_id, a.severity, 'open', now() AT TIME ZONE 'UTC', $2, $2, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS a(rule_id int, res_model text, res_id int, severity text)`,
    [JSON.stringify(alerts), uid],
  );
}

/**
 * The stream's create: each rule's alert lock taken in rule order (no deadlock between two
 * batches), then only the (rule, record) pairs with no alert yet, in one statement. Returns the
 * alerts it created. `uid` is Odoo's superuser (1), as Odoo's own jobs create records.
 */
export async function insertAlertsOnce(sql: SqlRunner, alerts: readonly NewRiskAlert[], uid: number): Promise<NewRiskAlert[]> {
  if (!alerts.length) return [];
  const ruleIds = [...new Set(alerts.map((a) => a.rule_id))];
  await sql.raw('SELECT pg_advisory_xact_lock($1::int4, s.r) FROM (SELECT DISTINCT unnest($2::int4[]) AS r ORDER BY 1) AS s', [RISK_ALERT_LOCK_SPACE, ruleIds]);
  return sql.raw<NewRiskAlert>(
    `INSERT INTO risk_alerts (rule_id, res_model, res_id, severity, state, detected_at, create_uid, write_uid, create_date, write_date)
     SELECT a.rule_id, a.res_model, a.res_id, a.severity, 'open', now() AT TIME ZONE 'UTC', $2, $2, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS a(rule_id int, res_model text, res_id int, severity text)
      WHERE NOT EXISTS (SELECT 1 FROM risk_alerts x WHERE x.rule_id = a.rule_id AND x.res_id = a.res_id)
     RETURNING rule_id, res_model, res_id, severity`,
    [JSON.stringify(alerts), uid],
  );
}
