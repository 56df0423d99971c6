import { hasFieldSql } from '../sql/related-sql.ts';
import { isSearchable } from './field-searchable.ts';
import type { CallContext } from '../call-context.ts';
import { NUMERIC_TYPES, translated, type FieldInfo, type ModelInfo } from '../registry/types.ts';
import type { MethodTable } from './method.ts';
import { pythonDigitsOf, pythonFactsOf } from '../registry/python-field-facts.ts';
import { fieldDepends } from '../registry/python-field-facts-depends.ts';
import { evaluateDefault } from '../write/defaults.ts';
import { reifiedGroupFields } from './user-reified-groups.ts';

/**
 * `default_get(fields_list)`, per field: `context.default_<field>`, else the `ir_default` value,
 * else the Python default of the field as the installed modules define it (literal, or one that
 * only needs the environment: company, user, currency, lang, today/now; extracted from the
 * sources, registry/python-field-facts.ts), else `tz` = the context's, else nothing (the field is
 * left out, as Odoo does for fields without default, and for defaults computed by code Ficus
 * does not run).
 */
async function defaultOf(ctx: CallContext, model: ModelInfo, name: string): Promise<{ found: boolean; value?: unknown }> {
  const key = `default_${name}`;
  if (key in ctx.context) return { found: true, value: ctx.context[key] };
  const company = ctx.access.companyId;
  const stored = ctx.registry.defaults.get(`${model.name}.${name}@${company}`) ?? ctx.registry.defaults.get(`${model.name}.${name}`);
  if (stored !== undefined) return { found: true, value: stored };
  const python = pythonFactsOf(ctx.registry, model).defaults.get(name);
  if (python) {
    const value = await evaluateDefault(ctx, python);
    if (value !== undefined) return { found: true, value };
  }
  // res.partner `tz = fields.Selection(_tzs, default=lambda self: self._context.get('tz'))`.
  if (model.name === 'res.partner' && name === 'tz') return { found: true, value: ctx.tz ?? false };
  if (name === model.activeField) return { found: true, value: true };
  return { found: false };
}

/**
 * `fields_get` attributes set by a field's Python definition, which the database does not keep
 * (read from Odoo 18's sources): `aggregator=False` on a colour index, `digits=0` ("no rounding")
 * on unit ratios. Fields not listed get their type's defaults below. (`depends` is the rule of
 * registry/python-field-facts-depends.ts, for every model.)
 */
const KNOWN_DESCRIPTION_ATTRIBUTES: Record<string, Record<string, Record<string, unknown>>> = {
  'res.partner.category': { color: { aggregator: false } },
  'uom.uom': { factor: { digits: 0 }, factor_inv: { digits: 0 }, rounding: { digits: 0 } },
};

/** `fields_get` description of one field (odoo/fields.py `get_description`, keys Odoo 18 emits). */
function describe(ctx: CallContext, model: ModelInfo, field: FieldInfo, precisions: ReadonlyMap<string, number>): Record<string, unknown> {
  const relational = field.type === 'many2one' || field.type === 'one2many' || field.type === 'many2many';
  const stored = field.store && (!!field.column || relational || field.attachment);
  const d: Record<string, unknown> = {
    change_default: false,
    company_dependent: field.companyDependent,
    default_export_compatible: false,
    // Odoo answers the compute's `@api.depends` (get_depends), which ir_model_fields keeps only for
    // manual fields; a callable Ficus does not evaluate leaves the database's answer.
    depends: [...(fieldDepends(ctx.registry, model, field) ?? field.depends)],
    exportable: true,
    // fields.py `_description_groupable` / `_description_sortable`: a stored column, else whether
    // `_field_to_sql` gives the field SQL (sudo related paths of many2ones, Python overrides).
    groupable: hasFieldSql(ctx.registry, model, field).groupable,
    manual: field.manual,
    name: field.name,
    readonly: field.readonly || field.name === 'id',
    required: field.required,
    searchable: isSearchable(ctx.registry, model, field),
    sortable: hasFieldSql(ctx.registry, model, field).sortable,
    store: field.store,
    string: translated(field.label, ctx.lang),
    type: field.type,
  };
  if (field.help && translated(field.help, ctx.lang)) d.help = translated(field.help, ctx.lang);
  if (field.related) d.related = field.related;
  if (field.type === 'char' || field.type === 'text' || field.type === 'html') d.translate = field.translate || (field.columnType === 'jsonb');
  if (field.type === 'html') {
    // fields.Html `_description_sanitize*` / `_description_strip_*` (sanitize_form is not described);
    // a field that does not sanitize keeps the class defaults of the other flags.
    const flags = field.htmlSanitize;
    Object.assign(d, {
      sanitize: !!flags,
      sanitize_tags: flags?.tags ?? true,
      sanitize_attributes: flags?.attributes ?? true,
      sanitize_style: flags?.style ?? false,
      strip_style: flags?.stripStyle ?? false,
      strip_classes: flags?.stripClasses ?? false,
    });
  }
  if (field.type === 'char') {
    d.trim = true;
    if (field.size) d.size = field.size;
  }
  // Python-only attribute (fields.py `_description_aggregator`): the class default 'sum' of
  // Integer/Float/Monetary shows for stored columns; a non-stored field cannot aggregate. `id` is
  // fields.Id (no aggregator) and Integer makes a field named `sequence` None. Per-field
  // overrides (e.g. aggregator=False) are not in the database: KNOWN_DESCRIPTION_ATTRIBUTES.
  if (NUMERIC_TYPES.has(field.type) && field.column && field.name !== 'id' && !(field.type === 'integer' && field.name === 'sequence')) d.aggregator = 'sum';
  if (field.type === 'float') {
    // fields.py Float.get_digits: the (precision, scale) given, or (16, the named decimal.precision's
    // digits, 2 when no such record); no `digits` when the field sets none.
    const digits = pythonDigitsOf(ctx.registry, model.name, field.name);
    if (Array.isArray(digits)) d.digits = [...digits];
    else if (digits) d.digits = [16, precisions.get(digits.precision) ?? 2];
  }
  if (field.type === 'monetary') {
    // Python default of Monetary.currency_field: `currency_id` (or `x_currency_id`) of the model.
    const currency = field.currencyField ?? ['currency_id', 'x_currency_id'].find((n) => model.fields.has(n));
    if (currency) d.currency_field = currency;
  }
  if (relational) {
    d.relation = field.relation;
    d.context = {};
    d.domain = [];
    if (field.type === 'one2many' && field.relationField) d.relation_field = field.relationField;
  }
  Object.assign(d, KNOWN_DESCRIPTION_ATTRIBUTES[model.name]?.[field.name]);
  if (field.type === 'selection') {
    // `lang` selections are dynamic in Python (`_lang_get`): the active languages.
    d.selection = field.selection?.length || field.name !== 'lang'
      ? (field.selection ?? []).map(([k, label]) => [k, translated(label, ctx.lang)])
      : [...ctx.registry.languageNames].map(([code, name]) => [code, name]);
  }
  return d;
}

/** decimal.precision digits by name, read only when one of the model's Float fields names one. */
async function decimalPrecisionsFor(ctx: CallContext, model: ModelInfo): Promise<ReadonlyMap<string, number>> {
  const namesPrecision = (f: FieldInfo) => {
    const digits = f.type === 'float' ? pythonDigitsOf(ctx.registry, model.name, f.name) : undefined;
    return !!digits && !Array.isArray(digits);
  };
  if (![...model.fields.values()].some(namesPrecision)) return new Map();
  const rows = (await ctx.db.query<{ name: string; digits: number }>('SELECT name, digits FROM decimal_precision')).rows;
  return new Map(rows.map((r) => [r.name, r.digits]));
}

export const META_METHODS: MethodTable = {
  fields_get: {
    api: 'model',
    signature: { qualname: 'BaseModel.fields_get', params: [{ name: 'allfields', default: null }, { name: 'attributes', default: null }] },
    async run(ctx, model, a) {
      const wanted = Array.isArray(a.allfields) && a.allfields.length ? new Set(a.allfields.map(String)) : null;
      const attributes = Array.isArray(a.attributes) ? new Set(a.attributes.map(String)) : null;
      const result: Record<string, unknown> = {};
      const precisions = await decimalPrecisionsFor(ctx, model);
      for (const name of model.fieldOrder) {
        if (wanted && !wanted.has(name)) continue;
        const field = model.fields.get(name)!;
        // Fields with groups the user is not in do not exist for them (access/field-groups.ts).
        if (!ctx.fieldAccess.accessible(model, field)) continue;
        const full = describe(ctx, model, field, precisions);
        result[name] = attributes ? Object.fromEntries(Object.entries(full).filter(([k]) => attributes.has(k))) : full;
      }
      // res.users adds its reified group fields, described in full whatever `attributes` asks.
      if (model.name === 'res.users') {
        for (const reified of await reifiedGroupFields(ctx)) if (!wanted || wanted.has(reified.name)) result[reified.name] = reified.description;
      }
      return result;
    },
  },
  default_get: {
    api: 'model',
    signature: { qualname: 'BaseModel.default_get', params: [{ name: 'fields_list' }] },
    async run(ctx, model, a) {
      const result: Record<string, unknown> = {};
      for (const name of Array.isArray(a.fields_list) ? a.fields_list.map(String) : []) {
        if (!model.fields.has(name)) continue;
        const d = await defaultOf(ctx, model, name);
        if (d.found) result[name] = d.value;
      }
      return result;
    },
  },
};
