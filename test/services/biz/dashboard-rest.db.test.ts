import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import type { BizDatabase } from '../../../services/biz/db/tables.ts';
import { DASHBOARD_SUBSCRIPTIONS } from '../../../services/biz/domain/dashboard-events.ts';
import biz from '../../../services/biz/index.ts';
import { GroupConsumer } from '../../../services/kit/bus/consumer.ts';
import { deadLetterTable } from '../../../services/kit/bus/dead-letters.ts';
import type { EventHandler } from '../../../services/kit/bus/types.ts';
import type { EventType } from '../../../services/kit/index.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { Kysely, PostgresDialect } from 'kysely';
import { startServiceRestStack, type ServiceRestStack } from '../../support/service-rest-stack.ts';

const COACH = 246;
const OTHER_COACH = 247;
const MEMBER = 6;
const ADMIN = 2;
const OPERATOR = 302;
const logger = createLogger({ level: 'silent', format: 'json' });

describe.each(['legacy', 'service'] as const)('GET /biz/dashboard and POST /biz/performance, M03 in phase %s', (owner) => {
  let stack: ServiceRestStack<BizDatabase>;
  beforeAll(async () => {
    stack = await startServiceRestStack({ definition: biz, tables: ['biz_dashboards', 'live_streams', 'community_groups', 'members'], owner });
  }, 120_000);
  afterAll(() => stack?.stop());

  const get = (uid: number, query: string) => stack.call('GET', `/biz/dashboard?${query}`, stack.token(uid));

  it("a coach's seeded month is the row of biz_dashboards; a month without a row is all 0", async () => {
    const { rows: [seeded] } = await stack.home(owner).query(
      `SELECT orders_count, revenue::text AS revenue, new_clients, rating_avg::float8 AS rating_avg, data FROM biz_dashboards WHERE owner_id = $1 AND period = '2026-11-01'`, [COACH]);
    const month = await get(COACH, 'period=2026-11');
    expect(month.status).toBe(200);
    expect(month.body).toMatchObject({ ownerId: COACH, period: '2026-11', recorded: true, ordersCount: seeded.orders_count, newClients: seeded.new_clients, ratingAvg: seeded.rating_avg, data: seeded.data });
    expect(Number(month.body.revenue)).toBe(Number(seeded.revenue));
    const empty = await get(COACH, 'period=2031-01');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ ownerId: COACH, period: '2031-01', recorded: false, currencyId: null, ordersCount: 0, revenue: '0', newClients: 0, ratingAvg: 0, data: null });
  });

  it("hp_workbench's rights: another coach's month is 404 (the owner rule), a member has no ACL (403), an operator sees anyone's; a bad month is 400", async () => {
    expect((await get(COACH, `period=2026-11&owner=${OTHER_COACH}`)).status).toBe(404);
    expect((await get(COACH, `period=2031-01&owner=${OTHER_COACH}`)).status).toBe(404);
    expect((await get(MEMBER, 'period=2026-11')).status).toBe(403);
    const seen = await get(OPERATOR, `period=2026-11&owner=${OTHER_COACH}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ ownerId: OTHER_COACH, recorded: true });
    expect((await get(COACH, 'period=2026-13')).status).toBe(400);
    expect((await get(COACH, 'owner=246')).status).toBe(400);
    expect((await stack.call('GET', '/biz/dashboard?period=2026-11', null)).status).toBe(401);
  });

  it('POST /biz/performance: created once per activity (natural key and Idempotency-Key), validated, only the owner or an administrator, published as biz_activity and counted in the month', async () => {
    const report = { period: '2031-02', kind: 'content_sold', refModel: 'hp.content.purchase', refId: 501, amount: '199.90', occurredAt: '2031-02-03T09:30:00Z' };
    const created = await stack.call('POST', '/biz/performance', stack.token(COACH), report);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ownerId: COACH, period: '2031-02', kind: 'content_sold', refId: 501, amount: '199.9', currency: 'CNY', reportedBy: COACH });
    const location = created.headers.get('location')!;
    expect(location).toBe(`/biz/performance/${created.body.id}`);
    expect((await stack.call('GET', location, stack.token(COACH))).body).toEqual(created.body);
    expect((await stack.call('GET', location, stack.token(OTHER_COACH))).status).toBe(404);
    expect((await stack.call('GET', location, stack.token(OPERATOR))).status).toBe(200);

    const again = await stack.call('POST', '/biz/performance', stack.token(COACH), report);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    expect((await stack.call('POST', '/biz/performance', stack.token(COACH), { ...report, amount: '10' })).status).toBe(409);
    const keyed = { ...report, refId: 502 };
    const first = await stack.call('POST', '/biz/performance', stack.token(COACH), keyed, { 'idempotency-key': 'perf-502' });
    const replay = await stack.call('POST', '/biz/performance', stack.token(COACH), keyed, { 'idempotency-key': 'perf-502' });
    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(replay.body).toEqual(first.body);

    expect((await stack.call('POST', '/biz/performance', stack.token(COACH), { ...report, refId: 503, occurredAt: '2031-03-01T00:00:00Z' })).status).toBe(422);
    expect((await stack.call('POST', '/biz/performance', stack.token(COACH), { ...report, refId: 504, amount: 12 })).status).toBe(400);
    expect((await stack.call('POST', '/biz/performance', stack.token(COACH), { ...report, refId: 505, extra: true })).status).toBe(400);
    expect((await stack.call('POST', '/biz/performance', stack.token(MEMBER), { ...report, refId: 506 })).status).toBe(403);
    expect((await stack.call('POST', '/biz/performance', stack.token(COACH), { ...report, refId: 507, ownerId: OTHER_COACH })).status).toBe(403);
    expect((await stack.call('POST', '/biz/performance', stack.token(OPERATOR), { ...report, refId: 508 })).status).toBe(403);
    const byAdmin = await stack.call('POST', '/biz/performance', stack.token(ADMIN), { ...report, refId: 509, ownerId: COACH, amount: '0.10' });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ ownerId: COACH, reportedBy: ADMIN });

    const mine = await stack.call('GET', '/biz/performance?period=2031-02', stack.token(COACH));
    expect(mine.body.total).toBe(3);
    expect((await stack.call('GET', '/biz/performance?period=2031-02', stack.token(OTHER_COACH))).body).toEqual({ items: [], total: 0 });
    expect((await stack.call('GET', `/biz/performance?period=2031-02&owner=${COACH}`, stack.token(OPERATOR))).body.total).toBe(3);

    // One biz_activity per created report, none for the replays; the workbench's consumer counts them in the month.
    const { rows: published } = await stack.service.pool.query(`SELECT payload FROM outbox WHERE type = 'biz_activity' ORDER BY created_at, id`);
    expect(published.map((r) => r.payload.data.refId)).toEqual([501, 502, 509]);
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: stack.service.pool }) });
    const consumer = new GroupConsumer({
      service: 'biz', group: 'biz-dashboard', db, logger, metrics: kitMetrics(new Registry()),
      handlers: new Map(DASHBOARD_SUBSCRIPTIONS.map((s) => [s.type as EventType, s.handler as EventHandler<EventType, unknown>])),
      deadLetters: deadLetterTable, stopping: new AbortController().signal, legacyPool: stack.legacy.pool,
    });
    await consumer.deliver(published.map((r) => ({ raw: r.payload, source: '/ficus/biz' })));
    const month = await get(COACH, 'period=2031-02');
    expect(month.body).toMatchObject({ recorded: true, ordersCount: 0, data: { reported: { content_sold: { count: 3, amount: 399.9 } } } });
    const { rows: homeRows } = await stack.home(owner).query(`SELECT count(*)::int AS n FROM biz_dashboards WHERE owner_id = $1 AND period = '2031-02-01'`, [COACH]);
    expect(homeRows[0].n).toBe(1);
  });
});
