/**
 * The credential store against a private copy of the restored legacy database
 * (test/support/databases.ts). Passwords equal logins; API keys from api_keys.txt (fixture).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialStore, type CredentialStore } from '../../../odoo-bridge/auth/credential-store.ts';
import { readLoginCooldownSettings } from '../../../odoo-bridge/auth/login-cooldown-settings.ts';
import { hashOdooPassword } from '../../../odoo-bridge/auth/odoo-password.ts';
import { VerificationCache } from '../../../odoo-bridge/auth/verification-cache.ts';
import { legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import legacy from './legacy-credentials.json' with { type: 'json' };

const ADMIN_KEY = legacy.apiKeys.find((k) => k.userId === 2)!.key!;
const MEMBER001_KEY = legacy.apiKeys.find((k) => k.userId === 6)!.key!;

let database: TestDatabase;
let store: CredentialStore;

beforeAll(async () => {
  database = await legacyDatabase();
  store = createCredentialStore(database.pool, { cache: false });
});
afterAll(() => database?.drop());

const setUser = (id: number, assignments: string, ...values: unknown[]) =>
  database.pool.query(`UPDATE res_users SET ${assignments} WHERE id = $1`, [id, ...values]);

describe('credential store on the legacy database', () => {
  it('authenticates with passwords: admin/admin is uid 2, member001 is uid 6', async () => {
    const [admin, member] = await Promise.all([
      store.authenticate('admin', 'admin'),
      store.authenticate('member001@hp.example', 'member001@hp.example'),
    ]);
    expect(admin).toBe(2);
    expect(member).toBe(6);
  });

  it('authenticates with API keys in place of the password', async () => {
    expect(await store.authenticate('member001@hp.example', MEMBER001_KEY)).toBe(6);
    expect(await store.authenticate('admin', ADMIN_KEY)).toBe(2);
    // Another user's key is no credential for this login.
    expect(await store.authenticate('admin', MEMBER001_KEY)).toBeNull();
  });

  it('refuses wrong passwords, empty secrets, unknown logins and case variants of the login', async () => {
    const results = await Promise.all([
      store.authenticate('admin', 'wrong'),
      store.authenticate('admin', ''),
      store.authenticate('nobody@hp.example', 'nobody@hp.example'),
      store.authenticate('Admin', 'admin'),
      store.authenticate('admin\0', 'admin'),
    ]);
    expect(results).toEqual([null, null, null, null, null]);
  });

  it('checks (uid, secret) for execute_kw with a password or that uid\'s own key', async () => {
    const results = await Promise.all([
      store.checkUid(2, 'admin'),
      store.checkUid(2, ADMIN_KEY),
      store.checkUid(6, MEMBER001_KEY),
      store.checkUid(2, MEMBER001_KEY),
      store.checkUid(2, 'wrong'),
      store.checkUid(1, 'admin'), // __system__: inactive, no password
      store.checkUid(999_999, 'admin'),
      store.checkUid(2 ** 40, 'admin'),
    ]);
    expect(results).toEqual([true, true, true, false, false, false, false, false]);
  });

  it('finds the owner of a bearer API key', async () => {
    expect(await store.findApiKeyOwner(MEMBER001_KEY)).toBe(6);
    expect(await store.findApiKeyOwner(`${MEMBER001_KEY.slice(0, 39)}1`)).toBeNull();
    expect(await store.findApiKeyOwner('short')).toBeNull();
  });

  it('refuses inactive users, by password and by key', async () => {
    await setUser(7, 'active = false');
    expect(await store.authenticate('member002@hp.example', 'member002@hp.example')).toBeNull();
    expect(await store.checkUid(7, 'member002@hp.example')).toBe(false);

    await setUser(6, 'active = false');
    expect(await store.authenticate('member001@hp.example', MEMBER001_KEY)).toBeNull();
    expect(await store.findApiKeyOwner(MEMBER001_KEY)).toBeNull();
    await setUser(6, 'active = true');
  });

  it('honours API key scope and expiration', async () => {
    const setKey = (assignments: string) =>
      database.pool.query(`UPDATE res_users_apikeys SET ${assignments} WHERE user_id = 6`);
    await setKey(`scope = 'rpc'`);
    expect(await store.checkUid(6, MEMBER001_KEY)).toBe(true);
    await setKey(`scope = 'auth_totp'`); // e.g. a trusted-device key: never valid for RPC
    expect(await store.checkUid(6, MEMBER001_KEY)).toBe(false);
    await setKey(`scope = NULL, expiration_date = (now() at time zone 'utc') - interval '1 minute'`);
    expect(await store.checkUid(6, MEMBER001_KEY)).toBe(false);
    await setKey(`expiration_date = (now() at time zone 'utc') + interval '1 day'`);
    expect(await store.checkUid(6, MEMBER001_KEY)).toBe(true);
    await setKey('expiration_date = NULL');
  });

  it('accepts only API keys over RPC once 2FA is enabled (totp_secret set)', async () => {
    await setUser(6, `totp_secret = 'JBSWY3DPEHPK3PXP'`);
    expect(await store.authenticate('member001@hp.example', 'member001@hp.example')).toBeNull();
    expect(await store.authenticate('member001@hp.example', MEMBER001_KEY)).toBe(6);
    await setUser(6, 'totp_secret = NULL');
  });

  it('handles NULL and legacy clear-text password columns', async () => {
    await setUser(246, 'password = NULL');
    expect(await store.authenticate('coach001@hp.example', 'coach001@hp.example')).toBeNull();
    await setUser(246, 'password = $2', 'clear text');
    expect(await store.authenticate('coach001@hp.example', 'clear text')).toBe(246);
    expect(await store.authenticate('coach001@hp.example', 'clear tex')).toBeNull();
  });

  it('with a cache, notices a password change at once', async () => {
    const cached = createCredentialStore(database.pool, { cache: new VerificationCache() });
    const missStarted = performance.now();
    expect(await cached.checkUid(286, 'merchant001@hp.example')).toBe(true);
    const missMs = performance.now() - missStarted;
    const started = performance.now();
    expect(await cached.checkUid(286, 'merchant001@hp.example')).toBe(true);
    // No 600k-round PBKDF2 on a hit: a fraction of the miss measured just before, whatever the load.
    expect(performance.now() - started).toBeLessThan(missMs / 3);

    await setUser(286, 'password = $2', await hashOdooPassword('changed'));
    expect(await cached.checkUid(286, 'merchant001@hp.example')).toBe(false);
    expect(await cached.checkUid(286, 'changed')).toBe(true);
  });


  it('with a cache, a repeated wrong secret answers as fast for a login or uid that does not exist as for a real one, and one form never speeds up the other', async () => {
    const cached = createCredentialStore(database.pool, { cache: new VerificationCache() });
    const timed = async (attempt: () => Promise<unknown>) => {
      const started = performance.now();
      expect(await attempt()).toBeFalsy();
      return performance.now() - started;
    };
    for (const attempt of [
      () => cached.authenticate('member001@hp.example', 'wrong'),
      () => cached.authenticate('nobody@hp.example', 'wrong'),
      () => cached.checkUid(6, 'wrong'),
      () => cached.checkUid(999_999, 'wrong'),
    ]) {
      const firstMs = await timed(attempt);
      // The first failure costs a full PBKDF2 whether the user exists or not; a repeat is remembered for both.
      expect(await timed(attempt)).toBeLessThan(firstMs / 3);
    }
    // member001 is uid 6, and both failed with 'wrong' above. A new secret tried by uid first must
    // still cost a full check by login: a fast answer would tell which uid a login is.
    const byUidMs = await timed(() => cached.checkUid(6, 'wrong-2'));
    expect(await timed(() => cached.authenticate('member001@hp.example', 'wrong-2'))).toBeGreaterThan(byUidMs / 3);
  });
  it('with a cache, notices a revoked API key at once', async () => {
    const cached = createCredentialStore(database.pool);
    expect(await cached.checkUid(2, ADMIN_KEY)).toBe(true);
    expect(await cached.checkUid(2, ADMIN_KEY)).toBe(true);
    await database.pool.query('DELETE FROM res_users_apikeys WHERE user_id = 2');
    expect(await cached.checkUid(2, ADMIN_KEY)).toBe(false);
    expect(await cached.findApiKeyOwner(ADMIN_KEY)).toBeNull();
  });

  it('works on a single pg client too', async () => {
    const client = await database.pool.connect();
    try {
      expect(await createCredentialStore(client).authenticate('member001@hp.example', MEMBER001_KEY)).toBe(6);
    } finally {
      client.release();
    }
  });

  it("reads the cooldown settings of this database (login_cooldown_after = 10)", async () => {
    expect(await readLoginCooldownSettings(database.pool)).toEqual({ failuresBeforeCooldown: 10, cooldownMs: 60_000 });
  });
});
