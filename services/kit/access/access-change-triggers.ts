import type { NotifyTrigger, NotifyTriggerSet } from '../../../platform/notify-triggers.ts';

/** The channel a service database NOTIFYs when anything its access checks (REST, and the gateway's engine over it) read may have changed. */
export const ACCESS_CHANNEL = 'ficus_access';

/** No payload: any change voids every cached table and user (changes are rare next to calls). */
const FUNCTION_SOURCE = `
BEGIN
  PERFORM pg_notify('${ACCESS_CHANNEL}', '');
  RETURN NULL;
END`;

const ANY_WRITE = { events: 'INSERT OR UPDATE OR DELETE OR TRUNCATE', level: 'FOR EACH STATEMENT' };
const TRUNCATE = { events: 'TRUNCATE', level: 'FOR EACH STATEMENT' };
const changed = (...columns: string[]) => columns.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ');

/**
 * What the access policy reads (access-tables.ts, with the field-groups catalog's group names and
 * categories; user-facts.ts), table by table: the REST checks' policy and the gateway's engine
 * over the same service database (migration-runtime.ts) both reload on it. Tables written
 * only for access are watched on any statement. The big, busy ones are watched only on the
 * columns the policy reads, row by row: the forward sync rewrites a user's row on every login
 * (login_date) and a partner's on every edit, and those must not void the caches. pg_notify
 * folds identical notifications of one transaction, so a mass change still sends one, at commit.
 */
const TRIGGERS: readonly NotifyTrigger[] = [
  ...['ir_model_access', 'ir_rule', 'rule_group_rel', 'res_groups', 'res_groups_users_rel', 'res_groups_implied_rel',
    'res_company_users_rel', 'ir_model', 'ir_module_category'].map((table) => ({ name: 'ficus_access_changed', table, ...ANY_WRITE })),
  // A new user matters too: an unknown uid is remembered as "no such user".
  { name: 'ficus_access_changed', table: 'res_users', events: 'INSERT OR DELETE', level: 'FOR EACH ROW' },
  { name: 'ficus_access_updated', table: 'res_users', events: 'UPDATE', level: `FOR EACH ROW WHEN (${changed('id', 'active', 'share', 'partner_id', 'company_id')})` },
  { name: 'ficus_access_truncated', table: 'res_users', ...TRUNCATE },
  { name: 'ficus_access_changed', table: 'res_partner', events: 'DELETE', level: 'FOR EACH ROW' },
  { name: 'ficus_access_updated', table: 'res_partner', events: 'UPDATE', level: `FOR EACH ROW WHEN (${changed('id', 'name', 'commercial_partner_id')})` },
  { name: 'ficus_access_truncated', table: 'res_partner', ...TRUNCATE },
  { name: 'ficus_access_changed', table: 'res_company', events: 'DELETE', level: 'FOR EACH ROW' },
  { name: 'ficus_access_updated', table: 'res_company', events: 'UPDATE', level: `FOR EACH ROW WHEN (${changed('id', 'name', 'sequence')})` },
  { name: 'ficus_access_truncated', table: 'res_company', ...TRUNCATE },
  // Only groups' xml ids are read (has_group, declared rules' groups).
  { name: 'ficus_access_inserted', table: 'ir_model_data', events: 'INSERT', level: `FOR EACH ROW WHEN (NEW.model = 'res.groups')` },
  { name: 'ficus_access_updated', table: 'ir_model_data', events: 'UPDATE', level: `FOR EACH ROW WHEN ((OLD.model = 'res.groups' OR NEW.model = 'res.groups') AND (${changed('module', 'name', 'model', 'res_id')}))` },
  { name: 'ficus_access_deleted', table: 'ir_model_data', events: 'DELETE', level: `FOR EACH ROW WHEN (OLD.model = 'res.groups')` },
  { name: 'ficus_access_truncated', table: 'ir_model_data', ...TRUNCATE },
];

/**
 * Makes the service database NOTIFY on ACCESS_CHANNEL when its copy of the access tables changes,
 * whoever writes it (the forward sync, the legacy commands' applier, a test, psql). Only tables
 * that exist are given triggers: before the backfill none do, and the feed's periodic check sees
 * the new tables and installs theirs. Enabled always: the copy is also written under
 * session_replication_role = replica (reconcile repairs), which skips ordinary triggers.
 */
export const ACCESS_TRIGGERS: NotifyTriggerSet = {
  channel: ACCESS_CHANNEL,
  functionName: 'ficus_access_changed',
  functionSource: FUNCTION_SOURCE,
  triggers: TRIGGERS,
  installLock: 0x66616363, // "facc"
  alwaysEnabled: true,
};
