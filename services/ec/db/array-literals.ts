/**
 * PostgreSQL array literals for the impression path's bulk statements (`unnest($1::int4[], …)`),
 * written directly as one text parameter per column. node-postgres would otherwise walk every
 * element through its generic value preparation and escaping (a few µs per impression across a
 * batch's columns); the literal it produces is the same. Still a bound parameter, never SQL text.
 */

/** `{1,2,NULL}` for int4[] / int8[]. */
export function intArray(values: readonly (number | null)[]): string {
  let text = '{';
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (i) text += ',';
    if (value === null || value === undefined) text += 'NULL';
    else if (Number.isSafeInteger(value)) text += value;
    else throw new RangeError(`not an integer: ${value}`);
  }
  return `${text}}`;
}

const NUMERIC_TEXT = /^-?\d+(?:\.\d+)?$/;

/** `{0.03,1.20}` for numeric[]: each element a plain decimal text (checked: it is written unquoted). */
export function numericArray(values: readonly string[]): string {
  for (const value of values) if (!NUMERIC_TEXT.test(value)) throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  return `{${values.join(',')}}`;
}

/** `{t,f}` for bool[]. */
export function boolArray(values: readonly boolean[]): string {
  let text = '{';
  for (let i = 0; i < values.length; i += 1) text += (i ? ',' : '') + (values[i] ? 't' : 'f');
  return `${text}}`;
}

/** `{"a","b \"c\"",NULL}` for varchar[] / text[] / timestamp[]: every element quoted, `"` and `\` escaped. */
export function textArray(values: readonly (string | null)[]): string {
  let text = '{';
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (i) text += ',';
    if (value === null || value === undefined) text += 'NULL';
    else text += `"${/["\\]/.test(value) ? value.replace(/["\\]/g, '\\$&') : value}"`;
  }
  return `${text}}`;
}
