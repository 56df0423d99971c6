import { quoteIdent } from '../../platform/quote-ident.ts';
import type { ColumnInfo } from './table-introspection.ts';
import type { NormalisationOptions } from './types.ts';

type Family = 'integer' | 'numeric' | 'float' | 'text' | 'timestamp' | 'timestamptz' | 'json' | 'jsonb' | 'other';

const FAMILIES: Record<string, Family> = {
  int2: 'integer', int4: 'integer', int8: 'integer',
  numeric: 'numeric', float4: 'float', float8: 'float',
  text: 'text', varchar: 'text', bpchar: 'text', name: 'text', citext: 'text',
  timestamp: 'timestamp', timestamptz: 'timestamptz',
  json: 'json', jsonb: 'jsonb',
};

export type NormalisationRule =
  | 'timestamp-precision'
  | 'timestamptz-to-utc'
  | 'numeric-by-value'
  | 'numeric-scale'
  | 'float-as-numeric'
  | 'json-canonical'
  | 'null-equals-empty'
  | 'text-cast'
  | 'ignored';

/** A normalisation applied to a column, as listed in the report. */
export interface NormalisationNote {
  rule: NormalisationRule;
  column: string;
}

export const RULE_DESCRIPTIONS: Record<NormalisationRule, (o: NormalisationOptions) => string> = {
  'timestamp-precision': (o) => `timestamps compared at ${o.timestampPrecision} precision (truncated on both sides)`,
  'timestamptz-to-utc': () => 'timestamp with time zone converted to UTC wall time (legacy datetimes are UTC without zone)',
  'numeric-by-value': () => 'numbers compared by value: numeric scale is ignored (1.50 = 1.5)',
  'numeric-scale': (o) => `numbers rounded to ${o.numericScale} decimals on both sides`,
  'float-as-numeric': () => 'number columns of different types (integer, float, numeric) compared as numeric',
  'json-canonical': () => 'JSON compared in canonical jsonb form (key order and whitespace ignored)',
  'null-equals-empty': () => "NULL and the empty string '' count as equal (configured)",
  'text-cast': () => 'columns of different types compared as text',
  ignored: () => 'column left out of the comparison (configured)',
};

export interface ColumnComparison {
  name: string;
  /** The normalised value on each side (also what a report shows). */
  sourceExpr: string;
  targetExpr: string;
  /**
   * What each side hashes for the column: one or more `ROW(…)` elements, the normalised value
   * rewritten where the type's own hash function is weaker than the value (see `hashElements`).
   */
  sourceHash: string;
  targetHash: string;
  notes: NormalisationRule[];
}

/**
 * How a normalised value is fed to `hash_record_extended`. The type's own hash function is used
 * where it is as strong as the value, and replaced where it is not:
 *  - `int8`, `timestamp`, `time` hash through `hashint8`, which folds the two 32-bit halves
 *    together (so that int4 and int8 hash alike): −1 and 4294967295 collide, and so do two
 *    timestamps 2^32 + 1 µs (1 h 11 min 34.967297 s) apart whenever both halves are even. Their
 *    8-byte binary form (`int8send`, `timestamp_send`) is hashed instead, all 64 bits.
 *  - `numeric` hashes its digits and weight but not its sign (12.50 and −12.50 collide, and so do
 *    NaN, Infinity and −Infinity): `value < 0` is hashed next to it, and where the value can be
 *    infinite (no precision given) `value > 'Infinity'` too, which only NaN is. Two comparisons
 *    cost less than `sign()`, which allocates (and whose result hashes without its sign too).
 *    Still by value: 1.50 = 1.5.
 */
export type HashForm = 'as-is' | 'int8' | 'timestamp' | 'time' | 'timetz' | 'numeric' | 'numeric-finite';

export function hashElements(expr: string, form: HashForm): string {
  switch (form) {
    case 'int8':
      return `int8send((${expr})::int8)`;
    case 'timestamp':
      return `timestamp_send(${expr})`;
    case 'time':
      return `time_send(${expr})`;
    case 'timetz':
      return `timetz_send(${expr})`;
    case 'numeric':
      return `${expr}, (${expr}) < 0, (${expr}) > 'Infinity'::numeric`;
    case 'numeric-finite':
      return `${expr}, (${expr}) < 0`;
    default:
      return expr;
  }
}

/**
 * The SQL expression each side hashes for a column. Hashing uses the type's own hash function
 * (inside `hash_record_extended`), which already ignores numeric display scale and varchar/text
 * differences; only what hashing cannot equate is rewritten here, and types whose hash function
 * loses information are hashed in a lossless form (`hashElements`). Both sides always get
 * expressions of the same type, so equal values hash equal.
 */
export function compareColumn(
  table: string,
  source: ColumnInfo,
  target: ColumnInfo,
  options: NormalisationOptions,
): ColumnComparison {
  const col = quoteIdent(source.name);
  const fs = FAMILIES[source.baseType] ?? 'other';
  const ft = FAMILIES[target.baseType] ?? 'other';
  const notes: NormalisationRule[] = [];
  const both = (s: string, t: string = s, form: HashForm = 'as-is'): ColumnComparison => ({
    name: source.name,
    sourceExpr: s,
    targetExpr: t,
    sourceHash: hashElements(s, form),
    targetHash: hashElements(t, form),
    notes,
  });

  if (matchesColumnList(options.nullEqualsEmpty, table, source.name, fs === 'text' && ft === 'text')) {
    notes.push('null-equals-empty');
    return both(`nullif(${col}::text, '')`);
  }
  const timestampish = (f: Family) => f === 'timestamp' || f === 'timestamptz';
  if (timestampish(fs) && timestampish(ft)) {
    const utc = (f: Family) => (f === 'timestamptz' ? `(${col} AT TIME ZONE 'UTC')` : col);
    if (fs === 'timestamptz' || ft === 'timestamptz') notes.push('timestamptz-to-utc');
    const trunc = (e: string) => (options.timestampPrecision === 'microsecond' ? e : `date_trunc('${options.timestampPrecision}', ${e})`);
    if (options.timestampPrecision !== 'microsecond') notes.push('timestamp-precision');
    return both(trunc(utc(fs)), trunc(utc(ft)), 'timestamp');
  }
  const numberish = (f: Family) => f === 'numeric' || f === 'float' || f === 'integer';
  if (numberish(fs) && numberish(ft) && (fs !== 'integer' || ft !== 'integer')) {
    if (options.numericScale !== null) {
      notes.push('numeric-scale');
      return both(`round(${col}::numeric, ${options.numericScale})`, undefined, 'numeric');
    }
    if (fs === ft && fs === 'float') return both(col);
    if (fs !== ft) {
      notes.push('float-as-numeric');
      return both(`${col}::numeric`, undefined, 'numeric');
    }
    notes.push('numeric-by-value');
    // numeric(p, s) holds no ±Infinity on either side: NaN is its only special value.
    const finite = source.type.startsWith('numeric(') && target.type.startsWith('numeric(');
    return both(col, undefined, finite ? 'numeric-finite' : 'numeric');
  }
  if (fs === 'integer' && ft === 'integer') {
    // int2/int4 hash alike; an int8 on either side is hashed as 64 bits on both.
    return both(col, undefined, source.baseType === 'int8' || target.baseType === 'int8' ? 'int8' : 'as-is');
  }
  if ((fs === 'json' || fs === 'jsonb') && (ft === 'json' || ft === 'jsonb')) {
    notes.push('json-canonical');
    // The canonical text, not jsonb's own hash: that one ignores where arrays and objects end,
    // so '[[1,2]]' and '[[1],2]' (or {"a":{"b":1},"c":2} and {"a":{"b":1,"c":2}}) hash alike.
    const canonical = (f: Family) => (f === 'json' ? `${col}::jsonb::text` : `${col}::text`);
    return both(canonical(fs), canonical(ft));
  }
  if (fs === ft && (fs !== 'other' || source.baseType === target.baseType)) {
    const form: HashForm = source.baseType === 'time' ? 'time' : source.baseType === 'timetz' ? 'timetz' : 'as-is';
    return both(fs === 'text' && source.baseType !== target.baseType ? `${col}::text` : col, undefined, form);
  }
  notes.push('text-cast');
  return both(`${col}::text`);
}

/** `columns` holds `table.column`, `column` or `*` (the last only where `wildcardApplies`). */
export function matchesColumnList(columns: string[], table: string, column: string, wildcardApplies = true): boolean {
  return columns.some((c) => c === column || c === `${table}.${column}` || (c === '*' && wildcardApplies) || c === `${table}.*`);
}
