import { createHash } from 'node:crypto';

import type { RestAnswer } from './bearer-rest.ts';

export type { RestAnswer };

/**
 * Auth's REST API as an app calls it, from a given client address: the gateway trusts
 * X-Forwarded-For from loopback, so a drill can spread its calls over many addresses and stay
 * within the per-address budget (services/auth/routes/rate-limits.ts) like many real clients.
 */
export function authRestClient(baseUrl: string) {
  const call = async (method: 'GET' | 'POST', path: string, address: string, o: { body?: unknown; token?: string } = {}): Promise<RestAnswer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        'x-forwarded-for': address,
        ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      },
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    login: (login: string, password: string, address: string) => call('POST', '/auth/login', address, { body: { login, password } }),
    refresh: (refreshToken: string, address: string) => call('POST', '/auth/refresh', address, { body: { refreshToken } }),
    logout: (refreshToken: string, address: string) => call('POST', '/auth/logout', address, { body: { refreshToken } }),
    verify: (accessToken: string, address: string) => call('GET', '/auth/verify', address, { token: accessToken }),
  };
}

/** A login's tokens as the drill tracks them: the refresh token's auth_tokens row and family come from the access token's claims. */
export interface IssuedTokens {
  access: string;
  refresh: string;
  userId: number;
  tokenId: number;
  family: string;
  /** auth_tokens.token_hash of the refresh token (SHA-256, hex), to find its row on either side. */
  hash: string;
}

/** The tokens of a 200 answer of /auth/login or /auth/refresh; throws on any other answer. */
export function issuedTokens(answer: RestAnswer, what: string): IssuedTokens {
  if (answer.status !== 200) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
  const access = String(answer.body.access_token);
  const claims = JSON.parse(Buffer.from(access.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sid?: number; fam?: string };
  if (!claims.sid || !claims.fam) throw new Error(`${what}: the access token names no session`);
  const refresh = String(answer.body.refresh_token);
  return { access, refresh, userId: Number(answer.body.user_id), tokenId: claims.sid, family: claims.fam, hash: createHash('sha256').update(refresh, 'utf8').digest('hex') };
}

/** Throws unless the answer has `status` (a refusal the drill expects counts as a success). */
export function expectStatus(answer: RestAnswer, status: number, what: string): void {
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} (expected ${status}) ${JSON.stringify(answer.body).slice(0, 200)}`);
}
