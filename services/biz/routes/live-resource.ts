import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { LiveStreamState } from '../db/tables.ts';
import { pushUrl, playUrls, type LivePlayUrls, type LiveUrlSettings } from '../domain/tencent/live-urls.ts';

/**
 * A live stream as REST shows it: hp.live.stream's fields, and the Tencent Cloud CSS URLs of its
 * stream key, signed until `urlsExpireAt`: play URLs for every reader, the push URL only for the
 * host and those who manage every stream (routes/live-streams.ts decides). URLs are null when the
 * stream has no key (made over RPC without one) or CSS is not configured.
 */
export interface LiveStreamResource {
  id: number;
  title: string;
  hostId: number;
  streamKey: string | null;
  state: LiveStreamState;
  scheduledAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  viewerPeak: number;
  revenue: string;
  currency: string;
  playUrls: LivePlayUrls | null;
  pushUrl?: string | null;
  urlsExpireAt: string | null;
}

interface LiveStreamRow {
  id: number; title: string; host_id: number; stream_key: string | null; state: LiveStreamState;
  scheduled_at: string | null; started_at: string | null; ended_at: string | null; viewer_peak: number | null; revenue: string | null; currency: string | null;
}

const utc = (column: RawBuilder<unknown>) => sql`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
const COLUMNS = sql`l.id, l.title, l.host_id, l.stream_key, l.state, ${utc(sql.ref('l.scheduled_at'))} AS scheduled_at, ${utc(sql.ref('l.started_at'))} AS started_at,
  ${utc(sql.ref('l.ended_at'))} AS ended_at, l.viewer_peak, l.revenue::text AS revenue, c.name AS currency`;

/** What signs the URLs of one answer: the settings (null: none configured), the expiry, and whether the push URL is shown for a stream. */
export interface UrlSigning {
  settings: LiveUrlSettings | null;
  nowMs: number;
  showsPushUrl(hostId: number): boolean;
  /** List items leave the push URL out entirely; one stream's answer says null when it is withheld. */
  withPushUrl: boolean;
}

function resource(row: LiveStreamRow, signing: UrlSigning): LiveStreamResource {
  const { settings } = signing;
  const signable = settings !== null && row.stream_key !== null;
  const expiresAt = settings ? Math.floor(signing.nowMs / 1000) + settings.urlValiditySeconds : 0;
  const base: LiveStreamResource = {
    id: row.id, title: row.title, hostId: row.host_id, streamKey: row.stream_key, state: row.state,
    scheduledAt: row.scheduled_at, startedAt: row.started_at, endedAt: row.ended_at,
    viewerPeak: row.viewer_peak ?? 0, revenue: row.revenue ?? '0', currency: row.currency ?? '',
    playUrls: signable ? playUrls(settings, row.stream_key!, expiresAt) : null,
    urlsExpireAt: signable ? new Date(expiresAt * 1000).toISOString() : null,
  };
  if (signing.withPushUrl) base.pushUrl = signable && signing.showsPushUrl(row.host_id) ? pushUrl(settings, row.stream_key!, expiresAt) : null;
  return base;
}

/** One stream as REST shows it (no access check: the caller did it). */
export async function readLiveStreamResource(db: Kysely<any>, id: number, signing: UrlSigning): Promise<LiveStreamResource | undefined> {
  const { rows } = await sql<LiveStreamRow>`SELECT ${COLUMNS} FROM live_streams l LEFT JOIN res_currency c ON c.id = l.currency_id WHERE l.id = ${id}`.execute(db);
  return rows[0] && resource(rows[0], signing);
}

export interface LiveStreamFilter {
  state?: LiveStreamState;
  hostId?: number;
  scheduledFrom?: string;
  scheduledTo?: string;
  limit: number;
  offset: number;
}

/** A page of the streams `visible` (the caller's read rules over alias l) lets through, in hp.live.stream's order (scheduled_at desc, id desc), and how many match. */
export async function listLiveStreamResources(db: Kysely<any>, visible: RawBuilder<boolean>, filter: LiveStreamFilter, signing: UrlSigning): Promise<{ items: LiveStreamResource[]; total: number; limit: number; offset: number }> {
  const conditions: RawBuilder<unknown>[] = [visible];
  if (filter.state !== undefined) conditions.push(sql`l.state = ${filter.state}`);
  if (filter.hostId !== undefined) conditions.push(sql`l.host_id = ${filter.hostId}`);
  if (filter.scheduledFrom !== undefined) conditions.push(sql`l.scheduled_at >= ${filter.scheduledFrom}::timestamptz at time zone 'UTC'`);
  if (filter.scheduledTo !== undefined) conditions.push(sql`l.scheduled_at < ${filter.scheduledTo}::timestamptz at time zone 'UTC'`);
  const where = sql.join(conditions, sql` AND `);
  const [page, count] = await Promise.all([
    sql<LiveStreamRow>`SELECT ${COLUMNS} FROM live_streams l LEFT JOIN res_currency c ON c.id = l.currency_id WHERE ${where}
      ORDER BY l.scheduled_at DESC, l.id DESC LIMIT ${filter.limit} OFFSET ${filter.offset}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM live_streams l WHERE ${where}`.execute(db),
  ]);
  return { items: page.rows.map((r) => resource(r, { ...signing, withPushUrl: false })), total: count.rows[0]!.n, limit: filter.limit, offset: filter.offset };
}
