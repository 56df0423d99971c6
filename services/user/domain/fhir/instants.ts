import { sql, type RawBuilder } from 'kysely';

/**
 * A legacy `timestamp without time zone` (UTC, the monolith's convention) as text the mappers turn
 * into a FHIR instant: microseconds kept, so nothing is rounded away.
 */
export function instantText(column: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
}

/** A legacy `date` as FHIR's date. */
export function dateText(column: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`to_char(${column}, 'YYYY-MM-DD')`;
}

/** instantText's output as a FHIR instant/dateTime in UTC, with the fraction only as long as it needs. */
export function fhirInstant(text: string): string {
  const [whole, fraction = ''] = text.split('.');
  const digits = fraction.replace(/0+$/, '');
  return `${whole}${digits ? `.${digits}` : ''}Z`;
}
