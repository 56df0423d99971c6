/**
 * Accepted RPC credentials remembered against the legacy database's credential-change feed
 * (credential-triggers.ts, credential-changes.ts, accepted-credentials.ts), on a private copy of
 * the restored legacy database. Every change is made the way the monolith or an operator would
 * make it: plain SQL on the tables, nothing told to Ficus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCredentialChangeFeed, type CredentialChangeFeed } from '../../../odoo-bridge/auth/credential-changes.ts';
import { createCredentialStore, type CredentialStore } from '../../../odoo-bridge/auth/credential-store.ts';
import { triggersInPlace } from '../../../odoo-bridge/auth/credential-triggers.ts';
import { hashOdooPassword } from '../../../odoo-bridge/auth/odoo-password.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import legacy from './legacy-credentials.json' with { type: 'json' };

const ADMIN_KEY = legacy.apiKeys.find((k) => k.userId === 2)!.key!;
const MEMBER001_KEY = legacy.apiKeys.find((k) => k.userId === 6)!.key!;
const quiet = { warn: () => undefined, info: () => undefined };

let database: TestDatabase;
let feed: CredentialChangeFeed;
let store: CredentialStore;
/** Connections checked out of the legacy pool so far: the credential store reads through it. */
let checkouts = 0;

beforeAll(async () => {
  database = await legacyDatabase();
  database.pool.on('acquire', () => checkouts++);
  feed = await startCredentialChangeFeed(database.pool, { logger: quiet, backoff: { baseMs: 20, maxMs: 200 }, verifyEveryMs: 200 });
  store = createCredentialStore(database.pool, { changes: feed.changes });
});
afterAll(async () => {
  await feed?.close();
  await database?.drop();
});

/** Runs `check` until it holds (the change's notification has arrived), at most `ms`; how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > ms) throw new Error(`did not hold within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

/** Until a check of (uid, secret) reads res_users again: the change's notification has arrived. */
const readsAgain = (uid: number, secret: string) => async () => {
  const before = checkouts;
  await store.checkUid(uid, secret);
  return checkouts > before;
};
const refused = (uid: number, secret: string) => async () => !(await store.checkUid(uid, secret));
const setUser = (id: number, assignments: string, ...values: unknown[]) => database.pool.query(`UPDATE res_users SET ${assignments} WHERE id = $1`, [id, ...values]);

describe('remembered RPC credentials and the credential-change feed', () => {
  it('installs its triggers once and listens', async () => {
    expect(await triggersInPlace(database.pool)).toBe(true);
    expect(feed.changes.live).toBe(true);
  });

  it('lets an accepted secret in again without reading res_users', async () => {
    expect(await store.checkUid(2, 'admin')).toBe(true);
    const before = checkouts;
    for (let i = 0; i < 5; i++) expect(await store.checkUid(2, 'admin')).toBe(true);
    expect(checkouts).toBe(before);
    // A wrong secret is never remembered: checked against the table every time.
    expect(await store.checkUid(2, 'wrong')).toBe(false);
    const afterOne = checkouts;
    expect(afterOne).toBeGreaterThan(before);
    expect(await store.checkUid(2, 'wrong')).toBe(false);
    expect(checkouts).toBeGreaterThan(afterOne);
  });

  it('stops trusting memory for a user as soon as any change of their row is announced', async () => {
    expect(await store.checkUid(2, 'admin')).toBe(true);
    await setUser(2, 'write_date = now()');
    // The first check that reads res_users again marks the notification's arrival; the hash is
    // unchanged, so that check is cheap (verification-cache.ts) and measures the delay alone.
    const ms = await within(1000, readsAgain(2, 'admin'));
    expect(await store.checkUid(2, 'admin')).toBe(true);
    console.log(`a change of uid 2 was noticed ${ms.toFixed(2)} ms after its commit returned (checked every 5 ms)`);
  });

  it('refuses the old password once a password change (plain SQL) is announced, and takes the new one', async () => {
    expect(await store.checkUid(2, 'admin')).toBe(true);
    await setUser(2, 'password = $2', await hashOdooPassword('changed-1'));
    // (The first check after the change runs 600,000 PBKDF2 rounds against the new hash: slow on a loaded machine.)
    await within(10_000, refused(2, 'admin'));
    expect(await store.checkUid(2, 'changed-1')).toBe(true);
    await setUser(2, 'password = $2', await hashOdooPassword('admin'));
    await within(10_000, refused(2, 'changed-1'));
    expect(await store.checkUid(2, 'admin')).toBe(true);
  });

  it('refuses an archived user, by password and by key, and lets them in again once restored', async () => {
    expect(await store.checkUid(6, 'member001@hp.example')).toBe(true);
    expect(await store.checkUid(6, MEMBER001_KEY)).toBe(true);
    expect(await store.findApiKeyOwner(MEMBER001_KEY)).toBe(6);
    await setUser(6, 'active = false');
    await within(10_000, refused(6, 'member001@hp.example'));
    expect(await store.checkUid(6, MEMBER001_KEY)).toBe(false);
    expect(await store.findApiKeyOwner(MEMBER001_KEY)).toBeNull();
    await setUser(6, 'active = true');
    await within(10_000, async () => store.checkUid(6, 'member001@hp.example'));
    expect(await store.findApiKeyOwner(MEMBER001_KEY)).toBe(6);
  });

  it('refuses passwords over RPC once 2FA is turned on', async () => {
    expect(await store.checkUid(6, 'member001@hp.example')).toBe(true);
    await setUser(6, `totp_secret = 'JBSWY3DPEHPK3PXP'`);
    await within(10_000, refused(6, 'member001@hp.example'));
    expect(await store.checkUid(6, MEMBER001_KEY)).toBe(true);
    await setUser(6, 'totp_secret = NULL');
  });

  it('lets a key in only until its expiration, which no notification announces', async () => {
    const { rows } = await database.pool.query<{ at: number }>(
      `UPDATE res_users_apikeys SET expiration_date = (now() at time zone 'utc') + interval '4 seconds' WHERE user_id = 6
       RETURNING extract(epoch from expiration_date) * 1000 AS at`,
    );
    const expiresAt = Number(rows[0]!.at);
    await within(10_000, readsAgain(6, MEMBER001_KEY));
    expect(await store.checkUid(6, MEMBER001_KEY)).toBe(true);
    // Remembered while the key holds (checked only when this loaded machine left time to)…
    if (Date.now() < expiresAt - 1500) {
      const before = checkouts;
      expect(await store.checkUid(6, MEMBER001_KEY)).toBe(true);
      expect(checkouts).toBe(before);
    }
    // …and refused from its expiration on, though nothing announced it.
    await within(15_000, refused(6, MEMBER001_KEY));
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 100); // (the database's clock and this one may differ a little)
    await database.pool.query('UPDATE res_users_apikeys SET expiration_date = NULL WHERE user_id = 6');
  });

  it('refuses a revoked key, for execute_kw and for bearer authentication', async () => {
    expect(await store.checkUid(2, ADMIN_KEY)).toBe(true);
    expect(await store.findApiKeyOwner(ADMIN_KEY)).toBe(2);
    await database.pool.query('DELETE FROM res_users_apikeys WHERE user_id = 2');
    await within(10_000, refused(2, ADMIN_KEY));
    expect(await store.findApiKeyOwner(ADMIN_KEY)).toBeNull();
  });

  it('reads res_users on every call while the listening connection is lost, and remembers again once it is back', async () => {
    expect(await store.checkUid(2, 'admin')).toBe(true);
    await database.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ficus_credentials_listen' AND datname = current_database()`);
    await within(1000, async () => !feed.changes.live);
    // A change made while deaf is never missed: nothing is trusted from memory.
    const before = checkouts;
    expect(await store.checkUid(2, 'admin')).toBe(true);
    expect(checkouts).toBeGreaterThan(before);
    await within(5000, async () => feed.changes.live);
    expect(await store.checkUid(2, 'admin')).toBe(true);
    const remembered = checkouts;
    expect(await store.checkUid(2, 'admin')).toBe(true);
    expect(checkouts).toBe(remembered);
  });

  it('goes deaf when its triggers disappear (a restored database) and puts them back', async () => {
    await database.pool.query('DROP TRIGGER ficus_credentials_changed ON res_users');
    await within(2000, async () => !feed.changes.live);
    await within(5000, async () => feed.changes.live && (await triggersInPlace(database.pool)));
    await setUser(2, 'password = $2', await hashOdooPassword('changed-2'));
    await within(10_000, refused(2, 'admin'));
  });
});
