import { missingBehaviour, userError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { Vals } from '../behaviour-registry.ts';
import { addDays, addressOf, companyDependentValue, contextToday, defaultTeam, userHasGroup } from './partner-lookups.ts';
import { orderPricelist } from './sale-pricing.ts';

/**
 * The sales order's precomputed, writable stored computes (addons/sale/models/sale_order.py 18):
 * what `create` fills in before the INSERT when the vals do not give it, and what a write of a
 * dependency recomputes for the fields the write does not give.
 *
 * | field | rule | depends |
 * |---|---|---|
 * | partner_invoice_id / partner_shipping_id | `address_get(['invoice'/'delivery'])` of the customer | partner_id |
 * | payment_term_id | the customer's `property_payment_term_id` for the order's company | partner_id |
 * | pricelist_id | the customer's pricelist (draft orders only) | partner_id, company_id |
 * | fiscal_position_id | the delivery address's or customer's `property_account_position_id` (automatic positions refused) | partner_shipping_id, partner_id, company_id |
 * | currency_id | the pricelist's currency, else the company's | pricelist_id, company_id |
 * | currency_rate | company currency → order currency at the order date | currency_id, date_order, company_id |
 * | user_id | the customer's salesperson, its commercial entity's, else the current user if a salesman (only while the order has none) | partner_id |
 * | team_id | `crm.team._get_default_team_id` for that salesperson and company | partner_id, user_id |
 * | require_signature / require_payment / prepayment_percent | the company's portal settings | company_id |
 * | validity_date | today (user's timezone) + the company's quotation validity days | company_id |
 * | note | the company's terms when `account.use_invoice_terms` is set | partner_id |
 */

interface CompanyRow {
  currency_id: number;
  portal_confirmation_sign: boolean | null;
  portal_confirmation_pay: boolean | null;
  prepayment_percent: number | null;
  quotation_validity_days: number | null;
  terms_type: string | null;
  invoice_terms: Record<string, string> | null;
}

async function company(ctx: CallContext, id: number): Promise<CompanyRow> {
  const r = await ctx.db.query<CompanyRow>(
    `SELECT currency_id, portal_confirmation_sign, portal_confirmation_pay, prepayment_percent, quotation_validity_days, terms_type, invoice_terms
       FROM res_company WHERE id = $1`,
    [id],
  );
  return r.rows[0]!;
}

const id = (v: unknown): number | null => (typeof v === 'number' && v ? v : null);

/** The computes `changed` fields trigger, in dependency order (a computed field triggers its own dependants). */
const DEPENDANTS: ReadonlyArray<[string, readonly string[]]> = [
  ['partner_invoice_id', ['partner_id']],
  ['partner_shipping_id', ['partner_id']],
  ['payment_term_id', ['partner_id']],
  ['pricelist_id', ['partner_id', 'company_id']],
  ['fiscal_position_id', ['partner_shipping_id', 'partner_id', 'company_id']],
  ['currency_id', ['pricelist_id', 'company_id']],
  ['currency_rate', ['currency_id', 'date_order', 'company_id']],
  ['user_id', ['partner_id']],
  ['team_id', ['partner_id', 'user_id']],
  ['require_signature', ['company_id']],
  ['require_payment', ['company_id']],
  ['prepayment_percent', ['require_payment']],
  ['validity_date', ['company_id']],
  ['note', ['partner_id']],
];

/**
 * Fills `values` (the order as it will be: stored row merged with vals) with the computes to
 * run: on create every one the vals do not give, on write those a written field triggers.
 * `record` is the stored row on write (null on create); `given` the fields the caller wrote.
 */
export async function precomputeOrder(ctx: CallContext, values: Vals, given: ReadonlySet<string>, record: Vals | null): Promise<Vals> {
  const changed = new Set<string>(record ? [...given] : []);
  const out: Vals = {};
  const companyId = id(values.company_id) ?? ctx.access.companyId!;
  const comp = await company(ctx, companyId);
  const partner = id(values.partner_id);
  const runs = (field: string, depends: readonly string[]) => !given.has(field) && (!record || depends.some((d) => changed.has(d)));
  for (const [field, depends] of DEPENDANTS) {
    if (!runs(field, depends)) continue;
    const value = await computeField(ctx, field, { ...values, ...out }, companyId, comp, partner, record);
    if (value === undefined) continue;
    out[field] = value;
    if (!record || !sameValue(record[field], value)) changed.add(field);
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return (a ?? false) === (b ?? false) || Number(a) === Number(b) && typeof a !== 'boolean';
}

async function computeField(ctx: CallContext, field: string, values: Vals, companyId: number, comp: CompanyRow, partner: number | null, record: Vals | null): Promise<unknown> {
  switch (field) {
    case 'partner_invoice_id':
      return partner ? await addressOf(ctx, partner, 'invoice') : false;
    case 'partner_shipping_id':
      return partner ? await addressOf(ctx, partner, 'delivery') : false;
    case 'payment_term_id':
      return partner ? (await companyDependentValue(ctx, 'res.partner', 'property_payment_term_id', partner, companyId)) ?? false : false;
    case 'pricelist_id':
      if ((values.state ?? 'draft') !== 'draft') return undefined;
      return partner ? (await orderPricelist(ctx, partner, companyId)) ?? false : false;
    case 'fiscal_position_id':
      return partner ? await fiscalPosition(ctx, partner, id(values.partner_shipping_id), companyId) : false;
    case 'currency_id': {
      const pricelist = id(values.pricelist_id);
      if (pricelist) {
        const r = await ctx.db.query<{ currency_id: number }>(`SELECT currency_id FROM product_pricelist WHERE id = $1`, [pricelist]);
        if (r.rows[0]?.currency_id) return r.rows[0].currency_id;
      }
      return comp.currency_id;
    }
    case 'currency_rate':
      return await conversionRate(ctx, comp.currency_id, id(values.currency_id) ?? comp.currency_id, companyId, values.date_order);
    case 'user_id': {
      if (!partner || (record && id(record.user_id))) return undefined;
      const r = await ctx.db.query<{ own: number | null; commercial: number | null }>(
        `SELECT p.user_id AS own, c.user_id AS commercial FROM res_partner p LEFT JOIN res_partner c ON c.id = p.commercial_partner_id WHERE p.id = $1`,
        [partner],
      );
      const row = r.rows[0];
      return row?.own ?? row?.commercial ?? ((await userHasGroup(ctx, ctx.uid, 'sales_team.group_sale_salesman')) ? ctx.uid : false);
    }
    case 'team_id': {
      const contextTeam = id(ctx.context.default_team_id) ?? id(values.team_id);
      return (await defaultTeam(ctx, id(values.user_id), companyId, contextTeam)) ?? false;
    }
    case 'require_signature':
      return !!comp.portal_confirmation_sign;
    case 'require_payment':
      return !!comp.portal_confirmation_pay;
    case 'prepayment_percent':
      return comp.prepayment_percent ?? 0;
    case 'validity_date': {
      const days = comp.quotation_validity_days ?? 0;
      return days > 0 ? addDays(await contextToday(ctx), days) : false;
    }
    case 'note':
      return await invoiceTerms(ctx, comp, partner);
    default:
      return undefined;
  }
}

/**
 * `account.fiscal.position._get_fiscal_position(partner, delivery)`: the delivery address's, else
 * the customer's, manually set position wins; the automatic positions (by country, state, zip,
 * VAT) are not ported: when the company has any, the clear refusal.
 */
async function fiscalPosition(ctx: CallContext, partner: number, delivery: number | null, companyId: number): Promise<number | false> {
  const manual = (delivery ? await companyDependentValue(ctx, 'res.partner', 'property_account_position_id', delivery, companyId) : null)
    ?? (await companyDependentValue(ctx, 'res.partner', 'property_account_position_id', partner, companyId));
  if (typeof manual === 'number') return manual;
  const auto = await ctx.db.query(`SELECT 1 FROM account_fiscal_position WHERE active AND auto_apply AND (company_id = $1 OR company_id IS NULL) LIMIT 1`, [companyId]);
  if (auto.rowCount) throw missingBehaviour('sale.order', 'the automatic fiscal positions (_get_fiscal_position by country, state, zip and VAT)');
  return false;
}

/**
 * `res.currency._get_conversion_rate(from, to, company, date)`: 1 for the same currency, else the
 * ratio of their rates on the order date (each currency's latest rate of the company, or without
 * company, up to that date; 1 without any).
 */
async function conversionRate(ctx: CallContext, from: number, to: number, companyId: number, dateOrder: unknown): Promise<number> {
  if (from === to) return 1;
  const day = typeof dateOrder === 'string' && dateOrder ? dateOrder.slice(0, 10) : new Date().toISOString().slice(0, 10);
  const rate = async (currency: number) => {
    const r = await ctx.db.query<{ rate: number }>(
      `SELECT rate FROM res_currency_rate WHERE currency_id = $1 AND name <= $2::date AND (company_id = $3 OR company_id IS NULL)
        ORDER BY company_id NULLS LAST, name DESC LIMIT 1`,
      [currency, day, companyId],
    );
    return r.rows[0]?.rate ?? 1;
  };
  return (await rate(to)) / (await rate(from));
}

/** `_compute_note`: nothing unless `account.use_invoice_terms`; then the company's plain terms in the customer's language, or the terms page link. */
async function invoiceTerms(ctx: CallContext, comp: CompanyRow, partner: number | null): Promise<unknown> {
  const param = await ctx.db.query<{ value: string }>(`SELECT value FROM ir_config_parameter WHERE key = 'account.use_invoice_terms'`);
  const enabled = param.rows[0]?.value;
  if (!enabled || enabled === 'False' || enabled === '0') return undefined;
  if (comp.terms_type === 'html') throw missingBehaviour('sale.order', 'the terms and conditions page link of the note (terms_type html)');
  let lang = ctx.lang;
  if (partner) {
    const r = await ctx.db.query<{ lang: string | null }>(`SELECT lang FROM res_partner WHERE id = $1`, [partner]);
    lang = r.rows[0]?.lang || lang;
  }
  const terms = comp.invoice_terms?.[lang] ?? comp.invoice_terms?.en_US ?? null;
  const empty = !terms || !terms.replace(/<[^>]*>/g, '').replace(/&nbsp;/g, '').trim();
  return empty ? undefined : terms;
}

/** `write()` override: a confirmed order's pricelist cannot change. */
export async function refuseConfirmedPricelist(ctx: CallContext, ids: number[], vals: Vals): Promise<void> {
  if (!('pricelist_id' in vals)) return;
  const r = await ctx.db.query(`SELECT 1 FROM sale_order WHERE id = ANY($1::int4[]) AND state = 'sale' LIMIT 1`, [ids]);
  if (r.rowCount) throw userError('You cannot change the pricelist of a confirmed order !');
}

