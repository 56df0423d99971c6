import { defineRoute, problems, type RouteDefinition } from '../../kit/index.ts';
import type { HealthRecordType, UserDatabase } from '../db/tables.ts';
import { userHome, userReader } from '../db/user-home.ts';
import { healthAggregates, healthReadings, HealthDataQueryError, type AggregatePeriod, type HealthDataQuery, type HealthReading, type Page, type PeriodAggregate, type RangeBound } from '../domain/health-data.ts';
import { healthAggregatesFromRollup, rollupAnswers } from '../domain/health-data-rollup.ts';
import { rezoneRollup } from '../domain/health-data-rezone.ts';
import { userTimeZone, userZoneAndRollupZone } from '../domain/health-data-zone.ts';
import { decideHealthRead, refusalProblem } from '../domain/health-read-access.ts';
import { healthReadAudit } from '../domain/health-read-audit.ts';

interface HealthDataQueryParams {
  type?: HealthRecordType;
  from?: string;
  to?: string;
  aggregate?: AggregatePeriod;
  limit: number;
  cursor?: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const boundOf = (text: string | undefined): RangeBound | undefined => (text === undefined ? undefined : DATE_ONLY.test(text) ? { date: text } : { instant: text });

/**
 * GET /users/{id}/health-data: the user's hp.health.record rows, raw (newest first) or per day,
 * week or month of their own calendar (res.partner.tz), with min, max, mean, last, count and the
 * unit; aggregates come from svc_user's daily rollup once M02 is the service's (migration 0004,
 * domain/health-data-rollup.ts), from the readings before. Who may read is hp_personal's security as the ORM engine applies it (members their own,
 * coaches and operators anyone's: domain/health-read-access.ts); the rows are read where they
 * live (the monolith until M02's cutover, svc_user after). Every read, refused ones included, is
 * in svc_user's health_read_audit before the answer leaves: who, whose, what kind, over REST.
 */
export const getHealthData = defineRoute<UserDatabase, unknown, HealthDataQueryParams, { id: number }>({
  method: 'get',
  path: '/users/:id/health-data',
  summary: "A user's health records, raw or aggregated per day/week/month in the user's time zone (members: their own; coaches and operators: anyone's)",
  auth: 'bearer',
  params: 'rest/user/health-data-params.json',
  query: 'rest/user/health-data-query.json',
  responses: { 200: 'rest/user/health-data-page.json' },
  async handler(ctx) {
    const { access, params, query } = ctx;
    const subject = params.id;
    const home = await userHome(ctx.db, ctx.legacyPool, { hold: false });
    const rows = userReader(ctx.db, ctx.legacyPool, home);
    // Round trips: the access decision and the zone (with the rollup's zone in svc_user) side by
    // side, then the query and the audit row side by side (bench/user.ts measures each alone).
    const [decision, zones] = await Promise.all([
      decideHealthRead(access!, rows, subject, 'hp.health.record'),
      // The monolith has no rollup (and needs none: it answers only until M02's cutover).
      home === 'service' ? userZoneAndRollupZone(rows, subject) : userTimeZone(rows, subject).then((tz) => ({ tz, rollupZone: null })),
    ]);
    const audit = healthReadAudit(ctx.db);
    const queryKind = query.aggregate ? `aggregate:${query.aggregate}` : 'raw';
    const entry = { actorUid: access!.uid, subjectUids: [subject], model: 'hp.health.record' as const, queryKind, protocol: 'rest' as const, requestId: ctx.requestId };
    if (!decision.allowed) {
      await audit.record({ ...entry, outcome: 'refused' });
      throw refusalProblem(decision);
    }
    const { tz, rollupZone } = zones;
    const filters: HealthDataQuery = {
      limit: query.limit,
      ...(query.type ? { type: query.type } : {}),
      ...(query.from ? { from: boundOf(query.from)! } : {}),
      ...(query.to ? { to: boundOf(query.to)! } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    };
    // The audit row is written while the query runs (its commit is not added to the read's time);
    // the answer still waits for both. So it records the granted read, not how many rows it returned.
    const fromRollup = home === 'service' && rollupAnswers(decision, tz, rollupZone);
    // A member whose rollup is in another zone than theirs (their tz changed; their first rows came
    // before res_users was copied) is answered from the readings while it is rebuilt in theirs.
    if (home === 'service' && query.aggregate && !fromRollup && rollupZone !== tz) rezoneRollup(ctx.db, subject, tz, ctx.log);
    const [page] = await Promise.all([
      asBadRequest<Page<HealthReading> | Page<PeriodAggregate>>(
        !query.aggregate
          ? healthReadings(rows, decision, filters, tz)
          : fromRollup
            ? healthAggregatesFromRollup(rows, decision, { ...filters, period: query.aggregate }, tz)
            : healthAggregates(rows, decision, { ...filters, period: query.aggregate }, tz),
      ),
      audit.record({ ...entry, outcome: 'granted' }),
    ]);
    return {
      status: 200,
      body: { userId: subject, timeZone: tz, aggregate: query.aggregate ?? null, items: page.items, next: page.next ? nextLink(subject, query, page.next) : null },
    };
  },
});

/** The same query with the next page's cursor, as a path a client follows as is. */
function nextLink(subject: number, query: HealthDataQueryParams, cursor: string): string {
  const search = new URLSearchParams();
  for (const name of ['type', 'from', 'to', 'aggregate', 'limit'] as const) {
    const value = query[name];
    if (value !== undefined) search.set(name, String(value));
  }
  search.set('cursor', cursor);
  return `/users/${subject}/health-data?${search.toString()}`;
}

async function asBadRequest<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof HealthDataQueryError) throw problems.badRequest(error.message, [{ pointer: '/query/cursor', detail: error.message }]);
    throw error;
  }
}

/** The health-data read routes (user-core's routes/index.ts spreads them into USER_ROUTES). */
export const HEALTH_DATA_ROUTES: RouteDefinition<UserDatabase>[] = [getHealthData];
