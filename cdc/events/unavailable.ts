/**
 * An unchanged TOASTed column of an UPDATE whose table is not REPLICA IDENTITY FULL: PostgreSQL
 * does not log the value, pgoutput sends the marker 'u', and Debezium writes this placeholder
 * (base64 of its bytes for bytea, a one-element list for arrays). The embedded reader writes the
 * same placeholder, so the applier has one rule for both transports: such a column is left as
 * the target already has it.
 */
export const UNAVAILABLE_VALUE = '__debezium_unavailable_value';
export const UNAVAILABLE_VALUE_BASE64 = Buffer.from(UNAVAILABLE_VALUE).toString('base64');

export function isUnavailable(value: unknown): boolean {
  if (value === UNAVAILABLE_VALUE || value === UNAVAILABLE_VALUE_BASE64) return true;
  return Array.isArray(value) && value.length === 1 && value[0] === UNAVAILABLE_VALUE;
}
