import { defineRoute, type RouteContext } from '../../kit/index.ts';
import { aiHome } from '../db/ai-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { AiDatabase } from '../db/tables.ts';
import type { Caller } from '../domain/insight-access.ts';
import { healthInsights, type InsightPorts } from '../domain/insight-health.ts';
import { storeInsights } from '../domain/insight-records.ts';
import type { MetricName } from '../domain/series-readings.ts';
import { memberDataThrough } from './insights-sources.ts';
import { asProblems } from './rest-access.ts';

const INSIGHT_MODEL = 'hp.ai.insight';
export const OPERATOR_GROUP = 'hp_account.group_hp_operator';
export const COACH_GROUP = 'hp_account.group_hp_coach';

/** The caller as the ai service's rules see them: their uid and the two groups that widen whose data they may have analysed. */
export async function callerOf(ctx: RouteContext<AiDatabase>): Promise<Caller> {
  const access = ctx.access!;
  const [isOperator, isCoach] = await Promise.all([access.hasGroup(OPERATOR_GROUP), access.hasGroup(COACH_GROUP)]);
  return { uid: access.uid, isOperator, isCoach };
}

/** Findings stored where M16's rows live now (svc_ai after cutover, the monolith before), in a transaction of their own. */
function insightPorts(ctx: RouteContext<AiDatabase>): InsightPorts {
  return {
    ...memberDataThrough(ctx.platform.odoo),
    store: (memberId, uid, findings) =>
      ctx.db.transaction().execute((trx) => aiHome.writeIn({ db: trx, legacyPool: ctx.legacyPool }, (rows) => storeInsights(onKysely(rows), memberId, uid, findings))),
  };
}

interface InsightQuery {
  member?: number;
  days?: number;
  to?: string;
  metric?: MetricName;
}

/**
 * GET /ai/insights/health: trend, change-point and anomaly statistics over a member's health
 * records (domain/insight-detection.ts states every test and threshold; statistics, not a model).
 * `member` defaults to the caller. Who may ask: the member, a coach serving them (an order of
 * theirs assigned to the coach), operators; anyone else 403, and the caller needs hp.ai.insight's
 * read right (403 without). The readings are read through the gateway as the caller (M02's
 * record rules apply), the findings stored in insights once each, and the answer says which
 * readings went in (count, owners, a digest of their ids) and by which methods.
 */
export const getHealthInsights = defineRoute<AiDatabase, unknown, InsightQuery>({
  method: 'get',
  path: '/ai/insights/health',
  summary: "Trend, change-point and anomaly statistics over a member's health records (statistical tests, no model), stored as hp.ai.insight",
  auth: 'bearer',
  query: 'rest/ai/insights-health-query.json',
  responses: { 200: 'rest/ai/insights-health.json' },
  async handler(ctx) {
    await ctx.access!.check(INSIGHT_MODEL, 'read');
    const caller = await callerOf(ctx);
    const { query } = ctx;
    const answer = await asProblems(healthInsights(insightPorts(ctx), {
      caller, memberId: query.member ?? caller.uid,
      ...(query.days !== undefined ? { days: query.days } : {}),
      ...(query.to !== undefined ? { to: new Date(query.to) } : {}),
      ...(query.metric !== undefined ? { metric: query.metric } : {}),
    }));
    return { status: 200, body: answer };
  },
});

export const INSIGHT_ROUTES = [getHealthInsights];
