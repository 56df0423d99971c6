import type pg from 'pg';
import { DEFAULT_MAX_INACTIVITY_SECONDS, type SessionStore, type WebSession } from './session-store.ts';

/** Sessions in Ficus's control database (never in the legacy database: its schema is not ours). */
export async function createPostgresSessionStore(
  pool: pg.Pool,
  maxInactivitySeconds = DEFAULT_MAX_INACTIVITY_SECONDS,
): Promise<SessionStore> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ficus_web_sessions (
    session_id text PRIMARY KEY,
    data jsonb NOT NULL,
    expires_at timestamptz NOT NULL
  )`);
  await pool.query(`CREATE INDEX IF NOT EXISTS ficus_web_sessions_expiry ON ficus_web_sessions (expires_at)`);
  // Expired rows are invisible to load(); sweeping them now and then keeps the table small.
  const sweep = setInterval(() => {
    pool.query(`DELETE FROM ficus_web_sessions WHERE expires_at < now()`).catch(() => {});
  }, 10 * 60_000);
  sweep.unref();

  return {
    async load(sessionId) {
      const { rows } = await pool.query<{ data: WebSession }>(
        `UPDATE ficus_web_sessions SET expires_at = now() + make_interval(secs => $2)
          WHERE session_id = $1 AND expires_at > now() RETURNING data`,
        [sessionId, maxInactivitySeconds],
      );
      return rows[0]?.data;
    },
    async save(sessionId, session) {
      await pool.query(
        `INSERT INTO ficus_web_sessions (session_id, data, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
         ON CONFLICT (session_id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
        [sessionId, JSON.stringify(session), maxInactivitySeconds],
      );
    },
    async destroy(sessionId) {
      await pool.query(`DELETE FROM ficus_web_sessions WHERE session_id = $1`, [sessionId]);
    },
    async close() {
      clearInterval(sweep);
    },
  };
}
