import pg from 'pg';
import type { Logger } from 'pino';
import { lsnToNumber } from '../events/lsn.ts';

export interface HeartbeatOptions {
  url: string;
  intervalMs: number;
  logger: Logger;
  /** When the reader last received anything from the slot. */
  lastMessageAt(): number;
  /** LSN the target has applied (and the slot confirmed). */
  appliedLsn(): number;
  onLagBytes(bytes: number): void;
}

export const HEARTBEAT_PREFIX = 'ficus_heartbeat';

/**
 * Every interval: measures the WAL lag (pg_current_wal_insert_lsn() − applied LSN), and when the slot has
 * been silent for a whole interval writes a transactional logical-decoding message into the
 * source's WAL. The message comes back through the slot as an empty transaction whose commit the
 * reader applies and confirms, so confirmed_flush_lsn moves and the slot does not hold WAL on a
 * database whose published tables are idle. No table is needed (Ficus creates nothing in the
 * legacy database but its publication and slot); Debezium's equivalent is heartbeat.action.query.
 */
export function startHeartbeat(options: HeartbeatOptions): { stop(): Promise<void> } {
  let client: pg.Client | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const connection = async (): Promise<pg.Client> => {
    if (client) return client;
    const fresh = new pg.Client({ connectionString: options.url, application_name: 'ficus_cdc_heartbeat' });
    fresh.on('error', () => {
      if (client === fresh) client = undefined;
    });
    await fresh.connect();
    client = fresh;
    return fresh;
  };

  const beat = async (): Promise<void> => {
    try {
      const db = await connection();
      const { rows } = await db.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
      const applied = options.appliedLsn();
      if (applied > 0) options.onLagBytes(Math.max(0, lsnToNumber(rows[0]!.lsn) - applied));
      if (Date.now() - options.lastMessageAt() >= options.intervalMs) {
        await db.query('SELECT pg_logical_emit_message(true, $1, $2)', [HEARTBEAT_PREFIX, new Date().toISOString()]);
      }
    } catch (error) {
      options.logger.debug({ err: error }, 'heartbeat failed (the reader reconnects on its own)');
      const broken = client;
      client = undefined;
      await broken?.end().catch(() => undefined);
    }
  };

  const timer = setInterval(() => {
    if (!stopped) running = running.then(beat);
  }, options.intervalMs);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await client?.end().catch(() => undefined);
    },
  };
}
