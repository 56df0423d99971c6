/** Odoo's `fields.Datetime.now()` as stored: UTC, second precision, no zone. */
export function odooNow(now = new Date()): string {
  return now.toISOString().slice(0, 19).replace('T', ' ');
}
