import { defineRoute, problems, type AccessPort, type EventType } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { OpsDatabase } from '../db/tables.ts';
import { listReports, readReport, requestReport } from '../domain/analytics-reports.ts';
import { asProblems } from './rest-access.ts';

/** Analytics reads the whole platform's activity: operators (and administrators, who are operators too) only. */
export const ANALYTICS_GROUP = 'hp_account.group_hp_operator';

async function checkOperator(access: AccessPort): Promise<void> {
  if (!(await access.hasGroup(ANALYTICS_GROUP))) throw problems.forbidden('Only operators and administrators read and request analytics reports.');
}

interface ReportCreate { from: string; to: string; eventTypes?: EventType[] }

/**
 * POST /analytics/reports: counts and rates per event type over a closed period of whole UTC
 * hours (domain/analytics-reports.ts), from the events ops consumes (all of them). Idempotent twice
 * over: Idempotency-Key (the kit replays the first answer), and the request itself: the same
 * period and types answer 200 with the report written first (201 when new), so a retry never
 * writes a second report. A period not yet ended, not on whole hours, reversed or longer than a
 * year is 422.
 */
export const createAnalyticsReportRoute = defineRoute<OpsDatabase, ReportCreate>({
  method: 'post',
  path: '/analytics/reports',
  summary: 'An analytics report over a period: counts and rates per event type (operators and administrators; the same request is the same report)',
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/ops/analytics-report-create.json',
  responses: { 201: 'rest/ops/analytics-report.json', 200: 'rest/ops/analytics-report.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await checkOperator(access);
    const { report, created } = await asProblems(requestReport(onKysely(ctx.db), ctx.body, access.uid, new Date()));
    return { status: created ? 201 : 200, body: report, headers: { location: `/analytics/reports/${report.id}` } };
  },
});

/** GET /analytics/reports/{id}. */
export const getAnalyticsReportRoute = defineRoute<OpsDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/analytics/reports/:id',
  summary: 'One analytics report (operators and administrators)',
  auth: 'bearer',
  params: 'rest/ops/analytics-report-params.json',
  responses: { 200: 'rest/ops/analytics-report.json' },
  async handler(ctx) {
    await checkOperator(ctx.access!);
    const report = await readReport(onKysely(ctx.db), ctx.params.id);
    if (!report) throw problems.notFound(`analytics report ${ctx.params.id} does not exist`);
    return { status: 200, body: report };
  },
});

/** GET /analytics/reports: newest first, those overlapping [from, to) when given, paged. */
export const listAnalyticsReportsRoute = defineRoute<OpsDatabase, unknown, { from?: string; to?: string; limit: number; offset: number }>({
  method: 'get',
  path: '/analytics/reports',
  summary: 'Analytics reports, newest first (operators and administrators)',
  auth: 'bearer',
  query: 'rest/ops/analytics-report-query.json',
  responses: { 200: 'rest/ops/analytics-report-list.json' },
  async handler(ctx) {
    await checkOperator(ctx.access!);
    const { query } = ctx;
    const page = await listReports(onKysely(ctx.db), { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}), limit: query.limit, offset: query.offset });
    return { status: 200, body: { ...page, limit: query.limit, offset: query.offset } };
  },
});

export const ANALYTICS_ROUTES = [listAnalyticsReportsRoute, createAnalyticsReportRoute, getAnalyticsReportRoute];
