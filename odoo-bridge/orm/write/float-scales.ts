import type { CallContext } from '../call-context.ts';
import { floatDigitsOf } from '../registry/float-digits.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';

/**
 * The scale each Float field of `vals` rounds to before it is stored (fields.py
 * `Float.convert_to_column`: `float_round(float(value or 0.0), precision_digits=scale)`, and
 * `convert_to_cache` the same): list_price 12.3456 is stored as 12.35 under 'Product Price'.
 * Named precisions are read from `decimal_precision` (`precision_get`, 2 when the row is gone),
 * once per call, and only when `vals` holds such a field.
 */
export async function floatScales(ctx: CallContext, model: ModelInfo, vals: Vals): Promise<ReadonlyMap<string, number> | undefined> {
  let scales: Map<string, number> | undefined;
  const named = new Map<string, string>();
  for (const name of Object.keys(vals)) {
    const field = model.fields.get(name);
    if (field?.type !== 'float' || !field.column) continue;
    const digits = floatDigitsOf(ctx.registry, model, field);
    if (!digits) continue;
    if ('scale' in digits) (scales ??= new Map()).set(name, digits.scale);
    else named.set(name, digits.precision);
  }
  if (named.size) {
    const digitsByName = await precisionsOf(ctx);
    for (const [field, precision] of named) (scales ??= new Map()).set(field, digitsByName.get(precision) ?? 2);
  }
  return scales;
}

/** decimal.precision's digits by name, read once per call (a batch create and its constraint check share them). */
const precisionsByCall = new WeakMap<CallContext, Promise<ReadonlyMap<string, number>>>();

function precisionsOf(ctx: CallContext): Promise<ReadonlyMap<string, number>> {
  let precisions = precisionsByCall.get(ctx);
  if (!precisions) {
    precisions = ctx.db.query<{ name: string; digits: number }>('SELECT name, digits FROM decimal_precision').then(({ rows }) => new Map(rows.map((r) => [r.name, r.digits])));
    precisionsByCall.set(ctx, precisions);
  }
  return precisions;
}
