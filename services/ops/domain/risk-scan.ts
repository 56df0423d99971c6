import type { RiskSeverity } from '../db/tables.ts';
import { conditionDomain, type RiskDomain } from './risk-condition.ts';
import { OpsRefused } from './ops-refusal.ts';

/** What action_scan reads of a rule (`self`'s fields). */
export interface RiskRuleFacts {
  id: number;
  code: string;
  model_name: string;
  condition: string | null;
  severity: RiskSeverity;
}

/** One alert action_scan creates: `{'rule_id', 'res_model', 'res_id', 'severity'}`, the rest the model's defaults (open, now). */
export interface NewRiskAlert {
  rule_id: number;
  res_model: string;
  res_id: number;
  severity: RiskSeverity;
}

/**
 * What a scan works through, given by the edge: the Odoo face (the engine's reads and creates,
 * other models through the gateway's dispatch as the caller) or REST (the caller's access port,
 * the dispatch through the platform's Odoo calls).
 */
export interface RiskScanPorts {
  /** `self`: the rules as Python first reads them (read ACL, missing ids, read rules), by id. */
  rules(ids: readonly number[]): Promise<ReadonlyMap<number, RiskRuleFacts>>;
  /** `model_name in self.env`. */
  knowsModel(model: string): boolean | Promise<boolean>;
  /** `self.env[model].search(domain)` with the caller's rights (ACL, record rules, active test). */
  search(model: string, domain: RiskDomain): Promise<readonly number[]>;
  /**
   * `Alert.search([('rule_id', '=', rule_id)]).mapped('res_id')`, holding the rule's alert lock
   * until the transaction ends (riskAlertLock): a stream evaluation of the same rule waits, so
   * neither creates an alert the other is creating.
   */
  alertedRecords(ruleId: number): Promise<ReadonlySet<number>>;
  /** `Alert.create(vals)` (create ACL and rules, defaults). */
  createAlerts(alerts: readonly NewRiskAlert[]): Promise<void>;
}

/**
 * hp.risk.rule.action_scan (hp_risk.py): for each rule of `self` in order (a repeated id runs
 * again and finds its alerts already there), refuse an unknown model, search the rule's model
 * with its condition, and create one open alert per matching record not already alerted for
 * that rule. Returns how many it created. One transaction: a refusal on a later rule undoes the
 * alerts of the earlier ones, as in Odoo.
 */
export async function scanRules(ports: RiskScanPorts, ids: readonly number[]): Promise<number> {
  const rules = await ports.rules(ids);
  let created = 0;
  for (const id of ids) {
    const rule = rules.get(id)!;
    if (!(await ports.knowsModel(rule.model_name))) throw new OpsRefused('invalid', `Unknown model ${rule.model_name}.`);
    const records = await ports.search(rule.model_name, conditionDomain(rule.code, rule.condition));
    const existing = await ports.alertedRecords(rule.id);
    const alerts = newAlerts(rule, records, existing);
    await ports.createAlerts(alerts);
    created += alerts.length;
  }
  return created;
}

/** One alert per record of `records` (in the search's order) not in `existing`, each record once. */
export function newAlerts(rule: Pick<RiskRuleFacts, 'id' | 'model_name' | 'severity'>, records: readonly number[], existing: ReadonlySet<number>): NewRiskAlert[] {
  const seen = new Set(existing);
  const alerts: NewRiskAlert[] = [];
  for (const resId of records) {
    if (seen.has(resId)) continue;
    seen.add(resId);
    alerts.push({ rule_id: rule.id, res_model: rule.model_name, res_id: resId, severity: rule.severity });
  }
  return alerts;
}

/**
 * The transaction-scoped advisory lock of one rule's alerts: a scan and a stream evaluation of
 * the same rule take it before reading which records are alerted, so "not already alerted" holds
 * between them (Python's action_scan alone has no such guard; two concurrent scans could both
 * create). Key space 0x52495348 ("RISH") keeps it apart from other advisory locks.
 */
export const RISK_ALERT_LOCK_SPACE = 0x52495348;
export const riskAlertLockSql = 'SELECT pg_advisory_xact_lock($1::int4, $2::int4)';
