/** `datetime.now(pytz.timezone(tz or 'GMT')).strftime('%z')`: `+0800`, `-0330`. */
export function tzOffset(tz: string | null, now = new Date()): string {
  let minutes = 0;
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: tz || 'GMT', timeZoneName: 'longOffset' }).formatToParts(now).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
    if (m) minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  } catch {
    // An unknown timezone name: pytz raises there; the partner's stored tz comes from Odoo's list.
  }
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}
