import type { Kysely } from 'kysely';
import type { CloudEvent, HandlerContext, SubscriptionDefinition } from '../../kit/index.ts';
import { riskHome } from '../db/ops-home.ts';
import { onKysely, type SqlRunner } from '../db/sql-runner.ts';
import type { OpsDatabase } from '../db/tables.ts';

/** hp.audit.log's action for a read of members' health data (the monolith's actions name what was done: 'write', 'order.assign'…). */
export const HEALTH_READ_ACTION = 'health_data.read';

type HealthAccess = CloudEvent<'health_data_accessed'>;

/** Odoo's naive UTC datetime of an RFC 3339 instant (hp.audit.log.at is a Datetime: to the second). */
const odooDatetime = (iso: string) => new Date(iso).toISOString().slice(0, 19).replace('T', ' ');

/**
 * One health-data read as hp.audit.log keeps it: who read (user_id), which model (res_model),
 * what (action), when (at: the read's time), and in details whose rows (subjectUids), how
 * (queryKind, protocol, outcome, rowCount, requestId) and which audit row of svc_user it is
 * (auditId, eventId). res_id stays empty: a read names users, not one record. No value of
 * anyone's health data is in the event, so none can be here.
 *
 * Exactly once on either side of M18's cut: the kit's inbox dedupes the event in svc_ops, but
 * before cutover the row goes to the monolith in a transaction of its own that commits first,
 * so a redelivery after a crash between the two must find it: the insert is skipped when a row
 * of the same audit id exists at the same instant (audit_logs' `at` index finds it; no index of
 * ours on the monolith), under a transaction-scoped lock on the audit id.
 */
export async function recordHealthAccess(run: SqlRunner, event: Pick<HealthAccess, 'id' | 'data'>): Promise<boolean> {
  const d = event.data;
  const at = odooDatetime(d.readAt);
  await run.raw(`SELECT pg_advisory_xact_lock(hashtextextended('ops.audit_logs.health_read:' || $1::text, 0))`, [d.auditId]);
  const inserted = await run.raw<{ id: number }>(
    `INSERT INTO audit_logs (user_id, action, res_model, res_id, ip, details, at, create_uid, write_uid, create_date, write_date)
     SELECT $1::int4, $2::varchar, $3::varchar, NULL, NULL, $4::jsonb, $5::timestamp, 1, 1, (now() at time zone 'UTC'), (now() at time zone 'UTC')
      WHERE NOT EXISTS (SELECT 1 FROM audit_logs WHERE at = $5::timestamp AND action = $2::varchar AND details->>'auditId' = $6::text)
     RETURNING id`,
    [d.actorUid, HEALTH_READ_ACTION, d.model, JSON.stringify({
      auditId: d.auditId, eventId: event.id, subjectUids: d.subjectUids, queryKind: d.queryKind, protocol: d.protocol,
      outcome: d.outcome, rowCount: d.rowCount, requestId: d.requestId, readAt: d.readAt,
    }), at, String(d.auditId)],
  );
  return inserted.length > 0;
}

/** The handler: the row where M18 lives now (svc_ops in the inbox's transaction after cutover; the monolith, committing first, before). */
export async function handleHealthAccess(event: HealthAccess, ctx: Pick<HandlerContext<OpsDatabase>, 'db' | 'legacyPool'>): Promise<void> {
  const home = await riskHome.home(ctx.db, ctx.legacyPool, { hold: true });
  await riskHome.inHome(ctx.db, ctx.legacyPool, home, (rows: Kysely<any>) => recordHealthAccess(onKysely(rows), event));
}

/** The audit log's subscription (events.ts spreads it into OPS_SUBSCRIPTIONS). */
export const AUDIT_LOG_SUBSCRIPTIONS: SubscriptionDefinition<OpsDatabase>[] = [
  { type: 'health_data_accessed', group: 'ops-audit-log', handler: (event, ctx) => handleHealthAccess(event as HealthAccess, ctx) },
];
