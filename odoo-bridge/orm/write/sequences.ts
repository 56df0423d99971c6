import { userError } from '../../errors.ts';
import type { Queryable } from '../sql/execute.ts';

/**
 * `ir.sequence.next_by_code` for the sequences addons take in their `create()` (Python, so
 * declared here per model): standard sequences draw from the PostgreSQL sequence
 * `ir_sequence_%03d`, no-gap ones lock and bump `number_next`. Prefix/suffix interpolate
 * `%(year)s`, `%(month)s`… in UTC (no user tz over RPC).
 */
export interface ModelSequence {
  field: string;
  code: string;
  /** The addon calls it with `sudo()`; otherwise the caller needs read access to ir.sequence. */
  sudo: boolean;
  /** Only when the value is missing or equals this placeholder ('New' / '/'). */
  placeholder?: string;
}

export const MODEL_SEQUENCES: Readonly<Record<string, ModelSequence>> = {
  'hp.service.order': { field: 'name', code: 'hp.service.order', sudo: true, placeholder: '/' },
  'hp.mall.order': { field: 'name', code: 'hp.mall.order', sudo: true, placeholder: '/' },
  'sale.order': { field: 'name', code: 'sale.order', sudo: false, placeholder: 'New' },
};

export async function nextByCode(db: Queryable, code: string, now = new Date()): Promise<string | false> {
  const found = await db.query<{
    id: number; implementation: string; prefix: string | null; suffix: string | null; padding: number; number_increment: number; use_date_range: boolean | null;
  }>(
    `SELECT id, implementation, prefix, suffix, padding, number_increment, use_date_range FROM ir_sequence
      WHERE code = $1 AND active ORDER BY company_id NULLS LAST, id LIMIT 1`,
    [code],
  );
  const seq = found.rows[0];
  if (!seq) return false;
  if (seq.use_date_range) throw userError(`Ficus does not draw from date-range sequences yet (ir.sequence ${code}).`);
  let number: number;
  if (seq.implementation === 'standard') {
    const r = await db.query<{ n: string }>(`SELECT nextval($1::regclass) AS n`, [`ir_sequence_${String(seq.id).padStart(3, '0')}`]);
    number = Number(r.rows[0]!.n);
  } else {
    const r = await db.query<{ n: number }>(
      `UPDATE ir_sequence SET number_next = number_next + number_increment WHERE id = $1 RETURNING number_next - number_increment AS n`,
      [seq.id],
    );
    number = r.rows[0]!.n;
  }
  return `${interpolate(seq.prefix, now)}${String(number).padStart(seq.padding, '0')}${interpolate(seq.suffix, now)}`;
}

function interpolate(text: string | null, d: Date): string {
  if (!text) return '';
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const doy = Math.floor((d.getTime() - start) / 86_400_000) + 1;
  const values: Record<string, string> = {
    year: String(d.getUTCFullYear()), y: pad(d.getUTCFullYear() % 100), month: pad(d.getUTCMonth() + 1),
    day: pad(d.getUTCDate()), doy: pad(doy, 3), h24: pad(d.getUTCHours()), min: pad(d.getUTCMinutes()), sec: pad(d.getUTCSeconds()),
    weekday: String((d.getUTCDay() + 6) % 7),
  };
  return text.replace(/%\((\w+)\)s/g, (whole, key: string) => values[key] ?? whole);
}
