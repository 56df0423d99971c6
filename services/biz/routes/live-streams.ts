import { sql } from 'kysely';
import type { Logger } from 'pino';
import { odooNow } from '../../../odoo-bridge/orm/index.ts';
import { defineRoute, problems, type AccessPort } from '../../kit/index.ts';
import { liveStreamHome } from '../db/biz-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { BizDatabase, LiveStreamState } from '../db/tables.ts';
import { streamCreateRefusal } from '../domain/live-stream-hosts.ts';
import { insertLiveStream } from '../domain/live-stream-records.ts';
import { endStreams, goLive } from '../domain/live-streams.ts';
import { liveUrlSettings, TencentSettingsError } from '../domain/tencent/tencent-settings.ts';
import { LIVE_MODEL, LIVE_TABLE, liveCallerOfRest, restStreamStore } from './live-access.ts';
import { listLiveStreamResources, readLiveStreamResource, type UrlSigning } from './live-resource.ts';
import { asProblems, checkRecords, readerOfHome, restEventSink, writeInHome } from './rest-access.ts';

interface LiveStreamCreate { title: string; scheduledAt?: string; hostId?: number }
interface LiveStreamQuery { state?: LiveStreamState; host_id?: number; scheduled_from?: string; scheduled_to?: string; limit: number; offset: number }

/**
 * How this request signs URLs: the CSS settings as configured now (a setting present but unusable
 * is the server's fault, 503, named in the log by its variable, never by its value), and who sees
 * a push URL: the host, operators and administrators (liveCallerOfRest).
 */
async function signingFor(access: AccessPort, log: Logger, withPushUrl: boolean): Promise<UrlSigning> {
  let settings;
  try {
    settings = liveUrlSettings();
  } catch (error) {
    if (!(error instanceof TencentSettingsError)) throw error;
    log.error({ setting: error.variable }, 'Tencent Cloud CSS setting unusable');
    throw problems.unavailable('live streaming is not configured correctly on this server', 300);
  }
  const caller = withPushUrl ? await liveCallerOfRest(access) : undefined;
  return { settings, nowMs: Date.now(), withPushUrl, showsPushUrl: (hostId) => !!caller && (caller.managesAnyStream || hostId === caller.uid) };
}

/**
 * POST /live-streams: schedules a stream as hp.live.stream's create does, over REST: the create
 * ACL (coaches, administrators; members and operators get Odoo's AccessError as 403), hosted by
 * the caller (an operator or administrator may name another host; anyone else naming one is 403,
 * the rule the monolith lacks), state scheduled, the company's currency, and a fresh unique
 * stream key. Answers 201 with the stream, its signed push URL and play URLs, and a Location.
 * Idempotency-Key is required: a retried create must not schedule a second stream.
 */
export const createLiveStreamRoute = defineRoute<BizDatabase, LiveStreamCreate>({
  method: 'post',
  path: '/live-streams',
  summary: 'Schedule a live stream hosted by the caller (coaches; operators and administrators may name the host); answers its signed Tencent Cloud push and play URLs; Idempotency-Key required',
  auth: 'bearer',
  idempotency: 'required',
  body: 'rest/biz/live-stream-create.json',
  responses: { 201: 'rest/biz/live-stream.json' },
  async handler(ctx) {
    const { body, access, log } = ctx;
    await access!.check(LIVE_MODEL, 'create');
    const hostId = body.hostId ?? access!.uid;
    const refusal = streamCreateRefusal(await liveCallerOfRest(access!), hostId);
    if (refusal) throw problems.forbidden(refusal.message);
    const signing = await signingFor(access!, log, true);
    return writeInHome(liveStreamHome, ctx, async (rows) => {
      const { rows: host } = await sql<{ id: number }>`SELECT id FROM res_users WHERE id = ${hostId}`.execute(rows);
      if (!host.length) throw problems.unprocessable(`user ${hostId} does not exist`);
      // `default=lambda self: self.env.company.currency_id`: the caller's company.
      const { rows: company } = await sql<{ currency_id: number }>`
        SELECT c.currency_id FROM res_users u JOIN res_company c ON c.id = u.company_id WHERE u.id = ${access!.uid}`.execute(rows);
      if (!company[0]) throw problems.unprocessable(`user ${access!.uid} has no company, so no currency for the stream`);
      const scheduledAt = body.scheduledAt === undefined ? null : odooNow(new Date(body.scheduledAt));
      const { id } = await insertLiveStream(onKysely(rows), { title: body.title, hostId, scheduledAt, currencyId: company[0].currency_id }, access!.uid);
      // Odoo checks the create rules on the new record, after the INSERT, in the same transaction.
      await checkRecords(access!, rows, LIVE_MODEL, LIVE_TABLE, 'create', [id], 'live stream');
      return { status: 201, body: (await readLiveStreamResource(rows, id, signing))!, headers: { location: `/live-streams/${id}` } };
    });
  },
});

/** GET /live-streams: the streams the caller may read (every platform user reads every stream), newest scheduled first, with play URLs. */
export const listLiveStreams = defineRoute<BizDatabase, unknown, LiveStreamQuery>({
  method: 'get',
  path: '/live-streams',
  summary: 'List live streams (every platform user), filtered by state, host and scheduled time, newest scheduled first, with signed play URLs',
  auth: 'bearer',
  query: 'rest/biz/live-stream-query.json',
  responses: { 200: 'rest/biz/live-stream-list.json' },
  async handler(ctx) {
    const { query, access, log } = ctx;
    await access!.check(LIVE_MODEL, 'read');
    const signing = await signingFor(access!, log, false);
    const page = await listLiveStreamResources(await readerOfHome(liveStreamHome, ctx), await access!.rules(LIVE_MODEL, 'read', 'l'), {
      ...(query.state ? { state: query.state } : {}), ...(query.host_id ? { hostId: query.host_id } : {}),
      ...(query.scheduled_from ? { scheduledFrom: query.scheduled_from } : {}), ...(query.scheduled_to ? { scheduledTo: query.scheduled_to } : {}),
      limit: query.limit, offset: query.offset,
    }, signing);
    return { status: 200, body: page };
  },
});

/** GET /live-streams/{id}: one stream with its play URLs; its push URL only for the host, operators and administrators (null for anyone else). */
export const getLiveStream = defineRoute<BizDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/live-streams/:id',
  summary: 'Read one live stream with its signed play URLs (and its push URL for the host, operators and administrators)',
  auth: 'bearer',
  params: 'rest/biz/live-stream-params.json',
  responses: { 200: 'rest/biz/live-stream.json' },
  async handler(ctx) {
    const { params, access, log } = ctx;
    const rows = await readerOfHome(liveStreamHome, ctx);
    await checkRecords(access!, rows, LIVE_MODEL, LIVE_TABLE, 'read', [params.id], 'live stream');
    const stream = await readLiveStreamResource(rows, params.id, await signingFor(access!, log, true));
    if (!stream) throw problems.notFound(`live stream ${params.id} does not exist`);
    return { status: 200, body: stream };
  },
});

/** The state transitions over REST: the domain function the Odoo method runs, on the stream's home, answered with the stream. */
function transitionRoute(action: 'go-live' | 'end', summary: string) {
  return defineRoute<BizDatabase, unknown, unknown, { id: number }>({
    method: 'post',
    path: `/live-streams/:id/${action}`,
    summary,
    auth: 'bearer',
    idempotency: 'optional',
    params: 'rest/biz/live-stream-params.json',
    responses: { 200: 'rest/biz/live-stream.json' },
    async handler(ctx) {
      const { params, access, log } = ctx;
      const signing = await signingFor(access!, log, true);
      return writeInHome(liveStreamHome, ctx, async (rows) => {
        const store = restStreamStore(rows, access!);
        const now = odooNow();
        await asProblems(action === 'go-live' ? goLive(store, restEventSink(ctx), [params.id], now) : endStreams(store, restEventSink(ctx), [params.id], now));
        return { status: 200, body: (await readLiveStreamResource(rows, params.id, signing))! };
      });
    },
  });
}

/**
 * POST /live-streams/{id}/go-live: hp.live.stream.action_go_live (scheduled → live, started_at;
 * 409 "Stream '<title>' is not scheduled." otherwise), announced as live_started. The write ACL
 * (coaches, operators, administrators) and the host rule: only the host, an operator or an
 * administrator (403 for another coach).
 */
export const goLiveRoute = transitionRoute('go-live', 'Start a scheduled live stream (hp.live.stream.action_go_live; the host, operators and administrators)');
/** POST /live-streams/{id}/end: hp.live.stream.action_end (live → ended, ended_at; 409 "Stream '<title>' is not live." otherwise), with the same checks. */
export const endRoute = transitionRoute('end', 'End a live stream (hp.live.stream.action_end; the host, operators and administrators)');

export const LIVE_STREAM_ROUTES = [createLiveStreamRoute, listLiveStreams, getLiveStream, goLiveRoute, endRoute];
