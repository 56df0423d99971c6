import type { SessionCheck } from '../auth/session-check.ts';
import type { SubjectCheck } from '../auth/subject-check.ts';
import type { Principal, KeyLookup } from '../auth/tokens.ts';
import { TokenError } from '../auth/tokens.ts';
import { verifiedTokensFor } from '../auth/verified-tokens.ts';
import { problems } from './problem.ts';

/**
 * `Authorization: Bearer <token>` → the verified principal, or a 401 problem saying why: the
 * signature and claims (locally, against the auth service's keys; remembered per token until it
 * expires, auth/verified-tokens.ts), then the subject against the
 * service database (`subject`: exists, active, credentials unchanged since the token was issued),
 * then its login session with the token authority (`session`: not logged out, not revoked).
 */
export async function authenticate(authorization: string | undefined, lookup: KeyLookup, requiredScopes: string[] = [], subject?: SubjectCheck, session?: SessionCheck): Promise<Principal> {
  const match = authorization ? /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/.exec(authorization) : null;
  if (!match) throw problems.unauthorized('a bearer token issued by the auth service is required');
  let principal: Principal;
  try {
    principal = await verifiedTokensFor(lookup).verify(match[1]!);
  } catch (error) {
    if (error instanceof TokenError) throw problems.unauthorized(error.message);
    throw error;
  }
  if (subject) await subject(principal);
  if (session) await session(principal, match[1]!);
  const missing = requiredScopes.filter((s) => !principal.scopes.includes(s));
  if (missing.length) throw problems.forbidden(`the token lacks scope ${missing.join(', ')}`);
  return principal;
}
