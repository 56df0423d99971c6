import { sql } from 'kysely';
import { valueError } from '../../errors.ts';
import type { Sql } from '../domain/search-env.ts';
import type { FieldInfo } from '../registry/types.ts';
import { run, type Queryable } from '../sql/execute.ts';

/**
 * Date and datetime groupings of `read_group` (odoo/models.py 18: `_read_group_groupby`,
 * `_read_group_format_result`, READ_GROUP_* tables; odoo/tools/date_utils.py `weeknumber`).
 *
 * - A datetime is grouped in the context's `tz` when pytz knows it (else in UTC, Odoo only logs):
 *   `timezone(tz, timezone('UTC', col))`; the bucket's `__range`/`__domain` bounds are the local
 *   bucket start/end converted back to UTC (`tz.localize(start).astimezone(utc)`).
 * - `:week` buckets start on the language's first weekday (`res.lang.week_start` of
 *   `get_lang(env)`, 7 = Sunday for en_US): `date_trunc('week', x - INTERVAL '-n DAY') + INTERVAL '-n DAY'`.
 * - The week label is `W<n> <year>` from `weeknumber(babel locale, start)`: ISO weeks only for
 *   locales whose week starts on Monday with 4 minimum days; otherwise week 1 is the week holding
 *   January 1st (en_US: Sunday-based, 2023-12-31 is "W1 2024").
 * - Number granularities (`year_number`, `day_of_week`, …) group on `date_part`, `day_of_week`
 *   counted from the language's first weekday.
 *
 * Labels are babel's en_US patterns (`hh:00 dd MMM`, `dd MMM yyyy`, `MMMM yyyy`, `QQQ yyyy`,
 * `yyyy`); other locales' month names are not reproduced (only en_US is installed in the
 * served databases).
 */
export const TIME_GRANULARITIES = new Set(['hour', 'day', 'week', 'month', 'quarter', 'year']);
export const NUMBER_GRANULARITIES: Readonly<Record<string, string>> = {
  year_number: 'year',
  quarter_number: 'quarter',
  month_number: 'month',
  iso_week_number: 'week',
  day_of_year: 'doy',
  day_of_month: 'day',
  day_of_week: 'dow',
  hour_number: 'hour',
  minute_number: 'minute',
  second_number: 'second',
};
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** What a date grouping needs from the environment: the valid tz (or null) and the language. */
export interface DateGroupingEnv {
  /** The context tz when it is a known zone, else null (grouping in UTC). */
  readonly tz: string | null;
  /** `res.lang.week_start` of the language: 1 = Monday … 7 = Sunday. */
  readonly weekStart: number;
  /** The language code (babel locale of week labels). */
  readonly lang: string;
}

let knownZones: Promise<ReadonlySet<string>> | null = null;

/**
 * `tz in pytz.all_timezones_set`: the zone names of the tz database, aliases included, as
 * PostgreSQL lists them (the same IANA database pytz ships).
 */
async function isKnownZone(db: Queryable, tz: string): Promise<boolean> {
  knownZones ??= run<{ name: string }>(db, sql`SELECT name FROM pg_timezone_names`).then((rows) => new Set(rows.map((r) => r.name)));
  try {
    return (await knownZones).has(tz);
  } catch (error) {
    knownZones = null;
    throw error;
  }
}

/**
 * `get_lang(env)`: the context language if installed, else the user's company partner's
 * language if installed, else en_US (or the first installed one); with its `week_start`.
 */
export async function dateGroupingEnv(db: Queryable, uid: number, contextLang: unknown, contextTz: unknown): Promise<DateGroupingEnv> {
  const rows = await run<{ code: string; week_start: string | null }>(
    db,
    sql`SELECT l.code, l.week_start FROM res_lang l WHERE l.active
        ORDER BY (l.code = ${typeof contextLang === 'string' ? contextLang : ''}) DESC,
                 (l.code IS NOT DISTINCT FROM (SELECT p.lang FROM res_users u JOIN res_company c ON c.id = u.company_id
                                                 JOIN res_partner p ON p.id = c.partner_id WHERE u.id = ${uid})) DESC,
                 (l.code = 'en_US') DESC, l.name
        LIMIT 1`,
  );
  const lang = rows[0];
  const tz = typeof contextTz === 'string' && contextTz && (await isKnownZone(db, contextTz)) ? contextTz : null;
  return { tz, weekStart: Number(lang?.week_start ?? 7) || 7, lang: lang?.code ?? 'en_US' };
}

/** Python `repr` of a str, as Odoo's ValueError messages print specs. */
function pyRepr(text: string): string {
  return text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Validates the granularity of a date(time) groupby the way `_read_group_groupby` does. */
export function checkGranularity(spec: string, field: FieldInfo, granularity: string | null): void {
  const isDate = field.type === 'date' || field.type === 'datetime';
  if (granularity && !isDate) throw valueError(`Granularity set on a no-datetime field or property: ${pyRepr(spec)}`);
  if (isDate && granularity && !TIME_GRANULARITIES.has(granularity) && !(granularity in NUMBER_GRANULARITIES)) {
    throw valueError(`Granularity specification isn't correct: ${pyRepr(granularity)}`);
  }
}

/**
 * The bucket expression of a date(time) column. Every constant is inlined (the tz is a known
 * zone name, escaped as a literal): the same expression appears in SELECT, GROUP BY and
 * ORDER BY, and PostgreSQL only matches them when they are textually equal, which numbered
 * parameters would prevent.
 */
export function bucketSql(column: Sql, field: FieldInfo, granularity: string, env: DateGroupingEnv): Sql {
  let expr = column;
  if (field.type === 'datetime' && env.tz) expr = sql`timezone(${sql.lit(env.tz)}, timezone('UTC', ${expr}))`;
  const part = NUMBER_GRANULARITIES[granularity];
  if (part === 'dow') return sql`mod(7 - ${sql.lit(env.weekStart)} + date_part('dow', ${expr})::int, 7)`;
  if (part) return sql`date_part(${sql.lit(part)}, ${expr})::int`;
  if (granularity === 'week') {
    const firstWeekDay = env.weekStart - 1; // 0 = Monday
    const interval = sql.lit(`-${firstWeekDay && 7 - firstWeekDay} DAY`);
    expr = sql`(date_trunc('week', ${expr}::timestamp - INTERVAL ${interval}) + INTERVAL ${interval})`;
  } else {
    expr = sql`date_trunc(${sql.lit(granularity)}, ${expr}::timestamp)`;
  }
  return field.type === 'date' ? sql`${expr}::date` : expr;
}

/** `start + READ_GROUP_TIME_GRANULARITY[granularity]` on a naive `YYYY-MM-DD[ HH:MM:SS]`. */
export function bucketEnd(start: string, granularity: string): string {
  const d = new Date(start.slice(0, 19).replace(' ', 'T') + (start.length > 10 ? 'Z' : 'T00:00:00Z'));
  switch (granularity) {
    case 'hour': d.setUTCHours(d.getUTCHours() + 1); break;
    case 'day': d.setUTCDate(d.getUTCDate() + 1); break;
    case 'week': d.setUTCDate(d.getUTCDate() + 7); break;
    case 'month': d.setUTCMonth(d.getUTCMonth() + 1); break;
    case 'quarter': d.setUTCMonth(d.getUTCMonth() + 3); break;
    case 'year': d.setUTCFullYear(d.getUTCFullYear() + 1); break;
  }
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Local bucket bounds → UTC (`tz.localize(naive).astimezone(pytz.utc)`), one query for all
 * of them. PostgreSQL resolves ambiguous and skipped local times as standard time, as pytz's
 * `localize(is_dst=False)` does.
 */
export async function localToUtc(db: Queryable, tz: string, locals: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(locals)];
  if (!unique.length) return new Map();
  const rows = await run<{ local: string; utc: string }>(
    db,
    sql`SELECT s AS local, to_char(timezone('UTC', timezone(${tz}::text, s::timestamp)), 'YYYY-MM-DD HH24:MI:SS') AS utc FROM unnest(${unique}::text[]) AS s`,
  );
  return new Map(rows.map((r) => [r.local, r.utc]));
}

/** The group label of a bucket starting at local `start` (babel en_US patterns of READ_GROUP_DISPLAY_FORMAT). */
export function bucketLabel(start: string, granularity: string, lang: string): string {
  const [y, m, d] = [Number(start.slice(0, 4)), Number(start.slice(5, 7)), Number(start.slice(8, 10))];
  const hour = start.length > 10 ? Number(start.slice(11, 13)) : 0;
  const month = MONTHS[m - 1]!;
  const year = String(y).padStart(4, '0');
  const day = String(d).padStart(2, '0');
  switch (granularity) {
    case 'year': return year;
    case 'quarter': return `Q${Math.floor((m - 1) / 3) + 1} ${year}`;
    case 'month': return `${month} ${year}`;
    case 'week': {
      const [weekYear, week] = weekNumber(lang, y, m, d);
      return `W${week} ${String(weekYear).padStart(4, '0')}`;
    }
    case 'day': return `${day} ${month.slice(0, 3)} ${year}`;
    default: return `${String(hour % 12 || 12).padStart(2, '0')}:00 ${day} ${month.slice(0, 3)}`; // `hh` is the 12-hour clock
  }
}

/**
 * CLDR week data as babel reads it (supplementalData weekData): first day of the week by
 * territory (0 = Monday) and the territories whose first week needs 4 days; the rest of the
 * world starts on Monday with 1 day.
 */
const SUNDAY_FIRST = new Set('AG AS BD BR BS BT BW BZ CA CN CO DM DO ET GT GU HK HN ID IL IN JM JP KE KH KR LA MH MM MO MT MX MZ NI NP PA PE PH PK PR PT PY SA SG SV TH TT TW UM US VE VI WS YE ZA ZW'.split(' '));
const SATURDAY_FIRST = new Set('AE AF BH DJ DZ EG IQ IR JO KW LY OM QA SD SY'.split(' '));
const FOUR_DAY_WEEKS = new Set('AD AN AT AX BE BG CH CZ DE DK EE ES FI FJ FO FR GB GF GG GI GP GR HU IE IM IS IT JE LI LT LU MC MQ NL NO PL RE RU SE SJ SK SM VA'.split(' '));

export function localeWeekData(lang: string): { firstWeekDay: number; minWeekDays: number } {
  const territory = /^[a-z]{2,3}_([A-Z]{2})\b/.exec(lang)?.[1] ?? '001';
  if (territory === 'MV') return { firstWeekDay: 4, minWeekDays: 1 };
  return {
    firstWeekDay: SUNDAY_FIRST.has(territory) ? 6 : SATURDAY_FIRST.has(territory) ? 5 : 0,
    minWeekDays: FOUR_DAY_WEEKS.has(territory) ? 4 : 1,
  };
}

/** `date_utils.weeknumber(locale, date)` → [year, week]. */
export function weekNumber(lang: string, y: number, m: number, d: number): [number, number] {
  const { firstWeekDay, minWeekDays } = localeWeekData(lang);
  const day = Date.UTC(y, m - 1, d);
  if (firstWeekDay === 0 && minWeekDays === 4) return isoWeek(day);
  // The first day of the week holding January 1st (relativedelta(weekday=<first>(-1))).
  const weekOfJan1 = (year: number) => {
    const jan1 = Date.UTC(year, 0, 1);
    const weekday = (new Date(jan1).getUTCDay() + 6) % 7; // Monday = 0
    return jan1 - ((weekday - firstWeekDay + 7) % 7) * 86400000;
  };
  if (day >= weekOfJan1(y + 1)) return [y + 1, 1];
  return [y, Math.floor((day - weekOfJan1(y)) / 86400000 / 7) + 1];
}

function isoWeek(day: number): [number, number] {
  const t = new Date(day);
  t.setUTCDate(t.getUTCDate() + 4 - (t.getUTCDay() || 7));
  const year = t.getUTCFullYear();
  return [year, Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7)];
}
