import type pg from 'pg';

/** The channel the legacy database NOTIFYs when a user's credentials may have changed. */
export const CREDENTIALS_CHANNEL = 'ficus_credentials';

const FUNCTION = 'ficus_credentials_changed';

/**
 * The payload is the user id whose credentials may have changed, or `*` (every user: a
 * TRUNCATE). Any UPDATE of a `res_users` row counts, not only of the columns read at login
 * (password, active, totp_secret): a column auth_totp adds later is covered without a new
 * trigger, and writes to res_users are rare next to RPC calls. An API key's row changing or
 * going away (revocation) is a change of its owner's credentials; a new key is not (nothing
 * remembered can depend on a key that did not exist). pg_notify folds duplicate payloads within
 * one transaction, so a mass update sends each id once, at commit.
 */
const FUNCTION_SOURCE = `
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('${CREDENTIALS_CHANNEL}', '*');
  ELSIF TG_TABLE_NAME = 'res_users' THEN
    PERFORM pg_notify('${CREDENTIALS_CHANNEL}', OLD.id::text);
  ELSE
    PERFORM pg_notify('${CREDENTIALS_CHANNEL}', OLD.user_id::text);
    IF TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id THEN
      PERFORM pg_notify('${CREDENTIALS_CHANNEL}', NEW.user_id::text);
    END IF;
  END IF;
  RETURN NULL;
END`;

const TRIGGERS = [
  { name: 'ficus_credentials_changed', table: 'res_users', timing: 'AFTER UPDATE OR DELETE', level: 'FOR EACH ROW' },
  { name: 'ficus_credentials_changed', table: 'res_users_apikeys', timing: 'AFTER UPDATE OR DELETE', level: 'FOR EACH ROW' },
  { name: 'ficus_credentials_truncated', table: 'res_users', timing: 'AFTER TRUNCATE', level: 'FOR EACH STATEMENT' },
  { name: 'ficus_credentials_truncated', table: 'res_users_apikeys', timing: 'AFTER TRUNCATE', level: 'FOR EACH STATEMENT' },
] as const;

/** A stable key for the advisory lock that serialises installs by several gateway processes. */
const INSTALL_LOCK = 0x66696375; // "ficu"

/**
 * Makes the legacy database NOTIFY on CREDENTIALS_CHANNEL when a user's password, activity,
 * second factor or API keys change, whoever changes them (the monolith, Ficus, psql).
 *
 * This is the one thing Ficus adds to the legacy schema besides CDC's publication and slot: a
 * function and four triggers, which change nothing Odoo reads or writes. Already in place (the
 * usual case) it takes no lock at all; installing takes CREATE TRIGGER's lock on the two tables,
 * which blocks writes to them (never reads), with a short lock_timeout so that a long
 * transaction in the monolith makes the install give up rather than queue Odoo behind it.
 * Returns false when it cannot install (not the tables' owner, the lock timed out): the caller
 * then reads credentials on every call, as without the triggers.
 */
export async function ensureCredentialTriggers(pool: pg.Pool, lockTimeoutMs = 2000): Promise<boolean> {
  if (await triggersInPlace(pool)) return true;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [INSTALL_LOCK]);
    await client.query(`CREATE OR REPLACE FUNCTION ${FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $ficus$${FUNCTION_SOURCE}$ficus$`);
    for (const trigger of TRIGGERS) {
      const { rowCount } = await client.query(`SELECT 1 FROM pg_trigger WHERE tgname = $1 AND tgrelid = to_regclass($2) AND NOT tgisinternal`, [trigger.name, trigger.table]);
      if (!rowCount) await client.query(`CREATE TRIGGER ${trigger.name} ${trigger.timing} ON ${trigger.table} ${trigger.level} EXECUTE FUNCTION ${FUNCTION}()`);
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

/** Whether the function and all four triggers are there, as this version installs them. */
export async function triggersInPlace(db: Pick<pg.Pool, 'query'> | Pick<pg.Client, 'query'>): Promise<boolean> {
  const { rows } = await db.query<{ source: string | null; triggers: number }>(
    `SELECT (SELECT prosrc FROM pg_proc WHERE proname = $1 AND pronamespace = current_schema()::regnamespace) AS source,
            (SELECT count(*)::int FROM pg_trigger
              WHERE NOT tgisinternal AND tgfoid = to_regprocedure($1 || '()')
                AND tgrelid IN (to_regclass('res_users'), to_regclass('res_users_apikeys'))) AS triggers`,
    [FUNCTION],
  );
  return rows[0]?.source === FUNCTION_SOURCE && rows[0].triggers === TRIGGERS.length;
}
