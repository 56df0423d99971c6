import type pg from 'pg';
import { credentialDigest } from '../../../platform/credential-stamp.ts';

/**
 * The credential stamp of a user now (credential-stamp.ts), for the subject check of every
 * bearer request: the lookups that arrive in the same turn of the event loop share one statement,
 * sent on the next turn. Under load every request needs one, and one round trip for many users is
 * what keeps the database's work per request small; a lone request waits no longer than a turn.
 * A lookup never joins a statement already sent, so what it learns is never older than the
 * request: an archive or a password change committed before the request began is always seen.
 */
export function gatheredCredentialStamps(pool: pg.Pool): (uid: number) => Promise<string | undefined> {
  let gathering: Map<number, { resolve(stamp: string | undefined): void; reject(error: unknown): void }[]> | undefined;
  const send = async (batch: NonNullable<typeof gathering>) => {
    try {
      const { rows } = await pool.query<{ id: number; password: string | null; active: boolean; login: string }>(
        'SELECT id, password, active, login FROM res_users WHERE id = ANY($1::int4[])',
        [[...batch.keys()]],
      );
      const stamps = new Map(rows.map((u) => [u.id, u.active ? credentialDigest(u.id, u.login, u.password) : undefined]));
      for (const [uid, waiting] of batch) for (const w of waiting) w.resolve(stamps.get(uid));
    } catch (error) {
      for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
    }
  };
  return (uid) => {
    if (!gathering) {
      const batch = new Map<number, { resolve(stamp: string | undefined): void; reject(error: unknown): void }[]>();
      gathering = batch;
      setImmediate(() => {
        gathering = undefined;
        void send(batch);
      });
    }
    const waiting = gathering.get(uid) ?? [];
    gathering.set(uid, waiting);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}
