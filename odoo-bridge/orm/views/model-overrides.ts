import { sql } from 'kysely';
import { missingBehaviour } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { run } from '../sql/execute.ts';
import { selectNodes } from './xpath.ts';
import { addNext, elementChildren, getAttr, iterElements, setAttr, type XmlElement } from './xml-tree.ts';

/**
 * The `_get_view` overrides of the installed modules, applied to the combined arch after
 * BaseModel's (`super()._get_view` first, then each override, innermost mixin first):
 *   base  format.vat.label.mixin   the company country's VAT label on `vat` fields and labels;
 *         format.address.mixin     zip/city/state ordered as the company country's address format;
 *         res.company              root-delegated fields readonly on branches;
 *         res.currency(.rate)      rate labels naming the company currency;
 *   partner_autocomplete           the autocomplete widget on name and vat of partner/company forms.
 * Overrides of modules Ficus has not ported (a country's address view, analytic plans, hr,
 * board, l10n_fr/l10n_sg, sale_timesheet) get the clear refusal when their module is installed.
 */
export interface ViewOverrideInput {
  ctx: CallContext;
  model: string;
  /** The `view_type` asked for. */
  viewType: string;
  /** `view.type` of the view record used (null for a generated default view). */
  recordType: string | null;
  arch: XmlElement;
}

const UNPORTED: Record<string, { module: string; what: string }> = {
  'account.analytic.line': { module: 'analytic', what: '_get_view (analytic plan columns)' },
  'project.project': { module: 'sale_timesheet', what: '_get_view (timesheet encoding labels)' },
  'account.move': { module: 'l10n_fr_account', what: '_get_view (French invoice fields)' },
  'board.board': { module: 'board', what: 'get_view (the user dashboard)' },
  'hr.employee': { module: 'hr', what: 'get_view (the employee/public employee switch)' },
  'hr.applicant': { module: 'hr_recruitment', what: 'get_view' },
  'base.module.upgrade': { module: 'base', what: 'get_view (the modules to upgrade)' },
};

const ADDRESS_FIELDS = ['street', 'street2', 'zip', 'city', 'state_id', 'country_id'];

async function companyCountry(ctx: CallContext): Promise<{ vat_label: string | null; address_format: string | null; address_view_id: number | null } | undefined> {
  if (ctx.access.companyId == null) return undefined;
  const rows = await run<{ vat_label: string | null; address_format: string | null; address_view_id: number | null }>(
    ctx.db,
    sql`SELECT COALESCE(c.vat_label->>${ctx.lang}, c.vat_label->>'en_US') AS vat_label, c.address_format, c.address_view_id
          FROM res_company co JOIN res_partner p ON p.id = co.partner_id JOIN res_country c ON c.id = p.country_id
         WHERE co.id = ${ctx.access.companyId}`,
  );
  return rows[0];
}

/** FormatAddressMixin._extract_fields_from_address: the address fields of a format line, in line order. */
function fieldsOfAddressLine(line: string): string[] {
  const names = [...ADDRESS_FIELDS, 'state_code', 'state_name'].filter((name) => line.includes(`%(${name})s`));
  return names.sort((a, b) => line.indexOf(`%(${a})s`) - line.indexOf(`%(${b})s`));
}

/** `arch.find(".//field[@name='x']")` below `node`. */
function findField(node: XmlElement, name: string): XmlElement | null {
  for (const el of iterElements(node)) if (el !== node && el.tag === 'field' && getAttr(el, 'name') === name) return el;
  return null;
}

async function formatAddress(input: ViewOverrideInput): Promise<void> {
  const { ctx, arch } = input;
  if (input.recordType !== 'form' || ctx.context.no_address_format) return;
  const country = await companyCountry(ctx);
  if (!country) return;
  if (country.address_view_id) throw missingBehaviour(input.model, "_get_view with the company country's address view");
  if (!country.address_format) return;
  const cityLine = country.address_format.split('\n').filter((line) => line.includes('city')).map(fieldsOfAddressLine)[0];
  if (!cityLine?.length) return;
  for (const addressNode of selectNodes(arch, "//div[hasclass('o_address_format')]")) {
    const first = ['state_code', 'state_name'].includes(cityLine[0]!) ? 'state_id' : cityLine[0]!;
    const concerned = new Set(['zip', 'city', 'state_id'].filter((f) => f !== first));
    let current = findField(addressNode, first);
    for (let field of cityLine.slice(1)) {
      if (field === 'state_code' || field === 'state_name') field = 'state_id';
      const previous = current;
      current = findField(addressNode, field);
      if (previous && current) addNext(previous, current);
      concerned.delete(field);
    }
    for (const field of concerned) {
      const previous = current;
      current = findField(addressNode, field);
      if (previous && current) addNext(previous, current);
    }
  }
}

async function vatLabel(input: ViewOverrideInput): Promise<void> {
  const country = await companyCountry(input.ctx);
  const label = country?.vat_label;
  if (!label) return;
  for (const node of iterElements(input.arch)) {
    if (node === input.arch) continue;
    if ((node.tag === 'field' && getAttr(node, 'name') === 'vat') || (node.tag === 'label' && getAttr(node, 'for') === 'vat')) setAttr(node, 'string', label);
  }
}

async function companyCurrencyName(ctx: CallContext): Promise<string> {
  const given = typeof ctx.context.company_id === 'number' ? ctx.context.company_id : null;
  const rows = await run<{ name: string }>(
    ctx.db,
    given
      ? sql`SELECT cur.name FROM res_company co JOIN res_currency cur ON cur.id = co.currency_id WHERE co.id = ${given}`
      : sql`SELECT cur.name FROM res_company co JOIN res_company root ON root.id = COALESCE(split_part(co.parent_path, '/', 1)::int, co.id)
              JOIN res_currency cur ON cur.id = root.currency_id WHERE co.id = ${input0(ctx)}`,
  );
  return rows[0]?.name ?? '';
}
function input0(ctx: CallContext): number {
  return ctx.access.companyId ?? 0;
}

function requireEnglish(ctx: CallContext, model: string): void {
  // The labels are translated terms of base; Ficus has their English text only.
  if (ctx.lang !== 'en_US') throw missingBehaviour(model, `_get_view in ${ctx.lang} (translated rate labels)`);
}

export async function applyViewOverrides(input: ViewOverrideInput): Promise<void> {
  const { ctx, model, viewType, arch } = input;
  const modules = ctx.registry.modules;
  const unported = UNPORTED[model];
  if (unported && modules.has(unported.module)) throw missingBehaviour(model, unported.what);
  if (model === 'res.partner' || model === 'res.company') {
    await vatLabel(input);
    await formatAddress(input);
  }
  if (model === 'res.company') {
    for (const node of iterElements(arch, 'field')) if (getAttr(node, 'name') === 'currency_id') setAttr(node, 'readonly', 'parent_id != False');
  }
  if (model === 'res.currency' && (viewType === 'list' || viewType === 'form')) {
    requireEnglish(ctx, model);
    const currency = await companyCurrencyName(ctx);
    for (const [names, label] of [[['company_rate', 'rate'], `Unit per ${currency}`], [['inverse_company_rate', 'inverse_rate'], `${currency} per Unit`]] as const) {
      const node = selectNodes(arch, `//list//field[${names.map((n) => `@name='${n}'`).join(' or ')}][1]`)[0];
      if (node) setAttr(node, 'string', label);
    }
  }
  if (model === 'res.currency.rate' && viewType === 'list') {
    requireEnglish(ctx, model);
    const company = await companyCurrencyName(ctx);
    const activeId = typeof ctx.context.active_id === 'number' ? ctx.context.active_id : null;
    const rate = activeId ? (await run<{ name: string }>(ctx.db, sql`SELECT name FROM res_currency WHERE id = ${activeId}`))[0]?.name : undefined;
    const names = { company, rate: rate || 'Unit' };
    for (const [name, label] of [['company_rate', `${names.rate} per ${names.company}`], ['inverse_company_rate', `${names.company} per ${names.rate}`]] as const) {
      const node = elementChildren(arch).find((child) => child.tag === 'field' && getAttr(child, 'name') === name);
      if (node) setAttr(node, 'string', label);
    }
  }
  if ((model === 'res.partner' || model === 'res.company') && modules.has('partner_autocomplete') && viewType === 'form') {
    for (const node of selectNodes(arch, "//field[@name='name' or @name='vat']")) setAttr(node, 'widget', 'field_partner_autocomplete');
  }
}
