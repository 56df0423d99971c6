import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSessionStore } from '../../../odoo-bridge/sessions/postgres-session-store.ts';
import { createRedisSessionStore } from '../../../odoo-bridge/sessions/redis-session-store.ts';
import { isWellFormedSessionId, newSessionId } from '../../../odoo-bridge/sessions/session-id.ts';
import type { SessionStore, WebSession } from '../../../odoo-bridge/sessions/session-store.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { startRedis, type TestRedis } from '../../support/redis.ts';

const session: WebSession = { db: 'hp_legacy', uid: 6, login: 'member001@hp.example', context: { lang: 'en_US', tz: false, uid: 6 }, credentialStamp: 'stamp' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('session ids', () => {
  it("look like Odoo 18's: 84 URL-safe characters, never '=' or ';'", () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isWellFormedSessionId(id)).toBe(true);
    expect(isWellFormedSessionId('abc')).toBe(false);
    expect(isWellFormedSessionId(`${newSessionId().slice(1)}=`)).toBe(false);
  });
});

describe.each([
  ['PostgreSQL', 'pg'],
  ['Redis', 'redis'],
] as const)('%s session store', (_label, kind) => {
  let database: TestDatabase | undefined;
  let redis: TestRedis | undefined;
  const open = async (maxInactivitySeconds: number): Promise<SessionStore> => {
    if (kind === 'pg') return createPostgresSessionStore(database!.pool, maxInactivitySeconds);
    return createRedisSessionStore(redis!.url, maxInactivitySeconds);
  };

  beforeAll(async () => {
    if (kind === 'pg') database = await emptyDatabase('sessions');
    else redis = await startRedis();
  });
  afterAll(async () => {
    await database?.drop();
    await redis?.stop();
  });

  it('saves, loads and destroys a session', async () => {
    const store = await open(60);
    const id = newSessionId();
    expect(await store.load(id)).toBeUndefined();
    await store.save(id, session);
    expect(await store.load(id)).toEqual(session);
    await store.destroy(id);
    expect(await store.load(id)).toBeUndefined();
    await store.close();
  });

  it('expires a session unused for longer than the inactivity limit, and slides the limit on use', async () => {
    const store = await open(2);
    const idle = newSessionId();
    const used = newSessionId();
    await store.save(idle, session);
    await store.save(used, session);
    await sleep(1200);
    expect(await store.load(used)).toEqual(session);
    await sleep(1200);
    expect(await store.load(idle)).toBeUndefined();
    expect(await store.load(used)).toEqual(session);
    await store.close();
  });
});
