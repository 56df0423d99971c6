import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { FINANCE_PUBLISHES, FINANCE_SUBSCRIPTIONS } from '../../../services/finance/events.ts';
import { COACH_FEE_RATE } from '../../../services/finance/domain/completion-settlement.ts';
import { EmbeddedTransport } from '../../../services/kit/bus/embedded-transport.ts';
import { ServiceBus } from '../../../services/kit/bus/service-bus.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../../services/kit/db/database.ts';
import { kitMetrics } from '../../../services/kit/observability/kit-metrics.ts';
import { embeddedPointsAward } from '../../../services/trade/legacy/points-award-adapter.ts';
import { financeOnPool } from '../../../services/trade/saga/finance-reach.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { FIRST_TEST_ORDER, financeDatabase, financeModulesOwnedBy, ledgerFacts, serviceCompleted, type Completion } from './events-fixture.ts';

const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

/**
 * service_completed from trade's outbox to finance's inbox on the real embedded bus: finance
 * awards the points and the coach's settlement line once per order while it owns M13–M15, and
 * leaves both to the monolith (trade's legacy adapter) before; the adapter decides from the same
 * owner rows, so each order is awarded by exactly one of them.
 */
describe('finance consumes service_completed', () => {
  let legacy: TestDatabase;
  let finance: { test: TestDatabase; service: ServiceDatabase<any> };
  let tradeDb: TestDatabase;
  let trade: ServiceDatabase<any>;
  let transport: EmbeddedTransport;
  let tradeBus: ServiceBus<any>;
  let financeBus: ServiceBus<any>;
  let nextOrder = FIRST_TEST_ORDER;

  beforeAll(async () => {
    legacy = await legacyDatabase();
    finance = await financeDatabase(logger);
    tradeDb = await emptyDatabase('ev_trade');
    trade = await openServiceDatabase<any>({ url: tradeDb.url, service: 'trade', logger, migrations: [] });
    const metrics = kitMetrics(new Registry());
    transport = new EmbeddedTransport(logger, metrics);
    tradeBus = new ServiceBus({ service: 'trade', database: trade, publishes: ['service_completed'], transport, logger, metrics });
    financeBus = new ServiceBus({ service: 'finance', database: finance.service, publishes: FINANCE_PUBLISHES, transport, logger, metrics, legacyPool: legacy.pool });
    for (const s of FINANCE_SUBSCRIPTIONS) financeBus.subscribe(s.type, s.group ?? 'finance', s.handler);
    await tradeBus.startPublishing();
    await financeBus.startConsuming();
  });
  afterAll(async () => {
    await financeBus?.stop();
    await tradeBus?.stop();
    await transport?.close();
    await trade?.close();
    await finance?.service.close();
    await Promise.all([tradeDb?.drop(), finance?.test.drop(), legacy?.drop()]);
  });

  const handled = async () => Number((await finance.service.pool.query(`SELECT count(*) AS n FROM inbox WHERE consumer_group = 'finance' AND event_type = 'service_completed'`)).rows[0].n);
  async function publishAndWait(completions: Completion[]): Promise<void> {
    const before = await handled();
    await trade.db.transaction().execute((tx) => tradeBus.publishMany(tx, completions.map(serviceCompleted)));
    const started = Date.now();
    while ((await handled()) < before + completions.length) {
      if (Date.now() - started > 30_000) throw new Error(`finance handled ${(await handled()) - before} of ${completions.length} events`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const completion = (customerId: number, healthWorkerId: number, amount: string, completedAt = '2026-11-20T10:00:00.000Z'): Completion => ({ orderId: nextOrder++, customerId, healthWorkerId, amount, completedAt });
  const legacyAwards = async (orderIds: number[]) =>
    Number((await legacy.pool.query(`SELECT count(*) AS n FROM points_transactions WHERE reason = 'order' AND ref_model = 'hp.service.order' AND ref_id = ANY($1::int4[])`, [orderIds])).rows[0].n);

  it('while the monolith owns the ledger: the award goes into the monolith\'s ledger, once, whether finance or trade\'s legacy adapter writes it first', async () => {
    // No cutover yet: the database holds no owner rows, and a monolith is configured beside finance.
    const adapter = embeddedPointsAward(legacy.pool, undefined, financeOnPool(finance.service.pool));
    const asCompleted = (o: Completion) => ({ id: o.orderId, customerId: o.customerId, healthWorkerId: o.healthWorkerId, serviceId: null, amount: o.amount, completedAt: o.completedAt, completedBy: o.healthWorkerId });
    const financeFirst = [completion(6, 3, '199'), completion(7, 3, '99.5')];
    await publishAndWait(financeFirst);
    expect(await legacyAwards(financeFirst.map((o) => o.orderId))).toBe(2);
    await adapter.award(financeFirst.map(asCompleted));
    expect(await legacyAwards(financeFirst.map((o) => o.orderId))).toBe(2);
    const adapterFirst = [completion(8, 4, '300')];
    await adapter.award(adapterFirst.map(asCompleted));
    await publishAndWait(adapterFirst);
    expect(await legacyAwards(adapterFirst.map((o) => o.orderId))).toBe(1);
    const [row] = (await legacy.pool.query(`SELECT user_id, delta, reason FROM points_transactions WHERE ref_model = 'hp.service.order' AND ref_id = $1`, [financeFirst[1]!.orderId])).rows;
    expect(row).toEqual({ user_id: 7, delta: 99, reason: 'order' });
    // The monolith publishes nothing and keeps no settlement lines; finance's own tables stay untouched.
    const facts = await ledgerFacts(finance.service.pool);
    expect({ awards: facts.awards, events: facts.awardedEvents }).toEqual({ awards: [], events: [] });
    expect(Number((await finance.service.pool.query('SELECT count(*) AS n FROM settlements')).rows[0].n)).toBe(0);

    // Recorded as "legacy" by a sync that started (backfill) but no cutover: still the monolith's.
    await financeModulesOwnedBy(finance.service.pool, 'legacy');
    const later = [completion(9, 4, '42')];
    await publishAndWait(later);
    expect(await legacyAwards(later.map((o) => o.orderId))).toBe(1);
    expect((await ledgerFacts(finance.service.pool)).awards).toEqual([]);
  });

  it('once finance owns M13–M15: one points transaction per order (floor of the amount), points_awarded for each, the coach settlement lines at the fee rate', async () => {
    await financeModulesOwnedBy(finance.service.pool, 'service');
    const pool = finance.service.pool;
    // An order the monolith awarded before the cut, its row copied here by the sync: no second award.
    const awardedBefore = completion(10, 5, '88.8');
    await pool.query(`INSERT INTO points_transactions (user_id, delta, balance_after, reason, ref_model, ref_id) VALUES (10, 88, 88, 'order', 'hp.service.order', $1)`, [awardedBefore.orderId]);
    // A settlement of November the coach's operator confirmed already: November's completions open a new draft.
    await pool.query(`INSERT INTO settlements (payee_id, currency_id, state, period_start, period_end, gross, fee, net) VALUES (5, 6, 'confirmed', '2026-11-01', '2026-11-30', 1000, 200, 800)`);

    const coaches = [3, 4, 5];
    const stream: Completion[] = [awardedBefore];
    for (let i = 0; i < 60; i++) {
      const amount = ['99', '129.5', '0.99', '1299', '199.99', '10'][i % 6]!;
      const month = i % 4 === 0 ? '2026-10-31T23:59:59.000Z' : '2026-11-01T00:00:00.000Z';
      stream.push(completion(20 + (i % 12), coaches[i % 3]!, amount, month));
    }
    // Published in several transactions, one of them twice over (a redelivered order under new event ids).
    for (let i = 0; i < stream.length; i += 16) await publishAndWait(stream.slice(i, i + 16));
    await publishAndWait(stream.slice(5, 9));

    const facts = await ledgerFacts(pool);
    const owed = stream.filter((o) => Math.floor(Number(o.amount)) > 0);
    expect(facts.awards.map((a) => a.ref_id).sort()).toEqual(owed.map((o) => o.orderId).sort());
    for (const o of owed) expect(facts.awards.find((a) => a.ref_id === o.orderId)).toEqual({ ref_id: o.orderId, user_id: o.customerId, delta: Math.floor(Number(o.amount)), n: 1 });
    expect(facts.broken).toEqual([]);
    // Every award but the monolith's is announced, once, with its ledger row.
    const announced = facts.awardedEvents.map((e) => e.refId).sort();
    expect(announced).toEqual(owed.filter((o) => o !== awardedBefore).map((o) => o.orderId).sort());
    for (const e of facts.awardedEvents) {
      const row = (await pool.query('SELECT user_id, delta, balance_after FROM points_transactions WHERE id = $1', [e.transactionId])).rows[0];
      expect(row).toMatchObject({ user_id: e.userId, delta: e.delta });
    }

    // Settlements: per coach and month, gross = the orders' amounts, fee = round(gross × 20 %, 2), net = gross − fee, draft.
    const drafts = (await pool.query<{ payee_id: number; period_start: string; period_end: string; gross: string; fee: string; net: string; lines: number }>(
      `SELECT s.payee_id, to_char(s.period_start, 'YYYY-MM-DD') AS period_start, to_char(s.period_end, 'YYYY-MM-DD') AS period_end, s.gross::text, s.fee::text, s.net::text,
              (SELECT count(*)::int FROM settlement_lines l WHERE l.settlement_id = s.id) AS lines
         FROM settlements s WHERE s.state = 'draft' ORDER BY s.payee_id, s.period_start`,
    )).rows;
    const expected = new Map<string, { gross: number; lines: number }>();
    for (const o of stream) {
      const key = `${o.healthWorkerId}|${o.completedAt.slice(0, 7)}`;
      const e = expected.get(key) ?? { gross: 0, lines: 0 };
      e.gross += Math.round(Number(o.amount) * 100);
      e.lines += 1;
      expected.set(key, e);
    }
    expect(drafts).toHaveLength(expected.size);
    for (const d of drafts) {
      const e = expected.get(`${d.payee_id}|${d.period_start.slice(0, 7)}`)!;
      const fee = Math.round(e.gross * Number(COACH_FEE_RATE));
      expect({ gross: Math.round(Number(d.gross) * 100), fee: Math.round(Number(d.fee) * 100), net: Math.round(Number(d.net) * 100), lines: d.lines }).toEqual({ gross: e.gross, fee, net: e.gross - fee, lines: e.lines });
      expect(d.period_end.slice(0, 7)).toBe(d.period_start.slice(0, 7));
      expect(d.period_start.endsWith('-01')).toBe(true);
    }
    expect((await pool.query(`SELECT DISTINCT currency_id FROM settlements WHERE state = 'draft'`)).rows).toEqual([{ currency_id: 6 }]);
    // The confirmed one is untouched.
    expect((await pool.query(`SELECT gross::text, fee::text, net::text FROM settlements WHERE state = 'confirmed'`)).rows).toEqual([{ gross: '1000', fee: '200', net: '800' }]);
  });

  it('once finance owns the ledger, trade\'s legacy adapter no longer writes the award into the monolith', async () => {
    await financeModulesOwnedBy(finance.service.pool, 'service');
    const registry = new Registry();
    const adapter = embeddedPointsAward(legacy.pool, registry, financeOnPool(finance.service.pool));
    const order = completion(11, 3, '450');
    await adapter.award([{ id: order.orderId, customerId: 11, healthWorkerId: 3, serviceId: null, amount: '450', completedAt: order.completedAt, completedBy: 3 }]);
    expect(await legacyAwards([order.orderId])).toBe(0);
    const counted = (await registry.getSingleMetricAsString('ficus_trade_legacy_side_effects_total'));
    expect(counted).toContain('outcome="finance"} 1');
    // Finance awards it from the event instead.
    await publishAndWait([order]);
    expect((await ledgerFacts(finance.service.pool)).awards.filter((a) => a.ref_id === order.orderId)).toEqual([{ ref_id: order.orderId, user_id: 11, delta: 450, n: 1 }]);
  });
});
