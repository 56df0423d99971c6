import { spawn, type ChildProcess } from 'node:child_process';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { COACH_FEE_RATE } from '../../../services/finance/domain/completion-settlement.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { ServiceBus } from '../../../services/kit/bus/service-bus.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../../services/kit/db/database.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { PROJECT_ROOT } from '../../support/ficus-process.ts';
import { BUNDLED_CHILD_ENV, bundleForChild } from '../support/bundle.ts';
import { FIRST_TEST_ORDER, financeDatabase, financeModulesOwnedBy, ledgerFacts, serviceCompleted, type Completion } from './events-fixture.ts';

const TOTAL = Number(process.env.FINANCE_EXACTLY_ONCE_EVENTS ?? 1500);
const PER_TX = 25;
/** Orders the monolith awarded before the cut (their ledger rows copied into finance by the sync). */
const AWARDED_BEFORE = 40;
const logger = createLogger({ level: 'warn', format: 'json' });

/**
 * Issue 21, bar 3: every service_completed of a stream yields exactly one points transaction
 * (and one settlement line), while the finance process consuming it is SIGKILLed at random and
 * started again. One process at a time, each killed once it has handled a random share of the
 * stream (between a tenth and a fifth of it) since it became ready, at a random moment after
 * that: a life's length follows the consumer's progress, not the clock, so a busy machine slows
 * the stream without leaving it unkilled, and a fast one cannot drain it between two kills.
 */
describe('finance: exactly one points transaction per completed order across SIGKILLs of the consumer', () => {
  let legacy: TestDatabase;
  let finance: { test: TestDatabase; service: ServiceDatabase<any> };
  let tradeDb: TestDatabase;
  let trade: ServiceDatabase<any>;
  let childScript: string;

  beforeAll(async () => {
    childScript = await bundleForChild('test/services/finance/exactly-once-consumer.ts');
    legacy = await legacyDatabase();
    finance = await financeDatabase(logger);
    await financeModulesOwnedBy(finance.service.pool, 'service');
    tradeDb = await emptyDatabase('eo_trade');
    trade = await openServiceDatabase<any>({ url: tradeDb.url, service: 'trade', logger, migrations: [] });
  });
  afterAll(async () => {
    await trade?.close();
    await finance?.service.close();
    await Promise.all([tradeDb?.drop(), finance?.test.drop(), legacy?.drop()]);
  });

  it(`${TOTAL} completed orders, consumers killed mid-stream → one award and one settlement line each`, async () => {
    const amounts = ['99', '129.5', '0.5', '1299', '199.99', '10.01', '699'];
    const stream: Completion[] = Array.from({ length: TOTAL }, (_, i) => ({
      orderId: FIRST_TEST_ORDER + i, customerId: 6 + (i % 150), healthWorkerId: 3 + (i % 10), amount: amounts[i % amounts.length]!,
      completedAt: new Date(Date.UTC(2026, 10 + (i % 2), 1 + (i % 28), 12)).toISOString(),
    }));
    for (const o of stream.slice(0, AWARDED_BEFORE)) {
      const delta = Math.floor(Number(o.amount));
      if (delta > 0) await finance.service.pool.query(
        `INSERT INTO points_transactions (user_id, delta, balance_after, reason, ref_model, ref_id)
         VALUES ($1, $2, COALESCE((SELECT balance_after FROM points_transactions WHERE user_id = $1 ORDER BY id DESC LIMIT 1), 0) + $2, 'order', 'hp.service.order', $3)`,
        [o.customerId, delta, o.orderId],
      );
    }

    const metrics = kitMetrics(new Registry());
    const transport = new EmbeddedTransport(logger, metrics);
    const tradeBus = new ServiceBus({ service: 'trade', database: trade, publishes: ['service_completed'], transport, logger, metrics });
    await tradeBus.startPublishing();
    const handled = async () => Number((await finance.service.pool.query(`SELECT count(*) AS n FROM inbox WHERE consumer_group = 'finance' AND outcome = 'handled'`)).rows[0].n);

    // Each live consumer with the number of events handled when it became ready (Infinity before).
    const children = new Map<ChildProcess, number>();
    let stopping = false;
    let kills = 0;
    const spawnConsumer = () => {
      const child = spawn(process.execPath, [childScript], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...BUNDLED_CHILD_ENV, CONSUMER_DB_URL: finance.test.url, SOURCE_DB_URL: tradeDb.url, LEGACY_DB_URL: legacy.url },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.set(child, Number.POSITIVE_INFINITY);
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) void handled().then((n) => children.has(child) && children.set(child, n));
      });
      child.once('exit', () => {
        children.delete(child);
        if (!stopping) spawnConsumer();
      });
    };
    spawnConsumer();
    // Kill only processes that have handled their share since they became ready, so each life does some work.
    const shareOfLife = () => Math.ceil(TOTAL * (0.1 + Math.random() * 0.1));
    const killer = (async () => {
      let share = shareOfLife();
      while (!stopping) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
        const done = await handled();
        if (stopping || done >= TOTAL) continue;
        const victims = [...children].filter(([, handledAtReady]) => done - handledAtReady >= share).map(([c]) => c);
        const victim = victims[Math.floor(Math.random() * victims.length)];
        if (victim) {
          victim.kill('SIGKILL');
          kills++;
          share = shareOfLife();
        }
      }
    })();

    const started = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < TOTAL) {
        const batch = stream.slice(next, (next = Math.min(TOTAL, next + PER_TX)));
        await trade.db.transaction().execute((tx) => tradeBus.publishMany(tx, batch.map(serviceCompleted)));
        await new Promise((r) => setTimeout(r, 5));
      }
    }));
    const publishMs = Date.now() - started;
    while ((await handled()) < TOTAL && Date.now() - started < 300_000) await new Promise((r) => setTimeout(r, 250));
    const drainMs = Date.now() - started - publishMs;
    stopping = true;
    await killer;
    // A last grace period: a second handling of anything would show now.
    await new Promise((r) => setTimeout(r, 1000));
    for (const child of children.keys()) child.kill('SIGKILL');
    await tradeBus.stop();
    await transport.close();

    const pool = finance.service.pool;
    const facts = await ledgerFacts(pool);
    const owed = stream.filter((o) => Math.floor(Number(o.amount)) > 0);
    const preAwarded = stream.slice(0, AWARDED_BEFORE).filter((o) => Math.floor(Number(o.amount)) > 0).length;
    const deadLetters = Number((await pool.query('SELECT count(*) AS n FROM dead_letters')).rows[0].n);
    const lines = (await pool.query<{ n: number; orders: number }>('SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS orders FROM settlement_lines')).rows[0]!;
    const gross = (await pool.query<{ cents: string }>(`SELECT round(sum(gross) * 100)::text AS cents FROM settlements WHERE state = 'draft'`)).rows[0]!;
    const feeOff = (await pool.query(`SELECT id FROM settlements WHERE fee <> round(gross * $1::numeric, 2) OR net <> gross - fee`, [COACH_FEE_RATE])).rows;
    const summary = {
      handled: await handled(), deadLetters, awards: facts.awards.length, doubled: facts.awards.filter((a) => a.n !== 1).length,
      wrongDelta: facts.awards.filter((a) => a.delta !== Math.floor(Number(stream[a.ref_id - FIRST_TEST_ORDER]!.amount))).length,
      brokenChains: facts.broken.length, pointsAwardedEvents: facts.awardedEvents.length, settlementLines: lines.n, settledOrders: lines.orders,
      grossCents: Number(gross.cents), feeOff: feeOff.length,
    };
    console.log(`[finance exactly-once] ${JSON.stringify({ total: TOTAL, kills, publishMs, drainMs, ...summary })}`);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(summary).toEqual({
      handled: TOTAL, deadLetters: 0, awards: owed.length, doubled: 0, wrongDelta: 0, brokenChains: 0, pointsAwardedEvents: owed.length - preAwarded,
      settlementLines: TOTAL, settledOrders: TOTAL, grossCents: stream.reduce((sum, o) => sum + Math.round(Number(o.amount) * 100), 0), feeOff: 0,
    });
  }, 420_000);
});
