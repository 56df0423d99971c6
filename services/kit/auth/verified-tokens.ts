import type { KeyObject } from 'node:crypto';
import { TOKEN_LEEWAY_SECONDS, verifyToken, type KeyLookup, type Principal } from './tokens.ts';

/**
 * A token's signature and claims, once verified, do not change until it expires: verifying them
 * again on every request of a busy client is an Ed25519 check, two base64 decodes and two JSON
 * parses each time (the largest single cost of a small GET in bench/feed.ts's profile). This memo
 * keeps what verifyToken answered, by the token's exact text, until the token's own `exp` (with
 * verifyToken's leeway), and only while the key lookup still hands out the very key that checked
 * it: a key rotated out (or a JWKS refetch) sends the token through verifyToken again. Revocation
 * is not the memo's business and stays as it was: the subject check (archived user, changed
 * password) and the session check (logout, revoked session) run on every request after it.
 * Bounded: past `maxEntries` the oldest go first.
 */
export interface VerifiedTokens {
  verify(token: string, now?: number): Promise<Principal>;
}

interface Verified {
  principal: Principal;
  kid: string;
  key: KeyObject;
}

export function verifiedTokens(lookup: KeyLookup, options: { maxEntries?: number } = {}): VerifiedTokens {
  const maxEntries = options.maxEntries ?? 20_000;
  const memo = new Map<string, Verified>();
  return {
    async verify(token, now = Date.now()) {
      const known = memo.get(token);
      if (known) {
        const stillValid = known.principal.expiresAt + TOKEN_LEEWAY_SECONDS >= Math.floor(now / 1000);
        if (stillValid && (await lookup(known.kid)) === known.key) return known.principal;
        memo.delete(token);
      }
      const principal = await verifyToken(token, lookup, now);
      // verifyToken accepted the header, so it is JSON with a string kid; the key is the one it used.
      const kid = (JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as { kid: string }).kid;
      const key = await lookup(kid);
      if (key) {
        // Shared by every request that brings this token: nobody may change it.
        Object.freeze(principal.scopes);
        if (principal.session) Object.freeze(principal.session);
        memo.set(token, { principal: Object.freeze(principal), kid, key });
        if (memo.size > maxEntries) memo.delete(memo.keys().next().value!);
      }
      return principal;
    },
  };
}

const byLookup = new WeakMap<KeyLookup, VerifiedTokens>();

/** One memo per key lookup (a service's keys): what authenticate() uses. */
export function verifiedTokensFor(lookup: KeyLookup): VerifiedTokens {
  let tokens = byLookup.get(lookup);
  if (!tokens) {
    tokens = verifiedTokens(lookup);
    byLookup.set(lookup, tokens);
  }
  return tokens;
}
