import { sql } from 'kysely';
import { defineRoute, problems } from '../../kit/index.ts';
import { onKysely } from '../db/sql-runner.ts';
import type { HealthRecordType, UserDatabase } from '../db/tables.ts';
import { healthReadAudit } from '../domain/health-read-audit.ts';
import { recordHealthAction, UNIT_OF_RECORD, type HealthRecordSource } from '../domain/health-actions.ts';
import { readGoalResources, readHealthActionResource } from './health-resources.ts';
import { asProblems, assertUserExists, auditedHealthRead, checkRecords, readerOfHome, restEventSink, restGoalStore, writeInHome } from './rest-access.ts';

interface HealthActionBody {
  recordType: HealthRecordType; value: number; value2?: number; unit?: string; measuredAt?: string; source?: HealthRecordSource; deviceBindingId?: number; note?: string;
}

/** How far ahead of the server's clock a measurement may be dated (a device's clock drifts; the future is not measured). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** RFC 3339 → Odoo's UTC `YYYY-MM-DD HH:MM:SS` (Datetime fields hold whole seconds). */
function odooUtc(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * POST /users/{id}/health-actions: records a measurement or an activity of member {id}
 * (domain/health-actions.ts): the hp.health.record row an Odoo client would create, then, when
 * it advances the member's active goal of the matching type, the goal progressed as
 * hp.health.goal.action_record_progress(value) does; health_action_recorded and goal_achieved go
 * out through the outbox. Who may: whoever may create that record over RPC and write the goals it
 * advances: the member (and a coach, who is a member too) for themselves, operators and admins
 * for anyone; anyone else's record is 403 (coaches only read every health record).
 * Idempotency-Key honoured (a retried upload records once).
 */
export const recordHealthActionRoute = defineRoute<UserDatabase, HealthActionBody, unknown, { id: number }>({
  method: 'post',
  path: '/users/:id/health-actions',
  summary: "Record a member's health action (a measurement or an activity); advances their active goal of the matching type as hp.health.goal.action_record_progress does",
  auth: 'bearer',
  idempotency: 'optional',
  params: 'rest/user/health-action-params.json',
  body: 'rest/user/health-action-create.json',
  responses: { 201: 'rest/user/health-action.json' },
  async handler(ctx) {
    const { params, body, access } = ctx;
    const subject = params.id;
    const measuredAt = body.measuredAt ? new Date(body.measuredAt) : new Date();
    if (measuredAt.getTime() > Date.now() + CLOCK_SKEW_MS) throw problems.unprocessable('measuredAt lies in the future');
    if (body.unit !== undefined && body.unit !== UNIT_OF_RECORD[body.recordType]) {
      throw problems.unprocessable(`${body.recordType} is recorded in ${UNIT_OF_RECORD[body.recordType]}, not ${body.unit}`);
    }
    return writeInHome(ctx, async (rows) => {
      await assertUserExists(rows, subject);
      await access!.check('hp.health.record', 'create');
      if (body.deviceBindingId !== undefined) {
        const { rows: binding } = await sql<{ user_id: number }>`SELECT user_id FROM device_bindings WHERE id = ${body.deviceBindingId}`.execute(rows);
        if (binding[0]?.user_id !== subject) throw problems.unprocessable(`device binding ${body.deviceBindingId} is not a device of user ${subject}`);
      }
      const recorded = await asProblems(recordHealthAction({
        sql: onKysely(rows),
        goals: restGoalStore(rows, access!),
        events: restEventSink(ctx),
        uid: access!.uid,
        checkCreated: (id) => checkRecords(access!, rows, 'hp.health.record', 'health_records', 'create', [id], 'health record'),
      }, {
        userId: subject, recordType: body.recordType, value: body.value, value2: body.value2 ?? null, measuredAt: odooUtc(measuredAt),
        source: body.source ?? 'manual', deviceBindingId: body.deviceBindingId ?? null, note: body.note ?? null,
      }));
      const record = (await readHealthActionResource(rows, recorded.recordId))!;
      const goalsAdvanced = await readGoalResources(rows, recorded.advancedGoalIds);
      // The answer shows health data (the goals as they are now): audited as a read, committed with the request.
      const audit = healthReadAudit(ctx.db);
      const entry = { actorUid: access!.uid, subjectUids: [subject], queryKind: 'write_answer', protocol: 'rest' as const, outcome: 'granted' as const, requestId: ctx.requestId };
      await audit.record({ ...entry, model: 'hp.health.record', rowCount: 1 });
      if (goalsAdvanced.length) await audit.record({ ...entry, model: 'hp.health.goal', rowCount: goalsAdvanced.length });
      return { status: 201, body: { ...record, goalsAdvanced }, headers: { location: `/users/${subject}/health-actions/${recorded.recordId}` } };
    });
  },
});

/**
 * GET /users/{id}/health-actions/{actionId}: one health record of member {id}, when the caller
 * may read it (the member; coaches and operators read every health record): 404 when it is not
 * the member's or not readable, 403 when the caller may read none of the member's records.
 */
export const getHealthAction = defineRoute<UserDatabase, unknown, unknown, { id: number; actionId: number }>({
  method: 'get',
  path: '/users/:id/health-actions/:actionId',
  summary: "Read one recorded health action (hp.health.record) of a member (the member; coaches and operators)",
  auth: 'bearer',
  params: 'rest/user/health-action-item-params.json',
  responses: { 200: 'rest/user/health-action.json' },
  async handler(ctx) {
    const { params, access } = ctx;
    const rows = await readerOfHome(ctx);
    const { grant, granted } = await auditedHealthRead({ ...ctx, access: access! }, rows, params.id, 'hp.health.record', 'by_id');
    const record = await readHealthActionResource(rows, params.actionId, await grant.where('r'));
    await granted(record ? 1 : 0);
    if (!record) throw problems.notFound(`health action ${params.actionId} of user ${params.id} does not exist`);
    return { status: 200, body: record };
  },
});

export const HEALTH_ACTION_ROUTES = [recordHealthActionRoute, getHealthAction];
