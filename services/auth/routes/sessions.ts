import { defineRoute, problems } from '../../kit/index.ts';
import type { AuthDatabase } from '../db/tables.ts';
import { inTokenHome, tokenHome } from '../db/token-home.ts';
import { tokenResponse } from '../domain/access-tokens.ts';
import { checkLogin, LoginRefused, type LoginCredentials } from '../domain/login.ts';
import { endFamily, familyOf, rotateSession, startSession } from '../domain/sessions.ts';
import { legacyCredentials, monolith } from './monolith.ts';
import { recordSuccessfulLogin } from '../../../odoo-bridge/orm/index.ts';
import { committedRefusal } from './problem-result.ts';
import { spendAuthBudget } from './rate-limits.ts';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * POST /auth/login: a login and password (or API key) checked exactly as Odoo checks them, under
 * the cooldown Odoo RPC logins count in, answered with a 15-minute access token and a refresh
 * token whose hash becomes an hp.auth.token row of the user (visible to Odoo as such).
 */
export const login = defineRoute<AuthDatabase, LoginCredentials>({
  method: 'post',
  path: '/auth/login',
  summary: 'Sign in: an access token (EdDSA JWT) and a refresh token for a login and its password or API key',
  auth: 'public',
  body: 'rest/auth/login.json',
  responses: { 200: 'rest/auth/tokens.json' },
  idempotency: 'never',
  // The password check (half a core-second) holds no connection; the session is written after it.
  transaction: 'handler',
  async handler(ctx) {
    const { body, platform, clientAddress } = ctx;
    await spendAuthBudget(platform, clientAddress, 'login' in body ? body.login : undefined);
    const users = monolith(ctx.legacyPool);
    let userId: number;
    try {
      userId = await checkLogin(legacyCredentials(users), platform.logins, body, clientAddress);
    } catch (error) {
      if (error instanceof LoginRefused) {
        throw error.why === 'cooldown' ? problems.tooManyRequests(error.message, error.retryAfterMs / 1000) : problems.unauthorized('wrong login or password');
      }
      throw error;
    }
    // A login and password is Odoo's res.users `_login` (common.authenticate): it leaves the
    // res.users.log row Odoo writes; an API key alone is JSON-2's bearer check, which leaves none.
    if ('login' in body) await recordSuccessfulLogin({ pool: users }, userId);
    const session = await ctx.db.transaction().execute(async (transaction) => {
      const tx = transaction as unknown as typeof ctx.db;
      const home = await tokenHome(tx, ctx.legacyPool, { hold: true });
      return inTokenHome({ db: tx, legacyPool: ctx.legacyPool }, home, (rows) => startSession({ rows, book: tx }, userId));
    });
    ctx.log.info({ uid: userId, session: session.family }, 'signed in');
    return { status: 200, body: await tokenResponse(platform.signer, users, session), headers: NO_STORE };
  },
});

/** POST /auth/refresh: rotation on every use; a used-up token presented again ends the whole login. */
export const refresh = defineRoute<AuthDatabase, { refreshToken: string }>({
  method: 'post',
  path: '/auth/refresh',
  summary: 'Exchange a refresh token for a new access token and refresh token; reusing an exchanged one ends the login',
  auth: 'public',
  body: 'rest/auth/refresh.json',
  responses: { 200: 'rest/auth/tokens.json', 401: 'rest/problem.json' },
  idempotency: 'never',
  async handler(ctx) {
    await spendAuthBudget(ctx.platform, ctx.clientAddress);
    const users = monolith(ctx.legacyPool);
    const home = await tokenHome(ctx.db, ctx.legacyPool, { hold: true });
    const rotation = await inTokenHome(ctx, home, (rows) => rotateSession({ rows, book: ctx.db }, ctx.body.refreshToken));
    if (rotation.outcome === 'refused') throw problems.unauthorized(rotation.why);
    if (rotation.outcome === 'reused') {
      ctx.log.warn({ uid: rotation.userId, session: rotation.family, revoked: rotation.ended }, 'refresh token reused: the login was ended');
      return committedRefusal(problems.unauthorized('this refresh token was already used; the login has been ended everywhere, sign in again'), '/auth/refresh');
    }
    return { status: 200, body: await tokenResponse(ctx.platform.signer, users, rotation.session), headers: NO_STORE };
  },
});

/**
 * POST /auth/logout: ends the login the refresh token belongs to, every access and refresh token
 * of it, within a second everywhere. As RFC 7009 asks, an unknown or already ended token gets the
 * same 204: the answer tells nobody whether a token was valid.
 */
export const logout = defineRoute<AuthDatabase, { refreshToken: string }>({
  method: 'post',
  path: '/auth/logout',
  summary: 'End a login: the refresh token and every token issued in its session stop working',
  auth: 'public',
  body: 'rest/auth/logout.json',
  responses: { 204: null },
  idempotency: 'never',
  async handler(ctx) {
    await spendAuthBudget(ctx.platform, ctx.clientAddress);
    const home = await tokenHome(ctx.db, ctx.legacyPool, { hold: true });
    await inTokenHome(ctx, home, async (rows) => {
      const found = await familyOf({ rows, book: ctx.db }, ctx.body.refreshToken);
      if (!found) return;
      const ended = await endFamily({ rows, book: ctx.db }, found.family, found.userId);
      ctx.log.info({ uid: found.userId, session: found.family, revoked: ended }, 'signed out');
    });
    return { status: 204 };
  },
});
