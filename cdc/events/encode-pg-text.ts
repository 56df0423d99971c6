import pg from 'pg';
import type { ColumnValue } from './change-event.ts';
import { ARRAY_ELEMENT_TYPE, PgType } from './pg-types.ts';

/**
 * PostgreSQL text output → the agreed envelope encoding (cdc/README.md, "Value encoding"), the
 * way Debezium 3.x encodes with decimal=string, time=isostring, binary=base64, interval=string.
 * Both the snapshot (rows read as raw text) and pgoutput (tuples in text format) go through
 * here, so a value cannot be encoded two ways. Connections must run with DateStyle=ISO,
 * TimeZone=UTC and IntervalStyle=iso_8601 (see SESSION_SETTINGS).
 */
export function encodePgText(typeOid: number, text: string): ColumnValue {
  switch (typeOid) {
    case PgType.bool:
      return text === 't';
    case PgType.int2:
    case PgType.int4:
    case PgType.oid:
      return Number(text);
    case PgType.int8: {
      // Debezium writes int64 as a JSON number; JavaScript keeps it exact only up to 2^53.
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : text;
    }
    case PgType.float4:
    case PgType.float8: {
      const n = Number(text);
      return Number.isFinite(n) ? n : text; // NaN / Infinity / -Infinity have no JSON number form
    }
    case PgType.bytea:
      return Buffer.from(text.slice(2), 'hex').toString('base64'); // bytea_output=hex: "\x0001"
    case PgType.date:
      return isInfinite(text) ? text : `${text}Z`;
    case PgType.timestamp:
      return isInfinite(text) ? text : `${text.slice(0, 19).replace(' ', 'T')}${javaFraction(text.slice(19))}Z`;
    case PgType.timestamptz:
      return isInfinite(text) ? text : timestamptzToUtcIso(text);
    case PgType.time:
      return `${text.slice(0, 8)}${javaFraction(text.slice(8))}Z`;
    case PgType.timetz:
      return timetzToUtcIso(text);
    default: {
      const element = ARRAY_ELEMENT_TYPE.get(typeOid);
      if (element !== undefined) return parseArray(text, element);
      // numeric, text, varchar, json/jsonb (JSON text), uuid, interval (iso_8601), enums, …
      return text;
    }
  }
}

/** Settings every connection that produces text for encodePgText must use. */
export const SESSION_SETTINGS = '-c DateStyle=ISO -c TimeZone=UTC -c IntervalStyle=iso_8601 -c bytea_output=hex -c extra_float_digits=1';

function isInfinite(text: string): boolean {
  return text === 'infinity' || text === '-infinity';
}

/**
 * Java's ISO_INSTANT prints fractions in groups of three digits (".120", ".123456"), PostgreSQL
 * trims trailing zeros (".12"): pad so both transports produce the same string.
 */
function javaFraction(fraction: string): string {
  if (!fraction.startsWith('.')) return '';
  const digits = fraction.slice(1);
  if (/^0*$/.test(digits)) return '';
  const width = digits.length <= 3 ? 3 : digits.length <= 6 ? 6 : 9;
  return `.${digits.padEnd(width, '0')}`;
}

/** "2024-05-01 12:00:00.5+02" → "2024-05-01T10:00:00.500Z" (ZonedTimestamp, always UTC). */
function timestamptzToUtcIso(text: string): string {
  const match = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d(?::?\d\d)?(?::?\d\d)?)$/.exec(text);
  if (!match) return text;
  const [, date, time, fraction = '', offset = '+00'] = match;
  const utc = new Date(`${date}T${time}${isoOffset(offset)}`);
  return `${utc.toISOString().slice(0, 19)}${javaFraction(fraction)}Z`;
}

function timetzToUtcIso(text: string): string {
  const match = /^(\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d(?::?\d\d)?(?::?\d\d)?)$/.exec(text);
  if (!match) return text;
  const [, time, fraction = '', offset = '+00'] = match;
  const utc = new Date(`1970-01-01T${time}${isoOffset(offset)}`);
  return `${utc.toISOString().slice(11, 19)}${javaFraction(fraction)}Z`;
}

function isoOffset(offset: string): string {
  const sign = offset[0];
  const parts = offset.slice(1).split(':');
  const hh = (parts[0] ?? '00').slice(0, 2);
  const mm = parts[1] ?? (offset.slice(1).length >= 4 ? offset.slice(3, 5) : '00');
  return `${sign}${hh}:${mm}`;
}

function parseArray(text: string, elementOid: number): ColumnValue {
  // pg-types ships postgres-array as `arrayParser.create(text, transform).parse()`; its type
  // declaration says otherwise, hence the cast.
  const parser = pg.types.arrayParser as unknown as { create(text: string, transform: (s: string) => ColumnValue): { parse(): ColumnValue[] } };
  return parser.create(text, (element) => encodePgText(elementOid, element)).parse();
}
