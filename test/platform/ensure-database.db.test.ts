import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabase } from '../../platform/ensure-database.ts';
import { quoteIdent } from '../../platform/quote-ident.ts';
import { testClusterUrl, withAdmin } from '../support/databases.ts';

const CONTENDERS = 6;
const created: string[] = [];

function freshName(): string {
  const name = `t_ensure_${randomBytes(5).toString('hex')}`;
  created.push(name);
  return name;
}

/** The old, racy way: look up, then create. Here only to show the race is real in this cluster. */
async function checkThenCreate(name: string): Promise<void> {
  await withAdmin(async (admin) => {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
}

afterAll(async () => {
  await withAdmin(async (admin) => {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
});

describe('ensureDatabase', () => {
  it('the race is real: a plain look-up-then-create loses when several processes start at once', async () => {
    const name = freshName();
    const outcomes = await Promise.allSettled(Array.from({ length: CONTENDERS }, () => checkThenCreate(name)));
    const codes = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code?: string }).code] : []));
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((code) => code === '42P04' || code === '23505')).toBe(true);
  });

  it('every one of several processes creating the same database at once succeeds, and the database exists once', async () => {
    for (let round = 0; round < 3; round++) {
      const name = freshName();
      const outcomes = await Promise.allSettled(Array.from({ length: CONTENDERS }, () => ensureDatabase(testClusterUrl('postgres'), name)));
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      const { rows } = await withAdmin((admin) => admin.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [name]));
      expect(rows[0].n).toBe(1);
    }
  });

  it('leaves an existing database alone and accepts names that need quoting', async () => {
    const name = `${freshName()}-Odd "name"`;
    created.push(name);
    await ensureDatabase(testClusterUrl('postgres'), name);
    const client = new pg.Client({ connectionString: testClusterUrl(name) });
    await client.connect();
    await client.query('CREATE TABLE kept (id int)');
    await client.end();
    await ensureDatabase(testClusterUrl('postgres'), name);
    const again = new pg.Client({ connectionString: testClusterUrl(name) });
    await again.connect();
    const { rows } = await again.query("SELECT to_regclass('kept') IS NOT NULL AS kept");
    await again.end();
    expect(rows[0].kept).toBe(true);
  });
});
