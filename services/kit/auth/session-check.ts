import { problems } from '../http/problem.ts';
import type { Principal } from './tokens.ts';

/**
 * After the signature and the subject: is the token's login session still alive (not logged out,
 * not revoked over Odoo RPC, no rotated refresh token of its family reused)? Throws a 401 problem
 * if not. Only tokens that carry a session (`Principal.session`) are asked about.
 */
export type SessionCheck = (principal: Principal, token: string) => Promise<void>;

/** What the token authority answers about one session. */
export type SessionState = 'active' | 'revoked';

/**
 * How long an answer about a session is reused. The bar is "a revoked token is refused everywhere
 * within 1 s"; half of that leaves room for the request already in flight.
 */
export const SESSION_ANSWER_TTL_MS = 500;

/**
 * Caches the authority's answers per session family for SESSION_ANSWER_TTL_MS, so a burst of
 * requests with one token costs one lookup, and a revocation is seen within that time. Concurrent
 * lookups of one family share one call. Bounded: past `maxEntries` the oldest answers go.
 */
export function cachedSessionCheck(lookup: (principal: Principal, token: string) => Promise<SessionState>, options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): SessionCheck {
  const ttlMs = options.ttlMs ?? SESSION_ANSWER_TTL_MS;
  const maxEntries = options.maxEntries ?? 50_000;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { state: Promise<SessionState>; until: number }>();
  return async (principal, token) => {
    const session = principal.session;
    if (!session) return;
    const key = `${session.family}:${session.tokenId}`;
    const at = now();
    let entry = answers.get(key);
    if (!entry || entry.until <= at) {
      const state = lookup(principal, token);
      entry = { state, until: at + ttlMs };
      answers.delete(key);
      answers.set(key, entry);
      // A failed lookup is not remembered: the next request asks again.
      state.catch(() => answers.get(key) === entry && answers.delete(key));
      for (const [oldest] of answers) {
        if (answers.size <= maxEntries) break;
        answers.delete(oldest);
      }
    }
    if ((await entry.state) === 'revoked') throw problems.unauthorized('the token\'s session has ended (logged out or revoked); sign in again');
  };
}

/**
 * Distributed mode: ask the auth service (`GET /auth/verify` with the caller's token) and cache
 * the answer briefly. A 401 from it means revoked; anything else unexpected is an error (503 to
 * the client through the problem handler), never a silent "active".
 */
export function remoteSessionCheck(verifyUrl: string, options: { timeoutMs?: number } = {}): SessionCheck {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return cachedSessionCheck(async (_principal, token) => {
    const response = await fetch(verifyUrl, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (response.status === 200) return 'active';
    if (response.status === 401) return 'revoked';
    throw problems.unavailable(`the auth service could not verify the token (HTTP ${response.status}); retry shortly`);
  });
}
