import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectionFactsOfUrl, poolUrl, postgresUrl, urlOfDatabase, withSocketHost } from '../../platform/postgres-url.ts';
import { financeForConnection, forgetFinanceForLegacy, rememberFinanceForLegacy } from '../../services/trade/legacy/ledger-owner.ts';
import { financeAt, financeBeside, FINANCE_DATABASE } from '../../services/trade/saga/finance-reach.ts';
import { emptyDatabase, type TestDatabase } from '../support/databases.ts';
import { clusterSocketUrl } from '../support/test-cluster.ts';

/**
 * A pool whose host is a Unix socket directory (how the engine connects to a local cluster) through
 * every caller that derives another URL from a pool or a client: each derived URL must reach the
 * same server through the same socket. `inet_server_addr()` is NULL exactly on a Unix-socket
 * connection, so every check below tells socket from TCP.
 */
let db: TestDatabase;
const info = () => inject('testCluster');

/** Whether `url` reaches the cluster, and through what: 'socket' or 'tcp'. */
async function reachedThrough(url: string): Promise<{ via: 'socket' | 'tcp'; database: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ addr: string | null; database: string }>('SELECT inet_server_addr()::text AS addr, current_database() AS database');
    return { via: rows[0]!.addr === null ? 'socket' : 'tcp', database: rows[0]!.database };
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await emptyDatabase('socket_url');
});
afterAll(async () => {
  await db?.drop();
});

describe('socket URLs', () => {
  it('the test pools and the TCP URL reach the same database, one through the socket and one over TCP', async () => {
    const { rows } = await db.pool.query<{ addr: string | null }>('SELECT inet_server_addr()::text AS addr');
    expect(rows[0]!.addr).toBeNull();
    expect(await reachedThrough(db.url)).toEqual({ via: 'tcp', database: db.name });
  });

  it('reads the host parameter over the authority, as pg does', () => {
    const url = withSocketHost('postgres://u:p%40ss@127.0.0.1:6543/odoo%20ref', '/tmp');
    expect(connectionFactsOfUrl(url)).toEqual({ host: '/tmp', port: '6543', database: 'odoo ref', user: 'u', password: 'p@ss' });
    const pgReads = (new pg.Client({ connectionString: url }) as unknown as { connectionParameters: unknown }).connectionParameters as { host: string; port: number; database: string; password: string };
    expect([pgReads.host, pgReads.port, pgReads.database, pgReads.password]).toEqual(['/tmp', 6543, 'odoo ref', 'p@ss']);
    expect(connectionFactsOfUrl('postgres://u@db.example:5433/x').host).toBe('db.example');
  });

  it('a pool given separate settings with a socket host yields a URL through the socket (ops risk stream, content search feeds)', async () => {
    const { port, user, password } = info();
    const pool = new pg.Pool({ host: info().socketDirectory, port, user, password, database: db.name });
    try {
      const url = poolUrl(pool);
      expect(new URL(url).searchParams.get('host')).toBe(info().socketDirectory);
      expect(await reachedThrough(url)).toEqual({ via: 'socket', database: db.name });
    } finally {
      await pool.end();
    }
    expect(await reachedThrough(poolUrl(db.pool))).toEqual({ via: 'socket', database: db.name });
    expect(await reachedThrough(poolUrl(new pg.Pool({ connectionString: db.url })))).toEqual({ via: 'tcp', database: db.name });
  });

  it('another database of the same server is reached the same way', async () => {
    expect(await reachedThrough(urlOfDatabase(poolUrl(db.pool), 'postgres'))).toEqual({ via: 'socket', database: 'postgres' });
    expect(await reachedThrough(urlOfDatabase(db.url, 'postgres'))).toEqual({ via: 'tcp', database: 'postgres' });
    const { port, user, password } = info();
    expect(await reachedThrough(postgresUrl({ host: info().socketDirectory, port, user, password, database: 'postgres' }))).toEqual({ via: 'socket', database: 'postgres' });
  });
});

describe("trade's finance reach from a socket pool (financeAt keeps one reach per URL: the same reach means the same URL)", () => {
  const withoutConfiguredFinance = async (work: () => Promise<void>) => {
    const previous = process.env.FICUS_FINANCE_DATABASE_URL;
    delete process.env.FICUS_FINANCE_DATABASE_URL;
    try {
      await work();
    } finally {
      if (previous !== undefined) process.env.FICUS_FINANCE_DATABASE_URL = previous;
    }
  };

  it('finance beside a socket pool is its URL with the database changed, socket kept (financeBeside)', () =>
    withoutConfiguredFinance(async () => {
      expect(financeBeside(db.pool)).toBe(financeAt(clusterSocketUrl(info(), FINANCE_DATABASE)));
    }));

  it("a reach remembered for a socket pool is found from a client of that pool; unremembered, finance's URL keeps the socket (ledger-owner)", () =>
    withoutConfiguredFinance(async () => {
      const client = await db.pool.connect();
      try {
        const { port, user, password, socketDirectory } = info();
        const financeUrl = `postgres://${user}:${encodeURIComponent(password)}@localhost:${port}/${FINANCE_DATABASE}?host=${encodeURIComponent(socketDirectory)}`;
        expect(financeForConnection(client)).toBe(financeAt(financeUrl));
        expect(await reachedThrough(urlOfDatabase(financeUrl, db.name))).toEqual({ via: 'socket', database: db.name });

        // Remembered under the pool's facts (from its URL); the client's own (host '/tmp', numeric port) must find it.
        const remembered = financeAt(clusterSocketUrl(info(), 'finance_elsewhere'));
        rememberFinanceForLegacy(db.pool, remembered);
        expect(financeForConnection(client)).toBe(remembered);
        forgetFinanceForLegacy(db.pool);
        expect(financeForConnection(client)).toBe(financeAt(financeUrl));
      } finally {
        client.release();
        forgetFinanceForLegacy(db.pool);
      }
    }));
});
