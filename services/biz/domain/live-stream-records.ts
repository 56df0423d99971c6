import { randomBytes } from 'node:crypto';
import { build, type SqlRunner } from '../db/sql-runner.ts';
import type { LiveStreamFacts } from './live-streams.ts';

/**
 * A new stream's `stream_key`: its CSS stream name (tencent/tx-signature.ts accepts it), 96
 * random bits so that nobody guesses another's stream. Unique in live_streams
 * (`live_streams_stream_key_uniq`, hp_live's _sql_constraints).
 */
export function newStreamKey(): string {
  return `live_${randomBytes(12).toString('hex')}`;
}

export interface NewLiveStream {
  title: string;
  hostId: number;
  scheduledAt: string | null;
  currencyId: number;
}

/**
 * hp.live.stream's create outside the ORM (REST): the model's defaults (state scheduled, the
 * company's currency, given by the caller) and a fresh stream key, drawn again in the
 * astronomically unlikely case that it is taken. Returns the new id and its key.
 */
export async function insertLiveStream(sql: SqlRunner, stream: NewLiveStream, uid: number): Promise<{ id: number; streamKey: string }> {
  for (;;) {
    const streamKey = newStreamKey();
    const [row] = await sql.raw<{ id: number }>(
      `INSERT INTO live_streams (title, host_id, stream_key, state, scheduled_at, currency_id, create_uid, write_uid, create_date, write_date)
       VALUES ($1, $2, $3, 'scheduled', $4, $5, $6, $6, (now() at time zone 'UTC'), (now() at time zone 'UTC'))
       ON CONFLICT (stream_key) DO NOTHING RETURNING id`,
      [stream.title, stream.hostId, streamKey, stream.scheduledAt, stream.currencyId, uid],
    );
    if (row) return { id: row.id, streamKey };
  }
}

/** The stream columns the rules and the events read, by id (the currency as its code). */
export async function readLiveStreamFacts(sql: SqlRunner, ids: readonly number[]): Promise<Map<number, LiveStreamFacts>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await sql.raw<LiveStreamFacts>(
    `SELECT s.id, s.host_id, s.title, s.state, s.started_at, s.revenue, s.viewer_peak, c.name AS currency
       FROM live_streams s LEFT JOIN res_currency c ON c.id = s.currency_id WHERE s.id = ANY($1::int4[])`,
    [unique],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** The hosts of `ids` (the streams that exist), for the host rule of a write. */
export async function readStreamHosts(sql: SqlRunner, ids: readonly number[]): Promise<Pick<LiveStreamFacts, 'id' | 'host_id' | 'title'>[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  return sql.run(build.selectFrom('live_streams').select(['id', 'host_id', 'title']).where('id', 'in', unique).orderBy('id'));
}
