/**
 * Row-level reconciliation between the legacy database and the service databases, with
 * business-rule checks, reports (terminal, JSON, Markdown, HTML), repair, run history and metrics.
 */
export { reconcileModules, ReconcileUsageError, type ReconcileModulesOptions } from './reconcile-modules.ts';
export { runReconciliation, type DatabaseHandle, type ReconcileRunOptions, type TableJob } from './reconcile-run.ts';
export { reconcileTable, type PendingTable, type TableReconcileOptions } from './table-reconciler.ts';
export { BUSINESS_RULES, PAID_ORDER_STATES, type BreachRepair, type BusinessRule, type RuleBreach } from './business-rules.ts';
export { FINANCE_RULES } from './finance-rules.ts';
export { USER_RULES } from './user-rules.ts';
export { BIZ_RULES } from './biz-rules.ts';
export { OPS_RULES } from './ops-rules.ts';
export { EC_RULES } from './ec-rules.ts';
export { AI_RULES } from './ai-rules.ts';
export { CONTENT_RULES } from './content-rules.ts';
export type { RuleResult } from './rule-runner.ts';
export { exitCodeOf, type ReconcileReport, type ReportSummary } from './report-model.ts';
export { surveyModuleCopies, type CopyState, type ModuleScope, type ModuleStanding, type StandingLookup } from './module-copies.ts';
export { standingFromControl } from './module-standing.ts';
export { renderReport, REPORT_FORMATS, type ReportFormat } from './report/index.ts';
export { serviceDatabaseName, databaseUrlOn, DatabasePools, tableJobsFor } from './targets.ts';
export { currentOwnerOf, type OwnerLookup, type TableOwner } from './table-owner.ts';
export { planRepair, applyRepair, describeRepairPlan, type TableRepair, type RepairResult } from './repair.ts';
export { planRuleRepairs, applyRuleRepairs, describeRuleRepairPlan, type RuleRepairPlan, type RuleRepairStep, type RuleRepairResult } from './rule-repair.ts';
export { ruleRepairSides } from './rule-repair-sides.ts';
export { ensureReconcileRunsTable, storeReconcileRun, storeFailedRun } from './control-store.ts';
export { ReconcileMetrics } from './metrics.ts';
export { scheduleDailyReconcile, type DailyReconcile, type DailyReconcileOptions } from './schedule.ts';
export { reconcileProgressReporter } from './progress.ts';
export {
  DEFAULT_NORMALISATION,
  DEFAULT_TUNING,
  type DifferenceKind,
  type LagOptions,
  type NormalisationOptions,
  type ReconcileProgress,
  type ReconcileTuning,
  type RowDifference,
  type TableResult,
} from './types.ts';
