import type pg from 'pg';
import { currentCredentialStamp } from '../../../platform/credential-stamp.ts';

/**
 * A bearer token is bound to its user's credentials the way Odoo binds a session
 * (`res.users._compute_session_token`; the gateway's sessions use the same digest,
 * platform/credential-stamp.ts): the issuer puts a digest of the user's login and password hash
 * in the token (claim `cst`), and every request compares it with the digest of the row as it is
 * now. Changing the password or the login changes the digest; the token stops working at once.
 * The digest is one-way: the token carries nothing an attacker could use to learn the password hash.
 */
export function credentialStampOf(pool: pg.Pool, uid: number): Promise<string | undefined> {
  return currentCredentialStamp(pool, uid);
}
