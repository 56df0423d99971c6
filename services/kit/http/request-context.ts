import { randomUUID } from 'node:crypto';
import type { Request } from 'express';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane (it ends up in logs), otherwise a new one. */
export function requestIdOf(req: Request): string {
  const given = req.get('x-request-id');
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}
