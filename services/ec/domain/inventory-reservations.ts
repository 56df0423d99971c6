import type { SqlRunner } from '../db/sql-runner.ts';
import type { InventoryState } from './mall-events.ts';
import { MallRefused } from './mall-refusal.ts';

/**
 * Stock reservations of mall order lines (ec's addition: hp_mall itself never touches
 * hp.inventory). Each line of a stocked product reserves its whole quantity in one warehouse,
 * with one conditional UPDATE that re-checks `reserved + q <= quantity` on the row it locks, so
 * the legacy CHECK inventories_reserved_le_quantity can never fail under a race: a request that
 * loses the race finds no row and tries the next warehouse, or is refused (never oversold).
 * Lines are taken in product order and, within a product, warehouses in id order, so two
 * multi-line orders lock inventory rows in the same order and cannot deadlock each other.
 * A product without any inventory row is not stock-managed and sells as in Odoo (no reservation).
 *
 * Which line holds what is kept in svc_ec's mall_reservations (ec migration 0002), on `ledger`;
 * the inventory rows are on `stock` (the rows' home: svc_ec after M09's cutover, the monolith
 * before). After cutover both are the same transaction.
 */
export interface LineToReserve {
  lineId: number;
  orderId: number;
  productId: number;
  quantity: number;
}

const NOW = `(now() at time zone 'UTC')`;
const INVENTORY_COLUMNS = 'id, product_id, warehouse, quantity, reserved';
/** How often a line retries after losing a warehouse to a concurrent order before it looks again whether any can still cover it. */
const ATTEMPTS = 8;

/** The refusal when no single warehouse can cover a line (no count: concurrent orders change it while the answer travels). */
export function notEnoughStockMessage(product: string, requested: number): string {
  return `Not enough stock of ${product}: ${requested} requested, no warehouse has that many available.`;
}

/**
 * Reserves each line of a stocked product; returns the inventory rows as changed (for
 * inventory_updated). With `owner` (an Odoo call: `stock` and `ledger` are then one autocommit
 * runner beside the call's REPEATABLE READ transaction, whose id `owner` is), each reservation
 * commits at once and its ledger row names the call's transaction: it stands when that
 * transaction commits and is given back (sweepAbandonedReservations) when it rolls back. A line
 * refused after others were reserved gives theirs back before the refusal, as the rollback would.
 */
export async function reserveLines(stock: SqlRunner, ledger: SqlRunner, lines: readonly LineToReserve[], uid: number, owner?: string): Promise<InventoryState[]> {
  const ordered = [...lines].filter((l) => l.quantity > 0).sort((a, b) => a.productId - b.productId || a.lineId - b.lineId);
  if (!ordered.length) return [];
  const stocked = new Set(
    (await stock.raw<{ product_id: number }>('SELECT DISTINCT product_id FROM inventories WHERE product_id = ANY($1::int4[])', [[...new Set(ordered.map((l) => l.productId))]])).map((r) => r.product_id),
  );
  const changed = new Map<number, InventoryState>();
  const held: number[] = [];
  for (const line of ordered) {
    if (!stocked.has(line.productId)) continue;
    let row: InventoryState;
    try {
      row = await reserveOne(stock, line, uid);
    } catch (refusal) {
      if (owner && held.length) await settleReservations(stock, ledger, { lineIds: held }, 'release', uid);
      throw refusal;
    }
    await ledger.raw('INSERT INTO mall_reservations (line_id, order_id, inventory_id, quantity, pending_xid) VALUES ($1, $2, $3, $4, $5::xid8)', [line.lineId, line.orderId, row.id, line.quantity, owner ?? null]);
    held.push(line.lineId);
    changed.set(row.id, row);
  }
  return [...changed.values()];
}

/**
 * Gives back every reservation an Odoo call's transaction (`owner`) made beside it: the call is
 * being refused and will roll back, so its units are free again at once.
 */
export async function releaseReservationsOf(side: SqlRunner, owner: string, uid: number): Promise<InventoryState[]> {
  const lineIds = (await side.raw<{ line_id: number }>('SELECT line_id FROM mall_reservations WHERE pending_xid = $1::xid8', [owner])).map((r) => r.line_id);
  return lineIds.length ? settleReservations(side, side, { lineIds }, 'release', uid) : [];
}

/**
 * Gives back what reservations of Odoo calls whose transaction rolled back still hold (a call
 * refused later, a retried attempt), and forgets the owner of those whose transaction committed:
 * run before each such reservation, on the autocommit runner. One statement each, so two
 * sweepers never give the same units back twice.
 */
export async function sweepAbandonedReservations(side: SqlRunner): Promise<void> {
  // The inventory rows are locked in the fixed order first (lockInventoriesInOrder says why), in the same statement as the ledger's delete.
  await side.raw(`WITH gone AS (DELETE FROM mall_reservations WHERE pending_xid IS NOT NULL AND pg_xact_status(pending_xid) = 'aborted' RETURNING inventory_id, quantity),
                       per AS (SELECT inventory_id, sum(quantity) AS q FROM gone GROUP BY inventory_id),
                       locked AS (SELECT i.id FROM inventories i WHERE i.id IN (SELECT inventory_id FROM per) ORDER BY i.product_id, i.id FOR UPDATE)
                  UPDATE inventories i SET reserved = GREATEST(COALESCE(i.reserved, 0) - per.q, 0), write_date = ${NOW} FROM per, locked WHERE i.id = per.inventory_id AND locked.id = i.id`);
  await side.raw(`UPDATE mall_reservations SET pending_xid = NULL WHERE pending_xid IS NOT NULL AND pg_xact_status(pending_xid) = 'committed'`);
}

/**
 * Locks these inventory rows in the one order every multi-row stock statement takes them in:
 * product, then id, as reserveLines reserves (lines in product order, a product's warehouses in
 * id order). Two deliveries, cancels or orders touching the same rows then wait for each other
 * instead of deadlocking (40P01: two deliveries settling several rows in one UPDATE, whose row
 * order the plan chose, were seen answering 500).
 */
async function lockInventoriesInOrder(stock: SqlRunner, ids: readonly number[]): Promise<void> {
  await stock.raw('SELECT id FROM inventories WHERE id = ANY($1::int4[]) ORDER BY product_id, id FOR UPDATE', [[...ids]]);
}

async function reserveOne(stock: SqlRunner, line: LineToReserve, uid: number): Promise<InventoryState> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const [row] = await stock.raw<InventoryState>(
      `UPDATE inventories SET reserved = COALESCE(reserved, 0) + $2, write_uid = $3, write_date = ${NOW}
        WHERE id = (SELECT id FROM inventories WHERE product_id = $1 AND COALESCE(quantity, 0) - COALESCE(reserved, 0) >= $2 ORDER BY id LIMIT 1)
          AND COALESCE(reserved, 0) + $2 <= COALESCE(quantity, 0)
        RETURNING ${INVENTORY_COLUMNS}`,
      [line.productId, line.quantity, uid],
    );
    if (row) return row;
    // Lost the row to a concurrent order between the choice and the lock: look again, unless no warehouse can cover it any more.
    const [best] = await stock.raw<{ available: number | null }>(
      'SELECT max(COALESCE(quantity, 0) - COALESCE(reserved, 0)) AS available FROM inventories WHERE product_id = $1',
      [line.productId],
    );
    if (Number(best?.available ?? 0) < line.quantity) break;
  }
  const [facts] = await stock.raw<{ name: string | null }>(
    `SELECT COALESCE(pt.name->>'en_US', pt.name->>(SELECT k FROM jsonb_object_keys(pt.name) k LIMIT 1)) AS name
       FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.id = $1`,
    [line.productId],
  );
  throw new MallRefused('state', notEnoughStockMessage(facts?.name ?? `product ${line.productId}`, line.quantity));
}

/** Which inventory rows a finished reservation changes, and how. */
export type Settlement = 'release' | 'consume';

/**
 * Ends the reservations of these orders' lines (or of these lines): `release` gives the units
 * back (a cancelled order), `consume` takes them out of stock too (a delivered order: quantity
 * and reserved both drop). The ledger rows are deleted first, so two concurrent calls never
 * settle the same reservation twice. Returns the inventory rows as changed.
 */
export async function settleReservations(stock: SqlRunner, ledger: SqlRunner, of: { orderIds?: readonly number[]; lineIds?: readonly number[] }, how: Settlement, uid: number): Promise<InventoryState[]> {
  const byOrders = of.orderIds?.length ? await ledger.raw<{ inventory_id: number; quantity: number }>('DELETE FROM mall_reservations WHERE order_id = ANY($1::int4[]) RETURNING inventory_id, quantity', [of.orderIds]) : [];
  const byLines = of.lineIds?.length ? await ledger.raw<{ inventory_id: number; quantity: number }>('DELETE FROM mall_reservations WHERE line_id = ANY($1::int4[]) RETURNING inventory_id, quantity', [of.lineIds]) : [];
  const totals = new Map<number, number>();
  for (const r of [...byOrders, ...byLines]) totals.set(r.inventory_id, (totals.get(r.inventory_id) ?? 0) + Number(r.quantity));
  if (!totals.size) return [];
  const ids = [...totals.keys()].sort((a, b) => a - b);
  const quantities = ids.map((id) => totals.get(id)!);
  await lockInventoriesInOrder(stock, ids);
  // Never below zero (a manual write may have lowered reserved since), and reserved never above quantity.
  const quantityAfter = how === 'consume' ? 'GREATEST(COALESCE(i.quantity, 0) - v.q, 0)' : 'i.quantity';
  return stock.raw<InventoryState>(
    `UPDATE inventories i SET quantity = ${quantityAfter}, reserved = LEAST(GREATEST(COALESCE(i.reserved, 0) - v.q, 0), COALESCE(${quantityAfter}, 0)), write_uid = $3, write_date = ${NOW}
       FROM unnest($1::int4[], $2::float8[]) AS v(id, q) WHERE i.id = v.id
     RETURNING i.id, i.product_id, i.warehouse, i.quantity, i.reserved`,
    [ids, quantities, uid],
  );
}
