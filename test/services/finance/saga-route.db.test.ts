import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { credentialStampOf } from '../../../services/kit/auth/credential-stamp.ts';
import { issueToken } from '../../../services/kit/auth/tokens.ts';
import type { ServiceDatabase } from '../../../services/kit/db/database.ts';
import type { TestDatabase } from '../../support/databases.ts';
import { serveTradeRest } from '../trade/support/trade-rest.ts';
import { startTradeCutoverStack, type TradeCutoverStack } from '../trade/support/trade-cutover-stack.ts';
import { financeDatabase, financeModulesOwnedBy } from './events-fixture.ts';

const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });

/**
 * The saga's finance step as trade's REST API runs it: POST /trade/service-orders (trade owning
 * M04 and M20, as after their cutover) with finance's database where trade's runtime looks for it
 * when the two do not share a cluster (FICUS_FINANCE_DATABASE_URL; in `ficus start` it is the
 * `svc_finance` beside svc_trade). Once finance owns M13–M15, the order comes with a pending payment.
 */
describe('POST /trade/service-orders reserves the payment in finance', () => {
  let trade: TradeCutoverStack;
  let finance: { test: TestDatabase; service: ServiceDatabase<any> };
  let rest: Awaited<ReturnType<typeof serveTradeRest>>;
  const saved = process.env.FICUS_FINANCE_DATABASE_URL;

  beforeAll(async () => {
    trade = await startTradeCutoverStack();
    finance = await financeDatabase(logger);
    await financeModulesOwnedBy(finance.service.pool, 'service');
    process.env.FICUS_FINANCE_DATABASE_URL = finance.test.url;
    rest = await serveTradeRest(trade.service.url, trade.stack.legacyPool);
  }, 180_000);
  afterAll(async () => {
    if (saved === undefined) delete process.env.FICUS_FINANCE_DATABASE_URL;
    else process.env.FICUS_FINANCE_DATABASE_URL = saved;
    await rest?.stop();
    await finance?.service.close();
    await finance?.test.drop();
    await trade?.stop();
  });

  it('201 with the order; the saga completed with a pending hp.payment of the order for the customer in finance, none in the monolith', async () => {
    const note = `finance saga route ${Date.now()}`;
    const token = issueToken(rest.keys, { userId: 6, credentialStamp: await credentialStampOf(trade.stack.servicePool, 6) });
    const response = await fetch(`${rest.baseUrl}/trade/service-orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `finance-${Date.now()}` },
      body: JSON.stringify({ serviceId: 8, note }),
    });
    const order = (await response.json()) as { id: number; amount: string };
    expect(response.status, JSON.stringify(order)).toBe(201);
    // reserve_payment runs once the request committed: wait for the saga.
    const started = Date.now();
    let saga: { status: string; outputs: Record<string, { reservationId?: number | null }> } | undefined;
    while (Date.now() - started < 20_000) {
      saga = (await trade.stack.servicePool.query(`SELECT status, outputs FROM saga_instances WHERE saga = 'order_creation' AND input->>'note' = $1`, [note])).rows[0];
      if (saga?.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(saga?.status).toBe('completed');
    const payments = (await finance.service.pool.query(`SELECT id, payer_id, amount::float AS amount, state FROM payments WHERE source_model = 'hp.service.order' AND source_id = $1`, [order.id])).rows;
    expect(payments).toEqual([{ id: saga!.outputs.reserve_payment!.reservationId, payer_id: 6, amount: Number(order.amount), state: 'pending' }]);
    expect((await trade.stack.legacyPool.query(`SELECT 1 FROM payments WHERE source_model = 'hp.service.order' AND source_id = $1`, [order.id])).rowCount).toBe(0);
  });
});
