/**
 * A dashboard's period: the first day of a calendar month (hp.biz.dashboard.period, "First day of
 * the reported month"), months counted in UTC as the monolith stores its datetimes.
 */
export type PeriodDate = string;

/** The period (YYYY-MM-01) an instant falls in. */
export function periodOf(instant: string | Date): PeriodDate {
  const at = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(at.getTime())) throw new RangeError(`not an instant: ${String(instant)}`);
  return `${at.getUTCFullYear().toString().padStart(4, '0')}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** `YYYY-MM` (the REST form) as the period's first day; null when it is no month. */
export function periodFromMonth(month: string): PeriodDate | null {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  return match ? `${match[1]}-${match[2]}-01` : null;
}

/** The period as `YYYY-MM`. */
export function monthOfPeriod(period: PeriodDate | Date): string {
  return (period instanceof Date ? periodOf(period) : period).slice(0, 7);
}

/** An RFC 3339 instant as the legacy `timestamp without time zone` (UTC) text. */
export function legacyTimestamp(instant: string): string {
  return new Date(instant).toISOString().replace('T', ' ').replace('Z', '');
}
