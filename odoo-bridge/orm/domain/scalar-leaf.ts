import { sql } from 'kysely';
import { OdooError, valueError } from '../../errors.ts';
import { NUMERIC_TYPES, STRING_TYPES, type FieldInfo } from '../registry/types.ts';
import { arrayCast } from './field-sql.ts';
import { pyTruthy, type Operator } from './parse.ts';
import { pyRepr, pyTuple } from './python-repr.ts';
import type { SearchEnv, Sql } from './search-env.ts';
import { XmlRpcBinary } from '../../wire/xmlrpc/values.ts';
import { integerRefusal, psycopgErrorAt } from '../sql-text/client-literals.ts';
import { sanitizeHtml } from '../write/html/html-sanitize.ts';
import { roundDigits } from '../write/sale/float-round.ts';
import { floatDigitsOf, type FloatDigits } from '../registry/float-digits.ts';

/**
 * A condition on one column (or column expression) with Odoo 18's NULL semantics
 * (expression.py `__leaf_to_sql` and the per-type rules of notes §5.2):
 *
 * | condition                     | SQL                                                     |
 * |-------------------------------|---------------------------------------------------------|
 * | `= False` / `= ''` on strings | `(col = '' OR col IS NULL)`                             |
 * | `= False` / `= 0` on numbers  | `(col = 0 OR col IS NULL)` (not on `id`)                |
 * | `= False` on booleans         | `(col IS NULL OR col = FALSE)`                          |
 * | `= False` elsewhere           | `col IS NULL`                                           |
 * | `!= v` (v truthy)             | `(col != v OR col IS NULL)`                             |
 * | `!= False`                    | strings `col != ''`, numbers `col != 0`, bool `= TRUE`, else `IS NOT NULL` |
 * | `< > <= >=` on numbers        | NULL counts as 0 (`>= v` with v ≤ 0 matches NULL, …)    |
 * | `like`/`ilike` v              | `col::text LIKE '%v%'`, NULL too when v is falsy (so `''` is TRUE) |
 * | `not like`/`not ilike` v      | `NOT LIKE '%v%'`, NULL too when v is truthy             |
 * | `in` with False inside        | `(col IN (…) OR col IS NULL)`; `in []` FALSE            |
 * | `not in` without False        | `(col NOT IN (…) OR col IS NULL)`; with False: `AND col IS NOT NULL` |
 */
export function scalarLeaf(
  env: SearchEnv,
  field: FieldInfo,
  lhs: Sql,
  operator: Operator,
  value: unknown,
  leaf: readonly unknown[],
): Sql {
  const isId = field.name === 'id';
  const isString = STRING_TYPES.has(field.type);
  const isNumber = NUMERIC_TYPES.has(field.type) && !isId;
  const isBool = field.type === 'boolean';
  const emptyIs = (v: unknown) => v === false || v === null || v === undefined;

  if (operator === '=?') {
    if (emptyIs(value)) return sql`TRUE`;
    operator = '=';
  }

  if (operator === 'in' || operator === 'not in') {
    if (!Array.isArray(value)) throw valueError(`Invalid domain term ${pyTuple(leaf)}`);
    let params: unknown[];
    let checkNull: boolean;
    let digits: FloatDigits = null;
    if (isBool) {
      params = [true, false].filter((b) => value.some((v) => v === b || v === (b ? 1 : 0)));
      checkNull = value.some((v) => v === false || v === 0);
    } else {
      params = value.filter((v) => !emptyIs(v)).map((v) => columnValue(field, v));
      digits = field.type === 'float' ? floatDigitsOfField(env, field) : null;
      const scale = digits && 'scale' in digits ? digits.scale : undefined;
      if (scale !== undefined) params = params.map((p) => (typeof p === 'number' ? roundDigits(p, scale) : p));
      checkNull = params.length < value.length;
      // `_condition_to_sql`: '' among a string field's values (0 among a number's) also means
      // NULL, as False does (`barcode in ['']` matches the products without a barcode).
      // And the other way round: False among them adds '' (0) to the values, so `not in ['x', False]`
      // leaves out the empty strings too, not only NULL.
      if (isString && checkNull && !params.includes('')) params.push('');
      if (isNumber && checkNull && !params.includes(0)) params.push(0);
      if (isString) checkNull ||= value.some((v) => v === '');
      if (isNumber) checkNull ||= value.some((v) => v === 0);
    }
    let condition: Sql;
    if (params.length) {
      // Float.convert_to_column rounds each value to the field's digits; a named precision is read by the statement.
      const values = digits && 'precision' in digits
        ? sql`ARRAY(SELECT round(x, COALESCE((SELECT digits FROM decimal_precision WHERE name = ${digits.precision}), 2)) FROM unnest(${params}::numeric[]) AS x)`
        : sql`${params}::${arrayCast(env, field)}`;
      const list = sql`${lhs} ${sql.raw(operator === 'in' ? '= ANY' : '!= ALL')}(${values})`;
      condition = sql`(${list})`;
    } else {
      condition = operator === 'in' ? sql`FALSE` : sql`TRUE`;
    }
    if ((operator === 'in' && checkNull) || (operator === 'not in' && !checkNull)) {
      const empty = checkNull && (isString || isNumber) ? sql` OR ${lhs} = ${isString ? '' : 0}` : sql``;
      return sql`(${condition} OR ${lhs} IS NULL${empty})`;
    }
    if (operator === 'not in' && checkNull) return sql`(${condition} AND ${lhs} IS NOT NULL)`;
    return condition;
  }

  if (isBool && (operator === '=' || operator === '!=') && (typeof value === 'boolean' || emptyIs(value))) {
    const positive = operator === '=' ? !!value : !value;
    return positive ? sql`(${lhs} = TRUE)` : sql`(${lhs} IS NULL OR ${lhs} = FALSE)`;
  }

  const falsy = !pyTruthy(value) && !Array.isArray(value);
  if (operator === '=' && falsy && typeof value !== 'object') {
    if (isString) return sql`(${lhs} = '' OR ${lhs} IS NULL)`;
    if (isNumber) return sql`(${lhs} = 0 OR ${lhs} IS NULL)`;
    if (emptyIs(value) || isId || field.type === 'many2one') return sql`${lhs} IS NULL`;
  }
  if (operator === '=' && emptyIs(value)) return sql`${lhs} IS NULL`;
  if (operator === '!=' && falsy && typeof value !== 'object') {
    if (isString) return sql`(${lhs} != '')`;
    if (isNumber) return sql`(${lhs} != 0)`;
    if (emptyIs(value) || isId || field.type === 'many2one') return sql`${lhs} IS NOT NULL`;
  }
  if (operator === '!=' && emptyIs(value)) return sql`${lhs} IS NOT NULL`;

  if (operator === 'like' || operator === 'ilike' || operator === 'not like' || operator === 'not ilike') {
    // `if need_wildcard and not value`: False, '', 0 or [] match everything, or nothing when negated.
    if (!pyTruthy(value)) return operator.startsWith('not') ? sql`FALSE` : sql`TRUE`;
    const pattern = `%${pyText(value)}%`;
    const text = isString || field.translate ? lhs : sql`${lhs}::text`;
    const op = sql.raw(operator.toUpperCase());
    const condition = sql`(${text} ${op} ${pattern})`;
    const withNull = operator.startsWith('not') ? pyTruthy(value) : !pyTruthy(value);
    return withNull ? sql`(${condition} OR ${lhs} IS NULL)` : condition;
  }
  if (operator === '=like' || operator === '=ilike') {
    const text = isString || field.translate ? lhs : sql`${lhs}::text`;
    const pattern = isString ? columnValue(field, value) : pyText(value);
    const condition = sql`(${text} ${sql.raw(operator === '=like' ? 'LIKE' : 'ILIKE')} ${pattern})`;
    return pyTruthy(value) ? condition : sql`(${condition} OR ${lhs} IS NULL)`;
  }

  if (operator === 'child_of' || operator === 'parent_of' || operator === 'any' || operator === 'not any') {
    // Odoo looks the operator up in SQL_OPERATORS and fails with a bare KeyError.
    throw keyErrorOf(operator);
  }

  const v = isId ? idComparisonValue(value) : columnValue(field, value);
  const op = sql.raw(operator);
  // Odoo interpolates an integer or many2one value as a number: beyond int4, PostgreSQL compares as bigint.
  const beyondInt4 = typeof v === 'number' && Number.isInteger(v) && (v > INT4_MAX || v < INT4_MIN) && (field.type === 'integer' || field.type === 'many2one');
  let condition = beyondInt4 ? sql`(${lhs} ${op} ${v}::int8)` : sql`(${lhs} ${op} ${typeof v === 'number' ? floatToDigits(env, field, v) : v})`;
  const truthy = pyTruthy(value);
  let addNull = operator === '!=' && truthy;
  if (isNumber) {
    // convert_to_record(convert_to_cache(value)): a falsy value is 0 for every number type (a
    // monetary's `>= False` compares with NULL, yet still matches the NULL rows).
    const cmp = !truthy ? 0 : typeof v === 'number' ? v : Number(value);
    if ((operator === '>=' && cmp <= 0) || (operator === '<=' && cmp >= 0) || (operator === '<' && cmp > 0) || (operator === '>' && cmp < 0)) {
      addNull = true;
    }
  }
  if (operator === '=' && isNumber && value === 0) addNull = true;
  if (addNull) condition = sql`(${condition} OR ${lhs} IS NULL)`;
  return condition;
}

/** Python's KeyError as Odoo serialises it: the message is the bare key (golden case domain.138). */
export function keyErrorOf(key: string): OdooError {
  return new OdooError('builtins.KeyError', key, { arguments: [key] });
}

/** Python's `str()` of a value, as used to build like patterns (`'%s' % value`). */
export function pyText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** `convert_to_column` for a comparison value: booleans stay booleans, json goes as text, strings are cut to the field's size. */
function columnValue(field: FieldInfo, value: unknown): unknown {
  if (field.type === 'boolean') return pyTruthy(value);
  // An XML-RPC <base64> value is Python bytes: _String.convert_to_cache makes it text (to_text).
  if (value instanceof XmlRpcBinary && STRING_TYPES.has(field.type)) value = value.toBuffer().toString('utf8');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  if (STRING_TYPES.has(field.type)) {
    // _String.convert_to_cache: None for False/None, else str(value) cut to the field's size
    // (a char(2) compared with '%D%' compares with '%D'), for every non-wildcard operator.
    if (value === false || value === null || value === undefined) return null;
    const text = typeof value === 'string' ? value : pyText(value);
    // Html.convert_to_column sanitizes whatever it is given, a comparison value too: `=like '<s%'`
    // compares with html_sanitize('<s%') = '<s></s>' (fields.Html._convert, validate forced).
    if (field.type === 'html' && field.htmlSanitize) return sanitizeHtml(text, field.htmlSanitize);
    return field.size ? Array.from(text).slice(0, field.size).join('') : text;
  }
  // Integer.convert_to_column is `int(value or 0)`, Float's `float(value or 0.0)`: False compares as 0.
  if ((field.type === 'integer' || field.type === 'float') && field.name !== 'id' && !pyTruthy(value)) return 0;
  // Field.convert_to_column(False) is None elsewhere (so a date's `< False` matches nothing), True an int 1.
  if (value === false || value === null || value === undefined) return null;
  if (value === true) return NUMERIC_TYPES.has(field.type) || field.type === 'many2one' || field.name === 'id' ? 1 : 'True';
  if (field.type === 'many2one' && typeof value === 'string' && !/^\s*[-+]?\d+\s*$/.test(value)) {
    // Many2one.convert_to_column passes the value on (`value or None`): PostgreSQL refuses the
    // text as an integer (Odoo's message also quotes its SQL line, which Ficus does not have).
    throw new OdooError('psycopg2.errors.InvalidTextRepresentation', `invalid input syntax for type integer: "${value}"`);
  }
  if (field.type === 'integer' || field.type === 'many2one') {
    // int(value): floats truncate, numeric strings parse, anything else is Python's ValueError.
    if (typeof value === 'number') return Math.trunc(value);
    if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
    throw valueError(`invalid literal for int() with base 10: ${pyRepr(value)}`);
  }
  if (field.type === 'float' || field.type === 'monetary') {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
    throw valueError(`could not convert string to float: ${pyRepr(value)}`);
  }
  return value;
}

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;

/**
 * An id compared with a value: Field.convert_to_column makes it a str, which PostgreSQL reads as
 * an integer — digits are that number, anything else its refusal (sql-text/search-values.ts
 * gives the searches Odoo's excerpt). In `in` lists Odoo keeps the values as they are.
 */
function idComparisonValue(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'string' || value === true) {
    const text = pyText(value);
    const refusal = integerRefusal({ value: text, pgType: 'integer' });
    if (refusal) throw psycopgErrorAt(refusal, null, null) ?? valueError(refusal.message ?? '');
    return Number(text.trim());
  }
  return columnValue({ name: 'id', type: 'integer' } as FieldInfo, value);
}

function floatDigitsOfField(env: SearchEnv, field: FieldInfo): FloatDigits {
  const model = env.registry.model(field.model);
  return model ? floatDigitsOf(env.registry, model, field) : null;
}

/**
 * Float.convert_to_column of a comparison value: rounded to the field's digits (`price > 12.344`
 * compares with 12.34 under 'Product Price'); a named precision is read by the statement itself.
 */
function floatToDigits(env: SearchEnv, field: FieldInfo, value: number): number | Sql {
  const digits = field.type === 'float' ? floatDigitsOfField(env, field) : null;
  if (!digits) return value;
  if ('scale' in digits) return roundDigits(value, digits.scale);
  return sql`round(${value}::numeric, COALESCE((SELECT digits FROM decimal_precision WHERE name = ${digits.precision}), 2))`;
}
