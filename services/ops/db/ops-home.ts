import { moduleHome, type ModuleHome, type RowHome } from '../../kit/index.ts';
import type { OpsLegacyTables } from './tables.ts';

/**
 * Where the rows of each of ops's modules live right now (the kit's moduleHome): the monolith's
 * tables until the control plane records ops as that module's owner, svc_ops from its cutover on.
 * M05, M17 and M18 change owner on their own (nothing writes two of them in one transaction), so
 * each has its own home: a REST route or event handler asks the home of the module it touches.
 */
export type OpsHome = RowHome;
export type OpsModuleHome = ModuleHome<OpsLegacyTables>;

/** M05 (hp_growth): hp.rating → ratings, hp.certification → certifications. */
export const growthHome: OpsModuleHome = moduleHome<OpsLegacyTables>(['M05']);
/** M17 (hp_operations): hp.operation → operations, hp.notification → notifications. */
export const operationsHome: OpsModuleHome = moduleHome<OpsLegacyTables>(['M17']);
/** M18 (hp_risk): hp.risk.rule → risk_rules, hp.risk.alert → risk_alerts, hp.audit.log → audit_logs. */
export const riskHome: OpsModuleHome = moduleHome<OpsLegacyTables>(['M18']);
