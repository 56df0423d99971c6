import { issueToken, type TokenSubject } from './tokens.ts';
import type { SigningKeySet } from './keys.ts';

/** Signs access tokens with the current key; only a runtime holding the private keys has one. */
export interface TokenSigner {
  issue(subject: TokenSubject, ttlSeconds: number): string;
}

/** Reads the key set on every call, so a rotation takes effect without a restart. */
export function keySetSigner(keys: () => SigningKeySet): TokenSigner {
  return { issue: (subject, ttlSeconds) => issueToken(keys(), subject, ttlSeconds) };
}
