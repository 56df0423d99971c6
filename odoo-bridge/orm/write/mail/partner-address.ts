import type { CallContext } from '../../call-context.ts';

/**
 * res.partner `contact_address_inline` (addons/mail/models/res_partner.py): the partner's
 * `_display_address()` (odoo/addons/base/models/res_partner.py `_prepare_display_address`: the
 * country's `address_format`, else "%(street)s\n%(street2)s\n%(city)s %(state_code)s %(zip)s\n%(country_name)s",
 * preceded by "%(company_name)s\n" when the partner has a commercial company name) with its line
 * breaks folded: `re.sub(r'\n(\s|\n)*', ', ', address).strip().strip(',')`.
 */
export async function contactAddressInline(ctx: CallContext, ids: number[]): Promise<Map<number, string>> {
  const r = await ctx.db.query<{
    id: number; street: string | null; street2: string | null; zip: string | null; city: string | null;
    state_code: string | null; state_name: string | null; country_code: string | null; country_name: string | null;
    address_format: string | null; company_name: string | null;
  }>(
    `SELECT p.id, p.street, p.street2, p.zip, p.city, s.code AS state_code, s.name AS state_name, c.code AS country_code,
            COALESCE(c.name ->> $2, c.name ->> 'en_US') AS country_name, c.address_format, p.commercial_company_name AS company_name
       FROM res_partner p LEFT JOIN res_country_state s ON s.id = p.state_id LEFT JOIN res_country c ON c.id = p.country_id
      WHERE p.id = ANY($1::int4[])`,
    [ids, ctx.lang],
  );
  const out = new Map<number, string>();
  for (const row of r.rows) {
    let format = row.address_format || '%(street)s\n%(street2)s\n%(city)s %(state_code)s %(zip)s\n%(country_name)s';
    if (row.company_name) format = `%(company_name)s\n${format}`;
    const args: Record<string, string> = {
      street: row.street ?? '', street2: row.street2 ?? '', zip: row.zip ?? '', city: row.city ?? '',
      state_code: row.state_code ?? '', state_name: row.state_name ?? '', country_code: row.country_code ?? '',
      country_name: row.country_name ?? '', company_name: row.company_name ?? '',
    };
    // Python's `format % defaultdict(str, …)`: unknown keys are empty.
    const address = format.replace(/%\((\w+)\)s/g, (_m, key: string) => args[key] ?? '');
    out.set(row.id, pyStrip(address.replace(/\n(\s|\n)*/g, ', ')).replace(/^,+|,+$/g, ''));
  }
  return out;
}

/** Python's `str.strip()` (whitespace). */
function pyStrip(s: string): string {
  return s.replace(/^\s+|\s+$/g, '');
}
