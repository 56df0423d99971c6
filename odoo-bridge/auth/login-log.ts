import type pg from 'pg';

/** What a login's bookkeeping needs of the database: its queries, and its model calls as the user. */
export interface LoginBookkeepingTarget {
  pool: Pick<pg.Pool, 'query'>;
  /** A model call as `uid` (the gateway's call router), for the browser timezone write. */
  writeUserTimezone?: (uid: number, tz: string) => Promise<unknown>;
}

/**
 * What res.users `_login` does once the credentials are accepted (base res_users.py), for every
 * login that goes through it: `common.login`/`common.authenticate` over XML-RPC and JSON-RPC,
 * `/web/session/authenticate`, the login page, and the auth service's password login on the
 * monolith. Calls that only check a password or a key (`execute_kw`'s `res.users.check`, JSON-2's
 * bearer key) do not go through `_login` and leave nothing.
 *
 * 1. A browser timezone (the `tz` cookie of the request) that the tz database knows becomes the
 *    user's `tz` when the user has none or has never logged in (`not user.tz or not
 *    user.login_date`), written as the user (`user.tz = tz` on `user.with_user(user)`).
 * 2. `_update_last_login`: `res.users.log.sudo().create({})` as the user, a row whose only values
 *    are the log columns (create_uid/write_uid the user, create_date/write_date the transaction's
 *    UTC now, as `cr.now()`). `login_date` (the latest row's create_date) and auth_signup's
 *    `state` ('active' once a row exists) follow from it.
 */
export async function recordSuccessfulLogin(target: LoginBookkeepingTarget, uid: number, browserTimezone?: string | null): Promise<void> {
  if (browserTimezone && target.writeUserTimezone && (await timezoneToAdopt(target.pool, uid, browserTimezone))) {
    await target.writeUserTimezone(uid, browserTimezone);
  }
  await target.pool.query(
    `INSERT INTO res_users_log (create_uid, write_uid, create_date, write_date)
     VALUES ($1, $1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')`,
    [uid],
  );
}

/**
 * `tz in pytz.all_timezones and (not user.tz or not user.login_date)`: the zone names of the tz
 * database as PostgreSQL lists them (the IANA database pytz ships), the user's partner's tz and
 * whether the user has a log row.
 */
async function timezoneToAdopt(pool: Pick<pg.Pool, 'query'>, uid: number, tz: string): Promise<boolean> {
  const { rows } = await pool.query<{ adopt: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $2)
        AND (COALESCE(p.tz, '') = '' OR NOT EXISTS (SELECT 1 FROM res_users_log l WHERE l.create_uid = u.id)) AS adopt
       FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`,
    [uid, tz],
  );
  return rows[0]?.adopt === true;
}

/** The `tz` cookie of a request's `Cookie` header (werkzeug's cookie parsing: the first one named `tz`), if any. */
export function timezoneCookie(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== 'tz') continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return null;
}
