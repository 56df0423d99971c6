import { Kysely, PostgresDialect } from 'kysely';
import { credentialStampOf, type Principal, type SagaOwners, type SessionState } from '../../kit/index.ts';
import { legacyDatabase, tokenHome } from '../db/token-home.ts';
import type { AuthDatabase } from '../db/tables.ts';
import { familyTokenIds, tokensState } from './sessions.ts';

/**
 * The answer every service's bearer routes get about a token (the kit caches it for half a
 * second): alive while its login session is (no revoked or deleted token in its family) and its
 * user is still active with the credentials the token was issued under, read from the monolith's
 * res_users itself rather than a service's copy, so an archive or a password change on either
 * side ends the token without waiting for a sync.
 */
export function sessionAuthority({ pool, legacyPool }: SagaOwners): (principal: Principal) => Promise<SessionState> {
  const book = new Kysely<AuthDatabase>({ dialect: new PostgresDialect({ pool }) });
  return async (principal) => {
    if (legacyPool) {
      const stamp = await credentialStampOf(legacyPool, principal.userId);
      if (stamp === undefined || (principal.credentialStamp !== undefined && principal.credentialStamp !== stamp)) return 'revoked';
    }
    if (!principal.session) return 'active';
    // The family's tokens before their home (sessions.ts tokensState): M01 may change owner meanwhile.
    const ids = await familyTokenIds(book, principal.session.family);
    const home = await tokenHome(book, legacyPool, { hold: false });
    const rows = home === 'service' || !legacyPool ? book : legacyDatabase(legacyPool);
    return tokensState(rows, ids);
  };
}
