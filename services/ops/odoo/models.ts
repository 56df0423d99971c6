import type { ServedModel } from '../../kit/index.ts';

/** The Odoo models the ops service serves once M05, M17 and M18 reach phase `service`, with their legacy tables. */
export const OPS_ODOO_MODELS: readonly ServedModel[] = [
  { model: 'hp.rating', table: 'ratings', module: 'M05' },
  { model: 'hp.certification', table: 'certifications', module: 'M05' },
  { model: 'hp.operation', table: 'operations', module: 'M17' },
  { model: 'hp.notification', table: 'notifications', module: 'M17' },
  { model: 'hp.risk.rule', table: 'risk_rules', module: 'M18' },
  { model: 'hp.risk.alert', table: 'risk_alerts', module: 'M18' },
  { model: 'hp.audit.log', table: 'audit_logs', module: 'M18' },
];
