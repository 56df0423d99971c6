import fc from 'fast-check';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { ServiceBus } from '../../../services/kit/bus/service-bus.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../../services/kit/db/database.ts';
import type { NewEvent } from '../../../services/kit/index.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { OPS_MIGRATIONS } from '../../../services/ops/db/migrations.ts';
import { COACH_RATING_SUBSCRIPTIONS } from '../../../services/ops/domain/coach-rating-completions.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { pythonAverages, scoresOf } from './ratings-sides.ts';

const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
const GROUP = 'ops-coach-ratings';
/** Order ids far above the seeded ones, so nothing meets a seeded completion by accident. */
const FIRST_ORDER = 910_000;

/**
 * Issue 26 bar 3: every service_completed updates the coach's rating exactly once. Trade's outbox
 * to ops's inbox on the real embedded bus (M05 legacy: ratings read on the monolith): N events,
 * some delivered twice (the same event id again, as after a relay crash) and some completions
 * published again under a new id, make exactly N updates, one per event, each coach's figures
 * equal to their ratings.
 */
describe('service_completed → the coach\'s rating figures, exactly once', () => {
  let legacy: TestDatabase;
  let opsDb: TestDatabase;
  let tradeDb: TestDatabase;
  let ops: ServiceDatabase<any>;
  let trade: ServiceDatabase<any>;
  let transport: EmbeddedTransport;
  let tradeBus: ServiceBus<any>;
  let opsBus: ServiceBus<any>;
  let coaches: number[];
  let customer: number;

  beforeAll(async () => {
    legacy = await legacyDatabase();
    opsDb = await emptyDatabase('svc_ops');
    tradeDb = await emptyDatabase('ev_trade');
    ops = await openServiceDatabase<any>({ url: opsDb.url, service: 'ops', logger, migrations: OPS_MIGRATIONS });
    trade = await openServiceDatabase<any>({ url: tradeDb.url, service: 'trade', logger, migrations: [] });
    const metrics = kitMetrics(new Registry());
    transport = new EmbeddedTransport(logger, metrics);
    tradeBus = new ServiceBus({ service: 'trade', database: trade, publishes: ['service_completed'], transport, logger, metrics });
    opsBus = new ServiceBus({ service: 'ops', database: ops, publishes: ['service_rated'], transport, logger, metrics, legacyPool: legacy.pool });
    for (const s of COACH_RATING_SUBSCRIPTIONS) opsBus.subscribe(s.type, s.group ?? 'ops', s.handler);
    await tradeBus.startPublishing();
    await opsBus.startConsuming();
    coaches = (await legacy.pool.query<{ coach_id: number }>('SELECT DISTINCT coach_id FROM ratings ORDER BY coach_id LIMIT 4')).rows.map((r) => r.coach_id);
    customer = (await legacy.pool.query<{ customer_id: number }>('SELECT min(customer_id) AS customer_id FROM service_orders')).rows[0]!.customer_id;
  }, 120_000);
  afterAll(async () => {
    await opsBus?.stop();
    await tradeBus?.stop();
    await transport?.close();
    await trade?.close();
    await ops?.close();
    await Promise.all([tradeDb?.drop(), opsDb?.drop(), legacy?.drop()]);
  });

  const completed = (orderId: number, coach: number): NewEvent<'service_completed'> => ({
    type: 'service_completed',
    subject: `hp.service.order/${orderId}`,
    data: { orderId, customerId: customer, healthWorkerId: coach, serviceId: null, amount: '100.00', currency: 'CNY', completedAt: new Date(Date.UTC(2026, 11, 1, 8, 0, orderId % 60)).toISOString() },
  });
  /** Waits until ops's group has read every row trade's outbox holds (duplicates included). */
  async function drained(): Promise<void> {
    const started = Date.now();
    for (;;) {
      const [{ last }] = (await trade.pool.query<{ last: string }>('SELECT coalesce(max(seq), 0)::text AS last FROM outbox')).rows as [{ last: string }];
      const { rows } = await ops.pool.query<{ seq: string }>(`SELECT seq::text AS seq FROM bus_positions WHERE consumer_group = $1 AND source = 'trade'`, [GROUP]);
      if (rows[0] && BigInt(rows[0].seq) >= BigInt(last)) return;
      if (Date.now() - started > 60_000) throw new Error(`ops read up to ${rows[0]?.seq ?? 'nothing'} of trade's outbox (last ${last})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const figures = async () => (await ops.pool.query<{ coach_id: number; completed_services: number; ratings_count: number; rating_avg: string }>(
    'SELECT coach_id, completed_services, ratings_count, rating_avg::text AS rating_avg FROM coach_rating_stats ORDER BY coach_id')).rows;
  const completions = async () => Number((await ops.pool.query('SELECT count(*) AS n FROM coach_rating_completions')).rows[0].n);
  const handledEvents = async () => Number((await ops.pool.query(`SELECT count(*) AS n FROM inbox WHERE consumer_group = $1`, [GROUP])).rows[0].n);

  it('N events, some delivered twice and some completions published again under a new id, make N updates, one per event', async () => {
    let next = FIRST_ORDER;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ coach: fc.integer({ min: 0, max: 3 }), redeliver: fc.boolean(), republish: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        async (plan) => {
          const before = { completions: await completions(), handled: await handledEvents(), perCoach: new Map((await figures()).map((f) => [f.coach_id, f.completed_services])) };
          const events = plan.map((p) => completed(next++, coaches[p.coach]!));
          const published = await trade.db.transaction().execute((tx) => tradeBus.publishMany(tx, events));
          await drained();
          // A relay that crashed after handing the events on sends them again: the same ids, new outbox rows.
          const redelivered = published.filter((_, i) => plan[i]!.redeliver);
          if (redelivered.length) {
            await trade.pool.query('DELETE FROM outbox WHERE id = ANY($1::text[])', [redelivered.map((e) => e.id)]);
            for (const e of redelivered) await trade.pool.query('INSERT INTO outbox (id, type, aggregate_id, payload) VALUES ($1, $2, $3, $4::jsonb)', [e.id, e.type, e.subject, JSON.stringify(e)]);
          }
          // The same completion announced again by a publisher that lost track of it: a new event id.
          const republished = events.filter((_, i) => plan[i]!.republish);
          if (republished.length) await trade.db.transaction().execute((tx) => tradeBus.publishMany(tx, republished));
          await drained();

          expect(await completions()).toBe(before.completions + plan.length);
          expect(await handledEvents()).toBe(before.handled + plan.length + republished.length);
          const after = await figures();
          for (const [index, coach] of coaches.entries()) {
            const expected = (before.perCoach.get(coach) ?? 0) + plan.filter((p) => p.coach === index).length;
            expect(after.find((f) => f.coach_id === coach)?.completed_services ?? 0, `coach ${coach}`).toBe(expected);
          }
        },
      ),
      { numRuns: 6 },
    );
    // Every coach's figures are their ratings on the monolith (M05 legacy), as Python averages them.
    const rows = await figures();
    const scores = await Promise.all(rows.map((f) => scoresOf(legacy.pool, f.coach_id)));
    const averages = pythonAverages(scores);
    rows.forEach((f, i) => expect({ count: f.ratings_count, avg: Number(f.rating_avg) }).toEqual({ count: scores[i]!.length, avg: averages[i] }));
    expect((await ops.pool.query('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n).toBe(0);
  });
});
