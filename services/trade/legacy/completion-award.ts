import pino, { type Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import type { CallContext, ModelCaller } from '../../../odoo-bridge/orm/index.ts';
import { currentWork, type LegacyBehaviourPorts } from '../../kit/index.ts';

/** Odoo's SUPERUSER_ID: a call as this uid has every check bypassed (`env.su`), as `.sudo()` does. */
const SUPERUSER_ID = 1;
const ORDER_MODEL = 'hp.service.order';

/** One order's award, as hp_points' `_hp_after_complete` builds it (floor(amount) > 0 only). */
export interface OrderAward {
  orderId: number;
  customerId: number;
  delta: number;
}

export type AwardOutcome = 'done' | 'duplicate' | 'failed';

/**
 * The points of orders completed on the legacy side while finance owns the ledger (M14): the
 * same `hp.points.transaction.sudo().create(vals_list)`, reached the way a client's call reaches
 * the ledger — the gateway's phase-aware dispatch (`callModel`), so finance's engine answers it
 * with finance's next id and its own ledger rule and points_awarded. Sudo: the call is made as
 * the superuser with the completing call's context (a coach completes an order but may not
 * create ledger rows). Idempotent by the ledger reference (hp.service.order/<id>, reason order),
 * the key finance's service_completed handler and trade's adapter dedupe on: orders whose award
 * the ledger already holds get nothing more, so a retried job or a reconcile repair that came
 * first adds no second row. Returns each order's outcome.
 */
export async function awardThroughDispatch(callModel: ModelCaller, ctx: CallContext, awards: readonly OrderAward[]): Promise<Map<number, AwardOutcome>> {
  const outcomes = new Map<number, AwardOutcome>();
  if (!awards.length) return outcomes;
  const asSuperuser: CallContext = { ...ctx, uid: SUPERUSER_ID };
  const orderIds = awards.map((a) => a.orderId);
  const existing = (await callModel(asSuperuser, 'hp.points.transaction', 'search_read', [[['ref_model', '=', ORDER_MODEL], ['ref_id', 'in', orderIds], ['reason', '=', 'order']]], { fields: ['ref_id'] })) as Array<{ ref_id: number }>;
  const awarded = new Set(existing.map((row) => row.ref_id));
  const owed = awards.filter((a) => !awarded.has(a.orderId));
  for (const a of awards) if (awarded.has(a.orderId)) outcomes.set(a.orderId, 'duplicate');
  if (!owed.length) return outcomes;
  await callModel(asSuperuser, 'hp.points.transaction', 'create', [owed.map((a) => ({ user_id: a.customerId, delta: a.delta, reason: 'order', ref_model: ORDER_MODEL, ref_id: a.orderId }))]);
  for (const a of owed) outcomes.set(a.orderId, 'done');
  return outcomes;
}

/** Where the legacy side's award reports: the gateway's logger and metrics, which its runtime passes with the dispatch. */
export type AwardReporting = Pick<LegacyBehaviourPorts, 'logger' | 'metrics'>;

/** Counts of awards when no registry was passed (read by tests and by whoever merges it). */
export const FALLBACK_AWARD_METRICS = new Registry();

function counterIn(metrics: Registry): Counter<'effect' | 'outcome'> {
  const existing = metrics.getSingleMetric('ficus_trade_legacy_side_effects_total') as Counter<'effect' | 'outcome'> | undefined;
  return existing ?? new Counter({ name: 'ficus_trade_legacy_side_effects_total', help: 'Side effects trade hands to modules still in the monolith, by outcome (done, duplicate, finance: left to finance, which owns the module now; unavailable, failed)', labelNames: ['effect', 'outcome'], registers: [metrics] });
}

let fallbackLogger: Logger | undefined;

/** Warnings only, errors as class, message and code (never SQL or a connection), when no logger was passed. */
function defaultLogger(): Logger {
  fallbackLogger ??= pino({
    level: 'warn',
    base: { service: 'trade' },
    serializers: { err: (e: { name?: string; message?: string; code?: string }) => ({ type: e?.name, message: e?.message, code: e?.code }) },
  });
  return fallbackLogger;
}

/**
 * The award's after-commit job for one completing call: `awardThroughDispatch`, each outcome
 * counted in ficus_trade_legacy_side_effects_total{effect="points_award"}; a failure reaches no
 * client (the completion is committed), it is counted as `failed` and logged with the orders, and
 * `ficus reconcile M04 M20 --repair` (rule order-points-awarded-once) writes the missing award.
 */
export function completionAwardJob(callModel: ModelCaller, reporting: AwardReporting): (ctx: CallContext, awards: readonly OrderAward[]) => { work: () => Promise<void>; onFailure: (error: unknown) => void } {
  const count = counterIn(reporting.metrics ?? FALLBACK_AWARD_METRICS);
  return (ctx, awards) => ({
    async work() {
      const outcomes = await awardThroughDispatch(callModel, ctx, awards);
      for (const outcome of outcomes.values()) count.inc({ effect: 'points_award', outcome });
    },
    onFailure(error) {
      count.inc({ effect: 'points_award', outcome: 'failed' }, awards.length);
      (currentWork()?.log ?? reporting.logger ?? defaultLogger()).warn(
        { err: error, uid: ctx.uid, orders: awards.map((a) => a.orderId) },
        'points award of orders completed on the legacy side not made (finance owns the ledger); the completion is committed: `ficus reconcile M04 M20 --repair` (order-points-awarded-once) writes the missing award',
      );
    },
  });
}
