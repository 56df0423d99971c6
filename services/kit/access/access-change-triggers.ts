import type pg from 'pg';

/** The channel a service database NOTIFYs when anything its REST access checks read may have changed. */
export const ACCESS_CHANNEL = 'ficus_access';

const FUNCTION = 'ficus_access_changed';

/** No payload: any change voids every cached table and user (changes are rare next to calls). */
const FUNCTION_SOURCE = `
BEGIN
  PERFORM pg_notify('${ACCESS_CHANNEL}', '');
  RETURN NULL;
END`;

interface TriggerSpec {
  readonly name: string;
  readonly table: string;
  /** The AFTER events, as CREATE TRIGGER takes them. */
  readonly events: string;
  /** `FOR EACH ...` and an optional WHEN. */
  readonly level: string;
}

const ANY_WRITE = { events: 'INSERT OR UPDATE OR DELETE OR TRUNCATE', level: 'FOR EACH STATEMENT' };
const TRUNCATE = { events: 'TRUNCATE', level: 'FOR EACH STATEMENT' };
const changed = (...columns: string[]) => columns.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ');

/**
 * What the access policy reads (access-tables.ts, user-facts.ts), table by table. Tables written
 * only for access are watched on any statement. The big, busy ones are watched only on the
 * columns the policy reads, row by row: the forward sync rewrites a user's row on every login
 * (login_date) and a partner's on every edit, and those must not void the caches. pg_notify
 * folds identical notifications of one transaction, so a mass change still sends one, at commit.
 */
const TRIGGERS: readonly TriggerSpec[] = [
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

/** A stable key for the advisory lock that serialises installs by several processes of one service. */
const INSTALL_LOCK = 0x66616363; // "facc"

/**
 * Makes the service database NOTIFY on ACCESS_CHANNEL when its copy of the access tables changes,
 * whoever writes it (the forward sync, the legacy commands' applier, a test, psql). Only tables
 * that exist are given triggers: before the backfill none do, and the feed's periodic check
 * (triggersInPlace) sees the new tables and installs theirs. ENABLE ALWAYS: the copy is also
 * written under session_replication_role = replica (reconcile repairs), which skips ordinary
 * triggers. Returns false when it cannot install (not the owner, a lock it did not get in
 * `lockTimeoutMs`): the caller then keeps the short TTL.
 */
export async function ensureAccessTriggers(pool: pg.Pool, lockTimeoutMs = 2000): Promise<boolean> {
  if (await triggersInPlace(pool)) return true;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [INSTALL_LOCK]);
    await client.query(`CREATE OR REPLACE FUNCTION ${FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $ficus$${FUNCTION_SOURCE}$ficus$`);
    for (const trigger of TRIGGERS) {
      const { rows } = await client.query<{ exists: boolean; present: boolean }>(
        `SELECT to_regclass($2) IS NOT NULL AS exists,
                EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = $1 AND tgrelid = to_regclass($2) AND NOT tgisinternal) AS present`,
        [trigger.name, trigger.table],
      );
      if (!rows[0]!.exists) continue;
      if (!rows[0]!.present) await client.query(`CREATE TRIGGER ${trigger.name} AFTER ${trigger.events} ON ${trigger.table} ${trigger.level} EXECUTE FUNCTION ${FUNCTION}()`);
      await client.query(`ALTER TABLE ${trigger.table} ENABLE ALWAYS TRIGGER ${trigger.name}`);
    }
    await client.query('COMMIT');
    return true;
  } catch {
    await client.query('ROLLBACK').catch(() => undefined);
    return false;
  } finally {
    client.release();
  }
}

/** Whether the function is this version's and every existing watched table has its triggers, enabled always. */
export async function triggersInPlace(db: Pick<pg.Pool, 'query'> | Pick<pg.Client, 'query'>): Promise<boolean> {
  const { rows } = await db.query<{ source: string | null; expected: number; present: number }>(
    `SELECT (SELECT prosrc FROM pg_proc WHERE proname = $1 AND pronamespace = current_schema()::regnamespace) AS source,
            (SELECT count(*)::int FROM unnest($2::text[], $3::text[]) AS s(name, tab) WHERE to_regclass(s.tab) IS NOT NULL) AS expected,
            (SELECT count(*)::int FROM unnest($2::text[], $3::text[]) AS s(name, tab)
               JOIN pg_trigger t ON t.tgname = s.name AND t.tgrelid = to_regclass(s.tab) AND NOT t.tgisinternal AND t.tgenabled = 'A'
                AND t.tgfoid = to_regprocedure($1 || '()')) AS present`,
    [FUNCTION, TRIGGERS.map((t) => t.name), TRIGGERS.map((t) => t.table)],
  );
  const row = rows[0];
  return row?.source === FUNCTION_SOURCE && row.expected === row.present;
}
