import pg from 'pg';
import { onQueryable, type SqlRunner } from '../db/sql-runner.ts';
import { settleReservations, type Settlement } from '../domain/inventory-reservations.ts';
import type { InventoryState } from '../domain/mall-events.ts';

/**
 * Where an Odoo call's stock reservations run: short READ COMMITTED statements of their own on
 * svc_ec, beside the call's REPEATABLE READ transaction (domain/inventory-reservations.ts says
 * why). A small pool of its own, so a burst of calls each holding the engine's connections never
 * waits for one of those to reserve (or to settle: the legacy side's settlements use one of
 * these over each of its two databases too).
 */
const reservationPools = new WeakMap<pg.Pool, pg.Pool>();
export function reservationPool(engine: pg.Pool): pg.Pool {
  let pool = reservationPools.get(engine);
  if (!pool) {
    pool = new pg.Pool({ ...engine.options, max: 4, idleTimeoutMillis: 2000, allowExitOnIdle: true, application_name: 'ficus_ec_reservations' });
    pool.on('error', () => undefined);
    reservationPools.set(engine, pool);
  }
  return pool;
}

/** Which reservations end: an order's (cancel, deliver, unlink) or single lines' (a line deleted or changed). */
export interface SettledReservations {
  orderIds?: readonly number[];
  lineIds?: readonly number[];
}

/**
 * An Odoo call's cancel / deliver on the service side: one short READ COMMITTED transaction
 * beside the call (ledger rows deleted, inventory rows locked in order and changed, committed
 * together). Inside the call's REPEATABLE READ transaction the inventory UPDATE failed with 40001
 * whenever another order had changed the row since the call's snapshot, and at 100 calls/s the
 * engine's retries ran out ("could not run this write"). Exactly once: the call has already
 * written the order's new state and holds that row's lock until it ends, so a second cancel or
 * deliver of the same order waits, then fails its snapshot and, retried, finds the new state; a
 * retried attempt of this call finds the ledger rows gone and settles nothing twice.
 * The window left: a call that settled here and then rolls back for good (its commit failing)
 * leaves the order in its old state with its units already given back or consumed.
 */
export async function settleBeside(pool: pg.Pool, of: SettledReservations, how: Settlement, uid: number): Promise<InventoryState[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const side = onQueryable(client);
    const changed = await settleReservations(side, side, of, how, uid);
    await client.query('COMMIT');
    return changed;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The legacy side's two databases: svc_ec keeps the reservation ledger in every phase, the monolith the inventory rows while M09 is legacy. */
export interface AcrossTheCut {
  ledger: pg.Pool;
  stock: pg.Pool;
}

/**
 * Cancel / deliver / a line deleted or changed on the legacy side (M09 still legacy, canary, or
 * after a rollback): ec's reservations of REST orders (any phase) and of RPC orders placed before
 * a rollback are in svc_ec's ledger while the inventory rows are the monolith's; the monolith's
 * own Python never touched them, so without this a cancelled order kept its units reserved.
 * The ledger rows are deleted in a transaction on svc_ec that commits only after the inventory
 * change committed on the monolith (a short READ COMMITTED transaction beside the call, rows
 * locked in the fixed order): either fails, neither stays. Exactly once as on the service side
 * (settleBeside): the call holds the order's row lock, and a retried attempt finds no ledger rows.
 * Windows left: the moment between the monolith's commit and svc_ec's (a crash there keeps the
 * ledger rows of units already given back: reconcile shows inventories.reserved below the
 * ledger), and a call that rolls back for good after settling, as on the service side.
 * An order without reservations opens no connection to the monolith.
 */
export async function settleAcrossTheCut(pools: AcrossTheCut, of: SettledReservations, how: Settlement, uid: number): Promise<InventoryState[]> {
  let ledgerClient: pg.PoolClient;
  try {
    ledgerClient = await pools.ledger.connect();
  } catch (error) {
    if (noLedger(error)) return [];
    throw error;
  }
  let stockClient: pg.PoolClient | undefined;
  const onStock = async (text: string, values: readonly unknown[] = []) => {
    if (!stockClient) {
      stockClient = await pools.stock.connect();
      await stockClient.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    }
    return (await stockClient.query(text, [...values])).rows;
  };
  const stock: SqlRunner = {
    run: async (query) => {
      const compiled = query.compile();
      return onStock(compiled.sql, compiled.parameters) as never;
    },
    raw: async (text, values) => onStock(text, values) as never,
  };
  try {
    await ledgerClient.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const changed = await settleReservations(stock, onQueryable(ledgerClient), of, how, uid);
    if (stockClient) await stockClient.query('COMMIT');
    await ledgerClient.query('COMMIT');
    return changed;
  } catch (error) {
    if (stockClient) await stockClient.query('ROLLBACK').catch(() => undefined);
    await ledgerClient.query('ROLLBACK').catch(() => undefined);
    if (noLedger(error)) return [];
    throw error;
  } finally {
    stockClient?.release();
    ledgerClient.release();
  }
}

/**
 * A gateway whose ec has no database yet (svc_ec not created, or not migrated: a stack serving
 * other services only): ec never reserved anything there, so there is nothing to end. Only the
 * ledger's own absence; the inventory rows are touched after the ledger answered.
 */
function noLedger(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '3D000' || code === '42P01';
}
