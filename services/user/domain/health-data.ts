import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { HealthRecordType } from '../db/tables.ts';
import { exactMean, exactSum } from './health-data-mean.ts';
import type { HealthReadGrant } from './health-read-access.ts';

export type AggregatePeriod = 'day' | 'week' | 'month';

/**
 * A range bound: an instant (RFC 3339 date-time with its offset), or a calendar date, which means
 * that date's local midnight in the user's time zone. `from` is inclusive, `to` exclusive.
 */
export type RangeBound = { instant: string } | { date: string };

export interface HealthDataQuery {
  type?: HealthRecordType;
  from?: RangeBound;
  to?: RangeBound;
  limit: number;
  /** The previous page's `next` cursor (opaque to clients). */
  cursor?: string;
}

/** One hp.health.record as REST shows it. `measuredAt` is UTC (Odoo stores UTC). */
export interface HealthReading {
  id: number;
  type: HealthRecordType;
  value: number | null;
  value2: number | null;
  unit: string | null;
  measuredAt: string;
  source: string | null;
  deviceBindingId: number | null;
  note: string | null;
}

export interface ValueStats {
  min: number | null;
  max: number | null;
  mean: number | null;
  last: number | null;
}

/**
 * The readings of one type and unit in one period of the user's calendar. `period` is the local
 * date the period starts on (a week starts on Monday, ISO); `start`/`end` are the instants it spans
 * (a day is 23 or 25 hours across a DST change). `count` counts readings; the statistics are over
 * the readings that have a value; `last` is the latest one's (Odoo's `measured_at desc, id desc`).
 * Blood pressure also has `value2` (diastolic), aggregated the same way.
 */
export interface PeriodAggregate extends ValueStats {
  period: string;
  start: string;
  end: string;
  type: HealthRecordType;
  unit: string | null;
  count: number;
  value2?: ValueStats;
}

export interface Page<T> {
  items: T[];
  /** The cursor of the next page, or null on the last one. */
  next: string | null;
}

/** Input the schema cannot judge (a cursor that is not ours, a range that ends before it starts): the edge's 400. */
export class HealthDataQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HealthDataQueryError';
  }
}

/** A stored timestamp (UTC, without time zone) as an RFC 3339 instant; microseconds only when it has them. */
const instantOf = (column: RawBuilder<unknown>) =>
  sql<string>`CASE WHEN date_part('microseconds', ${column})::bigint % 1000000 = 0
    THEN to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') ELSE to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END`;

/**
 * The first instant (stored form: UTC, without time zone) at which the wall clock in `tz` shows
 * `local` or later: where a local period starts. PostgreSQL reads an ambiguous wall-clock time as
 * the later of its two moments; where midnight happens twice (Havana falls back from 01:00 to
 * 00:00) the day starts at the first, up to an hour (half an hour on Lord Howe) earlier, which the
 * candidates catch. A wall-clock time that never happens (00:00 becoming 01:00) is read with the
 * offset before the change: the moment of the change, the day's first.
 */
export const firstInstantAt = (local: RawBuilder<unknown>, tz: string) => {
  // A plain expression, not a subquery: it runs once per period of a page (hundreds per request).
  // Time zone conversions are most of its cost: the first branch settles the usual case (the
  // clock showed an hour less an hour before: no change in that hour, so none of the candidates
  // shows `local` yet) with two.
  const at = sql`((${local}) AT TIME ZONE ${tz})`;
  return sql<string>`(CASE WHEN (${at} - interval '1 hour') AT TIME ZONE ${tz} = (${local}) - interval '1 hour' THEN ${at}
    WHEN (${at} - interval '1 hour') AT TIME ZONE ${tz} >= (${local}) THEN ${at} - interval '1 hour'
    WHEN (${at} - interval '30 minutes') AT TIME ZONE ${tz} >= (${local}) THEN ${at} - interval '30 minutes'
    ELSE ${at} END AT TIME ZONE 'UTC')`;
};

export const rfc3339 = (stored: RawBuilder<unknown>) => sql<string>`to_char(${stored}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * The range as conditions on `r`, all on the stored UTC column (the index, and no time zone
 * arithmetic per row): an instant as is, a date as the first instant of that local day.
 */
function rangeConditions(tz: string, from: RangeBound | undefined, to: RangeBound | undefined): RawBuilder<unknown>[] {
  const bound = (b: RangeBound) => ('instant' in b ? sql`(${b.instant}::timestamptz AT TIME ZONE 'UTC')` : firstInstantAt(sql`${b.date}::timestamp`, tz));
  return [...(from ? [sql`r.measured_at >= ${bound(from)}`] : []), ...(to ? [sql`r.measured_at < ${bound(to)}`] : [])];
}

export async function baseConditions(grant: HealthReadGrant, query: HealthDataQuery, tz: string): Promise<RawBuilder<unknown>[]> {
  return [await grant.where('r'), ...(query.type ? [sql`r.record_type = ${query.type}`] : []), ...rangeConditions(tz, query.from, query.to)];
}

export const and = (conditions: readonly RawBuilder<unknown>[]) => (conditions.length ? sql.join(conditions, sql` AND `) : sql`TRUE`);

/**
 * The subject's readings newest first (hp.health.record's `_order`), a page at a time: the
 * cursor is the last reading's (measured_at, id), so rows recorded meanwhile never shift a page.
 */
export async function healthReadings(rows: Kysely<any>, grant: HealthReadGrant, query: HealthDataQuery, tz: string): Promise<Page<HealthReading>> {
  const conditions = await baseConditions(grant, query, tz);
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor, 'raw');
    conditions.push(sql`(r.measured_at, r.id) < (${cursor.at}::timestamp, ${cursor.id}::int)`);
  }
  const { rows: found } = await sql<HealthReading & { cursorAt: string }>`
    SELECT r.id, r.record_type AS type, r.value, r.value2, r.unit, ${instantOf(sql`r.measured_at`)} AS "measuredAt",
           r.source, r.device_binding_id AS "deviceBindingId", r.note,
           to_char(r.measured_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "cursorAt"
      FROM health_records AS r
     WHERE ${and(conditions)}
     ORDER BY r.measured_at DESC, r.id DESC
     LIMIT ${query.limit + 1}`.execute(rows);
  const page = found.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ cursorAt: _cursorAt, ...reading }) => reading),
    next: found.length > query.limit && last ? encodeCursor({ k: 'raw', at: last.cursorAt, id: last.id }) : null,
  };
}

/**
 * Per-period aggregates of the subject's readings in their time zone, newest period first, one
 * item per (period, type, unit): readings in different units are never averaged together. A page
 * spans the rest of the cursor's period and at most `limit` periods back from the newest reading
 * before it, so the query reads only those periods' rows (the (user_id, record_type, measured_at)
 * index); a page over sparse data may hold fewer than `limit` items, and `next` is null only on
 * the last page. Every
 * row comes through the grant's condition: the subject's rows that the reader's rules allow.
 */
export async function healthAggregates(rows: Kysely<any>, grant: HealthReadGrant, query: HealthDataQuery & { period: AggregatePeriod }, tz: string): Promise<Page<PeriodAggregate>> {
  const unit = sql.raw(`'${query.period}'`);
  const oneUnit = sql.raw(`interval '1 ${query.period}'`);
  const conditions = await baseConditions(grant, query, tz);
  const cursor = query.cursor ? decodeCursor(query.cursor, 'agg') : undefined;
  // Rows of the cursor's period or earlier (its items not yet shown come first on this page).
  if (cursor) conditions.push(sql`r.measured_at < ${firstInstantAt(sql`${cursor.bucket}::timestamp + ${oneUnit}`, tz)}`);
  const where = and(conditions);
  const beforeCursor = cursor ? sql`AND r.measured_at < ${firstInstantAt(sql`${cursor.bucket}::timestamp`, tz)}` : sql``;
  const cursorBucket = cursor ? sql`${cursor.bucket}::timestamp` : sql`NULL::timestamp`;
  const after = cursor
    ? sql`WHERE b.bucket < ${cursor.bucket}::timestamp OR (b.bucket = ${cursor.bucket}::timestamp AND (b.type, coalesce(b.unit, '')) > (${cursor.type}::varchar, ${cursor.unit}::varchar))`
    : sql``;
  // The page's periods: the cursor's own, then `limit` periods back from the newest reading before
  // it (without a cursor: from the newest reading). Each period's first instant is computed once,
  // in `tz`; a reading finds its period by binary search over them (width_bucket), with no time
  // zone arithmetic per reading.
  const { rows: found } = await sql<PeriodAggregate & { bucketKey: string; older: boolean; count: string | number }>`
    WITH newest AS (
      SELECT max(r.measured_at) AS at FROM health_records AS r WHERE ${where} ${beforeCursor}
    ), span AS (
      SELECT coalesce(date_trunc(${unit}, (newest.at AT TIME ZONE 'UTC') AT TIME ZONE ${tz}) - ${oneUnit} * ${query.limit - 1}, ${cursorBucket}) AS first_bucket,
             coalesce(${cursorBucket}, date_trunc(${unit}, (newest.at AT TIME ZONE 'UTC') AT TIME ZONE ${tz})) AS last_bucket
        FROM newest
    ), periods AS (
      -- One more start than periods: the last is where the last period ends.
      SELECT array_agg(${firstInstantAt(sql`s.bucket`, tz)} ORDER BY s.bucket) AS starts, array_agg(s.bucket ORDER BY s.bucket) AS buckets
        FROM span, generate_series(span.first_bucket, span.last_bucket + ${oneUnit}, ${oneUnit}) AS s(bucket)
    ), picked AS (
      SELECT r.id, r.record_type, r.unit, r.value, r.value2, r.measured_at, p.buckets[width_bucket(r.measured_at, p.starts)] AS bucket
        FROM health_records AS r, periods AS p
       WHERE ${where}
         AND r.measured_at >= p.starts[1] AND r.measured_at < p.starts[array_length(p.starts, 1)]
    ), buckets AS (
      -- The latest reading's time only: its value is looked up for the page's items alone (below),
      -- cheaper than ordering every period's readings to take the first.
      SELECT p.bucket, p.record_type AS type, p.unit, count(*) AS count,
             min(p.value) AS min, max(p.value) AS max, ${exactMean(exactSum(sql`p.value`), sql`count(p.value)`)} AS mean,
             max(p.measured_at) FILTER (WHERE p.value IS NOT NULL) AS last_at,
             min(p.value2) AS min2, max(p.value2) AS max2, ${exactMean(exactSum(sql`p.value2`), sql`count(p.value2)`)} AS mean2,
             max(p.measured_at) FILTER (WHERE p.value2 IS NOT NULL) AS last2_at
        FROM picked AS p
       GROUP BY p.bucket, p.record_type, p.unit
    ), page AS (
      SELECT b.* FROM buckets AS b
      ${after}
      ORDER BY b.bucket DESC, b.type, coalesce(b.unit, '')
      LIMIT ${query.limit + 1}
    )
    SELECT to_char(b.bucket, 'YYYY-MM-DD') AS period,
           ${rfc3339(firstInstantAt(sql`b.bucket`, tz))} AS start,
           ${rfc3339(firstInstantAt(sql`b.bucket + ${oneUnit}`, tz))} AS "end",
           b.type, b.unit, b.count, b.min, b.max, b.mean, b.min2, b.max2, b.mean2,
           -- Odoo's order (measured_at desc, id desc) among the readings of that latest second.
           (SELECT r.value FROM health_records AS r
             WHERE ${where} AND r.record_type = b.type AND r.unit IS NOT DISTINCT FROM b.unit AND r.measured_at = b.last_at AND r.value IS NOT NULL
             ORDER BY r.id DESC LIMIT 1) AS last,
           CASE WHEN b.last2_at IS NOT NULL THEN
             (SELECT r.value2 FROM health_records AS r
               WHERE ${where} AND r.record_type = b.type AND r.unit IS NOT DISTINCT FROM b.unit AND r.measured_at = b.last2_at AND r.value2 IS NOT NULL
               ORDER BY r.id DESC LIMIT 1)
           END AS last2,
           to_char(b.bucket, 'YYYY-MM-DD"T"HH24:MI:SS') AS "bucketKey",
           -- A scalar bound (not a join with periods), so the index stops at it instead of filtering every row above it.
           EXISTS (SELECT 1 FROM health_records AS r WHERE ${where} AND r.measured_at < (SELECT p.starts[1] FROM periods AS p)) AS older
      FROM page AS b
     ORDER BY b.bucket DESC, b.type, coalesce(b.unit, '')`.execute(rows);
  const page = found.slice(0, query.limit);
  const last = page[page.length - 1];
  const more = found.length > query.limit || Boolean(last?.older);
  return {
    items: page.map((b) => aggregateOf(b as unknown as BucketRow)),
    next: more && last ? encodeCursor({ k: 'agg', bucket: last.bucketKey, type: last.type, unit: last.unit ?? '' }) : null,
  };
}

export interface BucketRow {
  period: string;
  start: string;
  end: string;
  type: HealthRecordType;
  unit: string | null;
  count: string | number;
  min: number | null;
  max: number | null;
  mean: number | null;
  last: number | null;
  min2: number | null;
  max2: number | null;
  mean2: number | null;
  last2: number | null;
}

export function aggregateOf(b: BucketRow): PeriodAggregate {
  // Built as one literal and a property (no object spread: hundreds per page, spreads cost far more).
  const item: PeriodAggregate = {
    period: b.period,
    start: b.start,
    end: b.end,
    type: b.type,
    unit: b.unit,
    count: Number(b.count),
    min: b.min,
    max: b.max,
    mean: b.mean,
    last: b.last,
  };
  if (b.type === 'blood_pressure') item.value2 = { min: b.min2, max: b.max2, mean: b.mean2, last: b.last2 };
  return item;
}

export type Cursor = { k: 'raw'; at: string; id: number } | { k: 'agg'; bucket: string; type: string; unit: string };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

export function decodeCursor<K extends Cursor['k']>(text: string, kind: K): Extract<Cursor, { k: K }> {
  let cursor: any;
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    cursor = null;
  }
  const valid = cursor && cursor.k === kind && (kind === 'raw'
    ? typeof cursor.at === 'string' && TIMESTAMP.test(cursor.at) && Number.isSafeInteger(cursor.id) && cursor.id > 0 && cursor.id <= 2147483647
    : typeof cursor.bucket === 'string' && TIMESTAMP.test(cursor.bucket) && typeof cursor.type === 'string' && typeof cursor.unit === 'string');
  if (!valid) throw new HealthDataQueryError(`cursor is not a cursor of this listing (${kind === 'raw' ? 'raw readings' : 'aggregates'}): start again without it`);
  return cursor;
}
