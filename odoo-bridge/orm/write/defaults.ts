import { valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { pythonFactsOf, type PythonDefault } from '../registry/python-field-facts.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import type { WriteEnv } from './write-env.ts';
import { modelIrDefaults } from './ir-default-values.ts';
import {
  commandsDefault, companiesFieldDefault, searchCountDefault, searchDefault, companyRoot, contextYearStart, contextDefault, contextToday, firstOfDefault, userCompanyCurrency, randomTextDefault, userLangDecimalPoint, userTimezone, utcToday, uuidDefault,
} from './context-env-defaults.ts';

/**
 * `default_get` for create, in Odoo's precedence (lowest first): the Python field defaults of
 * the installed modules (literal ones and those that only need the environment, extracted from
 * the sources: registry/python-field-facts.ts), then Python defaults registered as behaviour
 * (the ones that run code), then `ir_default` (company value over the global one), then
 * `default_<field>` keys of the context. Log columns are not defaults: the INSERT sets them.
 */
export async function collectDefaults(w: WriteEnv, model: ModelInfo, given?: Vals): Promise<Vals> {
  const overriding = await registeredAndStoredDefaults(w, model);
  const searched = given ? await missingSearchDefaults(w.ctx, model, (name) => name in given || name in overriding) : {};
  return { ...(await pythonDefaults(w.ctx, model)), ...searched, ...overriding };
}

/**
 * The Python defaults that search (`self.env['utm.stage'].search([], limit=1)`), for a create: only
 * the fields its values lack and no other default gives, as `_add_missing_default_values` asks
 * `default_get` for the missing fields alone — the search runs as the user and may be refused.
 */
async function missingSearchDefaults(ctx: CallContext, model: ModelInfo, provided: (name: string) => boolean): Promise<Vals> {
  const defaults: Vals = {};
  for (const [name, value] of pythonFactsOf(ctx.registry, model).defaults) {
    if (!('search' in value) || provided(name) || !model.fields.get(name)?.column) continue;
    const evaluated = await evaluateDefault(ctx, value, model);
    if (evaluated !== undefined) defaults[name] = Array.isArray(evaluated) ? (evaluated[0] ?? false) : evaluated;
  }
  return defaults;
}

/** The Python defaults of `model`'s stored fields (or of `only` of them), evaluated for this call. */
export async function pythonDefaults(ctx: CallContext, model: ModelInfo, only?: ReadonlySet<string>): Promise<Vals> {
  const defaults: Vals = {};
  if (model.activeField) defaults[model.activeField] = true;
  for (const [name, value] of pythonFactsOf(ctx.registry, model).defaults) {
    const field = model.fields.get(name);
    // A search default runs as the user and may be refused: create evaluates every default, given
    // fields too, so it is left to default_get (Odoo's create only computes the missing ones).
    if (!field?.column || (only && !only.has(name)) || 'search' in value || 'searchCount' in value) continue;
    const evaluated = await evaluateDefault(ctx, value, model);
    if (evaluated !== undefined) defaults[name] = evaluated;
  }
  return defaults;
}

async function registeredAndStoredDefaults(w: WriteEnv, model: ModelInfo): Promise<Vals> {
  const defaults: Vals = {};
  for (const b of w.behaviours.of(model.name)) if (b.defaults) Object.assign(defaults, await b.defaults(w.ctx));
  // ir.default rows of this user/company scope, read now (ir.default.set answers the next create).
  for (const [name, value] of await modelIrDefaults(w.ctx, model)) {
    const field = model.fields.get(name);
    // Company-dependent defaults stay in ir_default: Odoo reads them as the fallback, it never copies them onto rows.
    if (!field || (field.companyDependent && field.columnType === 'jsonb')) continue;
    defaults[name] = value;
  }
  for (const [key, value] of Object.entries(w.ctx.context)) {
    if (!key.startsWith('default_')) continue;
    const name = key.slice('default_'.length);
    // Odoo ignores context defaults of unknown fields.
    if (model.fields.has(name)) defaults[name] = value;
  }
  return defaults;
}

/**
 * A Python default's value in this call's environment: `self.env.company`, `self.env.user`,
 * `self.env.user.partner_id`, `self.env.company.currency_id`, `self.env.lang`,
 * `fields.Date.context_today` (the context's tz, else the user's), `fields.Date.today` and
 * `fields.Datetime.now` (UTC); the context, user and random ones in context-env-defaults.ts.
 * `randint(a, b)` (tag colours) and uuid4s are drawn per call, as Odoo draws them per default_get.
 */
export async function evaluateDefault(ctx: CallContext, value: PythonDefault, model?: ModelInfo): Promise<unknown> {
  if ('literal' in value) return value.literal;
  if ('random' in value) return randomInteger(value.random[0], value.random[1]);
  if ('uuid' in value) return uuidDefault(value);
  if ('randomText' in value) return randomTextDefault(value);
  if ('context' in value) return contextDefault(ctx, value, evaluateDefault);
  if ('firstOf' in value) return firstOfDefault(ctx, value, evaluateDefault);
  if ('companiesField' in value) return companiesFieldDefault(ctx, value);
  if ('commands' in value) return commandsDefault(value);
  if ('search' in value) return searchDefault(ctx, value, evaluateDefault);
  if ('searchCount' in value) return searchCountDefault(ctx, value, evaluateDefault);
  // The registry's selection of the model's field (module-extended selections included).
  if ('selectionCount' in value) return model?.fields.get(value.selectionCount)?.selection?.length;
  // `_('New')`: the source text is the en_US one; other languages' code translations (the modules'
  // i18n/*.po) are not loaded by Ficus, so the default is left out rather than answered untranslated.
  if ('translated' in value) return ctx.lang === 'en_US' ? value.translated : undefined;
  if ('xmlid' in value) return recordOfXmlid(ctx, value.xmlid, value.raiseIfMissing);
  if ('companyField' in value) return companyFieldValue(ctx, value.companyField);
  if ('precision' in value) {
    // decimal_precision.py `precision_get`: the digits of the precision of that name, else 2.
    const r = await ctx.db.query<{ digits: number }>(`SELECT digits FROM decimal_precision WHERE name = $1`, [value.precision]);
    return r.rows[0]?.digits ?? 2;
  }
  switch (value.env) {
    case 'company':
      return ctx.access.companyId ?? undefined;
    case 'user':
      return ctx.uid;
    case 'user_ids':
      return [[6, 0, [ctx.uid]]];
    case 'user_tz':
      return userTimezone(ctx);
    case 'company_root':
      return companyRoot(ctx);
    case 'user_lang_decimal_point':
      return userLangDecimalPoint(ctx);
    case 'user_company_currency':
      return userCompanyCurrency(ctx);
    case 'lang':
      return ctx.lang;
    case 'user_partner': {
      const r = await ctx.db.query<{ partner_id: number }>(`SELECT partner_id FROM res_users WHERE id = $1`, [ctx.uid]);
      return r.rows[0]?.partner_id ?? undefined;
    }
    case 'company_currency': {
      if (ctx.access.companyId == null) return undefined;
      const r = await ctx.db.query<{ currency_id: number | null }>(`SELECT currency_id FROM res_company WHERE id = $1`, [ctx.access.companyId]);
      return r.rows[0]?.currency_id ?? undefined;
    }
    case 'today':
      return contextToday(ctx);
    case 'today_year_start':
      return contextYearStart(ctx);
    case 'today_utc':
      return utcToday();
    case 'now':
      return new Date().toISOString().slice(0, 19).replace('T', ' ');
  }
}

/**
 * `self.env.ref(xmlid)`: the record's id when ir.model.data names an existing record; else
 * False with `raise_if_not_found=False`, or api.py's ValueError.
 */
async function recordOfXmlid(ctx: CallContext, xmlid: string, raiseIfMissing: boolean): Promise<number | false> {
  const dot = xmlid.indexOf('.');
  const r = await ctx.db.query<{ model: string; res_id: number }>(`SELECT model, res_id FROM ir_model_data WHERE module = $1 AND name = $2`, [xmlid.slice(0, dot), xmlid.slice(dot + 1)]);
  const row = r.rows[0];
  if (!row) {
    if (raiseIfMissing) throw valueError(`External ID not found in the system: ${xmlid}`);
    return false;
  }
  // The table is the registry's name for the model (an identifier, not caller input), quoted as one.
  const table = ctx.registry.model(row.model)?.table;
  if (table && (await ctx.db.query(`SELECT 1 FROM "${table.replaceAll('"', '""')}" WHERE id = $1`, [row.res_id])).rowCount) return row.res_id;
  if (raiseIfMissing) throw valueError(`No record found for unique ID ${xmlid}. It may have been deleted.`);
  return false;
}

/**
 * `self.env.company.<field>` for a stored column of res.company (a many2one as its id, NULL as
 * False); a field without a column is computed by code the engine does not run: no value.
 */
async function companyFieldValue(ctx: CallContext, name: string): Promise<unknown> {
  const field = ctx.registry.model('res.company')?.fields.get(name);
  if (!field?.column || ctx.access.companyId == null) return undefined;
  const r = await ctx.db.query<{ value: unknown }>(`SELECT "${field.column.replaceAll('"', '""')}" AS value FROM res_company WHERE id = $1`, [ctx.access.companyId]);
  const value = r.rows[0]?.value;
  return value === null || value === undefined ? false : value;
}

/** Python's `random.randint(low, high)`: both bounds included. */
function randomInteger(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}
