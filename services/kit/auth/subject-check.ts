import type pg from 'pg';
import { problems } from '../http/problem.ts';
import { gatheredCredentialStamps } from './gathered-stamps.ts';
import type { Principal } from './tokens.ts';

/** After the signature: is the token's subject still someone who may act? Throws a 401 problem if not. */
export type SubjectCheck = (principal: Principal) => Promise<void>;

/**
 * The token's subject must be an existing, active res.users row of the service database's copy
 * (synced from the monolith, later from the user service), and the token's credential stamp, when
 * it carries one, must still match that row. One primary-key read per request and no cache, so
 * an archive or a password change takes effect on the next request (requests arriving together
 * share one statement: gathered-stamps.ts); measured at 0.4 ms (pool round trip
 * included) against 3.4 ms for a whole small GET on the embedded cluster (test/services/trade/rest-security.db.test.ts prints it), cheaper than
 * getting a cache's invalidation right. Unknown and archived users get the same answer, so the
 * answer says nothing about which ids exist.
 */
export function databaseSubjectCheck(pool: pg.Pool): SubjectCheck {
  const stampOf = gatheredCredentialStamps(pool);
  return async (principal) => {
    const stamp = await stampOf(principal.userId);
    if (stamp === undefined) throw problems.unauthorized('the token\'s user does not exist or is archived');
    if (principal.credentialStamp !== undefined && principal.credentialStamp !== stamp) {
      throw problems.unauthorized('the token was issued before the user\'s credentials changed; sign in again');
    }
  };
}
