import type { Response } from 'express';
import { accessDenied } from '../errors.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { ServedDatabaseRuntime } from '../served-databases.ts';
import { currentCredentialStamp } from '../../platform/credential-stamp.ts';
import { setSessionCookie } from '../sessions/session-cookie.ts';
import { newSessionId } from '../sessions/session-id.ts';
import { buildSessionInfo } from '../sessions/session-info.ts';
import type { SessionStore } from '../sessions/session-store.ts';

export interface WebLogin {
  database: ServedDatabaseRuntime;
  login: string;
  password: unknown;
  clientAddress: string;
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
  { database, login, password, clientAddress }: WebLogin,
): Promise<{ uid: number; sessionId: string; info: Record<string, unknown> }> {
  const uid = await deps.throttle.attempt({ clientAddress, login }, async () => {
    const found = await database.credentials.authenticatePassword(login, typeof password === 'string' ? password : '');
    if (found === null) throw accessDenied();
    return found;
  });
  const credentialStamp = await currentCredentialStamp(database.pool, uid);
  if (!credentialStamp) throw accessDenied();
  const info = await buildSessionInfo(database.pool, database.name, uid);
  const sessionId = newSessionId();
  await deps.sessions.save(sessionId, { db: database.name, uid, login, context: info.user_context as Record<string, unknown>, credentialStamp });
  setSessionCookie(res, sessionId, deps.maxInactivitySeconds);
  return { uid, sessionId, info };
}
