import { Redis } from 'ioredis';
import { DEFAULT_MAX_INACTIVITY_SECONDS, type SessionStore, type WebSession } from './session-store.ts';

const KEY_PREFIX = 'ficus:session:';

/** Sessions in Redis, shared by every gateway of a distributed deployment; expiry is Redis's own. */
export function createRedisSessionStore(url: string, maxInactivitySeconds = DEFAULT_MAX_INACTIVITY_SECONDS): SessionStore {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  return {
    async load(sessionId) {
      const key = KEY_PREFIX + sessionId;
      // GETEX reads and slides the inactivity window in one round trip.
      const raw = await redis.getex(key, 'EX', maxInactivitySeconds);
      return raw ? (JSON.parse(raw) as WebSession) : undefined;
    },
    async save(sessionId, session) {
      await redis.set(KEY_PREFIX + sessionId, JSON.stringify(session), 'EX', maxInactivitySeconds);
    },
    async destroy(sessionId) {
      await redis.del(KEY_PREFIX + sessionId);
    },
    async close() {
      redis.disconnect();
    },
  };
}
