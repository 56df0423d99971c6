import type pg from 'pg';
import { credentialStampOf, problems, type TokenSigner } from '../../kit/index.ts';
import { ACCESS_TOKEN_TTL_SECONDS, type IssuedSession } from './sessions.ts';

/** What /auth/login and /auth/refresh answer (RFC 6749 §5.1 field names, which clients expect). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_at: string;
  user_id: number;
}

/**
 * An access token for a session: an EdDSA JWT naming the user, the credential stamp of their
 * res_users row as it is now in the monolith (a later password change or archive ends it), and
 * the session it belongs to (ended by logout, revocation or reuse).
 */
export async function tokenResponse(signer: TokenSigner | null, legacyUsers: pg.Pool, session: IssuedSession): Promise<TokenResponse> {
  if (!signer) throw problems.unavailable('this auth service does not hold the signing keys');
  const credentialStamp = await credentialStampOf(legacyUsers, session.userId);
  if (credentialStamp === undefined) throw problems.unauthorized('the user does not exist or is archived');
  const accessToken = signer.issue({ userId: session.userId, credentialStamp, session: { tokenId: session.tokenId, family: session.family } }, ACCESS_TOKEN_TTL_SECONDS);
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: session.refreshToken,
    refresh_expires_at: `${session.refreshExpiresAt.replace(' ', 'T')}Z`,
    user_id: session.userId,
  };
}
