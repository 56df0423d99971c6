import type { CallContext } from '../call-context.ts';
import { floatDigitsOf } from '../registry/float-digits.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import type { WriteMode } from './many2one-column-value.ts';
import { ident } from './write-env.ts';

/**
 * The rounding (`precision_rounding`) each Float and Monetary value of `vals` is stored with:
 *
 * - Float with digits (fields.py `Float.convert_to_column`: `float_round(float(value or 0.0),
 *   precision_digits=scale)`): list_price 12.3456 is stored as 12.35 under 'Product Price'. Named
 *   precisions are read from `decimal_precision` (`precision_get`, 2 when the row is gone), once
 *   per call, and only when `vals` holds such a field.
 * - Monetary (`Monetary.convert_to_column`: `currency.round(value)`): the currency given in the
 *   vals, else through the first hop of a related currency field given in the vals
 *   (`company_id.currency_id`), else — a write — the first record's currency; a create without
 *   one stores the value as it came.
 */
export async function floatScales(ctx: CallContext, model: ModelInfo, vals: Vals, mode: WriteMode = 'write', ids: readonly number[] = []): Promise<ReadonlyMap<string, number> | undefined> {
  let roundings: Map<string, number> | undefined;
  const named = new Map<string, string>();
  for (const name of Object.keys(vals)) {
    const field = model.fields.get(name);
    if (!field?.column) continue;
    if (field.type === 'monetary') {
      const currency = await currencyOf(ctx, model, field, vals, mode, ids[0]);
      const rounding = currency === null ? null : await currencyRounding(ctx, currency);
      if (rounding) (roundings ??= new Map()).set(name, rounding);
      continue;
    }
    if (field.type !== 'float') continue;
    const digits = floatDigitsOf(ctx.registry, model, field);
    if (!digits) continue;
    if ('scale' in digits) (roundings ??= new Map()).set(name, 10 ** -digits.scale);
    else named.set(name, digits.precision);
  }
  if (named.size) {
    const digitsByName = await precisionsOf(ctx);
    for (const [field, precision] of named) (roundings ??= new Map()).set(field, 10 ** -(digitsByName.get(precision) ?? 2));
  }
  return roundings;
}

/** The currency a Monetary value of these vals is rounded with (fields.py Monetary.convert_to_column), null for none. */
async function currencyOf(ctx: CallContext, model: ModelInfo, field: FieldInfo, vals: Vals, mode: WriteMode, firstId: number | undefined): Promise<number | null> {
  const name = field.currencyField ?? ['currency_id', 'x_currency_id'].find((n) => model.fields.has(n));
  const currencyField = name ? model.fields.get(name) : undefined;
  if (!name || !currencyField) return null;
  if (name in vals) return asId(vals[name]);
  const related = currencyField.related?.split('.');
  if (related && related[0]! in vals) return followPath(ctx, model, related, asId(vals[related[0]!]));
  if (mode === 'create' || firstId === undefined) return null;
  if (currencyField.column) return followPath(ctx, model, [name], firstId, true);
  return related ? followPath(ctx, model, related, firstId, true) : null;
}

/**
 * The id `path` leads to, starting from `start`: the first hop's value when `fromRecord` is false
 * (a value of the vals), else the record `start` itself. Only stored many2one hops are followed.
 */
async function followPath(ctx: CallContext, model: ModelInfo, path: readonly string[], start: number | null, fromRecord = false): Promise<number | null> {
  let current = model;
  let id = start;
  const hops = fromRecord ? path : path.slice(1);
  if (!fromRecord) current = ctx.registry.model(model.fields.get(path[0]!)?.relation ?? '') ?? current;
  if (!fromRecord && current === model && path.length > 1) return null;
  for (const hop of hops) {
    if (id === null) return null;
    const field = current.fields.get(hop);
    if (!field?.column || field.type !== 'many2one' || !current.table) return null;
    const { rows } = await ctx.db.query<{ value: number | null }>(`SELECT ${ident(field.column)} AS value FROM ${ident(current.table)} WHERE id = $1`, [id]);
    id = rows[0]?.value ?? null;
    current = ctx.registry.model(field.relation ?? '') ?? current;
  }
  return id;
}

function asId(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** Currencies' roundings read in this call (a batch create rounds every row with the same few). */
const roundingsByCall = new WeakMap<CallContext, Map<number, Promise<number | null>>>();

function currencyRounding(ctx: CallContext, currency: number): Promise<number | null> {
  let roundings = roundingsByCall.get(ctx);
  if (!roundings) roundingsByCall.set(ctx, (roundings = new Map()));
  let rounding = roundings.get(currency);
  if (!rounding) {
    rounding = ctx.db.query<{ rounding: number | string | null }>('SELECT rounding FROM res_currency WHERE id = $1', [currency]).then(({ rows }) => {
      const value = Number(rows[0]?.rounding ?? 0);
      return value > 0 ? value : null;
    });
    roundings.set(currency, rounding);
  }
  return rounding;
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
