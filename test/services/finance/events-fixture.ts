import type pg from 'pg';
import type { Logger } from 'pino';
import { setWriteOwner } from '../../../migration/control/service-write-gate.ts';
import { FINANCE_MIGRATIONS } from '../../../services/finance/db/migrations.ts';
import { openServiceDatabase, type ServiceDatabase } from '../../../services/kit/db/database.ts';
import type { NewEvent } from '../../../services/kit/events/cloudevent.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * svc_finance as the kit provisions it (kit tables, finance's migrations), plus the one reference
 * row finance's rules read that the sync would have copied (res_currency 6, CNY, for the stored
 * net's rounding). No sync runs: the tests say who owns M13–M15 by writing the control plane's
 * owner rows, as a cutover or rollback does.
 */
export async function financeDatabase(logger: Logger): Promise<{ test: TestDatabase; service: ServiceDatabase<any> }> {
  const test = await emptyDatabase('svc_finance');
  const service = await openServiceDatabase<any>({ url: test.url, service: 'finance', logger, migrations: FINANCE_MIGRATIONS });
  await service.pool.query(`CREATE TABLE res_currency (id integer PRIMARY KEY, name varchar NOT NULL, decimal_places integer); INSERT INTO res_currency VALUES (6, 'CNY', 2)`);
  return { test, service };
}

/** Records `owner` as the owner of M13, M14 and M15 in finance's database (what the control plane's cutover or rollback writes). */
export async function financeModulesOwnedBy(finance: pg.Pool, owner: 'service' | 'legacy'): Promise<void> {
  for (const module of ['M13', 'M14', 'M15']) await setWriteOwner(finance, module, owner, null);
}

export interface Completion {
  orderId: number;
  customerId: number;
  healthWorkerId: number;
  amount: string;
  completedAt: string;
}

/** service_completed as trade publishes it (odoo/outbox-events.ts serviceCompletedEvent). */
export function serviceCompleted(c: Completion): NewEvent<'service_completed'> {
  return {
    type: 'service_completed',
    subject: `hp.service.order/${c.orderId}`,
    data: { orderId: c.orderId, customerId: c.customerId, healthWorkerId: c.healthWorkerId, serviceId: null, amount: c.amount, currency: 'CNY', completedAt: c.completedAt },
  };
}

/** Order ids far above the seeded ones (600 service orders), so nothing meets a copied row by accident. */
export const FIRST_TEST_ORDER = 900_000;

/** What finance made of the completions, read back for the assertions. */
export async function ledgerFacts(finance: pg.Pool) {
  const awards = (await finance.query<{ ref_id: number; user_id: number; delta: number; n: number }>(
    `SELECT ref_id, min(user_id) AS user_id, min(delta) AS delta, count(*)::int AS n FROM points_transactions
      WHERE reason = 'order' AND ref_model = 'hp.service.order' GROUP BY ref_id`,
  )).rows;
  // Each user's ledger chains: every row's balance_after = the previous one's + delta, never negative.
  const broken = (await finance.query<{ id: number }>(
    `SELECT id FROM (SELECT id, delta, balance_after, lag(balance_after, 1, 0) OVER (PARTITION BY user_id ORDER BY id) AS before FROM points_transactions) t
      WHERE balance_after <> before + delta OR balance_after < 0`,
  )).rows;
  const awardedEvents = (await finance.query<{ payload: { data: { refId: number; delta: number; userId: number; transactionId: number } } }>(`SELECT payload FROM outbox WHERE type = 'points_awarded'`)).rows.map((r) => r.payload.data);
  return { awards, broken, awardedEvents };
}
