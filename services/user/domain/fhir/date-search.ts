import { sql, type RawBuilder } from 'kysely';
import { FhirSearchError } from './search-params.ts';

export type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb';

/**
 * A date search value as FHIR reads it: the prefix, and the range the value stands for at its
 * precision — `2026` is all of 2026, `2026-09-10T04:18` that minute — as [start, end) in UTC,
 * written as PostgreSQL `timestamp` text (the legacy columns are UTC without a zone). A value
 * without a time zone is UTC, the server's zone (and the monolith's).
 */
export interface DateRange {
  prefix: DatePrefix;
  start: string;
  end: string;
}

const DATE_VALUE = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const MICROS_PER_MS = 1000n;

export function parseDateValue(value: string): DateRange {
  const m = DATE_VALUE.exec(value);
  if (!m) throw new FhirSearchError('invalid', `${value} is not a FHIR date search value ([prefix]YYYY[-MM[-DD[Thh:mm[:ss[.ffffff]][Z|±hh:mm]]]])`);
  const [, prefix = 'eq', y, mo, d, h, mi, s, fraction, zone] = m;
  if (prefix === 'ap') throw new FhirSearchError('not-supported', 'the date prefix ap (approximately) is not supported');
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new FhirSearchError('invalid', `${value} is not a valid date`);
  }
  const offsetMinutes = zone === undefined || zone === 'Z' ? 0 : zoneMinutes(zone, value);
  const wall = BigInt(utcMillis(year, month - 1, day, hour, minute, second)) * MICROS_PER_MS + fractionMicros(fraction);
  const start = wall - BigInt(offsetMinutes) * 60_000_000n;
  let end: bigint;
  if (mo === undefined) end = BigInt(utcMillis(year + 1, 0, 1, 0, 0, 0)) * MICROS_PER_MS;
  else if (d === undefined) end = BigInt(utcMillis(year, month, 1, 0, 0, 0)) * MICROS_PER_MS;
  else if (h === undefined) end = start + 86_400_000_000n;
  else if (s === undefined) end = start + 60_000_000n;
  else if (fraction === undefined) end = start + 1_000_000n;
  else end = start + 10n ** BigInt(6 - fraction.length);
  // Year or month precision have no zone (the grammar allows one only with a time): UTC boundaries.
  return { prefix: prefix as DatePrefix, start: timestampText(start), end: timestampText(end) };
}

/**
 * Whether a point in time (`column`, a measurement's instant) matches the range, as FHIR's
 * prefixes define it for a target whose range is that one instant: eq, it lies in the range; ne,
 * outside; gt and sa, at or after its end; lt and eb, before its start; ge, at or after its start;
 * le, before its end. lt, eq and gt split every instant in three.
 */
export function dateCondition(column: RawBuilder<unknown>, range: DateRange): RawBuilder<boolean> {
  const start = sql`${range.start}::timestamp`;
  const end = sql`${range.end}::timestamp`;
  switch (range.prefix) {
    case 'eq': return sql<boolean>`(${column} >= ${start} AND ${column} < ${end})`;
    case 'ne': return sql<boolean>`(${column} < ${start} OR ${column} >= ${end})`;
    case 'gt':
    case 'sa': return sql<boolean>`(${column} >= ${end})`;
    case 'lt':
    case 'eb': return sql<boolean>`(${column} < ${start})`;
    case 'ge': return sql<boolean>`(${column} >= ${start})`;
    case 'le': return sql<boolean>`(${column} < ${end})`;
  }
}

function daysIn(year: number, month: number): number {
  return new Date(utcMillis(year, month, 1, 0, 0, 0) - 86_400_000).getUTCDate();
}

/** Date.UTC for every year 1–10000 (Date.UTC maps 0–99 to 1900–1999). */
function utcMillis(year: number, monthIndex: number, day: number, hour: number, minute: number, second: number): number {
  // Computed in leap year 2000 (a month index of 12 rolls over into 2001), then moved to `year`.
  const date = new Date(Date.UTC(2000, monthIndex, day, hour, minute, second));
  date.setUTCFullYear(year + date.getUTCFullYear() - 2000);
  return date.getTime();
}

function fractionMicros(fraction: string | undefined): bigint {
  return fraction === undefined ? 0n : BigInt(fraction.padEnd(6, '0'));
}

function zoneMinutes(zone: string, value: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) throw new FhirSearchError('invalid', `${value} has an invalid time zone`);
  return sign * (hours * 60 + minutes);
}

/** Microseconds since the epoch as `YYYY-MM-DD HH:MM:SS.ffffff`; beyond year 9999, PostgreSQL's infinity. */
function timestampText(micros: bigint): string {
  let ms = micros / MICROS_PER_MS;
  let rest = micros % MICROS_PER_MS;
  if (rest < 0n) {
    rest += MICROS_PER_MS;
    ms -= 1n;
  }
  const date = new Date(Number(ms));
  const year = date.getUTCFullYear();
  if (year > 9999) return 'infinity';
  if (year < 1) return '-infinity';
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ for years 1–9999
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(rest).padStart(3, '0')}`;
}
