import { sql } from 'kysely';
import { defineRoute, problems, type AccessPort, type RouteContext } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { BizDatabase } from '../db/tables.ts';
import { periodFromMonth } from '../domain/dashboard-period.ts';
import { dashboardOfOwnerVisible } from '../domain/dashboard-read.ts';
import { listPerformanceReports, readPerformanceReport, reportPerformance, type ActivityKind, type PerformanceReport } from '../domain/performance-reports.ts';
import { DASHBOARD_MODEL } from './dashboard.ts';
import { asProblems, restEventSink } from './rest-access.ts';

interface PerformanceBody {
  ownerId?: number;
  period: string;
  kind: ActivityKind;
  refModel: string;
  refId: number;
  amount?: string;
  currency?: string;
  occurredAt: string;
}

const monthOrProblem = (month: string) => {
  const period = periodFromMonth(month);
  if (!period) throw problems.unprocessable(`${month} is not a month (YYYY-MM)`);
  return period;
};

/** Whether the caller's dashboard read rules show `owner`'s rows (their own as a coach or merchant; anyone's as an operator). */
async function seesOwner(ctx: Pick<RouteContext<BizDatabase>, 'db'>, access: AccessPort, owner: number): Promise<boolean> {
  return dashboardOfOwnerVisible(ctx.db, await access.rules(DASHBOARD_MODEL, 'read', 'r'), owner);
}

/**
 * POST /biz/performance: a coach or merchant reports an activity of a month that no event
 * tells the workbench (domain/performance-reports.ts), published as biz_activity; the dashboard
 * adds it to the month's data.reported. Who: a coach or merchant for themselves (hp_workbench
 * gives them the dashboard's read ACL and their own rows); for another owner only whoever may
 * write hp.biz.dashboard (admins), as Odoo lets only them change a dashboard; a member (no ACL)
 * is 403. Idempotent twice over: Idempotency-Key (the kit replays the first answer) and the
 * natural key (the same activity again answers 200 with the first report; with other figures
 * 409). The activity must fall in the period (422).
 */
export const createPerformanceReport = defineRoute<BizDatabase, PerformanceBody>({
  method: 'post',
  path: '/biz/performance',
  summary: "Report an activity of a coach's or merchant's month (published as biz_activity; it reaches the workbench's data.reported)",
  auth: 'bearer',
  idempotency: 'optional',
  body: 'rest/biz/performance-create.json',
  responses: { 201: 'rest/biz/performance.json', 200: 'rest/biz/performance.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const { body } = ctx;
    await access.check(DASHBOARD_MODEL, 'read');
    const owner = body.ownerId ?? access.uid;
    if (owner === access.uid) {
      const earns = (await access.hasGroup('hp_account.group_hp_coach')) || (await access.hasGroup('hp_account.group_hp_merchant'));
      if (!earns) throw problems.forbidden('Only coaches and merchants report their performance.');
    } else {
      if (!(await access.may(DASHBOARD_MODEL, 'write'))) throw problems.forbidden("Only administrators report another user's performance.");
      const { rows } = await sql<{ id: number }>`SELECT id FROM res_users WHERE id = ${owner}`.execute(ctx.db);
      if (!rows.length) throw problems.unprocessable(`User ${owner} does not exist.`);
    }
    const period = monthOrProblem(body.period);
    const { report, created } = await asProblems(reportPerformance(onKysely(ctx.db), restEventSink(ctx), {
      ownerId: owner, period, kind: body.kind, refModel: body.refModel, refId: body.refId,
      amount: body.amount ?? null, currency: body.currency ?? null, occurredAt: new Date(body.occurredAt).toISOString(), reportedBy: access.uid,
    }));
    return { status: created ? 201 : 200, body: report, headers: { location: `/biz/performance/${report.id}` } };
  },
});

/** GET /biz/performance/{id}: a report its owner's dashboards show the caller (or the caller made); another's is 404. */
export const getPerformanceReport = defineRoute<BizDatabase, unknown, unknown, { id: number }>({
  method: 'get',
  path: '/biz/performance/:id',
  summary: 'A performance report',
  auth: 'bearer',
  params: 'rest/biz/performance-params.json',
  responses: { 200: 'rest/biz/performance.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(DASHBOARD_MODEL, 'read');
    const report: PerformanceReport | null = await readPerformanceReport(onKysely(ctx.db), ctx.params.id);
    if (!report || (report.reportedBy !== access.uid && !(await seesOwner(ctx, access, report.ownerId)))) throw problems.notFound(`performance report ${ctx.params.id} does not exist`);
    return { status: 200, body: report };
  },
});

/**
 * GET /biz/performance: the reports of the owners whose dashboards the caller sees (a coach or
 * merchant their own; operators all, or `owner`'s), newest month first, paged.
 */
export const listPerformanceReportsRoute = defineRoute<BizDatabase, unknown, { period?: string; owner?: number; kind?: ActivityKind; limit: number; offset: number }>({
  method: 'get',
  path: '/biz/performance',
  summary: 'Performance reports, by month, owner and kind',
  auth: 'bearer',
  query: 'rest/biz/performance-query.json',
  responses: { 200: 'rest/biz/performance-list.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const { query } = ctx;
    await access.check(DASHBOARD_MODEL, 'read');
    // User 0 exists nowhere: only a rule that shows every owner (the operators' 1 = 1) shows it.
    const ownerIds = query.owner !== undefined
      ? ((await seesOwner(ctx, access, query.owner)) ? [query.owner] : [])
      : ((await seesOwner(ctx, access, 0)) ? null : [access.uid]);
    const page = await listPerformanceReports(onKysely(ctx.db), {
      ownerIds, ...(query.period ? { period: monthOrProblem(query.period) } : {}), ...(query.kind ? { kind: query.kind } : {}), limit: query.limit, offset: query.offset,
    });
    return { status: 200, body: page };
  },
});

export const PERFORMANCE_ROUTES = [listPerformanceReportsRoute, createPerformanceReport, getPerformanceReport];
