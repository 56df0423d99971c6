import { sql, type Kysely, type RawBuilder } from 'kysely';
import { monthOfPeriod, type PeriodDate } from './dashboard-period.ts';

/** A month's workbench as the REST API shows it (schemas/rest/biz/dashboard.json). */
export interface DashboardView {
  ownerId: number;
  period: string;
  recorded: boolean;
  currencyId: number | null;
  ordersCount: number;
  revenue: string;
  newClients: number;
  ratingAvg: number;
  data: Record<string, unknown> | null;
}

/**
 * Whether the read rules of hp.biz.dashboard (`rules`, over alias `r`) let the caller see a
 * dashboard of `ownerId`, asked of the row such a dashboard would be (a coach's own month that
 * has no row yet is still theirs to see, with every figure 0; another coach's is not).
 */
export async function dashboardOfOwnerVisible(rows: Kysely<any>, rules: RawBuilder<boolean>, ownerId: number): Promise<boolean> {
  const { rows: found } = await sql<{ visible: number }>`
    SELECT 1 AS visible FROM jsonb_populate_record(NULL::biz_dashboards, jsonb_build_object('owner_id', ${ownerId}::int4)) AS r WHERE ${rules}`.execute(rows);
  return found.length > 0;
}

/** The owner's month where M03's rows live (`rows`), within the caller's read rules; the empty month when no row exists. */
export async function readDashboard(rows: Kysely<any>, rules: RawBuilder<boolean>, ownerId: number, period: PeriodDate): Promise<DashboardView> {
  const { rows: [row] } = await sql<{ currency_id: number | null; orders_count: number | null; revenue: string | null; new_clients: number | null; rating_avg: string | null; data: Record<string, unknown> | null }>`
    SELECT r.currency_id, r.orders_count, r.revenue::text AS revenue, r.new_clients, r.rating_avg::text AS rating_avg, r.data
      FROM biz_dashboards AS r WHERE r.owner_id = ${ownerId} AND r.period = ${period}::date AND ${rules}`.execute(rows);
  const month = monthOfPeriod(period);
  if (!row) return { ownerId, period: month, recorded: false, currencyId: null, ordersCount: 0, revenue: '0', newClients: 0, ratingAvg: 0, data: null };
  return {
    ownerId, period: month, recorded: true, currencyId: row.currency_id,
    ordersCount: row.orders_count ?? 0, revenue: decimalText(row.revenue), newClients: row.new_clients ?? 0, ratingAvg: Number(row.rating_avg ?? 0), data: row.data,
  };
}

/** numeric as the API's decimal string: no exponent, at most 2 places as stored (trailing zeros kept off). */
function decimalText(value: string | null): string {
  if (value === null) return '0';
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
