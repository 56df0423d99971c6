import { asOdooErrors, odooErrorOf } from '../../kit/index.ts';
import type { ModelBehaviour, Vals } from '../../../odoo-bridge/orm/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { NO_EVENTS, pointsAwardedEvent } from '../domain/finance-events.ts';
import { appendOnlyRefusal, ledgerBalancesAfter, type LedgerRow, type PointsReason } from '../domain/points-ledger.ts';
import { ledgerOfCall } from './ledger-of-call.ts';
import type { EventsOfCall } from './outbox.ts';

/** `'%s' % value` of a create value as Python prints it (the insufficient-points message shows the delta as given). */
function pyText(value: unknown): string {
  if (value === undefined || value === null) return 'None';
  if (value === false) return 'False';
  if (value === true) return 'True';
  return String(value);
}

/** `int(vals.get('delta') or 0)`. */
const pyIntOrZero = (value: unknown): number => Math.trunc(Number(value || 0)) || 0;

/**
 * hp.points.transaction (hp_points/models/hp_points_transaction.py): the reason's default, the
 * ledger rule on create (domain/points-ledger.ts: per-user lock, balance_after, never below
 * zero), append-only writes, and, on svc_finance, one points_awarded per created entry in the
 * call's transaction. balance_after is fixed at create: writes of other fields leave it as it is.
 */
export function pointsTransactionBehaviour(options: { events: EventsOfCall }): ModelBehaviour {
  return {
    defaults: () => ({ reason: 'adjust' }),
    async beforeCreate(ctx, valsList) {
      // Python skips vals without user_id here; the required field refuses them afterwards.
      const entries = valsList.filter((v) => v.user_id);
      const balances = await asOdooErrors(
        ledgerBalancesAfter(ledgerOfCall(ctx), entries.map((v) => ({ userId: Math.trunc(Number(v.user_id)), delta: pyIntOrZero(v.delta), requested: pyText(v.delta) }))),
      );
      entries.forEach((v: Vals, i) => (v.balance_after = balances[i]));
    },
    async afterCreate(ctx, ids) {
      const sink = options.events(ctx);
      if (sink === NO_EVENTS) return;
      const rows = await onQueryable(ctx.db).raw<{ id: number; user_id: number; delta: number; balance_after: number | null; reason: PointsReason; ref_model: string | null; ref_id: number | null }>(
        'SELECT id, user_id, delta, balance_after, reason, ref_model, ref_id FROM points_transactions WHERE id = ANY($1::int4[]) ORDER BY id',
        [ids],
      );
      const entries: LedgerRow[] = rows.map((r) => ({ id: r.id, userId: r.user_id, delta: r.delta, balanceAfter: r.balance_after ?? 0, reason: r.reason, refModel: r.ref_model, refId: r.ref_id }));
      await sink.publish(entries.map(pointsAwardedEvent));
    },
    // The addon's write override refuses these fields before super().write checks the write right,
    // so a member without that right still gets the UserError, not an AccessError.
    refuseWrite(_ctx, _ids, vals) {
      const refusal = appendOnlyRefusal(Object.keys(vals));
      if (refusal) throw odooErrorOf(refusal);
    },
    compute: { balance_after: async () => undefined },
  };
}
