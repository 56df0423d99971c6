import { sql, type Kysely, type RawBuilder } from 'kysely';

/** Which settlements a report sums (all optional; dates are ISO `YYYY-MM-DD`). */
export interface SettlementReportFilter {
  /** Settlements whose period starts on or after this day. */
  periodStart?: string;
  /** Settlements whose period ends on or before this day. */
  periodEnd?: string;
  payeeId?: number;
  state?: 'draft' | 'confirmed' | 'paid';
}

/** One period of one payee: the sums of its settlements, money as decimal text in the currency's precision. */
export interface SettlementReportRow {
  periodStart: string;
  periodEnd: string;
  payeeId: number;
  payeeName: string | null;
  currency: string;
  gross: string;
  fee: string;
  /** gross − fee of the sums (hp.settlement stores net = gross − fee per row; the report holds to the same rule). */
  net: string;
  /** How many settlements the row sums. */
  count: number;
}

export interface SettlementReport {
  rows: SettlementReportRow[];
  /** Per currency, over every row. */
  totals: { currency: string; gross: string; fee: string; net: string; count: number }[];
}

/**
 * The settlement report: hp.settlement rows (table settlements) the caller may read, summed per
 * period and payee (and currency, should a payee be settled in two), newest period first as
 * hp.settlement orders them (period_start desc), then by payee. `visible` is the caller's read
 * rules over alias `s` (the access port's `rules('hp.settlement', 'read', 's')`): a coach or
 * merchant sums only their own settlements, an operator everyone's. Sums are exact (numeric),
 * rounded once to the currency's decimals; a missing gross or fee counts as 0, as Odoo's
 * Monetary fields read it.
 */
export async function settlementReport(db: Kysely<any>, visible: RawBuilder<boolean>, filter: SettlementReportFilter): Promise<SettlementReport> {
  const conditions: RawBuilder<unknown>[] = [visible];
  if (filter.periodStart !== undefined) conditions.push(sql`s.period_start >= ${filter.periodStart}::date`);
  if (filter.periodEnd !== undefined) conditions.push(sql`s.period_end <= ${filter.periodEnd}::date`);
  if (filter.payeeId !== undefined) conditions.push(sql`s.payee_id = ${filter.payeeId}`);
  if (filter.state !== undefined) conditions.push(sql`s.state = ${filter.state}`);
  const where = sql.join(conditions, sql` AND `);
  const { rows } = await sql<{
    period_start: string; period_end: string; payee_id: number; payee_name: string | null; currency: string; gross: string; fee: string; net: string; count: number;
  }>`
    SELECT to_char(s.period_start, 'YYYY-MM-DD') AS period_start, to_char(s.period_end, 'YYYY-MM-DD') AS period_end, s.payee_id,
           p.name AS payee_name, c.name AS currency,
           round(sum(coalesce(s.gross, 0)), c.decimal_places)::text AS gross,
           round(sum(coalesce(s.fee, 0)), c.decimal_places)::text AS fee,
           round(sum(coalesce(s.gross, 0)) - sum(coalesce(s.fee, 0)), c.decimal_places)::text AS net,
           count(*)::int AS count
      FROM settlements s
      JOIN res_currency c ON c.id = s.currency_id
      LEFT JOIN res_users u ON u.id = s.payee_id
      LEFT JOIN res_partner p ON p.id = u.partner_id
     WHERE ${where}
     GROUP BY s.period_start, s.period_end, s.payee_id, p.name, c.name, c.decimal_places
     ORDER BY s.period_start DESC, s.period_end DESC, s.payee_id, c.name`.execute(db);
  const reportRows: SettlementReportRow[] = rows.map((r) => ({
    periodStart: r.period_start, periodEnd: r.period_end, payeeId: r.payee_id, payeeName: r.payee_name, currency: r.currency, gross: r.gross, fee: r.fee, net: r.net, count: r.count,
  }));
  return { rows: reportRows, totals: totalsPerCurrency(reportRows) };
}

/** Sums the rows' decimal texts per currency exactly (at the finest scale among them, no floating point). */
function totalsPerCurrency(rows: SettlementReportRow[]): SettlementReport['totals'] {
  const byCurrency = new Map<string, { gross: Decimal; fee: Decimal; count: number }>();
  for (const row of rows) {
    const total = byCurrency.get(row.currency) ?? { gross: Decimal.zero(), fee: Decimal.zero(), count: 0 };
    total.gross = total.gross.plus(Decimal.of(row.gross));
    total.fee = total.fee.plus(Decimal.of(row.fee));
    total.count += row.count;
    byCurrency.set(row.currency, total);
  }
  return [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({
    currency, gross: t.gross.toString(), fee: t.fee.toString(), net: t.gross.minus(t.fee).toString(), count: t.count,
  }));
}

/** A decimal as an integer count of units at a fixed scale: exact sums of money texts, no floating point. */
class Decimal {
  private constructor(readonly units: bigint, readonly scale: number) {}
  static zero(): Decimal {
    return new Decimal(0n, 0);
  }
  static of(text: string): Decimal {
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) throw new Error(`not a decimal: ${text}`);
    const fraction = match[3] ?? '';
    const units = BigInt(`${match[2]}${fraction}`);
    return new Decimal(match[1] ? -units : units, fraction.length);
  }
  private at(scale: number): bigint {
    return this.units * 10n ** BigInt(scale - this.scale);
  }
  plus(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.at(scale) + other.at(scale), scale);
  }
  minus(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.at(scale) - other.at(scale), scale);
  }
  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = this.scale ? `.${digits.slice(digits.length - this.scale)}` : '';
    return `${negative ? '-' : ''}${whole}${fraction}`;
  }
}

const CSV_COLUMNS = ['period_start', 'period_end', 'payee_id', 'payee_name', 'currency', 'gross', 'fee', 'net', 'count'] as const;

/**
 * The report as CSV (RFC 4180): a header line, one line per row, CRLF after every line, a field
 * quoted when it holds a comma, a double quote, CR or LF, with its quotes doubled. Text is sent as
 * UTF-8 (payee names mix Chinese and Latin script); the totals are left out (a spreadsheet sums).
 */
export function settlementReportCsv(rows: readonly SettlementReportRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push([r.periodStart, r.periodEnd, String(r.payeeId), r.payeeName ?? '', r.currency, r.gross, r.fee, r.net, String(r.count)].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
