import type { SqlRunner } from '../db/sql-runner.ts';

/**
 * `purchase_count = len(purchase_ids)` (stored, `@api.depends('purchase_ids')`), recomputed for
 * the contents whose purchases changed. The contents' rows are locked first, in id order, and
 * counted by the next statement: under READ COMMITTED (REST) that statement's snapshot holds
 * every purchase committed by whoever held the lock before, so concurrent purchases of one
 * content each count all the others; under REPEATABLE READ (Odoo RPC) a row changed since the
 * call's snapshot fails the lock with a serialization error and the engine retries the call, as
 * Odoo does. Either way the column equals the number of purchase rows when the writer commits.
 * `without`: purchases an unlink is about to delete (the hook runs before the DELETE).
 */
export async function recountPurchases(sql: SqlRunner, contentIds: Iterable<number>, options: { without?: readonly number[] } = {}): Promise<void> {
  const ids = await lockContents(sql, contentIds);
  if (!ids.length) return;
  await sql.raw(
    `UPDATE knowledge_contents k SET purchase_count = (SELECT count(*) FROM content_purchases p WHERE p.content_id = k.id AND p.id <> ALL($2::int4[]))
      WHERE k.id = ANY($1::int4[])`,
    [ids, [...(options.without ?? [])]],
  );
}

/** The contents the given purchases belong to (before an unlink, or after a create or a move). */
export async function contentsOfPurchases(sql: SqlRunner, purchaseIds: readonly number[]): Promise<number[]> {
  if (!purchaseIds.length) return [];
  const rows = await sql.raw<{ content_id: number }>('SELECT DISTINCT content_id FROM content_purchases WHERE id = ANY($1::int4[]) AND content_id IS NOT NULL', [[...purchaseIds]]);
  return rows.map((r) => r.content_id);
}

/**
 * Locks the contents' rows in id order before a purchase of them is inserted: every writer of
 * purchases (REST's purchase, an Odoo client's create) takes the content first and the
 * (content_id, buyer_id) key second, so two purchases of one buyer never wait for each other the
 * other way round (a deadlock); the second sees the first's row or its key.
 */
export async function lockContents(sql: SqlRunner, contentIds: Iterable<number>): Promise<number[]> {
  const ids = [...new Set(contentIds)].filter((id) => Number.isInteger(id)).sort((a, b) => a - b);
  if (ids.length) await sql.raw('SELECT id FROM knowledge_contents WHERE id = ANY($1::int4[]) ORDER BY id FOR NO KEY UPDATE', [ids]);
  return ids;
}
