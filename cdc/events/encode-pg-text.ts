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
export function encodePgText(typeOid: number, text: string, typeMod = -1): ColumnValue {
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
      // Debezium's isostring prints the fraction with as few digits as it needs, as PostgreSQL does.
      return isInfinite(text) ? text : `${text.replace(' ', 'T')}Z`;
    case PgType.timestamptz:
      return isInfinite(text) ? text : timestamptzToUtcIso(text, typeMod);
    case PgType.time:
      return `${text}Z`;
    case PgType.interval:
      return debeziumInterval(text);
    case PgType.numeric:
      // Debezium names the special value (SpecialValueDecimal.NAN); numeric input reads it back.
      return text === 'NaN' ? 'NAN' : text;
    case PgType.timetz:
      return timetzToUtcIso(text);
    default: {
      const element = ARRAY_ELEMENT_TYPE.get(typeOid);
      if (element !== undefined) return parseArray(text, element, typeMod);
      // numeric, text, varchar, json/jsonb (JSON text), uuid, enums, …
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
 * Debezium's ZonedTimestamp prints exactly the column's fractional precision (timestamptz(p);
 * 6 when unconstrained), zeros included (".250000", ".000000"); with precision 0 it falls back to
 * ISO_OFFSET_DATE_TIME, which prints only the digits needed. Observed against Debezium 3.5 in
 * test/cdc/distributed/equivalence.test.ts.
 */
function zonedFraction(fraction: string, typeMod: number): string {
  const digits = fraction.startsWith('.') ? fraction.slice(1) : '';
  const width = typeMod < 0 ? 6 : typeMod;
  if (width === 0) return /^0*$/.test(digits) ? '' : `.${digits.replace(/0+$/, '')}`;
  return `.${digits.padEnd(width, '0').slice(0, width)}`;
}

/** "2024-05-01 12:00:00.5+02" → "2024-05-01T10:00:00.500000Z" (ZonedTimestamp, always UTC). */
function timestamptzToUtcIso(text: string, typeMod: number): string {
  const match = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d(?::?\d\d)?(?::?\d\d)?)$/.exec(text);
  if (!match) return text;
  const [, date, time, fraction = '', offset = '+00'] = match;
  const utc = new Date(`${date}T${time}${isoOffset(offset)}`);
  return `${utc.toISOString().slice(0, 19)}${zonedFraction(fraction, typeMod)}Z`;
}

/**
 * PostgreSQL's iso_8601 interval ("P-1D", "PT0S", "P1Y2M3DT4H5M6.78S") → Debezium's
 * interval.handling.mode=string, which always writes every unit: "P0Y0M-1DT0H0M0S".
 */
function debeziumInterval(text: string): string {
  const match = /^P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match) return text;
  const [, y = '0', mo = '0', d = '0', h = '0', mi = '0', s = '0'] = match;
  const seconds = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return `P${y}Y${mo}M${d}DT${h}H${mi}M${seconds}S`;
}

/** Not compared with Debezium (no timetz column anywhere in hp_legacy or the probe). */
function timetzToUtcIso(text: string): string {
  const match = /^(\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d(?::?\d\d)?(?::?\d\d)?)$/.exec(text);
  if (!match) return text;
  const [, time, fraction = '', offset = '+00'] = match;
  const utc = new Date(`1970-01-01T${time}${isoOffset(offset)}`);
  return `${utc.toISOString().slice(11, 19)}${fraction}Z`;
}

function isoOffset(offset: string): string {
  const sign = offset[0];
  const parts = offset.slice(1).split(':');
  const hh = (parts[0] ?? '00').slice(0, 2);
  const mm = parts[1] ?? (offset.slice(1).length >= 4 ? offset.slice(3, 5) : '00');
  return `${sign}${hh}:${mm}`;
}

function parseArray(text: string, elementOid: number, typeMod: number): ColumnValue {
  // pg-types ships postgres-array as `arrayParser.create(text, transform).parse()`; its type
  // declaration says otherwise, hence the cast.
  const parser = pg.types.arrayParser as unknown as { create(text: string, transform: (s: string) => ColumnValue): { parse(): ColumnValue[] } };
  return parser.create(text, (element) => encodePgText(elementOid, element, typeMod)).parse();
}
