import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Odoo ties a session to the user's password hash (`res.users._compute_session_token`), so
 * changing the password or the login, or archiving the user, ends every session. Ficus keeps a
 * one-way digest of the same facts in what it hands out (a gateway session, a bearer token's
 * `cst` claim) and compares it with the row as it is now on each use. Undefined for a user that
 * does not exist or is archived: nothing of theirs may be used.
 */
export async function currentCredentialStamp(pool: pg.Pool, uid: number): Promise<string | undefined> {
  const { rows } = await pool.query<{ password: string | null; active: boolean; login: string }>(
    'SELECT password, active, login FROM res_users WHERE id = $1',
    [uid],
  );
  const user = rows[0];
  if (!user || !user.active) return undefined;
  return credentialDigest(uid, user.login, user.password);
}

/** The digest itself: the user's id, login and password hash, nothing an attacker could reverse. */
export function credentialDigest(uid: number, login: string, passwordHash: string | null): string {
  return createHash('sha256').update(`${uid}\0${login}\0${passwordHash ?? ''}`).digest('base64url');
}
