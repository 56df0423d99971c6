/**
 * Web-client sessions (`/web/session/*`, `/web/dataset/call_kw`): what Odoo keeps server-side
 * behind the `session_id` cookie. Stored in PostgreSQL embedded, in Redis when REDIS_URL is
 * set; both expire a session after `maxInactivitySeconds` without use, as Odoo does.
 */
export interface WebSession {
  db: string;
  uid: number;
  login: string;
  /** The user context (`lang`, `tz`, `uid`) returned in session info. */
  context: Record<string, unknown>;
  /**
   * Fingerprint of the user's password hash at login: a password change invalidates every
   * session, like Odoo's `session_token`.
   */
  credentialStamp: string;
}

export interface SessionStore {
  load(sessionId: string): Promise<WebSession | undefined>;
  /** Saves and restarts the inactivity clock. */
  save(sessionId: string, session: WebSession): Promise<void>;
  destroy(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

/** Odoo's default `sessions.max_inactivity_seconds`: one week. */
export const DEFAULT_MAX_INACTIVITY_SECONDS = 7 * 24 * 3600;
