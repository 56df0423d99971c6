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
  return resolvedZone(rows, found[0]?.tz);
}

/**
 * In svc_user: the user's time zone (as userTimeZone) and the zone their daily rollup is kept in
 * (health_rollup_zones, migration 0004; null before they have one), in one round trip. The rollup
 * answers for the user only while the two are the same.
 */
export async function userZoneAndRollupZone(rows: Kysely<any>, userId: number): Promise<{ tz: string; rollupZone: string | null }> {
  const { rows: found } = await sql<{ tz: string | null; rollup_zone: string | null }>`
    SELECT (SELECT p.tz FROM res_users AS u JOIN res_partner AS p ON p.id = u.partner_id WHERE u.id = ${userId}) AS tz,
           (SELECT z.time_zone FROM health_rollup_zones AS z WHERE z.user_id = ${userId}) AS rollup_zone`.execute(rows);
  return { tz: await resolvedZone(rows, found[0]?.tz), rollupZone: found[0]?.rollup_zone ?? null };
}

async function resolvedZone(rows: Kysely<any>, tz: string | null | undefined): Promise<string> {
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
