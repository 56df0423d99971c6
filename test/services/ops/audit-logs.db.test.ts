import { Kysely, PostgresDialect } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { GroupConsumer } from '../../../services/kit/bus/consumer.ts';
import { deadLetterTable } from '../../../services/kit/bus/dead-letters.ts';
import type { EventHandler } from '../../../services/kit/bus/types.ts';
import { assertValidEvent } from '../../../services/kit/events/validate-event.ts';
import type { CloudEvent, EventType } from '../../../services/kit/index.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { AUDIT_LOG_SUBSCRIPTIONS, handleHealthAccess } from '../../../services/ops/domain/audit-log-events.ts';
import { startHealthDataStack, type HealthDataStack } from '../user/health-data-stack.ts';
import { odooErrorOf, startRiskSide, type RiskSide } from './risk-sides.ts';

const MEMBER = 6;
const OTHER = 7;
const COACH = 246;
const OPERATOR = 302;
const ADMIN = 2;
/** Values no event or audit entry may show: distinctive enough that finding one anywhere means it leaked. */
const SECRET_VALUES = ['173.25', '96.125', '41.875'];
const logger = createLogger({ level: 'silent', format: 'json' });

let user: HealthDataStack;
let events: CloudEvent<'health_data_accessed'>[];
let auditRows: Record<string, any>[];

/**
 * The health-data access audit from the user service to ops's hp.audit.log: svc_user writes each
 * audit row and its health_data_accessed event in one statement (its outbox), the event matches
 * its contract and the row and carries no value; ops keeps each in audit_logs exactly once where
 * M18 lives (redelivered, or handled again after a crash between the monolith's commit and the
 * inbox's), and answers it on GET /ops/audit-logs as RPC's search_read does, to operators only.
 */
beforeAll(async () => {
  user = await startHealthDataStack({ owner: 'service' });
  const svc = user.service.pool;
  await svc.query(
    `INSERT INTO health_records (user_id, record_type, value, value2, unit, measured_at, source, note)
     VALUES ($1, 'blood_pressure', $3, $4, 'mmHg', '2026-11-20 08:00', 'manual', 'felt dizzy'),
            ($1, 'weight', $5, NULL, 'kg', '2026-11-21 08:00', 'manual', NULL),
            ($2, 'weight', 88.5, NULL, 'kg', '2026-11-21 09:00', 'manual', NULL)`,
    [MEMBER, OTHER, ...SECRET_VALUES],
  );
  await svc.query('TRUNCATE health_read_audit');
  const get = (uid: number, path: string) => user.call('GET', path, user.token(uid));
  expect((await get(MEMBER, `/users/${MEMBER}/health-data`)).status).toBe(200);
  expect((await get(COACH, `/users/${MEMBER}/health-data?aggregate=week&type=weight&from=2026-11-01`)).status).toBe(200);
  expect((await get(MEMBER, `/users/${OTHER}/health-data?aggregate=day`)).status).toBe(403);
  auditRows = (await svc.query('SELECT * FROM health_read_audit ORDER BY id')).rows;
  events = (await svc.query(`SELECT payload FROM outbox WHERE type = 'health_data_accessed' ORDER BY seq`)).rows.map((r) => r.payload);
}, 300_000);
afterAll(async () => user?.stop());

describe('health_data_accessed: published by the user service with each audit row', () => {
  it('one event per audit row, valid against its contract, its data the row\'s columns (never a value), its id derived from the row', () => {
    expect(auditRows).toHaveLength(3);
    expect(events).toHaveLength(3);
    for (const [i, event] of events.entries()) {
      expect(() => assertValidEvent(event)).not.toThrow();
      const row = auditRows[i]!;
      expect(event).toMatchObject({ id: `user-health-read-${row.id}`, source: '/ficus/user', type: 'health_data_accessed', subject: `res.users/${row.actor_uid}` });
      expect(event.data).toEqual({
        auditId: Number(row.id), actorUid: row.actor_uid, subjectUids: row.subject_uids, model: row.model, queryKind: row.query_kind,
        protocol: row.protocol, outcome: row.outcome, rowCount: row.row_count, readAt: new Date(row.read_at).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
        requestId: row.request_id,
      });
    }
    expect(events.map((e) => [e.data.actorUid, e.data.subjectUids, e.data.queryKind, e.data.outcome])).toEqual([
      [MEMBER, [MEMBER], 'raw', 'granted'], [COACH, [MEMBER], 'aggregate:week', 'granted'], [MEMBER, [OTHER], 'aggregate:day', 'refused'],
    ]);
    const text = JSON.stringify(events);
    for (const secret of [...SECRET_VALUES, 'felt dizzy', '88.5']) expect(text).not.toContain(secret);
  });
});

for (const owner of ['legacy', 'service'] as const) {
  describe(`ops keeps them in hp.audit.log, M18 ${owner === 'legacy' ? 'in phase legacy (monolith tables)' : 'after cutover (svc_ops)'}`, () => {
    let side: RiskSide;
    let opsDb: Kysely<any>;
    const rows = () => side.stack.home(owner);
    const entries = async () => (await rows().query(`SELECT * FROM audit_logs WHERE action = 'health_data.read' ORDER BY id`)).rows;
    const consumer = () => new GroupConsumer({
      service: 'ops', group: AUDIT_LOG_SUBSCRIPTIONS[0]!.group!, db: opsDb, logger, metrics: kitMetrics(new Registry()),
      handlers: new Map(AUDIT_LOG_SUBSCRIPTIONS.map((s) => [s.type, s.handler as EventHandler<EventType, unknown>])),
      deadLetters: deadLetterTable, stopping: new AbortController().signal, legacyPool: side.stack.legacy.pool,
    });
    const rest = (path: string, uid: number) => side.stack.call('GET', path, side.stack.token(uid));

    beforeAll(async () => {
      side = await startRiskSide(owner);
      opsDb = new Kysely<any>({ dialect: new PostgresDialect({ pool: side.stack.service.pool }) });
    }, 300_000);
    afterAll(async () => side?.stop());

    it('each event once: redelivered in a batch, and handled again without its inbox record (a crash after the monolith committed)', async () => {
      const batch = [...events, events[0]!].map((raw) => ({ raw, source: 'user' }));
      await consumer().deliver(batch);
      await consumer().deliver(batch);
      // The inbox forgot (its transaction rolled back after the row's own committed): the row is not written twice.
      await opsDb.transaction().execute((tx) => handleHealthAccess(events[1]!, { db: tx as never, legacyPool: side.stack.legacy.pool }));
      const kept = await entries();
      expect(kept).toHaveLength(3);
      expect(kept.map((e) => [e.user_id, e.res_model, e.res_id, e.ip, e.details.auditId])).toEqual(events.map((e) => [e.data.actorUid, 'hp.health.record', null, null, e.data.auditId]));
      for (const [i, entry] of kept.entries()) {
        const event = events[i]!;
        expect(entry.at.toISOString()).toBe(`${event.data.readAt.slice(0, 19)}.000Z`);
        expect(entry.details).toEqual({
          auditId: event.data.auditId, eventId: event.id, subjectUids: event.data.subjectUids, queryKind: event.data.queryKind, protocol: event.data.protocol,
          outcome: event.data.outcome, rowCount: event.data.rowCount, requestId: event.data.requestId, readAt: event.data.readAt,
        });
      }
      const text = JSON.stringify(kept);
      for (const secret of [...SECRET_VALUES, 'felt dizzy']) expect(text).not.toContain(secret);
      // Only where M18 lives.
      const other = owner === 'legacy' ? side.stack.service.pool : side.stack.legacy.pool;
      expect((await other.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'health_data.read'`)).rows[0].n).toBe(0);
    });

    it('GET /ops/audit-logs: what RPC search_read shows, by user, model, action and time, paged; operators and admins only', async () => {
      const domain = [['action', '=', 'health_data.read'], ['user_id', '=', MEMBER]];
      const viaRpc = (await side.rpc(OPERATOR, 'hp.audit.log', 'search_read', [domain], { fields: ['id', 'res_model', 'action'] })) as { id: number }[];
      expect(viaRpc).toHaveLength(2);
      const page = await rest(`/ops/audit-logs?action=health_data.read&user_id=${MEMBER}&res_model=hp.health.record`, OPERATOR);
      expect(page.status).toBe(200);
      expect(page.body.items.map((e: { id: number }) => e.id)).toEqual(viaRpc.map((e) => e.id));
      expect(page.body.items[0]).toMatchObject({ userId: MEMBER, action: 'health_data.read', resModel: 'hp.health.record', resId: null, details: expect.objectContaining({ subjectUids: [OTHER], outcome: 'refused' }) });
      const readAt = events[1]!.data.readAt.slice(0, 19);
      const window = await rest(`/ops/audit-logs?action=health_data.read&from=${readAt}Z&to=${new Date(Date.parse(`${readAt}Z`) + 1000).toISOString()}`, ADMIN);
      // `at` is kept to the second (an Odoo Datetime): the window holds the reads of that second, newest first.
      const inSecond = events.filter((e) => e.data.readAt.slice(0, 19) === readAt).map((e) => e.data.auditId).reverse();
      expect(window.body.items.map((e: { details: { auditId: number } }) => e.details.auditId)).toEqual(inSecond);
      const before = await rest(`/ops/audit-logs?action=health_data.read&to=${readAt}Z`, ADMIN);
      expect(before.body.items.map((e: { details: { auditId: number } }) => e.details.auditId)).toEqual(events.filter((e) => e.data.readAt.slice(0, 19) < readAt).map((e) => e.data.auditId).reverse());
      const all = await rest('/ops/audit-logs?limit=2&offset=1', OPERATOR);
      const allRpc = (await side.rpc(OPERATOR, 'hp.audit.log', 'search', [[]], { limit: 2, offset: 1 })) as number[];
      expect(all.body.items.map((e: { id: number }) => e.id)).toEqual(allRpc);
      expect(all.body.total).toBe((await rows().query('SELECT count(*)::int AS n FROM audit_logs')).rows[0].n);
      for (const uid of [MEMBER, COACH]) {
        expect((await rest('/ops/audit-logs', uid)).status).toBe(403);
        expect((await odooErrorOf(side.rpc(uid, 'hp.audit.log', 'search_read', [[]], { fields: ['id'] }))).name).toBe('odoo.exceptions.AccessError');
      }
      expect((await rest('/ops/audit-logs?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z', OPERATOR)).status).toBe(422);
      expect((await rest('/ops/audit-logs?user_id=abc', OPERATOR)).status).toBe(400);
    });
  });
}
