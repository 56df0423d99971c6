import type { CallContext } from '../../call-context.ts';

/**
 * resource's `res.company._create_resource_calendar` (resource/models/res_company.py) for
 * companies created without a working-time calendar: one "Standard 40 hours/week" calendar per
 * company, created sudo with resource.calendar's defaults (resource/models/resource_calendar.py):
 * `tz` from the context, else the user's, else the administrator's, else UTC; the attendances of
 * `default_get`, i.e. a copy of the environment company's calendar when it has attendances and is
 * not a two-weeks calendar, else the stock Monday-Friday 8-12 / 12-13 lunch / 13-17 week; the
 * stored computes `hours_per_day` (`_get_hours_per_day` over the attendances that are neither
 * lunch breaks nor sections) and each attendance's `duration_days`.
 */
interface Attendance {
  name: string;
  dayofweek: string;
  hour_from: number;
  hour_to: number;
  day_period: string;
  date_from: string | null;
  date_to: string | null;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const STOCK_WEEK: Attendance[] = DAYS.flatMap((day, i) => [
  { name: `${day} Morning`, dayofweek: String(i), hour_from: 8, hour_to: 12, day_period: 'morning', date_from: null, date_to: null },
  { name: `${day} Lunch`, dayofweek: String(i), hour_from: 12, hour_to: 13, day_period: 'lunch', date_from: null, date_to: null },
  { name: `${day} Afternoon`, dayofweek: String(i), hour_from: 13, hour_to: 17, day_period: 'afternoon', date_from: null, date_to: null },
]);

export async function createCompanyCalendars(ctx: CallContext, companyIds: readonly number[]): Promise<void> {
  if (!ctx.registry.model('resource.calendar') || !companyIds.length) return;
  const without = await ctx.db.query<{ id: number }>(`SELECT id FROM res_company WHERE id = ANY($1::int4[]) AND resource_calendar_id IS NULL ORDER BY id`, [[...companyIds]]);
  if (!without.rows.length) return;
  const tz = await calendarTz(ctx);
  const attendances = await defaultAttendances(ctx);
  const working = attendances.filter((a) => a.day_period !== 'lunch');
  const hours = working.reduce((sum, a) => sum + (a.hour_to - a.hour_from), 0);
  const days = new Set(working.map((a) => a.dayofweek)).size;
  const hoursPerDay = days ? round2(hours / days) : 0;
  for (const { id: company } of without.rows) {
    const cal = await ctx.db.query<{ id: number }>(
      `INSERT INTO resource_calendar (name, company_id, tz, hours_per_day, active, create_uid, write_uid, create_date, write_date)
       VALUES ('Standard 40 hours/week', $1, $2, $3, true, $4, $4, (now() at time zone 'UTC'), (now() at time zone 'UTC')) RETURNING id`,
      [company, tz, hoursPerDay.toFixed(2), ctx.uid],
    );
    const calendarId = cal.rows[0]!.id;
    for (const a of attendances) {
      // resource.calendar.attendance._compute_duration_days
      const durationDays = a.day_period === 'lunch' ? 0 : a.hour_to - a.hour_from <= (hoursPerDay * 3) / 4 ? 0.5 : 1;
      await ctx.db.query(
        `INSERT INTO resource_calendar_attendance (calendar_id, sequence, name, dayofweek, day_period, date_from, date_to, hour_from, hour_to, duration_days,
                                                   create_uid, write_uid, create_date, write_date)
         VALUES ($1, 10, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, (now() at time zone 'UTC'), (now() at time zone 'UTC'))`,
        [calendarId, a.name, a.dayofweek, a.day_period, a.date_from, a.date_to, a.hour_from, a.hour_to, durationDays, ctx.uid],
      );
    }
    await ctx.db.query(`UPDATE res_company SET resource_calendar_id = $2 WHERE id = $1`, [company, calendarId]);
  }
}

async function calendarTz(ctx: CallContext): Promise<string> {
  if (ctx.tz) return ctx.tz;
  const r = await ctx.db.query<{ tz: string | null }>(
    `SELECT p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1
     UNION ALL
     SELECT p.tz FROM ir_model_data d JOIN res_users u ON u.id = d.res_id JOIN res_partner p ON p.id = u.partner_id
      WHERE d.module = 'base' AND d.name = 'user_admin' AND d.model = 'res.users'`,
    [ctx.uid],
  );
  return r.rows.find((row) => row.tz)?.tz ?? 'UTC';
}

async function defaultAttendances(ctx: CallContext): Promise<Attendance[]> {
  const company = ctx.access.companyId;
  if (company == null) return STOCK_WEEK;
  const r = await ctx.db.query<{ two_weeks: boolean | null; name: string; dayofweek: string; hour_from: number; hour_to: number; day_period: string; date_from: string | null; date_to: string | null }>(
    `SELECT cal.two_weeks_calendar AS two_weeks, a.name, a.dayofweek, a.hour_from, a.hour_to, a.day_period, a.date_from::text, a.date_to::text
       FROM res_company c JOIN resource_calendar cal ON cal.id = c.resource_calendar_id
       JOIN resource_calendar_attendance a ON a.calendar_id = cal.id
      WHERE c.id = $1
      ORDER BY a.week_type, a.dayofweek, a.sequence, a.hour_from, a.id`,
    [company],
  );
  if (!r.rows.length || r.rows[0]!.two_weeks) return STOCK_WEEK;
  return r.rows.map((row) => ({ name: row.name, dayofweek: row.dayofweek, hour_from: Number(row.hour_from), hour_to: Number(row.hour_to), day_period: row.day_period, date_from: row.date_from, date_to: row.date_to }));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
