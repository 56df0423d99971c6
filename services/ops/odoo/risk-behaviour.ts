import { createRecords, updateRecords, userError, type BehaviourRegistry, type CallContext, type ModelCaller, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { odooErrorOf, readSelf, recordsMethod } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { ALERT_ACTIONS, alertedRecordsLocked, moveAlerts, type AlertAction } from '../domain/risk-alerts.ts';
import { conditionRefusal } from '../domain/risk-condition.ts';
import { scanRules, type RiskRuleFacts, type RiskScanPorts } from '../domain/risk-scan.ts';

export const RULE_MODEL = 'hp.risk.rule';
export const ALERT_MODEL = 'hp.risk.alert';

/**
 * `self.env[model].search(domain)` inside an Odoo call: the gateway's phase-aware dispatch as
 * the calling user (`callModel`), so the rule's model is searched wherever its module lives now,
 * with that user's ACL and record rules, as Odoo's search would. An engine built outside the
 * gateway has no way to other models and refuses rather than scan nothing.
 */
function searchAsCaller(ctx: CallContext, callModel: ModelCaller | undefined): RiskScanPorts['search'] {
  return async (model, domain) => {
    if (!callModel) throw userError(`Ficus cannot search ${model} for hp.risk.rule.action_scan(): ops's engine was given no way to call other models.`);
    return (await callModel(ctx, model, 'search', [domain])) as number[];
  };
}

/** action_scan's ports inside an ORM call: `self` and the alerts through the engine (ACLs, rules, defaults), other models through the dispatch. */
function rpcScanPorts(ctx: CallContext, behaviours: BehaviourRegistry, ruleModel: ModelInfo, callModel: ModelCaller | undefined): RiskScanPorts {
  const alertModel = ctx.registry.model(ALERT_MODEL)!;
  return {
    rules: (ids) => readSelf<RiskRuleFacts>(ctx, behaviours, ruleModel, 'risk_rules', ids, ['code', 'model_name', 'condition', 'severity']),
    knowsModel: (model) => ctx.registry.model(model) !== undefined,
    search: searchAsCaller(ctx, callModel),
    // Alert.search(...) reads with the caller's read ACL (no record rules on hp.risk.alert).
    alertedRecords: (ruleId) => (ctx.access.checkModel(alertModel, 'read'), alertedRecordsLocked(onQueryable(ctx.db), ruleId)),
    createAlerts: async (alerts) => {
      // Odoo 18's create([]) returns before any access check.
      if (!alerts.length) return;
      await createRecords({ ctx, behaviours }, alertModel, alerts.map((a) => ({ ...a })));
    },
  };
}

/**
 * hp_risk (hp_risk/models/hp_risk.py) on an engine: hp.risk.rule's `_check_condition`
 * (ValidationError texts) and action_scan (domain/risk-scan.ts), hp.risk.alert's three state
 * actions (defaults come from the addon's sources through the engine). The same on svc_ops after M18's cutover and on the monolith's tables before it; only
 * `callModel` (the dispatch to other models) comes from the host.
 */
export function registerRiskBehaviours(behaviours: BehaviourRegistry, options: { callModel?: ModelCaller }): BehaviourRegistry {
  behaviours.register(RULE_MODEL, {
    checks: {
      _check_condition: {
        async flushed(ctx, ids) {
          const { rows } = await ctx.db.query<{ id: number; code: string; condition: string | null }>('SELECT id, code, condition FROM risk_rules WHERE id = ANY($1::int4[]) ORDER BY id', [ids]);
          for (const rule of rows) {
            const refusal = conditionRefusal(rule.code, rule.condition);
            if (refusal) throw odooErrorOf(refusal);
          }
        },
      },
    },
    methods: {
      action_scan: recordsMethod('HpRiskRule.action_scan', [], (ctx, model, ids) => scanRules(rpcScanPorts(ctx, behaviours, model, options.callModel), ids)),
    },
  });
  behaviours.register(ALERT_MODEL, {
    methods: Object.fromEntries(
      (Object.keys(ALERT_ACTIONS) as AlertAction[]).map((action) => [
        action,
        recordsMethod(`HpRiskAlert.${action}`, [], (ctx, model, ids) =>
          moveAlerts({ write: async (alertIds, vals) => void (await updateRecords({ ctx, behaviours }, model, [...alertIds], { ...vals })) }, ids, action)),
      ]),
    ),
  });
  return behaviours;
}

/** The business methods hp_risk defines (OPS_BUSINESS_METHODS' line). */
export const RISK_BUSINESS_METHODS = {
  [RULE_MODEL]: ['action_scan'],
  [ALERT_MODEL]: Object.keys(ALERT_ACTIONS),
} as const;
