import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import type { WriteEnv as WriteEnvLike } from '../write-env.ts';
import { moduleInstalled } from '../core/xmlid.ts';
import { applyImpliedGroup, removeImpliedGroup, userHasGroupNow } from './group-implication.ts';
import { activateOrCreatePricelists } from './default-pricelists.ts';

/**
 * `res.currency._toggle_group_multi_currency` (base/models/res_currency.py) after a create, an
 * unlink or a write of `active`: more than one active currency puts base.group_multi_currency
 * under base.group_user, one or none takes it away; product's `_activate_group_multi_currency`
 * (product/models/res_currency.py) also gives internal users the basic pricelists group and the
 * companies their default pricelists when the current user has not got it yet.
 */
export async function toggleGroupMultiCurrency(w: WriteEnvLike): Promise<void> {
  const ctx = w.ctx;
  const r = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM res_currency WHERE active`);
  if ((r.rows[0]?.n ?? 0) > 1) {
    await applyImpliedGroup(ctx, 'base.group_user', 'base.group_multi_currency');
    if ((await moduleInstalled(ctx.db, 'product')) && !(await userHasGroupNow(ctx, ctx.uid, 'product.group_product_pricelist'))) {
      await applyImpliedGroup(ctx, 'base.group_user', 'product.group_product_pricelist');
      await activateOrCreatePricelists(w, null);
    }
  } else {
    await removeImpliedGroup(ctx, 'base.group_user', 'base.group_multi_currency');
  }
}

export function registerCurrencyGroups(behaviours: BehaviourRegistry): void {
  const w = (ctx: CallContext): WriteEnvLike => ({ ctx, behaviours });
  behaviours.register('res.currency', {
    async afterCreate(ctx) {
      await toggleGroupMultiCurrency(w(ctx));
    },
    async afterWrite(ctx, _ids, vals) {
      if ('active' in vals) await toggleGroupMultiCurrency(w(ctx));
    },
    async afterUnlink(ctx) {
      await toggleGroupMultiCurrency(w(ctx));
    },
  });
}
