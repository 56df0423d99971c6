import type { Request, Response } from 'express';
import { isWellFormedSessionId } from './session-id.ts';

export const SESSION_COOKIE = 'session_id';

/** The session id of a web request: the cookie, or the header older clients (and odoo-jsonrpc) send. */
export function sessionIdOf(req: Request): string | undefined {
  const fromCookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  if (isWellFormedSessionId(fromCookie)) return fromCookie;
  const fromHeader = req.headers['x-openerp-session-id'];
  return typeof fromHeader === 'string' && isWellFormedSessionId(fromHeader) ? fromHeader : undefined;
}

/**
 * `Set-Cookie` as Odoo sends it: the only cookie of the response, HttpOnly, on `/`, with the
 * inactivity limit as Max-Age (clients such as odoo-jsonrpc parse this header by hand).
 */
export function setSessionCookie(res: Response, sessionId: string, maxAgeSeconds: number): void {
  const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${sessionId}; Expires=${expires}; Max-Age=${maxAgeSeconds}; HttpOnly; Path=/`);
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return cookies;
}
