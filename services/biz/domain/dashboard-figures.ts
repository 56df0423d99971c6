import type { SqlRunner } from '../db/sql-runner.ts';
import type { DashboardKey } from './dashboard-facts.ts';

/**
 * What a coach's or merchant's month holds (hp.biz.dashboard), as the workbench shows it. The
 * columns are the addon's; `data` (a Json field) carries the rest of the workbench:
 * - orders_count, revenue, new_clients: the service orders the owner completed as health worker
 *   in the month (state completed, completed_at in the month): how many, the sum of their
 *   amounts, how many distinct customers (what the seed stored under "new_clients");
 * - rating_avg: the mean score of the ratings of those orders, rounded to 2 places, 0 without any;
 * - data.by_week: the month's revenue by week of the month (days 1–7, 8–14, 15–21, 22–end);
 * - data.live: streams the owner started in the month (sessions) and the takings of those ended;
 * - data.community: members who joined the owner's groups in the month and are still active;
 * - data.gifts: gifts sent to the owner during live streams in the month (count, points);
 * - data.reported: activities reported through POST /biz/performance, per kind (count, amount).
 * domain/dashboard-legacy-sql.ts defines the same figures as SQL over the monolith's tables.
 */
export interface DashboardFigures {
  ordersCount: number;
  /** numeric, as text. */
  revenue: string;
  newClients: number;
  ratingAvg: number;
  data: DashboardData;
}

export interface DashboardData {
  source: 'events';
  by_week: [number, number, number, number];
  live: { sessions: number; revenue: number };
  community: { new_members: number };
  gifts: { count: number; points: number };
  reported: Record<string, { count: number; amount: number }>;
  /**
   * What the row held when events first reached it (a row written before: the seed's, or by an
   * administrator in Odoo); the figures are this plus the events' facts. Absent when the month
   * began with events.
   */
  baseline?: Baseline;
}

/** A row's figures before events reached it. */
export interface Baseline {
  orders_count: number;
  revenue: number;
  new_clients: number;
  rating_avg: number;
  by_week: [number, number, number, number];
}

interface FactTotals {
  orders_count: number;
  revenue: string;
  new_clients: number;
  rated: number;
  score_sum: number;
  by_week: string[];
  live_sessions: number;
  live_revenue: string;
  new_members: number;
  gifts: number;
  gift_points: string;
  reported: Record<string, { count: number; amount: string }> | null;
}

/** The totals of each month of `keys` over the facts kept (svc_biz), in one statement (one pass over each month's facts). */
export async function factTotalsOf(sql: SqlRunner, keys: readonly DashboardKey[]): Promise<FactTotals[]> {
  const rows = await sql.raw<FactTotals & { owner_id: number; period: string }>(
    `WITH k AS (SELECT * FROM unnest($1::int4[], $2::date[]) AS k(owner_id, period)),
     f AS (SELECT f.* FROM dashboard_facts f JOIN k USING (owner_id, period)),
     totals AS (
       SELECT owner_id, period,
              count(*) FILTER (WHERE fact = 'order')::int AS orders_count,
              COALESCE(sum(amount) FILTER (WHERE fact = 'order'), 0)::text AS revenue,
              count(DISTINCT party_id) FILTER (WHERE fact = 'order')::int AS new_clients,
              ARRAY[COALESCE(sum(amount) FILTER (WHERE fact = 'order' AND extract(day FROM occurred_at) < 8), 0)::text,
                    COALESCE(sum(amount) FILTER (WHERE fact = 'order' AND extract(day FROM occurred_at) BETWEEN 8 AND 14), 0)::text,
                    COALESCE(sum(amount) FILTER (WHERE fact = 'order' AND extract(day FROM occurred_at) BETWEEN 15 AND 21), 0)::text,
                    COALESCE(sum(amount) FILTER (WHERE fact = 'order' AND extract(day FROM occurred_at) > 21), 0)::text] AS by_week,
              count(*) FILTER (WHERE fact = 'live')::int AS live_sessions,
              COALESCE(sum(amount) FILTER (WHERE fact = 'live' AND counted), 0)::text AS live_revenue,
              count(*) FILTER (WHERE fact = 'member' AND counted)::int AS new_members,
              count(*) FILTER (WHERE fact = 'gift')::int AS gifts,
              COALESCE(sum(amount) FILTER (WHERE fact = 'gift'), 0)::text AS gift_points
         FROM f GROUP BY owner_id, period),
     rated AS (
       SELECT o.owner_id, o.period, count(*)::int AS rated, sum(r.score)::int AS score_sum
         FROM f AS o JOIN dashboard_facts AS r ON r.fact = 'rating' AND r.order_id = o.ref_id AND r.owner_id = o.owner_id
        WHERE o.fact = 'order' AND o.ref_model = 'hp.service.order' GROUP BY o.owner_id, o.period),
     reported AS (
       SELECT owner_id, period, jsonb_object_agg(substr(fact, 10), jsonb_build_object('count', n, 'amount', total)) AS reported
         FROM (SELECT owner_id, period, fact, count(*)::int AS n, COALESCE(sum(amount), 0)::text AS total FROM f WHERE fact LIKE 'reported:%' GROUP BY owner_id, period, fact) AS r
        GROUP BY owner_id, period)
     SELECT k.owner_id, k.period::text AS period,
            COALESCE(t.orders_count, 0) AS orders_count, COALESCE(t.revenue, '0') AS revenue, COALESCE(t.new_clients, 0) AS new_clients,
            COALESCE(r.rated, 0) AS rated, COALESCE(r.score_sum, 0) AS score_sum, COALESCE(t.by_week, ARRAY['0', '0', '0', '0']) AS by_week,
            COALESCE(t.live_sessions, 0) AS live_sessions, COALESCE(t.live_revenue, '0') AS live_revenue, COALESCE(t.new_members, 0) AS new_members,
            COALESCE(t.gifts, 0) AS gifts, COALESCE(t.gift_points, '0') AS gift_points, p.reported
       FROM k LEFT JOIN totals t USING (owner_id, period) LEFT JOIN rated r USING (owner_id, period) LEFT JOIN reported p USING (owner_id, period)`,
    [keys.map((k) => k.ownerId), keys.map((k) => k.period)],
  );
  const byKey = new Map(rows.map((r) => [`${r.owner_id}/${r.period}`, r]));
  return keys.map((k) => byKey.get(`${k.ownerId}/${k.period}`)!);
}

const money = (value: string | number) => Math.round(Number(value) * 100) / 100;

/** round(x, 2) as PostgreSQL rounds numeric (half away from zero), on the exact fraction sum / n. */
export function roundedMean(sum: number, n: number): number {
  if (!n) return 0;
  const hundredths = (sum * 100) / n;
  const floor = Math.floor(hundredths);
  // Integer scores: the fraction is exact in rationals; compare 2·(sum·100 − floor·n) with n to round half up.
  const twiceRemainder = 2 * (sum * 100 - floor * n);
  return (twiceRemainder >= n ? floor + 1 : floor) / 100;
}

/**
 * The row's figures: the facts' totals, plus the baseline the row held before events when there
 * was one. Counts and sums add; new_clients adds the events' distinct customers (the baseline's
 * customers are not known by name, so one served before and again after counts twice: an upper
 * bound, in the months written before events only); rating_avg weighs the baseline's mean by its
 * orders_count, as the seed's rated share is not recorded.
 */
export function figuresOf(totals: FactTotals, baseline: Baseline | null): DashboardFigures {
  const reported: DashboardData['reported'] = {};
  for (const [kind, r] of Object.entries(totals.reported ?? {})) reported[kind] = { count: r.count, amount: money(r.amount) };
  const eventsWeek = totals.by_week.map(Number) as number[];
  const data: DashboardData = {
    source: 'events',
    by_week: [0, 1, 2, 3].map((w) => money(eventsWeek[w]! + (baseline?.by_week[w] ?? 0))) as DashboardData['by_week'],
    live: { sessions: totals.live_sessions, revenue: money(totals.live_revenue) },
    community: { new_members: totals.new_members },
    gifts: { count: totals.gifts, points: Number(totals.gift_points) },
    reported,
  };
  if (!baseline) {
    return { ordersCount: totals.orders_count, revenue: totals.revenue, newClients: totals.new_clients, ratingAvg: roundedMean(totals.score_sum, totals.rated), data };
  }
  data.baseline = baseline;
  const weight = baseline.rating_avg > 0 ? baseline.orders_count : 0;
  const ratingAvg = totals.rated ? Math.round(((baseline.rating_avg * weight + totals.score_sum) / (weight + totals.rated)) * 100) / 100 : baseline.rating_avg;
  return {
    ordersCount: baseline.orders_count + totals.orders_count,
    revenue: String(money(baseline.revenue + Number(totals.revenue))),
    newClients: baseline.new_clients + totals.new_clients,
    ratingAvg,
    data,
  };
}

/** A row as the dashboard's columns hold it, for the baseline. */
export interface DashboardRowValues {
  orders_count: number | null;
  revenue: string | number | null;
  new_clients: number | null;
  rating_avg: string | number | null;
  data: unknown;
}

/**
 * The baseline of a row about to be projected: kept in the row itself (data.baseline) once events
 * own it, so a projection repeated after its event's handling rolled back finds it again; the
 * row's own figures when it was written otherwise (seed, Odoo); none without a row.
 */
export function baselineOf(row: DashboardRowValues | undefined): Baseline | null {
  if (!row) return null;
  const data = (row.data ?? {}) as Partial<DashboardData> & { by_week?: unknown };
  if (data.source === 'events') return data.baseline ?? null;
  const week = Array.isArray(data.by_week) && data.by_week.length === 4 ? data.by_week.map(Number) : [0, 0, 0, 0];
  return {
    orders_count: row.orders_count ?? 0,
    revenue: Number(row.revenue ?? 0),
    new_clients: row.new_clients ?? 0,
    rating_avg: Number(row.rating_avg ?? 0),
    by_week: week.map((w) => (Number.isFinite(w) ? w : 0)) as Baseline['by_week'],
  };
}
