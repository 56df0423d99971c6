import type { EventDataMap } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import type { BizEventSink } from './biz-events.ts';
import { BizRefused } from './biz-refusal.ts';
import { monthOfPeriod, periodOf, type PeriodDate } from './dashboard-period.ts';

export type ActivityKind = EventDataMap['biz_activity']['kind'];

/**
 * A performance report: one activity a coach or merchant earned from (or spent on) in a month,
 * that no other service's event tells the workbench (content and products sold elsewhere, ad
 * spend...). Its natural key is (owner, kind, refModel, refId): the same activity reported
 * twice is one report. Published as biz_activity, from which the dashboard adds it to the
 * month's data.reported (domain/dashboard-events.ts).
 */
export interface PerformanceReport {
  id: number;
  ownerId: number;
  period: string;
  kind: ActivityKind;
  refModel: string;
  refId: number;
  amount: string | null;
  currency: string | null;
  occurredAt: string;
  reportedBy: number;
  createdAt: string;
}

export interface PerformanceReportInput {
  ownerId: number;
  period: PeriodDate;
  kind: ActivityKind;
  refModel: string;
  refId: number;
  amount: string | null;
  currency: string | null;
  occurredAt: string;
  reportedBy: number;
}

const COLUMNS = `id, owner_id, period::text AS period, kind, ref_model, ref_id, amount::text AS amount, currency,
  to_char(occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, reported_by, created_at`;

interface ReportRow {
  id: number; owner_id: number; period: string; kind: ActivityKind; ref_model: string; ref_id: number; amount: string | null; currency: string | null;
  occurred_at: string; reported_by: number; created_at: Date;
}

const reportOf = (r: ReportRow): PerformanceReport => ({
  id: r.id, ownerId: r.owner_id, period: monthOfPeriod(r.period), kind: r.kind, refModel: r.ref_model, refId: r.ref_id,
  amount: r.amount === null ? null : String(Number(r.amount)), currency: r.currency, occurredAt: r.occurred_at, reportedBy: r.reported_by, createdAt: r.created_at.toISOString(),
});

/** The company currency, which the monolith's monetary fields default to. */
const COMPANY_CURRENCY = 'CNY';

/**
 * Records the report and publishes its biz_activity, in the caller's transaction. Returns the
 * report and whether it is new: the same activity reported again with the same figures is the
 * earlier report (nothing published again); with other figures it is refused (the earlier one
 * stands: a correction is not a report).
 */
export async function reportPerformance(sql: SqlRunner, events: BizEventSink, input: PerformanceReportInput): Promise<{ report: PerformanceReport; created: boolean }> {
  if (periodOf(input.occurredAt) !== input.period) throw new BizRefused('validation', `The activity occurred on ${input.occurredAt.slice(0, 10)}, outside the reported period ${monthOfPeriod(input.period)}.`);
  const currency = input.amount === null ? input.currency : (input.currency ?? COMPANY_CURRENCY);
  const [inserted] = await sql.raw<ReportRow>(
    `INSERT INTO performance_reports (owner_id, period, kind, ref_model, ref_id, amount, currency, occurred_at, reported_by)
     VALUES ($1, $2::date, $3, $4, $5, $6::numeric, $7, $8::timestamptz AT TIME ZONE 'UTC', $9)
     ON CONFLICT ON CONSTRAINT performance_reports_activity_uniq DO NOTHING RETURNING ${COLUMNS}`,
    [input.ownerId, input.period, input.kind, input.refModel, input.refId, input.amount, currency, input.occurredAt, input.reportedBy],
  );
  if (inserted) {
    const report = reportOf(inserted);
    await events.publish([{
      type: 'biz_activity', subject: `res.users/${report.ownerId}`,
      data: { ownerId: report.ownerId, kind: report.kind, refModel: report.refModel, refId: report.refId, ...(report.amount !== null ? { amount: report.amount, currency: report.currency ?? COMPANY_CURRENCY } : {}), occurredAt: report.occurredAt },
    }]);
    return { report, created: true };
  }
  const [existing] = await sql.raw<ReportRow>(
    `SELECT ${COLUMNS} FROM performance_reports WHERE owner_id = $1 AND kind = $2 AND ref_model = $3 AND ref_id = $4`,
    [input.ownerId, input.kind, input.refModel, input.refId],
  );
  const report = reportOf(existing!);
  const same = report.period === monthOfPeriod(input.period) && report.amount === (input.amount === null ? null : String(Number(input.amount)))
    && report.currency === currency && new Date(report.occurredAt).getTime() === new Date(input.occurredAt).getTime();
  if (!same) throw new BizRefused('state', `${input.kind} ${input.refModel}/${input.refId} was already reported (report ${report.id}) with other figures.`);
  return { report, created: false };
}

export async function readPerformanceReport(sql: SqlRunner, id: number): Promise<PerformanceReport | null> {
  const [row] = await sql.raw<ReportRow>(`SELECT ${COLUMNS} FROM performance_reports WHERE id = $1`, [id]);
  return row ? reportOf(row) : null;
}

export interface PerformanceFilter {
  /** Only these owners' reports (the caller's own for a coach or merchant); null: all. */
  ownerIds: number[] | null;
  period?: PeriodDate;
  kind?: ActivityKind;
  limit: number;
  offset: number;
}

export async function listPerformanceReports(sql: SqlRunner, filter: PerformanceFilter): Promise<{ items: PerformanceReport[]; total: number }> {
  const where = ['($1::int4[] IS NULL OR owner_id = ANY($1::int4[]))', '($2::date IS NULL OR period = $2::date)', '($3::varchar IS NULL OR kind = $3)'];
  const values = [filter.ownerIds, filter.period ?? null, filter.kind ?? null];
  const rows = await sql.raw<ReportRow & { total: number }>(
    `SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM performance_reports WHERE ${where.join(' AND ')} ORDER BY period DESC, id DESC LIMIT $4 OFFSET $5`,
    [...values, filter.limit, filter.offset],
  );
  if (rows.length || !filter.offset) return { items: rows.map(reportOf), total: rows[0]?.total ?? 0 };
  const [count] = await sql.raw<{ total: number }>(`SELECT count(*)::int AS total FROM performance_reports WHERE ${where.join(' AND ')}`, values);
  return { items: [], total: count?.total ?? 0 };
}
