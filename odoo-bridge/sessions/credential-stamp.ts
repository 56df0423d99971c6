import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Odoo ties a session to the user's password hash (`_compute_session_token`), so changing the
 * password or archiving the user ends every session. Ficus keeps a digest of the same facts in
 * the session and compares it on each use.
 */
export async function currentCredentialStamp(pool: pg.Pool, uid: number): Promise<string | undefined> {
  const { rows } = await pool.query<{ password: string | null; active: boolean; login: string }>(
    'SELECT password, active, login FROM res_users WHERE id = $1',
    [uid],
  );
  const user = rows[0];
  if (!user || !user.active) return undefined;
  return createHash('sha256').update(`${uid}\0${user.login}\0${user.password ?? ''}`).digest('base64url');
}
