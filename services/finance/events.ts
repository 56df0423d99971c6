import { CompiledQuery, type Kysely } from 'kysely';
import { OUTBOX_INSERT, outboxRows, type EventType, type HandlerContext, type NewEvent, type SubscriptionDefinition } from '../kit/index.ts';
import { financeHome, inFinanceHome } from './db/finance-home.ts';
import { onKysely } from './db/sql-runner.ts';
import type { FinanceDatabase } from './db/tables.ts';
import { awardCompletionPoints, type CompletedServiceOrder } from './domain/completion-points.ts';
import { addCompletionToSettlement } from './domain/completion-settlement.ts';
import { NO_EVENTS, type FinanceEventSink } from './domain/finance-events.ts';

/** What finance publishes (DESIGN §5 event list). */
export const FINANCE_PUBLISHES = ['payment_success', 'points_awarded', 'gift_sent'] as const satisfies readonly EventType[];

/** The company currency's id in the legacy database (res_currency 6, CNY), for a database holding no copy of res_currency. */
const LEGACY_COMPANY_CURRENCY_ID = 6;

/** The id of the order's currency (ISO code) in the copy of res_currency the sync keeps here; a new settlement is in it. */
async function currencyIdOf(run: ReturnType<typeof onKysely>, code: string): Promise<number> {
  const [row] = await run.raw<{ id: number | null }>(`SELECT CASE WHEN to_regclass('res_currency') IS NULL THEN NULL ELSE (SELECT id FROM res_currency WHERE name = $1) END AS id`, [code]);
  return row?.id ?? LEGACY_COMPANY_CURRENCY_ID;
}

/**
 * An event handler's sink: finance's outbox, in the transaction that also records the event in
 * the inbox, so what the handler changed, what it announces and "handled" commit together.
 */
export function handlerEventSink(tx: Kysely<any>): FinanceEventSink {
  return {
    async publish(events: NewEvent[]) {
      if (!events.length) return;
      const { ids, types, keys, payloads } = outboxRows('finance', events);
      await tx.executeQuery(CompiledQuery.raw(OUTBOX_INSERT, [ids, types, keys, payloads]));
    },
  };
}

/**
 * service_completed (trade, M04): the customer's points and the coach's settlement line, once per
 * order, where finance's rows live (db/finance-home.ts). Once finance owns M13–M15: both in
 * svc_finance, in the transaction of the inbox record, points_awarded announced. Before: the
 * monolith owns the ledger, so the award is written there (silently, as the monolith writes it),
 * in a transaction of the monolith's database that commits before the inbox record; trade's legacy
 * adapter writes the same award after the order's commit, and whichever comes second finds the
 * first by its reference under the user's ledger lock, so each order gets one row even when one of
 * the two never runs (a crash after the commit). No settlement line then: the monolith keeps none.
 * The owner rows are held FOR SHARE meanwhile, so a cutover or rollback waits for this handling,
 * and a legacy write made before the flip reaches svc_finance through the forward sync before it.
 */
export async function onServiceCompleted(event: { data: CompletedServiceOrder & { currency: string } }, { db, legacyPool }: Pick<HandlerContext<FinanceDatabase>, 'db' | 'legacyPool'>): Promise<void> {
  const home = await financeHome(db, legacyPool, { hold: true });
  const order = event.data;
  await inFinanceHome(db, legacyPool, home, async (rows) => {
    const run = onKysely(rows);
    await awardCompletionPoints({ sql: run }, home === 'service' ? handlerEventSink(db) : NO_EVENTS, order);
    if (home === 'service') await addCompletionToSettlement(run, order, await currencyIdOf(run, event.data.currency), order.healthWorkerId);
  });
}

/**
 * What finance consumes. service_completed: above. order_created is not subscribed: the
 * order-creation saga reserves the payment synchronously through finance's reservation function
 * (trade's saga/finance-payment-port.ts, finance migration 0003), with the saga's key and its
 * compensation; an order created otherwise (Odoo RPC) gets its payment the monolith's way, when
 * the customer pays, so the event carries nothing finance must act on.
 */
export const FINANCE_SUBSCRIPTIONS: SubscriptionDefinition<FinanceDatabase>[] = [
  { type: 'service_completed', handler: (event, ctx) => onServiceCompleted(event as { data: CompletedServiceOrder & { currency: string } }, ctx) },
];
