import type { Kysely } from 'kysely';
import type pg from 'pg';
import { knowledgeHome } from '../db/content-home.ts';
import { onKysely, type SqlRunner } from '../db/sql-runner.ts';
import { withdrawPurchase } from './purchase-rows.ts';
import { CONTENT_PURCHASE_SAGA, RECORD_PURCHASE_STEP } from './purchase-saga.ts';

/**
 * A pending purchase left without its saga. Before M06's cutover, record_purchase writes the
 * purchase on the monolith in a transaction that commits just before the request's transaction
 * of svc_content, which holds the saga's row: a crash (or any failure) between the two commits
 * leaves a pending purchase (purchased_at empty) that no saga will ever pay or withdraw. It opens
 * no body and takes no payment, but it counts in purchase_count and makes the buyer's next
 * purchase 409.
 *
 * So that such a purchase is known for what it is (an Odoo client may create a purchase with
 * purchased_at empty on purpose; that one is the client's and is never touched), the request
 * commits an intent naming the purchase on svc_content before the monolith's commit, by a
 * connection of its own, and deletes it again in its own transaction: the intent goes with the
 * saga's row, or stays when the saga's row never commits. Until then the request's transaction
 * holds the intent's row lock, so nobody takes a live request's purchase for an orphan. A
 * remaining intent whose purchase no saga instance names is an orphan; it is withdrawn on M06's
 * home (wherever it lives by then) by the saga's own compensation (withdrawPurchase, still
 * pending only) and the intent dropped, by the buyer's next attempt (recordPurchase) or by the
 * sweep (orphan-purchase-sweep.ts) once it is older than a grace.
 */
export interface PurchaseIntent {
  purchaseId: number;
  contentId: number;
  buyerId: number;
}

/**
 * Inside record_purchase on the monolith, before its commit: the intent committed on svc_content
 * (`pool`, autocommit) and taken back in the request's transaction `tx` (its row lock held until
 * the saga's row commits or rolls back). The request's transaction is READ COMMITTED, so it sees
 * the row committed a moment ago.
 */
export async function holdPurchaseIntent(pool: pg.Pool, tx: Kysely<any>, intent: PurchaseIntent): Promise<void> {
  await pool.query('INSERT INTO content_purchase_intents (purchase_id, content_id, buyer_id) VALUES ($1, $2, $3) ON CONFLICT (purchase_id) DO NOTHING', [intent.purchaseId, intent.contentId, intent.buyerId]);
  const taken = await onKysely(tx).raw<{ purchase_id: number }>('DELETE FROM content_purchase_intents WHERE purchase_id = $1 RETURNING purchase_id', [intent.purchaseId]);
  if (!taken.length) throw new Error(`the purchase intent of purchase ${intent.purchaseId} is not visible to its request's transaction`);
}

/** Whether a content_purchase saga instance names the purchase (committed: a saga's row names its purchase from its first commit on). */
async function sagaNames(svc: SqlRunner, purchaseId: number): Promise<boolean> {
  const named = await svc.raw<{ id: number }>(
    `SELECT id FROM saga_instances WHERE saga = $1 AND outputs -> $2 -> 'purchase' ->> 'id' = $3 LIMIT 1`,
    [CONTENT_PURCHASE_SAGA, RECORD_PURCHASE_STEP, String(purchaseId)]);
  return named.length > 0;
}

/** What became of an intent looked at: `withdrawn` (an orphan, removed), `kept` (a saga names it, or it was marked paid meanwhile), `gone` (the purchase no longer exists). */
export type OrphanOutcome = 'withdrawn' | 'kept' | 'gone';

/**
 * The intent of `purchaseId` if no live request holds it (SKIP LOCKED: never waits), locked in
 * the svc_content transaction `svc` until it ends.
 */
export async function lockFreeIntent(svc: SqlRunner, purchaseId: number): Promise<PurchaseIntent | undefined> {
  const [row] = await svc.raw<{ purchase_id: number; content_id: number; buyer_id: number }>(
    'SELECT purchase_id, content_id, buyer_id FROM content_purchase_intents WHERE purchase_id = $1 FOR UPDATE SKIP LOCKED', [purchaseId]);
  return row ? { purchaseId: row.purchase_id, contentId: row.content_id, buyerId: row.buyer_id } : undefined;
}

/**
 * Settles a locked intent in the svc_content transaction `svc`: withdraws its purchase on `rows`
 * (M06's home) when no saga names it and it is still pending, then drops the intent (in `svc`:
 * if that transaction rolls back after the home committed, the next look finds the purchase gone).
 */
export async function settleIntent(svc: SqlRunner, rows: Kysely<any>, intent: PurchaseIntent): Promise<OrphanOutcome> {
  let outcome: OrphanOutcome;
  if (await sagaNames(svc, intent.purchaseId)) outcome = 'kept';
  else if (await withdrawPurchase(rows, { id: intent.purchaseId, contentId: intent.contentId, buyerId: intent.buyerId }, { onlyPending: true })) outcome = 'withdrawn';
  else outcome = (await onKysely(rows).raw('SELECT 1 FROM content_purchases WHERE id = $1', [intent.purchaseId])).length ? 'kept' : 'gone';
  await svc.raw('DELETE FROM content_purchase_intents WHERE purchase_id = $1', [intent.purchaseId]);
  return outcome;
}

/**
 * The buyer's next attempt finds their earlier purchase (`purchaseId`) on `rows`, the home its
 * request's transaction writes on: withdrawn when it is an orphan (true: the attempt records a
 * new one), else false (the earlier purchase stands: 409). The request already holds the
 * content's lock, so the orphan cannot change under it.
 */
export async function releaseOrphanPurchase(svc: Kysely<any>, rows: Kysely<any>, purchaseId: number): Promise<boolean> {
  const run = onKysely(svc);
  const intent = await lockFreeIntent(run, purchaseId);
  if (!intent) return false;
  return (await settleIntent(run, rows, intent)) === 'withdrawn';
}

/** One sweep's findings: each intent looked at, with its purchase's home at that moment. */
export interface SweepResult {
  settled: { intent: PurchaseIntent; outcome: OrphanOutcome; home: 'legacy' | 'service'; ageSeconds: number }[];
}

/**
 * Intents older than `graceMs` that no live request holds, at most `limit`, each settled on M06's
 * home as it is now (a purchase recorded on the monolith before M06's cutover is withdrawn on
 * svc_content after it, where the forward sync copied it). One svc_content transaction per intent,
 * holding M06's owner row as a request does, so a cutover waits for it.
 */
export async function sweepOrphanPurchases(ports: { db: Kysely<any>; legacyPool: pg.Pool | null }, options: { graceMs: number; limit: number }): Promise<SweepResult> {
  const due = await onKysely(ports.db).raw<{ purchase_id: number; age: string }>(
    `SELECT purchase_id, extract(epoch FROM now() - created_at)::text AS age FROM content_purchase_intents
      WHERE created_at < now() - make_interval(secs => $1::float8) ORDER BY created_at, purchase_id LIMIT $2`,
    [options.graceMs / 1000, options.limit]);
  const settled: SweepResult['settled'] = [];
  for (const { purchase_id: purchaseId, age } of due) {
    const done = await ports.db.transaction().execute(async (tx) => {
      const svc = onKysely(tx);
      const intent = await lockFreeIntent(svc, purchaseId);
      if (!intent) return undefined;
      return knowledgeHome.writeIn({ db: tx, legacyPool: ports.legacyPool }, async (rows, home) => ({ intent, home, outcome: await settleIntent(svc, rows, intent) }));
    });
    if (done) settled.push({ ...done, ageSeconds: Math.round(Number(age)) });
  }
  return { settled };
}
