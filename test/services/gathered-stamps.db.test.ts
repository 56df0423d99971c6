import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialDigest } from '../../platform/credential-stamp.ts';
import { gatheredCredentialStamps } from '../../services/kit/auth/gathered-stamps.ts';
import { databaseSubjectCheck } from '../../services/kit/auth/subject-check.ts';
import { legacyDatabase, type TestDatabase } from '../support/databases.ts';

describe('subject checks gathered into one statement (kit/auth/gathered-stamps.ts)', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let statements = 0;

  beforeAll(async () => {
    database = await legacyDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('FROM res_users WHERE id = ANY')) statements++;
      return query(...args);
    };
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('lookups of the same turn share one statement; each gets its own user\'s stamp, unknown users none', async () => {
    const stampOf = gatheredCredentialStamps(pool);
    const before = statements;
    const [a, b, again, unknown] = await Promise.all([stampOf(6), stampOf(7), stampOf(6), stampOf(987_654)]);
    expect(statements - before).toBe(1);
    const { rows } = await pool.query<{ id: number; login: string; password: string | null }>('SELECT id, login, password FROM res_users WHERE id IN (6, 7) ORDER BY id');
    expect(a).toBe(credentialDigest(6, rows[0]!.login, rows[0]!.password));
    expect(b).toBe(credentialDigest(7, rows[1]!.login, rows[1]!.password));
    expect(again).toBe(a);
    expect(unknown).toBeUndefined();
    // Another turn, another statement: none is reused once sent.
    await stampOf(6);
    expect(statements - before).toBe(2);
  });

  it('sees an archive or a password change committed before the request, on the very next check', async () => {
    const check = databaseSubjectCheck(pool);
    const { rows } = await pool.query<{ login: string; password: string | null }>('SELECT login, password FROM res_users WHERE id = 8');
    const principal = { userId: 8, scopes: [], tokenId: 't', expiresAt: 0, credentialStamp: credentialDigest(8, rows[0]!.login, rows[0]!.password) };
    await expect(check(principal)).resolves.toBeUndefined();
    await pool.query(`UPDATE res_users SET password = 'changed' WHERE id = 8`);
    await expect(check(principal)).rejects.toMatchObject({ status: 401 });
    await pool.query('UPDATE res_users SET password = $2 WHERE id = $1', [8, rows[0]!.password]);
    await expect(check(principal)).resolves.toBeUndefined();
    await pool.query('UPDATE res_users SET active = false WHERE id = 8');
    await expect(check(principal)).rejects.toMatchObject({ status: 401 });
  });
});
