import type { KeyObject } from 'node:crypto';
import { publicKeyFromJwk, type PublicJwk, type SigningKeySet } from './keys.ts';
import type { KeyLookup } from './tokens.ts';

/** Embedded mode: the auth service's key set is in the same process. */
export function localKeyLookup(keys: () => SigningKeySet): KeyLookup {
  // The set's own key objects: exporting them to JWKs and importing those back cost more per
  // request than the signature check itself.
  return async (kid) => {
    const set = keys();
    return [set.current, ...set.previous].find((k) => k.kid === kid)?.publicKey;
  };
}

/**
 * Distributed mode: the auth service's JWKS endpoint, cached. An unknown `kid` (a rotation
 * happened) triggers a refetch, at most once per `minRefetchMs`, so a flood of forged kids
 * cannot hammer the auth service.
 */
export function remoteKeyLookup(jwksUrl: string, minRefetchMs = 30_000): KeyLookup {
  let keys = new Map<string, KeyObject>();
  let fetchedAt = 0;
  let fetching: Promise<void> | undefined;
  const refresh = () => {
    fetching ??= (async () => {
      try {
        const response = await fetch(jwksUrl);
        if (!response.ok) throw new Error(`JWKS ${jwksUrl} answered ${response.status}`);
        const body = (await response.json()) as { keys: PublicJwk[] };
        keys = new Map(body.keys.map((jwk) => [jwk.kid, publicKeyFromJwk(jwk)]));
        fetchedAt = Date.now();
      } finally {
        fetching = undefined;
      }
    })();
    return fetching;
  };
  return async (kid) => {
    if (!keys.has(kid) && Date.now() - fetchedAt >= minRefetchMs) await refresh();
    return keys.get(kid);
  };
}
