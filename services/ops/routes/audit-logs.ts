import { sql, type Kysely, type RawBuilder } from 'kysely';
import { defineRoute, problems } from '../../kit/index.ts';
import { riskHome } from '../db/ops-home.ts';
import type { OpsDatabase } from '../db/tables.ts';
import { readerOfHome } from './rest-access.ts';

const AUDIT_MODEL = 'hp.audit.log';

interface AuditQuery { user_id?: number; res_model?: string; action?: string; from?: string; to?: string; limit: number; offset: number }

/** An entry of hp.audit.log as REST shows it. */
interface AuditLogResource {
  id: number;
  userId: number | null;
  action: string;
  resModel: string | null;
  resId: number | null;
  ip: string | null;
  at: string | null;
  details: unknown;
}

interface AuditRow { id: number; user_id: number | null; action: string; res_model: string | null; res_id: number | null; ip: string | null; at: string | null; details: unknown }

const resourceOf = (r: AuditRow): AuditLogResource => ({ id: r.id, userId: r.user_id, action: r.action, resModel: r.res_model, resId: r.res_id, ip: r.ip, at: r.at, details: r.details ?? null });

/** A page of audit entries the rules let through (alias a), in hp.audit.log's order (at desc, id desc). */
async function listAuditLogs(db: Kysely<any>, visible: RawBuilder<boolean>, query: AuditQuery) {
  const conditions: RawBuilder<unknown>[] = [visible];
  if (query.user_id !== undefined) conditions.push(sql`a.user_id = ${query.user_id}`);
  if (query.res_model !== undefined) conditions.push(sql`a.res_model = ${query.res_model}`);
  if (query.action !== undefined) conditions.push(sql`a.action = ${query.action}`);
  // `at` is naive UTC (Odoo's Datetime); the bounds are instants.
  if (query.from !== undefined) conditions.push(sql`a.at >= (${query.from}::timestamptz at time zone 'UTC')`);
  if (query.to !== undefined) conditions.push(sql`a.at < (${query.to}::timestamptz at time zone 'UTC')`);
  const where = sql.join(conditions, sql` AND `);
  const [page, count] = await Promise.all([
    sql<AuditRow>`SELECT a.id, a.user_id, a.action, a.res_model, a.res_id, a.ip, to_char(a.at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at, a.details
      FROM audit_logs a WHERE ${where} ORDER BY a.at DESC, a.id DESC LIMIT ${query.limit} OFFSET ${query.offset}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs a WHERE ${where}`.execute(db),
  ]);
  return { items: page.rows.map(resourceOf), total: count.rows[0]!.n, limit: query.limit, offset: query.offset };
}

/**
 * GET /ops/audit-logs: hp.audit.log where M18 lives now, for those its ACL lets read (operators,
 * administrators; a member has no access: 403), by user, model, action and time, newest first.
 * Health-data reads of the user service arrive here as action `health_data.read`
 * (domain/audit-log-events.ts): who, whose, which model, how, when; never a value.
 */
export const listAuditLogsRoute = defineRoute<OpsDatabase, unknown, AuditQuery>({
  method: 'get',
  path: '/ops/audit-logs',
  summary: 'The audit log (hp.audit.log), health-data reads included, by user, model, action and time, newest first (operators and administrators)',
  auth: 'bearer',
  query: 'rest/ops/audit-log-query.json',
  responses: { 200: 'rest/ops/audit-log-list.json' },
  async handler(ctx) {
    const access = ctx.access!;
    const { query } = ctx;
    await access.check(AUDIT_MODEL, 'read');
    if (query.from && query.to && new Date(query.from) >= new Date(query.to)) throw problems.unprocessable('from must be before to');
    return { status: 200, body: await listAuditLogs(await readerOfHome(riskHome, ctx), await access.rules(AUDIT_MODEL, 'read', 'a'), query) };
  },
});

export const AUDIT_LOG_ROUTES = [listAuditLogsRoute];
