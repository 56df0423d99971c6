import { quoteIdent } from './sql.ts';
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
  sourceExpr: string;
  targetExpr: string;
  notes: NormalisationRule[];
}

/**
 * The SQL expression each side hashes for a column. Hashing uses the type's own hash function
 * (inside `hash_record_extended`), which already treats int2/int4/int8 alike, ignores numeric
 * display scale and varchar/text differences; only what hashing cannot equate is rewritten here.
 * Both sides always get expressions of the same type, so equal values hash equal.
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
  const both = (s: string, t: string = s) => ({ name: source.name, sourceExpr: s, targetExpr: t, notes });

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
    return both(trunc(utc(fs)), trunc(utc(ft)));
  }
  const numberish = (f: Family) => f === 'numeric' || f === 'float' || f === 'integer';
  if (numberish(fs) && numberish(ft) && (fs !== 'integer' || ft !== 'integer')) {
    if (options.numericScale !== null) {
      notes.push('numeric-scale');
      return both(`round(${col}::numeric, ${options.numericScale})`);
    }
    if (fs === ft && fs === 'float') return both(col);
    if (fs !== ft) {
      notes.push('float-as-numeric');
      return both(`${col}::numeric`);
    }
    notes.push('numeric-by-value');
    return both(col);
  }
  if ((fs === 'json' || fs === 'jsonb') && (ft === 'json' || ft === 'jsonb')) {
    notes.push('json-canonical');
    const canonical = (f: Family) => (f === 'json' ? `${col}::jsonb::text` : `${col}::text`);
    return both(canonical(fs), canonical(ft));
  }
  if (fs === ft && (fs !== 'other' || source.baseType === target.baseType)) {
    return both(fs === 'text' && source.baseType !== target.baseType ? `${col}::text` : col);
  }
  notes.push('text-cast');
  return both(`${col}::text`);
}

/** `columns` holds `table.column`, `column` or `*` (the last only where `wildcardApplies`). */
export function matchesColumnList(columns: string[], table: string, column: string, wildcardApplies = true): boolean {
  return columns.some((c) => c === column || c === `${table}.${column}` || (c === '*' && wildcardApplies) || c === `${table}.*`);
}
