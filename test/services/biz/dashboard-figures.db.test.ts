import fc from 'fast-check';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWriteOwner } from '../../../migration/control/service-write-gate.ts';
import { createLogger } from '../../../platform/logger.ts';
import { BIZ_MIGRATIONS } from '../../../services/biz/db/migrations.ts';
import { onQueryable } from '../../../services/biz/db/sql-runner.ts';
import { DASHBOARD_SUBSCRIPTIONS } from '../../../services/biz/domain/dashboard-events.ts';
import type { DashboardData } from '../../../services/biz/domain/dashboard-figures.ts';
import { legacyDashboardFigures, type LegacyDashboardFigures } from '../../../services/biz/domain/dashboard-legacy-sql.ts';
import { GroupConsumer } from '../../../services/kit/bus/consumer.ts';
import { deadLetterTable } from '../../../services/kit/bus/dead-letters.ts';
import type { EventHandler } from '../../../services/kit/bus/types.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../../services/kit/db/database.ts';
import { toCloudEvent, type CloudEvent, type EventType } from '../../../services/kit/index.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { applyDrill, deliveryOf, drillSteps } from './dashboard-drill.ts';

const logger = createLogger({ level: 'silent', format: 'json' });

interface Phase {
  legacy: TestDatabase;
  serviceDb: TestDatabase;
  service: ServiceDatabase<any>;
  consumer: GroupConsumer;
  /** Where biz_dashboards lives in this phase. */
  home: pg.Pool;
}

/** svc_biz with its migrations and the monolith beside it; M03 owned by `owner` (the seeded dashboards copied over, as a backfill would, when biz owns it). */
async function phase(owner: 'legacy' | 'service'): Promise<Phase> {
  const legacy = await legacyDatabase();
  const serviceDb = await emptyDatabase('svc_biz');
  const service = await openServiceDatabase<any>({ url: serviceDb.url, service: 'biz', logger, migrations: BIZ_MIGRATIONS });
  if (owner === 'service') {
    const { rows } = await legacy.pool.query('SELECT * FROM biz_dashboards');
    for (const r of rows) {
      await service.pool.query(
        `INSERT INTO biz_dashboards (id, owner_id, currency_id, orders_count, new_clients, create_uid, write_uid, period, data, revenue, rating_avg, create_date, write_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [r.id, r.owner_id, r.currency_id, r.orders_count, r.new_clients, r.create_uid, r.write_uid, r.period, JSON.stringify(r.data), r.revenue, r.rating_avg, r.create_date, r.write_date],
      );
    }
    await service.pool.query(`SELECT setval('biz_dashboards_id_seq', 1000000)`);
    await setWriteOwner(service.pool, 'M03', 'service', null);
  }
  const handlers = new Map(DASHBOARD_SUBSCRIPTIONS.map((s) => [s.type as EventType, s.handler as EventHandler<EventType, unknown>]));
  const consumer = new GroupConsumer({
    service: 'biz', group: 'biz-dashboard', db: service.db, logger, metrics: kitMetrics(new Registry()), handlers,
    deadLetters: deadLetterTable, maxAttempts: 2, stopping: new AbortController().signal, legacyPool: legacy.pool,
  });
  return { legacy, serviceDb, service, consumer, home: owner === 'service' ? service.pool : legacy.pool };
}

async function closePhase(p: Phase | undefined) {
  if (!p) return;
  await p.service.close();
  await Promise.all([p.serviceDb.drop(), p.legacy.drop()]);
}

interface RowFigures {
  orders_count: number; revenue: number; new_clients: number; rating_avg: number;
  by_week: number[]; live_sessions: number; live_revenue: number; new_members: number; gifts: number; gift_points: number;
}

/** The dashboard row of the home as the figures the SQL gives (absent: all zero). */
async function dashboardRow(home: pg.Pool, ownerId: number, period: string): Promise<RowFigures> {
  const { rows: [row] } = await home.query<{ orders_count: number; revenue: string; new_clients: number; rating_avg: string; data: DashboardData }>(
    'SELECT orders_count, revenue::text AS revenue, new_clients, rating_avg::text AS rating_avg, data FROM biz_dashboards WHERE owner_id = $1 AND period = $2',
    [ownerId, period],
  );
  if (!row) return { orders_count: 0, revenue: 0, new_clients: 0, rating_avg: 0, by_week: [0, 0, 0, 0], live_sessions: 0, live_revenue: 0, new_members: 0, gifts: 0, gift_points: 0 };
  return {
    orders_count: row.orders_count, revenue: Number(row.revenue), new_clients: row.new_clients, rating_avg: Number(row.rating_avg),
    by_week: row.data.by_week, live_sessions: row.data.live.sessions, live_revenue: row.data.live.revenue, new_members: row.data.community.new_members,
    gifts: row.data.gifts.count, gift_points: row.data.gifts.points,
  };
}

const asNumbers = (f: LegacyDashboardFigures): RowFigures => ({ ...f, revenue: Number(f.revenue), by_week: f.by_week.map(Number) });

/** Each batch as the embedded transport hands it over: split by subject into 4 parts delivered at once (each its own transaction), subjects kept in order. */
async function deliver(consumer: GroupConsumer, batches: CloudEvent[][]) {
  for (const batch of batches) {
    const parts: CloudEvent[][] = [[], [], [], []];
    for (const event of batch) parts[[...(event.subject ?? event.id)].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 4]!.push(event);
    await Promise.all(parts.filter((part) => part.length).map((part) => consumer.deliver(part.map((raw) => ({ raw, source: raw.source })))));
  }
}

describe.each(['legacy', 'service'] as const)('workbench dashboards kept from events, M03 in phase %s (issue 24, bar 3)', (owner) => {
  let p: Phase;
  beforeAll(async () => {
    p = await phase(owner);
  }, 120_000);
  afterAll(() => closePhase(p));

  it('after a drill-like sequence of events (reordered across subjects, some redelivered), every touched owner and month equals the SQL over the legacy tables', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(drillSteps.chain((steps) => fc.tuple(fc.constant(steps), fc.nat())), async ([steps, seed]) => {
        run += 1;
        const { events, keys } = await applyDrill(p.legacy.pool, steps, run);
        const [batches] = fc.sample(deliveryOf(events), { seed, numRuns: 1 });
        await deliver(p.consumer, batches!);
        const dead = await p.service.pool.query('SELECT event_type, reason FROM dead_letters');
        expect(dead.rows).toEqual([]);
        const legacy = onQueryable(p.legacy.pool);
        for (const key of keys) {
          const expected = asNumbers(await legacyDashboardFigures(legacy, key));
          expect({ key, ...(await dashboardRow(p.home, key.ownerId, key.period)) }).toEqual({ key, ...expected });
        }
      }),
      { numRuns: Number(process.env.BIZ_DASHBOARD_RUNS ?? 12), endOnFailure: true },
    );
  }, 300_000);

  it('a month written before events (the seed) keeps its figures as the baseline and adds what the events tell', async () => {
    const legacy = onQueryable(p.legacy.pool);
    const { rows: [seeded] } = await p.home.query<{ owner_id: number; period: string; orders_count: number; revenue: string }>(
      `SELECT owner_id, period::text AS period, orders_count, revenue::text AS revenue FROM biz_dashboards WHERE owner_id BETWEEN 246 AND 285 AND orders_count > 0 AND data->>'source' = 'seed' ORDER BY id LIMIT 1`,
    );
    const before = await legacyDashboardFigures(legacy, { ownerId: seeded!.owner_id, period: seeded!.period });
    const { rows: [o] } = await p.legacy.pool.query<{ id: number }>(
      `INSERT INTO service_orders (name, customer_id, health_worker_id, currency_id, amount, state, ordered_at, completed_at)
       VALUES ('SO/DRILL/BASELINE', 7, $1, 6, 123.45, 'completed', $2::date + interval '2 days', $2::date + interval '2 days') RETURNING id`,
      [seeded!.owner_id, seeded!.period],
    );
    const completedAt = new Date(`${seeded!.period}T00:00:00Z`).getTime() + 2 * 86_400_000;
    await deliver(p.consumer, [[toCloudEvent('trade', {
      type: 'service_completed', subject: `hp.service.order/${o!.id}`,
      data: { orderId: o!.id, customerId: 7, healthWorkerId: seeded!.owner_id, serviceId: null, amount: '123.45', currency: 'CNY', completedAt: new Date(completedAt).toISOString() },
    }, undefined) as CloudEvent]]);
    const after = await legacyDashboardFigures(legacy, { ownerId: seeded!.owner_id, period: seeded!.period });
    const { rows: [row] } = await p.home.query<{ orders_count: number; revenue: string; data: DashboardData }>(
      'SELECT orders_count, revenue::text AS revenue, data FROM biz_dashboards WHERE owner_id = $1 AND period = $2', [seeded!.owner_id, seeded!.period]);
    expect(row!.orders_count).toBe(seeded!.orders_count + 1);
    expect(Number(row!.revenue)).toBeCloseTo(Number(seeded!.revenue) + 123.45, 2);
    expect(row!.data.baseline).toMatchObject({ orders_count: seeded!.orders_count, revenue: Number(seeded!.revenue) });
    // The seed's coach rows are the SQL's figures, so baseline + event is the SQL's figure after the order too.
    expect(before.orders_count).toBe(seeded!.orders_count);
    expect(row!.orders_count).toBe(after.orders_count);
    expect(Number(row!.revenue)).toBeCloseTo(Number(after.revenue), 2);
  });
});

describe('the seeded biz_dashboards rows against the SQL', () => {
  let legacy: TestDatabase;
  beforeAll(async () => {
    legacy = await legacyDatabase();
  });
  afterAll(() => legacy?.drop());

  it("a coach's seeded orders_count, revenue, new_clients and rating_avg are the SQL's; a merchant's are not derivable from any legacy table", async () => {
    const { rows } = await legacy.pool.query<{ owner_id: number; period: string; orders_count: number; revenue: string; new_clients: number; rating_avg: string; coach: boolean }>(
      `SELECT d.owner_id, d.period::text AS period, d.orders_count, d.revenue::text AS revenue, d.new_clients, d.rating_avg::text AS rating_avg, d.owner_id BETWEEN 246 AND 285 AS coach
         FROM biz_dashboards d ORDER BY d.owner_id, d.period`,
    );
    expect(rows).toHaveLength(165);
    const run = onQueryable(legacy.pool);
    const coachDifferences: unknown[] = [];
    let merchantsWithSales = 0;
    for (const row of rows) {
      const sql = await legacyDashboardFigures(run, { ownerId: row.owner_id, period: row.period });
      if (row.coach) {
        const seeded = { orders_count: row.orders_count, revenue: Number(row.revenue), new_clients: row.new_clients, rating_avg: Number(row.rating_avg) };
        const derived = { orders_count: sql.orders_count, revenue: Number(sql.revenue), new_clients: sql.new_clients, rating_avg: sql.rating_avg };
        if (JSON.stringify(seeded) !== JSON.stringify(derived)) coachDifferences.push({ owner: row.owner_id, period: row.period, seeded, derived });
      } else if (sql.orders_count > 0) {
        merchantsWithSales += 1;
      }
    }
    expect(coachDifferences).toEqual([]);
    expect(merchantsWithSales).toBe(0);
  });
});
