import type { CallContext } from '../../call-context.ts';
import type { BehaviourRegistry, Vals } from '../behaviour-registry.ts';

/**
 * res.country and res.currency behaviour of base (odoo/addons/base/models/res_country.py,
 * res_currency.py) that plain creates and writes depend on.
 */

/** res.country `create`/`write`: a truthy `code` is stored upper-case (`vals['code'].upper()`). */
function upperCountryCode(vals: Vals): void {
  if (typeof vals.code === 'string' && vals.code) vals.code = vals.code.toUpperCase();
}

/**
 * res.currency `_compute_decimal_places` (stored, depends on `rounding`):
 * `int(math.ceil(math.log10(1 / rounding)))` for 0 < rounding < 1, else 0, in float arithmetic as Python does it.
 */
async function computeDecimalPlaces(ctx: CallContext, ids: number[]): Promise<void> {
  const rows = await ctx.db.query<{ id: number; rounding: string | number | null }>('SELECT id, rounding FROM res_currency WHERE id = ANY($1::int4[])', [ids]);
  for (const row of rows.rows) {
    const rounding = Number(row.rounding ?? 0);
    const places = rounding > 0 && rounding < 1 ? Math.ceil(Math.log10(1 / rounding)) : 0;
    await ctx.db.query('UPDATE res_currency SET decimal_places = $2 WHERE id = $1', [row.id, places]);
  }
}

export function registerResCountryAndCurrency(behaviours: BehaviourRegistry): void {
  behaviours.register('res.country', {
    beforeCreate(_ctx, valsList) {
      valsList.forEach(upperCountryCode);
    },
    beforeWrite(_ctx, _ids, vals) {
      upperCountryCode(vals);
    },
  });
  behaviours.register('res.currency', { compute: { decimal_places: computeDecimalPlaces } });
}
