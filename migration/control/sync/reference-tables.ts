/**
 * Legacy tables a service database keeps a read-only copy of, so that the ORM engine can serve
 * the service's Odoo models from the service database alone: the model registry (ir_model*),
 * access rights and record rules (ir_model_access, ir_rule, groups), and the users and partners
 * that many2one values display. They stay owned by the legacy side (or by the auth/user
 * services later) and are only ever synced forward. The list is what the engine reads for
 * search/read/read_group/create/write/unlink and business methods (measured by logging its SQL).
 */
export const ENGINE_REFERENCE_TABLES = [
  'ir_default', 'ir_model', 'ir_model_access', 'ir_model_constraint', 'ir_model_data', 'ir_model_fields',
  'ir_model_fields_selection', 'ir_module_category', 'ir_module_module', 'ir_rule', 'res_company',
  'res_company_users_rel', 'res_groups', 'res_groups_implied_rel', 'res_groups_users_rel', 'res_lang',
  'res_currency', 'res_partner', 'res_users', 'rule_group_rel',
] as const;
