import { sql, type Kysely } from 'kysely';

/** Time zone names PostgreSQL accepted (or refused) once: the answer does not change while the process runs. */
const known = new Map<string, boolean>();

/**
 * The user's time zone for their health-data periods: res.partner.tz of the user (Odoo's own
 * preference, a tz database name), UTC when unset or not a zone the database knows (Odoo's
 * selection lists pytz's names; PostgreSQL's tz database may lack an obsolete one).
 */
export async function userTimeZone(rows: Kysely<any>, userId: number): Promise<string> {
  const { rows: found } = await sql<{ tz: string | null }>`
    SELECT p.tz FROM res_users AS u JOIN res_partner AS p ON p.id = u.partner_id WHERE u.id = ${userId}`.execute(rows);
  const tz = found[0]?.tz;
  if (!tz) return 'UTC';
  return (await isKnownZone(rows, tz)) ? tz : 'UTC';
}

async function isKnownZone(rows: Kysely<any>, tz: string): Promise<boolean> {
  const cached = known.get(tz);
  if (cached !== undefined) return cached;
  // A POSIX-style spec ('UTC+3', '<+03>-3') is a valid PostgreSQL zone but not a user's tz: names only.
  let valid = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz) && !/^(UTC|GMT)[+-]/.test(tz);
  if (valid) valid = await sql`SELECT now() AT TIME ZONE ${tz}`.execute(rows).then(() => true, () => false);
  known.set(tz, valid);
  return valid;
}
