import { EVENT_TYPES, type EventType } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { OpsRefused } from './ops-refusal.ts';

const HOUR_MS = 3_600_000;
/** The longest period a report covers (a leap year of hours). */
export const MAX_REPORT_HOURS = 366 * 24;

/** One event type's figures over a report's period. */
export interface EventTypeFigures {
  type: EventType;
  count: number;
  /** count / all events of the report's types in the period (0 when there were none). */
  share: number;
  /** Events per hour and per day of the period, averaged over its whole length. */
  perHour: number;
  perDay: number;
}

/** An analytics report: how many events of each type happened in a closed period of whole UTC hours, and their rates. */
export interface AnalyticsReport {
  id: number;
  from: string;
  to: string;
  eventTypes: EventType[];
  hours: number;
  totalEvents: number;
  types: EventTypeFigures[];
  requestedBy: number;
  createdAt: string;
}

export interface ReportRequest {
  from: string;
  to: string;
  /** The types to report; absent or empty: every business event type. */
  eventTypes?: readonly EventType[];
}

/**
 * The request as one canonical period and type list, or the refusal: `from` and `to` on whole UTC
 * hours (the counts are kept per hour, so any other bound could only be approximated), `from`
 * before `to`, at most MAX_REPORT_HOURS, and a period that has ended by `now` (a report is
 * written once: a period still running would freeze a partial count under the request's key).
 */
export function canonicalRequest(request: ReportRequest, now: Date): { from: Date; to: Date; types: EventType[]; key: string } {
  const from = new Date(request.from);
  const to = new Date(request.to);
  for (const [name, at] of [['from', from], ['to', to]] as const) {
    if (Number.isNaN(at.getTime())) throw new OpsRefused('invalid', `${name} is not a date-time.`);
    if (at.getTime() % HOUR_MS !== 0) throw new OpsRefused('invalid', `${name} must be a whole UTC hour (counts are kept per hour).`);
  }
  if (to <= from) throw new OpsRefused('invalid', 'The period must end after it starts.');
  if ((to.getTime() - from.getTime()) / HOUR_MS > MAX_REPORT_HOURS) throw new OpsRefused('invalid', `A report covers at most ${MAX_REPORT_HOURS} hours.`);
  if (to.getTime() > now.getTime()) throw new OpsRefused('invalid', 'The period has not ended yet: a report covers a closed period.');
  const asked = request.eventTypes?.length ? request.eventTypes : EVENT_TYPES;
  const types = [...new Set(asked)].sort();
  return { from, to, types, key: `${from.toISOString()}|${to.toISOString()}|${types.join(',')}` };
}

/** Per-type figures from counts over `hours` hours, every asked type listed (zeros included), by count then type. */
export function figuresOf(types: readonly EventType[], counts: ReadonlyMap<string, number>, hours: number): { total: number; figures: EventTypeFigures[] } {
  const total = types.reduce((sum, t) => sum + (counts.get(t) ?? 0), 0);
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  const figures = types.map((type) => {
    const count = counts.get(type) ?? 0;
    return { type, count, share: total ? round(count / total) : 0, perHour: round(count / hours), perDay: round((count * 24) / hours) };
  });
  figures.sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  return { total, figures };
}

interface ReportRow {
  id: string; period_from: Date; period_to: Date; event_types: EventType[]; total_events: string;
  per_type: EventTypeFigures[]; requested_by: number; created_at: Date;
}
const COLUMNS = 'id, period_from, period_to, event_types, total_events, per_type, requested_by, created_at';

const reportOf = (r: ReportRow): AnalyticsReport => ({
  id: Number(r.id), from: r.period_from.toISOString(), to: r.period_to.toISOString(), eventTypes: r.event_types,
  hours: (r.period_to.getTime() - r.period_from.getTime()) / HOUR_MS, totalEvents: Number(r.total_events), types: r.per_type,
  requestedBy: r.requested_by, createdAt: r.created_at.toISOString(),
});

/**
 * POST /analytics/reports' use case: the same request (period and types, whoever asks) is the
 * same report, written once; a new one counts the period's events per type from the hourly
 * counts and stores the figures. Returns the report and whether it is new.
 */
export async function requestReport(sql: SqlRunner, request: ReportRequest, requestedBy: number, now: Date): Promise<{ report: AnalyticsReport; created: boolean }> {
  const { from, to, types, key } = canonicalRequest(request, now);
  const [earlier] = await sql.raw<ReportRow>(`SELECT ${COLUMNS} FROM analytics_reports WHERE request_key = $1`, [key]);
  if (earlier) return { report: reportOf(earlier), created: false };
  const rows = await sql.raw<{ event_type: string; events: string }>(
    `SELECT event_type, sum(events)::bigint AS events FROM analytics_event_hours
      WHERE hour >= $1 AND hour < $2 AND event_type = ANY($3::varchar[]) GROUP BY event_type`,
    [from, to, types],
  );
  const hours = (to.getTime() - from.getTime()) / HOUR_MS;
  const { total, figures } = figuresOf(types, new Map(rows.map((r) => [r.event_type, Number(r.events)])), hours);
  const [inserted] = await sql.raw<ReportRow>(
    `INSERT INTO analytics_reports (request_key, period_from, period_to, event_types, total_events, per_type, requested_by)
     VALUES ($1, $2, $3, $4::varchar[], $5, $6::jsonb, $7)
     ON CONFLICT ON CONSTRAINT analytics_reports_request_uniq DO NOTHING RETURNING ${COLUMNS}`,
    [key, from, to, types, total, JSON.stringify(figures), requestedBy],
  );
  if (inserted) return { report: reportOf(inserted), created: true };
  // Written meanwhile by a concurrent request: that one is the report.
  const [winner] = await sql.raw<ReportRow>(`SELECT ${COLUMNS} FROM analytics_reports WHERE request_key = $1`, [key]);
  return { report: reportOf(winner!), created: false };
}

export async function readReport(sql: SqlRunner, id: number): Promise<AnalyticsReport | null> {
  const [row] = await sql.raw<ReportRow>(`SELECT ${COLUMNS} FROM analytics_reports WHERE id = $1`, [id]);
  return row ? reportOf(row) : null;
}

/** Reports newest first, optionally those overlapping [from, to). */
export async function listReports(sql: SqlRunner, filter: { from?: string; to?: string; limit: number; offset: number }): Promise<{ items: AnalyticsReport[]; total: number }> {
  const where = 'WHERE ($1::timestamptz IS NULL OR period_to > $1) AND ($2::timestamptz IS NULL OR period_from < $2)';
  const params = [filter.from ?? null, filter.to ?? null];
  const [count] = await sql.raw<{ n: string }>(`SELECT count(*) AS n FROM analytics_reports ${where}`, params);
  const rows = await sql.raw<ReportRow>(`SELECT ${COLUMNS} FROM analytics_reports ${where} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`, [...params, filter.limit, filter.offset]);
  return { items: rows.map(reportOf), total: Number(count?.n ?? 0) };
}
