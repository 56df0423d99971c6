import type pg from 'pg';

export interface LoadOptions {
  /** Row changes to make in total (inserted + updated + deleted rows). */
  changes: number;
  /** Row changes per source transaction. */
  perTransaction?: number;
  /** Stop early (the crash test's load runs until told). */
  signal?: AbortSignal;
  /** Pace: at most this many changes per second (default: as fast as PostgreSQL takes them). */
  changesPerSecond?: number;
  random?: () => number;
}

export interface LoadResult {
  inserted: number;
  updated: number;
  deleted: number;
  transactions: number;
  ms: number;
}

/** Tables the load writes, all with Odoo's usual columns (varchar, text, timestamps, float8, bool). */
export const LOAD_TABLES = ['public.health_records', 'public.notifications', 'public.points_transactions'] as const;

const MEMBERS = { first: 6, last: 245 };

/**
 * Mixed writes on legacy hp tables the way Odoo makes them: multi-row transactions of about
 * 50 % inserts, 35 % updates and 15 % deletes, on rows it inserted before, so the stream carries
 * every op on keys with history. Used by bench/cdc.ts and the crash test.
 */
export async function runLegacyWriteLoad(pool: pg.Pool, options: LoadOptions): Promise<LoadResult> {
  const random = options.random ?? Math.random;
  const perTxn = options.perTransaction ?? 50;
  const live: Record<'health' | 'notification' | 'points', number[]> = { health: [], notification: [], points: [] };
  const result: LoadResult = { inserted: 0, updated: 0, deleted: 0, transactions: 0, ms: 0 };
  const started = Date.now();
  const client = await pool.connect();
  // A checked-out client has no error listener of the pool's; a server that goes away between two
  // statements would otherwise crash the process instead of failing the next query.
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    while (result.inserted + result.updated + result.deleted < options.changes && !options.signal?.aborted) {
      const inserts = Math.max(1, Math.round(perTxn * 0.5));
      const updates = Math.round(perTxn * 0.35);
      const deletes = perTxn - inserts - updates;
      await client.query('BEGIN');
      const kind = (['health', 'notification', 'points'] as const)[Math.floor(random() * 3)]!;
      live[kind].push(...(await insertRows(client, kind, inserts, random)));
      result.inserted += inserts;
      const toUpdate = pick(live[kind], updates, random, false);
      result.updated += await updateRows(client, kind, toUpdate, random);
      const toDelete = pick(live[kind], deletes, random, true);
      result.deleted += await deleteRows(client, kind, toDelete);
      await client.query('COMMIT');
      result.transactions++;
      if (options.changesPerSecond) {
        const due = started + ((result.inserted + result.updated + result.deleted) / options.changesPerSecond) * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', ignore);
    client.release();
  }
  result.ms = Date.now() - started;
  return result;
}

async function insertRows(client: pg.PoolClient, kind: 'health' | 'notification' | 'points', n: number, random: () => number): Promise<number[]> {
  const users = Array.from({ length: n }, () => MEMBERS.first + Math.floor(random() * (MEMBERS.last - MEMBERS.first + 1)));
  const values = Array.from({ length: n }, () => Math.round(random() * 10_000) / 100);
  let sql: string;
  if (kind === 'health') {
    sql = `INSERT INTO health_records (user_id, create_uid, write_uid, record_type, unit, source, note, measured_at, create_date, write_date, value, value2)
           SELECT u, 1, 1, 'heart_rate', 'bpm', 'manual', 'load ' || v, now() at time zone 'utc', now() at time zone 'utc', now() at time zone 'utc', v, v / 2
             FROM unnest($1::int[], $2::float8[]) AS x(u, v) RETURNING id`;
  } else if (kind === 'notification') {
    sql = `INSERT INTO notifications (user_id, create_uid, write_uid, channel, title, body, is_read, sent_at, create_date, write_date)
           SELECT u, 1, 1, 'app', 'Load ' || v, '<p>body ' || v || '</p>', false, now() at time zone 'utc', now() at time zone 'utc', now() at time zone 'utc'
             FROM unnest($1::int[], $2::float8[]) AS x(u, v) RETURNING id`;
  } else {
    sql = `INSERT INTO points_transactions (user_id, delta, balance_after, create_uid, write_uid, reason, create_date, write_date)
           SELECT u, (v * 10)::int, (v * 100)::int, 1, 1, 'load', now() at time zone 'utc', now() at time zone 'utc'
             FROM unnest($1::int[], $2::float8[]) AS x(u, v) RETURNING id`;
  }
  const { rows } = await client.query<{ id: number }>(sql, [users, values]);
  return rows.map((r) => r.id);
}

async function updateRows(client: pg.PoolClient, kind: 'health' | 'notification' | 'points', ids: number[], random: () => number): Promise<number> {
  if (ids.length === 0) return 0;
  const v = Math.round(random() * 10_000) / 100;
  const sql =
    kind === 'health'
      ? `UPDATE health_records SET value = $2::float8, note = 'updated ' || $2::float8, write_date = now() at time zone 'utc' WHERE id = ANY($1::int[])`
      : kind === 'notification'
        ? `UPDATE notifications SET is_read = NOT coalesce(is_read, false), title = 'Read ' || $2::float8, write_date = now() at time zone 'utc' WHERE id = ANY($1::int[])`
        : `UPDATE points_transactions SET balance_after = ($2::float8 * 100)::int, write_date = now() at time zone 'utc' WHERE id = ANY($1::int[])`;
  return (await client.query(sql, [ids, v])).rowCount ?? 0;
}

async function deleteRows(client: pg.PoolClient, kind: 'health' | 'notification' | 'points', ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const table = kind === 'health' ? 'health_records' : kind === 'notification' ? 'notifications' : 'points_transactions';
  return (await client.query(`DELETE FROM ${table} WHERE id = ANY($1::int[])`, [ids])).rowCount ?? 0;
}

/** `n` distinct ids from `live`; removed from it when `remove` (deleted rows). */
function pick(live: number[], n: number, random: () => number, remove: boolean): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(n, live.length)) chosen.add(Math.floor(random() * live.length));
  const indexes = [...chosen].sort((a, b) => b - a);
  const ids = indexes.map((i) => live[i]!);
  if (remove) for (const i of indexes) live.splice(i, 1);
  return ids;
}
