import type { CallContext } from '../../call-context.ts';

/**
 * Models' `_track_subtype(init_values)` overrides Ficus follows: the subtype a tracking message
 * is posted with (an xml id), or null for mail.thread's own answer (a logged note). `changed`
 * holds the tracked fields whose value changed, as `init_values` does.
 */
type TrackSubtype = (ctx: CallContext, id: number, changed: ReadonlySet<string>) => Promise<string | null>;

const TRACK_SUBTYPES: Readonly<Record<string, TrackSubtype>> = {
  // addons/sale/models/sale_order.py `_track_subtype`: a state change to 'sale' or 'sent'.
  'sale.order': async (ctx, id, changed) => {
    if (!changed.has('state')) return null;
    const r = await ctx.db.query<{ state: string }>(`SELECT state FROM sale_order WHERE id = $1`, [id]);
    const state = r.rows[0]?.state;
    return state === 'sale' ? 'sale.mt_order_confirmed' : state === 'sent' ? 'sale.mt_order_sent' : null;
  },
};

export function trackSubtypeRule(model: string): TrackSubtype | undefined {
  return TRACK_SUBTYPES[model];
}
