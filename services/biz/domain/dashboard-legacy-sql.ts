import type { SqlRunner } from '../db/sql-runner.ts';
import type { DashboardKey } from './dashboard-facts.ts';

/**
 * The workbench's figures of one owner's month defined as SQL over the monolith's tables, the
 * definition the event-kept dashboards must equal (issue 24, bar 3; domain/dashboard-figures.ts
 * says what each means). Months are calendar months in UTC (the legacy datetimes are UTC).
 * The tables belong to other modules (service_orders M04, ratings M05, gift_orders M15, and biz's
 * own live_streams M07, members and community_groups M08): biz never runs this in production; it
 * is the yardstick tests and reconciliations measure the dashboards with.
 */
export const LEGACY_DASHBOARD_SQL = `
WITH month AS (SELECT $2::date AS starts, ($2::date + interval '1 month') AS ends),
orders AS (
  SELECT so.id, so.customer_id, so.amount, so.completed_at
    FROM service_orders so, month
   WHERE so.health_worker_id = $1 AND so.state = 'completed' AND so.completed_at >= month.starts AND so.completed_at < month.ends
)
SELECT
  (SELECT count(*) FROM orders)::int AS orders_count,
  (SELECT COALESCE(sum(amount), 0) FROM orders)::text AS revenue,
  (SELECT count(DISTINCT customer_id) FROM orders)::int AS new_clients,
  (SELECT COALESCE(round(avg(r.score), 2), 0) FROM ratings r JOIN orders o ON o.id = r.order_id WHERE r.coach_id = $1)::float8 AS rating_avg,
  ARRAY(SELECT COALESCE(sum(o.amount), 0)::float8 FROM generate_series(0, 3) AS w
          LEFT JOIN orders o ON least(3, (extract(day FROM o.completed_at)::int - 1) / 7) = w GROUP BY w ORDER BY w) AS by_week,
  (SELECT count(*) FROM live_streams s, month WHERE s.host_id = $1 AND s.started_at >= month.starts AND s.started_at < month.ends)::int AS live_sessions,
  (SELECT COALESCE(sum(s.revenue), 0) FROM live_streams s, month
    WHERE s.host_id = $1 AND s.state = 'ended' AND s.started_at >= month.starts AND s.started_at < month.ends)::float8 AS live_revenue,
  (SELECT count(*) FROM members m JOIN community_groups g ON g.id = m.group_id, month
    WHERE g.owner_id = $1 AND m.user_id <> $1 AND m.state = 'active' AND m.joined_at >= month.starts AND m.joined_at < month.ends)::int AS new_members,
  (SELECT count(*) FROM gift_orders go, month
    WHERE go.receiver_id = $1 AND go.live_stream_id IS NOT NULL AND go.sent_at >= month.starts AND go.sent_at < month.ends)::int AS gifts,
  (SELECT COALESCE(sum(go.points_spent), 0) FROM gift_orders go, month
    WHERE go.receiver_id = $1 AND go.live_stream_id IS NOT NULL AND go.sent_at >= month.starts AND go.sent_at < month.ends)::int AS gift_points
`;

export interface LegacyDashboardFigures {
  orders_count: number;
  revenue: string;
  new_clients: number;
  rating_avg: number;
  by_week: number[];
  live_sessions: number;
  live_revenue: number;
  new_members: number;
  gifts: number;
  gift_points: number;
}

/** The figures of `key` computed over the monolith's tables (LEGACY_DASHBOARD_SQL). */
export async function legacyDashboardFigures(legacy: SqlRunner, key: DashboardKey): Promise<LegacyDashboardFigures> {
  const [row] = await legacy.raw<LegacyDashboardFigures>(LEGACY_DASHBOARD_SQL, [key.ownerId, key.period]);
  return row!;
}
