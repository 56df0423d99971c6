import { randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { SigningKeySet } from './keys.ts';

export const TOKEN_ISSUER = 'ficus-auth';

/** What a verified bearer token says about its holder. */
export interface Principal {
  /** res.users id. */
  userId: number;
  scopes: string[];
  tokenId: string;
  /**
   * The user's credential stamp when the token was issued (claim `cst`, see credential-stamp.ts):
   * checked on every request, so a password change or an archive ends the token at once, as it
   * ends an Odoo session.
   */
  credentialStamp?: string;
  /**
   * The login session the token belongs to (claims `sid`, the auth_tokens row of the refresh
   * token it was issued with, and `fam`, the session family every rotation of that refresh token
   * shares): revoking the session, or reusing a rotated refresh token, ends every access token of
   * the family within the session check's cache time. Absent on tokens not issued by a login
   * (`ficus token`), which only the subject check covers.
   */
  session?: { tokenId: number; family: string };
  /** Claim `exp`, seconds since the epoch. */
  expiresAt: number;
}

export interface TokenClaims {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  scope?: string;
  cst?: string;
  sid?: number;
  fam?: string;
}

/** Why a token was refused; the message is safe to show the client. */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

/** Issued by the auth service only: a compact JWS (JWT) signed with EdDSA under the current key. */
export interface TokenSubject {
  userId: number;
  scopes?: string[];
  credentialStamp?: string;
  session?: { tokenId: number; family: string };
}

export function issueToken(keys: SigningKeySet, subject: TokenSubject, ttlSeconds = 900, now = Date.now()): string {
  const header = { alg: 'EdDSA', typ: 'JWT', kid: keys.current.kid };
  const iat = Math.floor(now / 1000);
  const claims: TokenClaims = {
    iss: TOKEN_ISSUER,
    sub: String(subject.userId),
    iat,
    exp: iat + ttlSeconds,
    jti: randomUUID(),
    ...(subject.scopes?.length ? { scope: subject.scopes.join(' ') } : {}),
    ...(subject.credentialStamp ? { cst: subject.credentialStamp } : {}),
    ...(subject.session ? { sid: subject.session.tokenId, fam: subject.session.family } : {}),
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign(null, Buffer.from(signingInput), keys.current.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Finds the public key for a `kid` (a local key set, or the auth service's JWKS). */
export type KeyLookup = (kid: string) => Promise<KeyObject | undefined>;

/** How far a clock may be off: a token is accepted this long past `exp` (and before `iat`). */
export const TOKEN_LEEWAY_SECONDS = 30;
const LEEWAY_SECONDS = TOKEN_LEEWAY_SECONDS;

/** Verifies locally: no call to the auth service per request. */
export async function verifyToken(token: string, lookup: KeyLookup, now = Date.now()): Promise<Principal> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenError('malformed token');
  const [encodedHeader, encodedClaims, encodedSignature] = parts as [string, string, string];
  const header = parseJson(encodedHeader) as { alg?: unknown; kid?: unknown };
  // Only EdDSA: never let the token choose `none` or an HMAC keyed with a public key.
  if (header.alg !== 'EdDSA') throw new TokenError('unsupported token algorithm');
  if (typeof header.kid !== 'string') throw new TokenError('token has no key id');
  const key = await lookup(header.kid);
  if (!key) throw new TokenError('token signed with an unknown key');
  const valid = verify(null, Buffer.from(`${encodedHeader}.${encodedClaims}`), key, Buffer.from(encodedSignature, 'base64url'));
  if (!valid) throw new TokenError('bad token signature');
  const claims = parseJson(encodedClaims) as Partial<TokenClaims>;
  const seconds = Math.floor(now / 1000);
  if (claims.iss !== TOKEN_ISSUER) throw new TokenError('token from another issuer');
  if (typeof claims.exp !== 'number' || claims.exp + LEEWAY_SECONDS < seconds) throw new TokenError('token expired');
  if (typeof claims.iat === 'number' && claims.iat - LEEWAY_SECONDS > seconds) throw new TokenError('token issued in the future');
  // A res.users id written as the issuer writes it ("6"), nothing Number() would also accept (" 6", "6.0", "0x6").
  const userId = typeof claims.sub === 'string' && /^[1-9][0-9]{0,9}$/.test(claims.sub) ? Number(claims.sub) : NaN;
  if (!Number.isSafeInteger(userId) || userId > 2_147_483_647) throw new TokenError('token has no valid subject');
  if (claims.cst !== undefined && typeof claims.cst !== 'string') throw new TokenError('malformed token');
  const hasSession = claims.sid !== undefined || claims.fam !== undefined;
  if (hasSession && !(Number.isSafeInteger(claims.sid) && (claims.sid as number) > 0 && typeof claims.fam === 'string' && /^[0-9a-f-]{36}$/.test(claims.fam))) {
    throw new TokenError('malformed token');
  }
  return {
    userId,
    scopes: typeof claims.scope === 'string' && claims.scope ? claims.scope.split(' ') : [],
    tokenId: String(claims.jti ?? ''),
    expiresAt: claims.exp,
    ...(claims.cst ? { credentialStamp: claims.cst } : {}),
    ...(hasSession ? { session: { tokenId: claims.sid as number, family: claims.fam as string } } : {}),
  };
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function parseJson(segment: string): unknown {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) throw new Error();
    return value;
  } catch {
    throw new TokenError('malformed token');
  }
}
