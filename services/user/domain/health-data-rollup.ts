import { sql, type Kysely, type RawBuilder } from 'kysely';
import { exactMean, exactSum } from './health-data-mean.ts';
import {
  and, baseConditions, decodeCursor, encodeCursor, firstInstantAt, rfc3339,
  type AggregatePeriod, type BucketRow, type HealthDataQuery, type Page, type PeriodAggregate,
} from './health-data.ts';
import type { HealthReadGrant } from './health-read-access.ts';

/**
 * Whether svc_user's daily rollup (migration 0004) may answer an aggregate: the reader may read
 * every row of the subject (a rule that keeps some of them out cannot be applied to a day's sums),
 * and the rollup is kept in the zone the subject has now (after a tz change it is rebuilt first).
 */
export function rollupAnswers(grant: HealthReadGrant, tz: string, rollupZone: string | null): boolean {
  return grant.scope === 'all' && rollupZone === tz;
}

/**
 * healthAggregates (domain/health-data.ts) from the daily rollup instead of the readings: the same
 * items, pages and cursors (a cursor of one works on the other, so a client paging across M02's
 * cutover goes on). Whole local days in the range come from health_daily_rollup; a day that an
 * instant bound cuts (at most the `from` day and the `to` day) from its readings, through the
 * grant's condition, with the same statistics. A period is the union of its days: count, min and
 * max of the days', the exact sums over the summed counts (health-data-mean.ts: the same float8 as
 * the raw path), `last` of its latest day that has a value. The rollup's rows are the subject's
 * only (user_id), which `rollupAnswers` allows exactly when the grant's rules keep none of the
 * subject's rows out.
 */
export async function healthAggregatesFromRollup(
  rows: Kysely<any>,
  grant: HealthReadGrant,
  query: HealthDataQuery & { period: AggregatePeriod },
  tz: string,
): Promise<Page<PeriodAggregate>> {
  const unit = sql.raw(`'${query.period}'`);
  const oneUnit = sql.raw(`interval '1 ${query.period}'`);
  const cursor = query.cursor ? decodeCursor(query.cursor, 'agg') : undefined;
  const localDay = (instant: string) => sql`((${instant}::timestamptz AT TIME ZONE ${tz})::date)`;
  const rowDay = sql`((r.measured_at AT TIME ZONE 'UTC') AT TIME ZONE ${tz})::date`;

  const whole: RawBuilder<unknown>[] = [sql`d.user_id = ${grant.subject}`, sql`d.time_zone = ${tz}`, sql`d.count > 0`];
  if (query.type) whole.push(sql`d.record_type = ${query.type}`);
  if (query.from) whole.push('date' in query.from ? sql`d.day >= ${query.from.date}::date` : sql`d.day > ${localDay(query.from.instant)}`);
  if (query.to) whole.push('date' in query.to ? sql`d.day < ${query.to.date}::date` : sql`d.day < ${localDay(query.to.instant)}`);

  // The days an instant bound cuts, from the readings: each near its bound (the index range), the
  // `to` day only when it is not the `from` day (that one would count twice).
  const readings = and(await baseConditions(grant, query, tz));
  const cut: RawBuilder<unknown>[] = [];
  if (query.from && 'instant' in query.from) {
    cut.push(sql`r.measured_at < (${query.from.instant}::timestamptz AT TIME ZONE 'UTC') + interval '2 days' AND ${rowDay} = ${localDay(query.from.instant)}`);
  }
  if (query.to && 'instant' in query.to) {
    const notFromDay = query.from && 'instant' in query.from ? sql` AND ${localDay(query.to.instant)} <> ${localDay(query.from.instant)}` : sql``;
    cut.push(sql`r.measured_at >= (${query.to.instant}::timestamptz AT TIME ZONE 'UTC') - interval '2 days' AND ${rowDay} = ${localDay(query.to.instant)}${notFromDay}`);
  }
  const stats = (column: 'value' | 'value2', n: '1' | '2') => {
    const c = sql.ref(`r.${column}`);
    return sql`count(${c})::int AS ${sql.ref(`n${n}`)}, ${exactSum(c)} AS ${sql.ref(`s${n}`)}, min(${c}) AS ${sql.ref(`min${n}`)}, max(${c}) AS ${sql.ref(`max${n}`)},
      (array_agg(${c} ORDER BY r.measured_at DESC, r.id DESC) FILTER (WHERE ${c} IS NOT NULL))[1] AS ${sql.ref(`last${n}`)}`;
  };
  const cutDays = cut.map((condition) => sql`
    UNION ALL
    SELECT c.day, ${firstInstantAt(sql`c.day::timestamp`, tz)}, ${firstInstantAt(sql`(c.day + 1)::timestamp`, tz)},
           c.record_type, c.unit, c.count, c.n1, c.s1, c.min1, c.max1, c.last1, c.n2, c.s2, c.min2, c.max2, c.last2
      FROM (SELECT ${rowDay} AS day, r.record_type, r.unit, count(*)::int AS count, ${stats('value', '1')}, ${stats('value2', '2')}
              FROM health_records AS r
             WHERE ${readings} AND ${condition}
             GROUP BY 1, 2, 3) AS c`);

  const cursorBucket = cursor ? sql`${cursor.bucket}::timestamp` : sql`NULL::timestamp`;
  // Days of the cursor's period or earlier (its items not yet shown come first on this page).
  const upToCursor = cursor ? sql`WHERE d.day < (${cursor.bucket}::timestamp + ${oneUnit})::date` : sql``;
  const beforeCursor = cursor ? sql`WHERE d.day < ${cursor.bucket}::timestamp::date` : sql``;
  const after = cursor
    ? sql`WHERE b.bucket < ${cursor.bucket}::timestamp OR (b.bucket = ${cursor.bucket}::timestamp AND (b.type, coalesce(b.unit, '')) > (${cursor.type}::varchar, ${cursor.unit}::varchar))`
    : sql``;
  const { rows: found } = await sql<RollupRow>`
    WITH days AS (
      SELECT d.day, d.day_start, d.day_end, d.record_type AS type, d.unit, d.count,
             d.value_count AS n1, d.value_sum AS s1, d.value_min AS min1, d.value_max AS max1, d.value_last AS last1,
             d.value2_count AS n2, d.value2_sum AS s2, d.value2_min AS min2, d.value2_max AS max2, d.value2_last AS last2
        FROM health_daily_rollup AS d
       WHERE ${and(whole)}
      ${sql.join(cutDays, sql` `)}
    ), eligible AS (
      SELECT d.* FROM days AS d ${upToCursor}
    ), span AS (
      -- The cursor's period, then \`limit\` periods back from the newest day before it (without a cursor: from the newest day).
      SELECT coalesce(date_trunc(${unit}, max(d.day)::timestamp) - ${oneUnit} * ${query.limit - 1}, ${cursorBucket}) AS first_bucket
        FROM eligible AS d ${beforeCursor}
    ), buckets AS (
      ${query.period === 'day' ? daysAsBuckets : daysIntoBuckets(unit)}
        FROM eligible AS d, span
       WHERE d.day >= span.first_bucket::date
       ${query.period === 'day' ? sql`` : sql`GROUP BY 1, 2, 3`}
    ), page AS (
      SELECT b.* FROM buckets AS b
      ${after}
      ORDER BY b.bucket DESC, b.type, coalesce(b.unit, '')
      LIMIT ${query.limit + 1}
    )
    SELECT to_char(b.bucket, 'YYYY-MM-DD') AS period,
           ${rfc3339(query.period === 'day' ? sql`b.day_start` : firstInstantAt(sql`b.bucket`, tz))} AS start,
           ${rfc3339(query.period === 'day' ? sql`b.day_end` : firstInstantAt(sql`b.bucket + ${oneUnit}`, tz))} AS "end",
           b.type, b.unit, b.count, b.min, b.max, b.mean, b.last,
           -- One column for the diastolic statistics, null but for blood pressure: fewer fields to parse per item.
           CASE WHEN b.type = 'blood_pressure' THEN ARRAY[b.min2, b.max2, b.mean2, b.last2] END AS value2,
           EXISTS (SELECT 1 FROM eligible AS d, span WHERE d.day < span.first_bucket::date) AS older
      FROM page AS b
     ORDER BY b.bucket DESC, b.type, coalesce(b.unit, '')`.execute(rows);
  const page = found.slice(0, query.limit);
  const last = page[page.length - 1];
  const more = found.length > query.limit || Boolean(last?.older);
  return {
    items: page.map(itemOf),
    // The period's local date is its bucket (a period starts at local midnight): the raw path's cursor form.
    next: more && last ? encodeCursor({ k: 'agg', bucket: `${last.period}T00:00:00`, type: last.type, unit: last.unit ?? '' }) : null,
  };
}

/** A row of the page as REST shows it (aggregateOf's shape: value2 for blood pressure only; no object spread, see there). */
function itemOf(b: RollupRow): PeriodAggregate {
  const item: PeriodAggregate = {
    period: b.period, start: b.start, end: b.end, type: b.type, unit: b.unit, count: Number(b.count),
    min: b.min, max: b.max, mean: b.mean, last: b.last,
  };
  if (b.value2) item.value2 = { min: b.value2[0] ?? null, max: b.value2[1] ?? null, mean: b.value2[2] ?? null, last: b.value2[3] ?? null };
  return item;
}

type RollupRow = Omit<BucketRow, 'min2' | 'max2' | 'mean2' | 'last2'> & { value2: (number | null)[] | null; older: boolean };

/**
 * A period's statistics from its days: count, min and max of the days', the exact sums over the
 * summed counts, `last` of its latest day with a value; a day's bounds are the rollup's (a week's
 * or month's first day may have no row: those are computed from the bucket instead).
 */
const daysIntoBuckets = (unit: RawBuilder<unknown>) => sql`
      SELECT date_trunc(${unit}, d.day::timestamp) AS bucket, d.type, d.unit, sum(d.count) AS count,
             min(d.day_start) AS day_start, max(d.day_end) AS day_end,
             min(d.min1) AS min, max(d.max1) AS max, ${exactMean(sql`sum(d.s1)`, sql`sum(d.n1)`)} AS mean,
             (array_agg(d.last1 ORDER BY d.day DESC) FILTER (WHERE d.n1 > 0))[1] AS last,
             min(d.min2) AS min2, max(d.max2) AS max2, ${exactMean(sql`sum(d.s2)`, sql`sum(d.n2)`)} AS mean2,
             (array_agg(d.last2 ORDER BY d.day DESC) FILTER (WHERE d.n2 > 0))[1] AS last2`;

/** Per day, each day is its own period: one row per day, type and unit (the rollup's key; the cut days are other days). */
const daysAsBuckets = sql`
      SELECT d.day::timestamp AS bucket, d.type, d.unit, d.count, d.day_start, d.day_end,
             d.min1 AS min, d.max1 AS max, ${exactMean(sql`d.s1`, sql`d.n1`)} AS mean, d.last1 AS last,
             d.min2, d.max2, ${exactMean(sql`d.s2`, sql`d.n2`)} AS mean2, d.last2`;
