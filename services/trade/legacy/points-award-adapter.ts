import type pg from 'pg';
import { Counter, type Registry } from 'prom-client';
import { completionPoints } from '../domain/service-order-states.ts';
import type { CompletedOrder } from '../domain/order-effects.ts';
import { financeFor, financeOwnership, type FinanceReach } from '../saga/finance-reach.ts';
import { appendPoints } from './points-ledger.ts';
import { inPgTransaction } from '../../kit/index.ts';

/**
 * The legacy adapter for the side effect that crosses the cut when an order completes in
 * trade: hp_points (M14, still in the monolith) awards floor(amount) points to the customer.
 * Idempotent per order (an order is completed once; the event may be delivered more than once).
 */
export interface PointsAwardAdapter {
  readonly mode: 'embedded' | 'unavailable';
  award(orders: readonly CompletedOrder[]): Promise<void>;
}

export class LegacySideEffectUnavailable extends Error {
  constructor(what: string) {
    super(`legacy side effect not performed: ${what}; no legacy database or upstream Odoo is configured for trade's legacy adapter`);
    this.name = 'LegacySideEffectUnavailable';
  }
}

function counter(metrics: Registry | undefined): Counter<'effect' | 'outcome'> | undefined {
  if (!metrics) return undefined;
  const existing = metrics.getSingleMetric('ficus_trade_legacy_side_effects_total') as Counter<'effect' | 'outcome'> | undefined;
  return existing ?? new Counter({ name: 'ficus_trade_legacy_side_effects_total', help: 'Side effects trade hands to modules still in the monolith, by outcome (done, duplicate, finance: left to finance, which owns the module now; unavailable, failed)', labelNames: ['effect', 'outcome'], registers: [metrics] });
}

/**
 * Embedded mode: the monolith's tables are served by the gateway's ORM engine, so the award is
 * written there the way hp_points' Python writes it (advisory lock per user, balance_after), in
 * one legacy transaction per order, skipped when that order's award exists already.
 *
 * Only while the monolith owns the ledger (M14, with M13 and M15: they move together). Finance's
 * service_completed handler writes the same award there meanwhile; whichever of the two comes
 * second finds the first's row by its reference under the user's lock, so the order gets one row
 * even when one of them never runs. Once finance owns the modules, finance awards in its own
 * database and a write here would reach finance a second time as a legacy command: the award is
 * left to finance (outcome `finance`). The owner rows are read in finance's database and held FOR
 * SHARE until the legacy write committed, so a cutover waits for the write, and the forward sync
 * carries it into finance before the flip, where finance's award finds it and adds nothing.
 */
export function embeddedPointsAward(legacy: pg.Pool, metrics?: Registry, finance?: FinanceReach): PointsAwardAdapter {
  const count = counter(metrics);
  const awardInLegacy = async (order: CompletedOrder, delta: number): Promise<'done' | 'duplicate'> => {
    return inPgTransaction(legacy, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(14, $1)', [order.customerId]);
      const done = await client.query(`SELECT 1 FROM points_transactions WHERE ref_model = 'hp.service.order' AND ref_id = $1 AND reason = 'order'`, [order.id]);
      if (!done.rowCount) await appendPoints(client, [{ userId: order.customerId, delta, reason: 'order', refModel: 'hp.service.order', refId: order.id }], order.completedBy);
      return done.rowCount ? 'duplicate' : 'done';
    });
  };
  return {
    mode: 'embedded',
    async award(orders) {
      for (const order of orders) {
        const delta = completionPoints(order.amount);
        if (delta <= 0) continue;
        try {
          // Looked up per award: trade's runtime registers where finance is after the gateway built this adapter.
          const financeDb = await (finance ?? financeFor(legacy)).database();
          const outcome = financeDb
            ? await financeDb.transaction().execute(async (tx) =>
                (await financeOwnership(tx, { hold: true, legacyConfigured: true })) === 'finance' ? 'finance' : awardInLegacy(order, delta))
            : await awardInLegacy(order, delta);
          count?.inc({ effect: 'points_award', outcome });
        } catch (error) {
          count?.inc({ effect: 'points_award', outcome: 'failed' });
          throw error;
        }
      }
    },
  };
}

/** No legacy side configured: the gap is an error and a metric, never silence. */
export function unavailablePointsAward(metrics?: Registry): PointsAwardAdapter {
  const count = counter(metrics);
  return {
    mode: 'unavailable',
    async award(orders) {
      const owed = orders.filter((o) => completionPoints(o.amount) > 0);
      if (!owed.length) return;
      count?.inc({ effect: 'points_award', outcome: 'unavailable' }, owed.length);
      throw new LegacySideEffectUnavailable(`points for completed orders ${owed.map((o) => o.id).join(', ')}`);
    },
  };
}

const adapters = new WeakMap<pg.Pool, PointsAwardAdapter>();

/** The adapter for a REST request: one per legacy pool (its metric is registered once), the unavailable one without. */
export function pointsAwardFor(legacy: pg.Pool | null, metrics?: Registry): PointsAwardAdapter {
  if (!legacy) return unavailablePointsAward(metrics);
  let adapter = adapters.get(legacy);
  if (!adapter) adapters.set(legacy, (adapter = embeddedPointsAward(legacy, metrics)));
  return adapter;
}
