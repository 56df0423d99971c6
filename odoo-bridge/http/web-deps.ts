import type { Logger } from 'pino';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { CallRouter } from '../routing/call-router.ts';
import type { DatabaseDirectory } from '../served-databases.ts';
import type { SessionStore } from '../sessions/session-store.ts';

/** What the web routes (sessions, call_kw, pages) are built from. */
export interface WebDeps {
  databases: DatabaseDirectory;
  router: CallRouter;
  sessions: SessionStore;
  throttle: LoginThrottle;
  logger: Logger;
  maxInactivitySeconds: number;
}
