import type { Request, Response } from 'express';
import { accessDenied } from '../errors.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { ServedDatabaseRuntime } from '../served-databases.ts';
import { currentCredentialStamp } from '../../platform/credential-stamp.ts';
import { setSessionCookie } from '../sessions/session-cookie.ts';
import { newSessionId } from '../sessions/session-id.ts';
import { buildSessionInfo } from '../sessions/session-info.ts';
import type { SessionStore } from '../sessions/session-store.ts';
import type { Logger } from 'pino';
import { recordSuccessfulLogin, timezoneCookie } from '../auth/login-log.ts';

export interface WebLogin {
  database: ServedDatabaseRuntime;
  login: string;
  password: unknown;
  clientAddress: string;
  /** The request's URL root (`http://host:port`), Odoo's `base_location` of a web login. */
  baseLocation: string;
}

/**
 * An interactive login (Odoo's `session.authenticate` with `interactive: True`): the password
 * only, never an API key, counted by the login cooldown; on success a new session (a new id, as
 * Odoo rotates it) is stored and its cookie set. Wrong credentials are AccessDenied. Shared by
 * `/web/session/authenticate` and the login page, so both open the same session.
 */
export async function openWebSession(
  deps: { sessions: SessionStore; throttle: LoginThrottle; maxInactivitySeconds: number },
  res: Response,
  { database, login, password, clientAddress, baseLocation }: WebLogin,
  logger?: Logger,
): Promise<{ uid: number; sessionId: string; info: Record<string, unknown> }> {
  const uid = await deps.throttle.attempt({ clientAddress, login }, async () => {
    const found = await database.credentials.authenticatePassword(login, typeof password === 'string' ? password : '');
    if (found === null) throw accessDenied();
    return found;
  });
  // res.users `_login` after the credential check: the browser's tz cookie, then the res.users.log row.
  const writeUserTimezone = (userId: number, tz: string) =>
    database.call({ database: database.name, uid: userId, model: 'res.users', method: 'write', args: [[userId], { tz }], kwargs: {} });
  await recordSuccessfulLogin({ pool: database.pool, writeUserTimezone }, uid, timezoneCookie(res.req?.headers.cookie));
  await guessWebBaseUrl(database, uid, baseLocation).catch((error: unknown) => logger?.warn({ err: error }, 'could not update web.base.url after a web login'));
  const credentialStamp = await currentCredentialStamp(database.pool, uid);
  if (!credentialStamp) throw accessDenied();
  const info = await buildSessionInfo(database.pool, database.name, uid);
  const sessionId = newSessionId();
  await deps.sessions.save(sessionId, { db: database.name, uid, login, context: info.user_context as Record<string, unknown>, credentialStamp });
  setSessionCookie(res, sessionId, deps.maxInactivitySeconds);
  return { uid, sessionId, info };
}

/**
 * res.users `authenticate` with a `base_location` (every web login passes the request's URL root):
 * a user of Settings (base.group_system) who logs in sets `web.base.url` to it, through
 * `set_param` as that user, unless `web.base.url.freeze` is set. A failure is only logged, as
 * Odoo logs it and lets the login through.
 */
async function guessWebBaseUrl(database: ServedDatabaseRuntime, uid: number, baseLocation: string): Promise<void> {
  const { rowCount } = await database.pool.query(
    `SELECT 1 FROM res_groups_users_rel r JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
      WHERE r.uid = $1 AND d.module = 'base' AND d.name = 'group_system'`,
    [uid],
  );
  if (!rowCount) return;
  const call = (method: string, args: unknown[]) => database.call({ database: database.name, uid, model: 'ir.config_parameter', method, args, kwargs: {} });
  if (await call('get_param', ['web.base.url.freeze'])) return;
  await call('set_param', ['web.base.url', baseLocation]);
}

/** werkzeug's `url_root` without its last slash: the scheme and the Host header the client used. */
export function urlRoot(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}
