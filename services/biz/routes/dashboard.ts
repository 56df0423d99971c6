import { defineRoute, problems } from '../../kit/index.ts';
import { dashboardHome } from '../db/biz-home.ts';
import type { BizDatabase } from '../db/tables.ts';
import { periodFromMonth } from '../domain/dashboard-period.ts';
import { dashboardOfOwnerVisible, readDashboard } from '../domain/dashboard-read.ts';
import { readerOfHome } from './rest-access.ts';

export const DASHBOARD_MODEL = 'hp.biz.dashboard';

/**
 * GET /biz/dashboard?period=YYYY-MM[&owner=ID]: a coach's or merchant's workbench for a month,
 * the row of biz_dashboards where M03 lives now (the monolith before its cutover, svc_biz after),
 * kept current from the other services' events (domain/dashboard-events.ts). With hp_workbench's
 * rights: no read ACL (a member) is 403; coaches and merchants see their own months only (the
 * record rule owner_id = user: another owner's is 404, as a row that does not exist); operators
 * and admins anyone's. A month with no row yet answers its figures as 0 (`recorded: false`).
 */
export const getDashboard = defineRoute<BizDatabase, unknown, { period: string; owner?: number }>({
  method: 'get',
  path: '/biz/dashboard',
  summary: "A coach's or merchant's workbench for a month (hp.biz.dashboard: orders, revenue, clients, rating, live sessions, community growth)",
  auth: 'bearer',
  query: 'rest/biz/dashboard-query.json',
  responses: { 200: 'rest/biz/dashboard.json' },
  async handler(ctx) {
    const access = ctx.access!;
    await access.check(DASHBOARD_MODEL, 'read');
    const period = periodFromMonth(ctx.query.period);
    if (!period) throw problems.unprocessable(`${ctx.query.period} is not a month (YYYY-MM)`);
    const owner = ctx.query.owner ?? access.uid;
    const rows = await readerOfHome(dashboardHome, ctx);
    const rules = await access.rules(DASHBOARD_MODEL, 'read', 'r');
    if (!(await dashboardOfOwnerVisible(rows, rules, owner))) throw problems.notFound(`the dashboard of user ${owner} for ${ctx.query.period} does not exist`);
    return { status: 200, body: await readDashboard(rows, rules, owner, period) };
  },
});

export const DASHBOARD_ROUTES = [getDashboard];
