import { odooNow, type CallContext, type ModelBehaviour } from '../../../odoo-bridge/orm/index.ts';
import { asOdooErrors, odooErrorOf, userHasGroup } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { debitGiftSenders, readGiftOrders, recomputePointsSpent, senderRefusal, type GiftCaller } from '../domain/gift-orders.ts';
import { ledgerOfCall } from './ledger-of-call.ts';
import type { EventsOfCall } from './outbox.ts';

/** hp_account's operator group (admins imply it): hp_gift's operator ACL and the rule finance adds let them send for others. */
export const OPERATOR_GROUP = 'hp_account.group_hp_operator';

/** The caller of an ORM call as the sender rule sees it: the superuser and operators (admins) may send in another's name. */
export async function giftCallerOf(ctx: CallContext): Promise<GiftCaller> {
  return { uid: ctx.uid, mayActForOthers: ctx.access.superuser || (await userHasGroup(ctx.db, ctx.access, OPERATOR_GROUP)) };
}

/**
 * hp.gift.order (hp_gift/models/hp_gift.py): defaults, the stored points_spent, and create's
 * debit of each sender (domain/gift-orders.ts debitGiftSenders: no gift to oneself, the ledger's
 * insufficient points rolling the whole call back; gift_sent on svc_finance). Before any row is
 * written, the rule the monolith lacks: a member sends in their own name only (SERVICES.md §6,
 * a deliberate difference listed in MIGRATION.md), on both sides of the cut.
 */
export function giftOrderBehaviour(options: { events: EventsOfCall }): ModelBehaviour {
  return {
    defaults: () => ({ quantity: 1, sent_at: odooNow() }),
    async beforeCreate(ctx, valsList) {
      const caller = await giftCallerOf(ctx);
      for (const vals of valsList) {
        const refusal = senderRefusal(caller, vals.sender_id);
        if (refusal) throw odooErrorOf(refusal);
      }
    },
    compute: { points_spent: (ctx, ids) => recomputePointsSpent(onQueryable(ctx.db), ids) },
    async afterCreate(ctx, ids) {
      const orders = await readGiftOrders(onQueryable(ctx.db), ids);
      await asOdooErrors(debitGiftSenders(ledgerOfCall(ctx), options.events(ctx), orders, ctx.uid));
    },
  };
}
