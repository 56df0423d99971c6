import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { callEventSink, type SagaOwners } from '../../kit/index.ts';
import { knowledgeHome } from '../db/content-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import { recordPurchase, type PurchasePayments } from '../domain/purchase-flow.ts';
import { holdPurchaseIntent, releaseOrphanPurchase } from '../domain/orphan-purchases.ts';
import { readPurchase } from '../domain/purchase-records.ts';
import { confirmPurchase, purchaseRowsOn, withdrawPurchase, type PurchaseChecks } from '../domain/purchase-rows.ts';
import type { ContentPurchasePorts } from '../domain/purchase-saga.ts';
import { financeThroughGateway } from './contents-finance.ts';

/**
 * The access checks of the request whose transaction records a purchase, by that transaction:
 * the route sets them before it starts the saga there (the saga's step gets only the
 * transaction), and they are gone with the transaction object.
 */
export const requestPurchaseChecks = new WeakMap<Kysely<any>, PurchaseChecks>();

const noFinance: PurchasePayments = {
  pay: async () => {
    throw new Error('payments are not reachable from this process (no gateway beside it)');
  },
  refund: async () => {
    throw new Error('payments are not reachable from this process (no gateway beside it)');
  },
};

/**
 * Where the purchase saga's steps reach their owners: M06's rows on the module's home (svc_content
 * or the monolith, decided holding M06's owner row in a transaction of svc_content, as a request
 * does; on the monolith with a purchase intent, domain/orphan-purchases.ts), finance through the gateway's dispatch, content_purchased through svc_content's outbox.
 */
export function contentPurchasePorts({ pool, legacyPool, odoo }: SagaOwners): ContentPurchasePorts {
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  // A request holding one of `pool`'s connections must never wait for another of the same pool
  // (with every connection held by purchases queued on one content's lock, none would come): the
  // intents commit on connections of their own, which wait on nothing.
  let intents: pg.Pool | undefined;
  const intentPool = () => {
    if (!intents) {
      intents = new pg.Pool({ ...(pool.options as pg.PoolConfig), max: 2, idleTimeoutMillis: 1000, allowExitOnIdle: true });
      intents.on('error', () => undefined);
    }
    return intents;
  };
  const onHome = <T>(work: (rows: Kysely<any>, tx: Kysely<any>) => Promise<T>) =>
    db.transaction().execute((tx) => knowledgeHome.writeIn({ db: tx, legacyPool }, (rows) => work(rows, tx)));
  return {
    payments: odoo ? financeThroughGateway(odoo) : noFinance,
    recordInRequest: (tx, input) =>
      knowledgeHome.writeIn({ db: tx, legacyPool }, async (rows, home) => {
        const orphans = { release: (purchaseId: number) => releaseOrphanPurchase(tx, rows, purchaseId) };
        const made = await recordPurchase(purchaseRowsOn(rows, requestPurchaseChecks.get(tx), orphans), input);
        // On the monolith this commits before the saga's row: an intent names the purchase until that row commits.
        if (home === 'legacy' && legacyPool) await holdPurchaseIntent(intentPool(), tx, { purchaseId: made.purchase.id, contentId: made.purchase.contentId, buyerId: made.purchase.buyerId });
        return made;
      }),
    withdraw: async (purchase) => void (await onHome((rows) => withdrawPurchase(rows, purchase))),
    async confirm(purchase, eventOf) {
      await db.transaction().execute(async (tx) => {
        const confirmed = await knowledgeHome.writeIn({ db: tx, legacyPool }, async (rows) => {
          await confirmPurchase(rows, purchase.id);
          return readPurchase(onKysely(rows), purchase.id);
        });
        // Withdrawn under it (an operator's unlink): the step fails, and once its retries ran out the saga refunds the payment.
        if (!confirmed) throw new Error(`purchase ${purchase.id} is gone before it was confirmed`);
        const event = eventOf(confirmed);
        const { rows: published } = await sql<{ id: string }>`SELECT id FROM outbox WHERE id = ${event.id}`.execute(tx);
        if (published.length) return;
        const run = onKysely(tx);
        await callEventSink<'content_purchased'>('content', { query: (text, params) => run.raw(text, params) }).publish([event]);
      });
    },
  };
}
