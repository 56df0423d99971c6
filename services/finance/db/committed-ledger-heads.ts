import pg from 'pg';
import type { Queryable } from '../../../odoo-bridge/orm/index.ts';
import type { CommittedLedgerHeads, LedgerHead } from '../domain/points-ledger.ts';

/**
 * Small pools, one per database, for reading what other transactions committed to the points
 * ledger while an ORM call (REPEATABLE READ, snapshot taken before it got the user's lock) holds
 * the lock (domain/points-ledger.ts CommittedLedgerHeads). A reader holds its connection for one
 * SELECT that waits on nothing, so the calls queueing here cannot deadlock with the calls
 * holding the engine's own connections.
 */
const pools = new Map<string, pg.Pool>();

interface ClientParameters {
  host?: string;
  port?: number;
  user?: string;
  database?: string;
  password?: string | (() => string | Promise<string>);
  ssl?: unknown;
}

function poolFor(client: ClientParameters): pg.Pool {
  const key = `${client.user}@${client.host}:${client.port}/${client.database}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new pg.Pool({
      host: client.host, port: client.port, user: client.user, database: client.database, password: client.password as string | undefined,
      ...(client.ssl ? { ssl: client.ssl as pg.PoolConfig['ssl'] } : {}),
      max: 4, idleTimeoutMillis: 5_000, allowExitOnIdle: true, application_name: 'ficus_finance_ledger_heads',
    });
    pool.on('error', () => undefined);
    pools.set(key, pool);
  }
  return pool;
}

/** The ledger heads other transactions committed, read beside the engine's connection `db` (a pg client of the database the call runs on). */
export function committedLedgerHeadsBeside(db: Queryable): CommittedLedgerHeads | undefined {
  const client = db as unknown as ClientParameters & { connectionParameters?: unknown };
  // Only a pg client names its database; anything else (a pool used outside a transaction) reads committed rows anyway.
  if (!client.connectionParameters || !client.database) return undefined;
  const pool = poolFor(client);
  return async (userIds) => {
    if (!userIds.length) return new Map<number, LedgerHead>();
    const r = await pool.query<{ user_id: number; id: number; balance_after: number | null }>(
      'SELECT DISTINCT ON (user_id) user_id, id, balance_after FROM points_transactions WHERE user_id = ANY($1::int4[]) ORDER BY user_id, id DESC',
      [[...userIds]],
    );
    return new Map(r.rows.map((row) => [row.user_id, { id: row.id, balanceAfter: row.balance_after ?? 0 }]));
  };
}

/** Closes the readers' pools (tests, shutdown); they reopen on demand. */
export async function closeCommittedLedgerReaders(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => undefined)));
}
