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

/** The month's totals over the facts kept (svc_biz), one statement. */
export async function factTotals(sql: SqlRunner, key: DashboardKey): Promise<FactTotals> {
  const [row] = await sql.raw<FactTotals>(
    `WITH f AS (SELECT * FROM dashboard_facts WHERE owner_id = $1 AND period = $2::date)
     SELECT (SELECT count(*) FROM f WHERE fact = 'order')::int AS orders_count,
            (SELECT COALESCE(sum(amount), 0)::text FROM f WHERE fact = 'order') AS revenue,
            (SELECT count(DISTINCT party_id) FROM f WHERE fact = 'order')::int AS new_clients,
            r.rated, r.score_sum,
            ARRAY(SELECT COALESCE(sum(o.amount), 0)::text FROM generate_series(0, 3) AS w
                    LEFT JOIN f AS o ON o.fact = 'order' AND least(3, (extract(day FROM o.occurred_at)::int - 1) / 7) = w
                   GROUP BY w ORDER BY w) AS by_week,
            (SELECT count(*) FROM f WHERE fact = 'live')::int AS live_sessions,
            (SELECT COALESCE(sum(amount) FILTER (WHERE counted), 0)::text FROM f WHERE fact = 'live') AS live_revenue,
            (SELECT count(*) FILTER (WHERE counted) FROM f WHERE fact = 'member')::int AS new_members,
            (SELECT count(*) FROM f WHERE fact = 'gift')::int AS gifts,
            (SELECT COALESCE(sum(amount), 0)::text FROM f WHERE fact = 'gift') AS gift_points,
            (SELECT jsonb_object_agg(substr(fact, 10), jsonb_build_object('count', n, 'amount', total))
               FROM (SELECT fact, count(*)::int AS n, COALESCE(sum(amount), 0)::text AS total FROM f WHERE fact LIKE 'reported:%' GROUP BY fact) AS k) AS reported
       FROM (SELECT count(*)::int AS rated, COALESCE(sum(r.score), 0)::int AS score_sum
               FROM dashboard_facts AS r JOIN f AS o ON o.fact = 'order' AND o.ref_model = 'hp.service.order' AND o.ref_id = r.order_id
              WHERE r.fact = 'rating' AND r.owner_id = o.owner_id) AS r`,
    [key.ownerId, key.period],
  );
  return row!;
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
