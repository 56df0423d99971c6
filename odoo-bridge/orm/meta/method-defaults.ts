import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';
import { defaultLogoBase64 } from '../write/company/company-logo.ts';

type MethodDefault = (ctx: CallContext, model: ModelInfo) => Promise<unknown>;

/**
 * Python defaults that are methods reading the environment, which the sources' extraction
 * (registry/python-field-facts.ts) cannot take as literals: each written from its Odoo 18 method.
 */
const METHOD_DEFAULTS: Readonly<Record<string, MethodDefault>> = {
  // base res_company.py `_get_logo`: the base64 of base/static/img/res_company_logo.png.
  'res.company.logo': async () => defaultLogoBase64(),
  // base ir_model.py `_default_field_id`: a custom model starts with its x_name field (none in install mode).
  'ir.model.field_id': async (ctx) =>
    ctx.context.install_mode ? [] : [[0, 0, { name: 'x_name', field_description: 'Name', ttype: 'char', copied: true }]],
  // account account_journal.py `_default_invoice_reference_model`: the first standard named after
  // env.company's country code, else 'odoo'.
  'account.journal.invoice_reference_model': async (ctx, model) => {
    const { rows } = await ctx.db.query<{ code: string | null }>(
      // res.company.country_id is related to its partner's.
      'SELECT lower(c.code) AS code FROM res_company co JOIN res_partner p ON p.id = co.partner_id JOIN res_country c ON c.id = p.country_id WHERE co.id = $1',
      [ctx.access.companyId],
    );
    const code = rows[0]?.code;
    const values = model.fields.get('invoice_reference_model')?.selection?.map(([value]) => value) ?? [];
    return (code && values.find((value) => value.startsWith(code))) || 'odoo';
  },
};

/** The method default of `model.name`, if it has one of those above. */
export function methodDefault(model: ModelInfo, name: string): MethodDefault | undefined {
  return METHOD_DEFAULTS[`${model.name}.${name}`];
}
