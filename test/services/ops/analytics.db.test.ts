import { readFileSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { GroupConsumer } from '../../../services/kit/bus/consumer.ts';
import { deadLetterTable } from '../../../services/kit/bus/dead-letters.ts';
import type { EventHandler } from '../../../services/kit/bus/types.ts';
import { EVENT_TYPES, toCloudEvent, type CloudEvent, type EventType, type NewEvent } from '../../../services/kit/index.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import type { OpsDatabase } from '../../../services/ops/db/tables.ts';
import { ANALYTICS_GROUP, ANALYTICS_SUBSCRIPTIONS } from '../../../services/ops/domain/analytics-events.ts';
import ops from '../../../services/ops/index.ts';
import { startServiceRestStack, type ServiceRestStack } from '../../support/service-rest-stack.ts';
import { OPS_TABLES } from './risk-sides.ts';

const ADMIN = 2;
const OPERATOR = 302;
const MEMBER = 6;
const COACH = 251;

const liveStarted = (streamId: number, at: string): CloudEvent =>
  toCloudEvent('biz', { type: 'live_started', subject: `hp.live.stream/${streamId}`, data: { streamId, hostId: COACH, title: 'Yoga', startedAt: at } } as NewEvent, undefined, new Date(at));
const bizActivity = (refId: number, at: string): CloudEvent =>
  toCloudEvent('biz', { type: 'biz_activity', subject: `res.users/${COACH}`, data: { ownerId: COACH, kind: 'content_sold', refModel: 'hp.knowledge.content', refId, occurredAt: at } } as NewEvent, undefined, new Date(at));

/**
 * Analytics over the events ops consumes (all types, DESIGN: ops ← all): each event counted once
 * in its type's UTC hour through the kit's consumer and inbox (a redelivery counts nothing), and
 * POST /analytics/reports over those counts: validated, operators only, the same request the same
 * report (201 then 200, one row), its figures read back by id and listed.
 */
describe('analytics: event counts and POST /analytics/reports', () => {
  let stack: ServiceRestStack<OpsDatabase>;
  let db: Kysely<any>;
  const call = (method: string, path: string, uid: number | null, body?: unknown, headers: Record<string, string> = {}) => stack.call(method, path, uid === null ? null : stack.token(uid), body, headers);

  beforeAll(async () => {
    stack = await startServiceRestStack<OpsDatabase>({ definition: ops, tables: OPS_TABLES, owner: 'service' });
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool: stack.service.pool }) });
    const consumer = new GroupConsumer({
      service: 'ops', group: ANALYTICS_GROUP, db, logger: createLogger({ level: 'silent', format: 'json' }), metrics: kitMetrics(new Registry()),
      handlers: new Map(ANALYTICS_SUBSCRIPTIONS.map((s) => [s.type as EventType, s.handler as EventHandler<EventType, unknown>])),
      deadLetters: deadLetterTable, stopping: new AbortController().signal, legacyPool: stack.legacy.pool,
    });
    const events = [
      liveStarted(1, '2026-03-01T10:00:00.000Z'), liveStarted(2, '2026-03-01T10:59:59.999Z'), liveStarted(3, '2026-03-01T10:15:00.000Z'),
      liveStarted(4, '2026-03-01T11:30:00.000Z'), liveStarted(5, '2026-03-01T12:00:00.000Z'),
      bizActivity(7, '2026-03-01T10:30:00.000Z'), bizActivity(8, '2026-03-01T11:45:00.000Z'),
    ];
    await consumer.deliver(events.map((e) => ({ raw: e, source: '/ficus/biz' })));
    // The transport delivers some again: the inbox counts each event once.
    await consumer.deliver(events.slice(0, 3).map((e) => ({ raw: e, source: '/ficus/biz' })));
  }, 300_000);
  afterAll(async () => {
    // The Kysely shares the stack's pool, which stack.stop() ends.
    await stack?.stop();
  });

  it('counts each event once in its type\'s UTC hour (and without OPS_RISK_STREAM=on the runtime holds no replication slot)', async () => {
    expect((await stack.legacy.pool.query("SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'ficus_ops_risk' AND database = current_database()")).rows).toEqual([]);
    const { rows } = await stack.service.pool.query("SELECT event_type, to_char(hour AT TIME ZONE 'UTC', 'HH24') AS h, events::int FROM analytics_event_hours ORDER BY 1, 2");
    expect(rows).toEqual([
      { event_type: 'biz_activity', h: '10', events: 1 }, { event_type: 'biz_activity', h: '11', events: 1 },
      { event_type: 'live_started', h: '10', events: 3 }, { event_type: 'live_started', h: '11', events: 1 }, { event_type: 'live_started', h: '12', events: 1 },
    ]);
  });

  it('a report: counts, shares and rates per type over [from, to), every asked type listed; the same request is the same report', async () => {
    const request = { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z', eventTypes: ['live_started', 'biz_activity', 'gift_sent'] };
    const first = await call('POST', '/analytics/reports', OPERATOR, request);
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/analytics/reports/${first.body.id}`);
    expect(first.body).toMatchObject({
      from: '2026-03-01T10:00:00.000Z', to: '2026-03-01T12:00:00.000Z', eventTypes: ['biz_activity', 'gift_sent', 'live_started'], hours: 2, totalEvents: 6, requestedBy: OPERATOR,
      types: [
        { type: 'live_started', count: 4, share: 0.666667, perHour: 2, perDay: 48 },
        { type: 'biz_activity', count: 2, share: 0.333333, perHour: 1, perDay: 24 },
        { type: 'gift_sent', count: 0, share: 0, perHour: 0, perDay: 0 },
      ],
    });
    // The same period and types, in another order, in another notation, by someone else: the same report.
    const again = await call('POST', '/analytics/reports', ADMIN, { from: '2026-03-01T11:00:00+01:00', to: '2026-03-01T12:00:00.000Z', eventTypes: ['gift_sent', 'live_started', 'biz_activity'] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const keyed = await call('POST', '/analytics/reports', OPERATOR, request, { 'idempotency-key': 'analytics-1' });
    expect(keyed.body.id).toBe(first.body.id);
    expect((await call('POST', '/analytics/reports', OPERATOR, request, { 'idempotency-key': 'analytics-1' })).body.id).toBe(first.body.id);
    expect((await stack.service.pool.query('SELECT count(*)::int AS n FROM analytics_reports')).rows[0].n).toBe(1);
    expect((await call('GET', `/analytics/reports/${first.body.id}`, ADMIN)).body).toEqual(first.body);
    // No types: all of them, each listed.
    const all = await call('POST', '/analytics/reports', OPERATOR, { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' });
    expect(all.status).toBe(201);
    expect(all.body.totalEvents).toBe(7);
    expect(all.body.types.map((t: { type: string }) => t.type).sort()).toEqual([...EVENT_TYPES].sort());
    expect(all.body.types[0]).toEqual({ type: 'live_started', count: 5, share: 0.714286, perHour: 0.208333, perDay: 5 });
    const list = await call('GET', '/analytics/reports?limit=1', OPERATOR);
    expect(list.body).toMatchObject({ total: 2, limit: 1, offset: 0, items: [{ id: all.body.id }] });
    expect((await call('GET', '/analytics/reports?to=2026-03-01T11:00:00Z', OPERATOR)).body.total).toBe(2);
    expect((await call('GET', '/analytics/reports?from=2026-03-01T12:00:00Z', OPERATOR)).body.total).toBe(1);
  });

  it('validated: whole UTC hours, a closed period no longer than a year, known types (422 / 400, nothing written); operators only', async () => {
    const before = (await stack.service.pool.query('SELECT count(*)::int AS n FROM analytics_reports')).rows[0].n;
    const refused = async (body: unknown) => {
      const answer = await call('POST', '/analytics/reports', OPERATOR, body);
      return { status: answer.status, detail: answer.body?.detail as string };
    };
    expect(await refused({ from: '2026-03-01T10:30:00Z', to: '2026-03-01T12:00:00Z' })).toEqual({ status: 400, detail: expect.any(String) });
    expect(await refused({ from: '2026-03-01T10:00:00+05:30', to: '2026-03-01T12:00:00Z' })).toEqual({ status: 422, detail: 'from must be a whole UTC hour (counts are kept per hour).' });
    expect(await refused({ from: '2026-03-01T12:00:00Z', to: '2026-03-01T12:00:00Z' })).toEqual({ status: 422, detail: 'The period must end after it starts.' });
    expect(await refused({ from: '2023-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).toEqual({ status: 422, detail: 'A report covers at most 8784 hours.' });
    expect(await refused({ from: '2026-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' })).toMatchObject({ status: 422 });
    const future = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000).toISOString();
    expect(await refused({ from: '2026-01-01T00:00:00Z', to: future })).toEqual({ status: 422, detail: 'The period has not ended yet: a report covers a closed period.' });
    expect((await refused({ from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z', eventTypes: ['nothing_happened'] })).status).toBe(400);
    expect((await refused({ from: '2026-03-01T10:00:00Z' })).status).toBe(400);
    expect((await refused({ from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z', extra: 1 })).status).toBe(400);
    expect((await stack.service.pool.query('SELECT count(*)::int AS n FROM analytics_reports')).rows[0].n).toBe(before);
    for (const uid of [MEMBER, COACH]) {
      expect((await call('POST', '/analytics/reports', uid, { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z' })).status).toBe(403);
      expect((await call('GET', '/analytics/reports', uid)).status).toBe(403);
    }
    expect((await call('GET', '/analytics/reports/999999', OPERATOR)).status).toBe(404);
  });

  it('the request schema names exactly the platform\'s event types', () => {
    const schema = JSON.parse(readFileSync('schemas/rest/ops/analytics-report-create.json', 'utf8'));
    expect([...schema.properties.eventTypes.items.enum].sort()).toEqual([...EVENT_TYPES].sort());
  });
});
