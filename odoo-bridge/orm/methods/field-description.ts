import { sql } from 'kysely';
import { selectOverrideAccepts } from '../meta/aggregate-overrides.ts';
import { fieldGroups, relatedTarget } from '../access/field-groups.ts';
import type { CallContext } from '../call-context.ts';
import { compileWhere } from '../domain/compile.ts';
import { pyRepr } from '../domain/python-repr.ts';
import { nextAlias, type Sql } from '../domain/search-env.ts';
import { COMPUTED_AS_RELATED } from '../read/computed-as-related.ts';
import { PYTHON_FIELD_DESCRIPTIONS } from '../registry/python-field-description.generated.ts';
import { checkCompanyDomainKind, pythonDescriptionOf, type DescriptionParams, type MergedDefinition } from '../registry/python-field-description.ts';
import { fieldDepends } from '../registry/python-field-facts-depends.ts';
import { declaredDigits } from '../registry/float-digits.ts';
import { NUMERIC_TYPES, translated, type FieldInfo, type ModelInfo } from '../registry/types.ts';
import { hasFieldSql } from '../sql/related-sql.ts';
import { run } from '../sql/execute.ts';
import { orderToSql } from '../sql/order.ts';
import { isSearchable } from './field-searchable.ts';

/**
 * fields_get's description of one field: odoo/fields.py `get_description`, which reads every
 * `_description_<attr>` property of the field's class and keeps the values that are not None.
 *
 * The parameters come from the field's Python definitions merged as `_get_attrs` does
 * (registry/python-field-description.ts; `ir_model_fields` keeps only part of them), with the
 * class defaults of fields.py where a definition sets none. A related field, and an `_inherits`
 * field (models.py `_add_inherited_fields` makes them related), takes what its own definition
 * does not set from its target through the `_related_<attr>` properties (`setup_related`):
 * string, help, groups, aggregator, digits, translate, size, trim, context, domain (a string
 * domain only when the target is itself inherited), model_field, and a Selection's whole
 * selection (`setup_related` makes it the target's `_description_selection`).
 */

/** What one fields_get call reads once for all fields (decimal precisions, dynamic selections). */
export interface DescriptionEnv {
  readonly ctx: CallContext;
  readonly precisions: ReadonlyMap<string, number>;
  /** Record ids of the xml ids string-domain lambdas format in (`self.env.ref(...).id`). */
  readonly xmlids: ReadonlyMap<string, number>;
  readonly selections: Map<string, Promise<Array<[string, string]> | undefined>>;
}

export async function descriptionEnv(ctx: CallContext): Promise<DescriptionEnv> {
  const rows = (await ctx.db.query<{ name: string; digits: number }>('SELECT name, digits FROM decimal_precision')).rows;
  // (module, name) pairs, so the lookup uses ir_model_data's unique index, not a scan of every xml id.
  const refs = FORMATTED_DOMAIN_XMLIDS.length
    ? (await ctx.db.query<{ xmlid: string; res_id: number }>(
        `SELECT d.module || '.' || d.name AS xmlid, d.res_id FROM ir_model_data d JOIN unnest($1::text[], $2::text[]) AS x(module, name) ON d.module = x.module AND d.name = x.name`,
        [FORMATTED_DOMAIN_XMLIDS.map((x) => x.slice(0, x.indexOf('.'))), FORMATTED_DOMAIN_XMLIDS.map((x) => x.slice(x.indexOf('.') + 1))],
      )).rows
    : [];
  return { ctx, precisions: new Map(rows.map((r) => [r.name, r.digits])), xmlids: new Map(refs.map((r) => [r.xmlid, r.res_id])), selections: new Map() };
}

type Target = { model: ModelInfo; field: FieldInfo } | null;

/** Every xml id a formatted string domain of the installed sources names (read once per fields_get). */
const FORMATTED_DOMAIN_XMLIDS: string[] = [...new Set(Object.values(PYTHON_FIELD_DESCRIPTIONS).flatMap((fields) =>
  Object.values(fields).flatMap((defs) => defs.flatMap((d) => (d.params?.domain && 'format' in d.params.domain ? d.params.domain.refs : [])))))];

function targetOf(env: DescriptionEnv, model: ModelInfo, field: FieldInfo): Target {
  return relatedTarget(env.ctx.registry, model, field);
}

function known<T>(value: T | { unknown: string } | undefined): value is T {
  return value !== undefined && !(value !== null && typeof value === 'object' && 'unknown' in (value as object));
}

function paramsOf(env: DescriptionEnv, model: ModelInfo, field: FieldInfo): MergedDefinition | null {
  return pythonDescriptionOf(env.ctx.registry, model.name, field.name);
}

/** A parameter of the field's own definitions, else its related target's (`_related_<attr>`), else undefined. */
function ownOrRelated<K extends keyof DescriptionParams>(env: DescriptionEnv, model: ModelInfo, field: FieldInfo, key: K, depth = 0): DescriptionParams[K] | undefined {
  const own = paramsOf(env, model, field)?.params;
  if (own && key in own) return own[key];
  const target = depth < 16 ? targetOf(env, model, field) : null;
  return target ? ownOrRelated(env, target.model, target.field, key, depth + 1) : undefined;
}

/** fields.py `_String.translate` as `_description_translate` gives it (bool). */
function translateOf(env: DescriptionEnv, model: ModelInfo, field: FieldInfo, depth = 0): boolean {
  const merged = paramsOf(env, model, field);
  if (merged && 'translate' in merged.params) return !!merged.params.translate;
  const target = depth < 16 ? targetOf(env, model, field) : null;
  if (target) return translateOf(env, target.model, target.field, depth + 1);
  // No Python definition (manual fields): what the database recorded.
  return merged ? false : field.translate;
}

/** The aggregator attribute (before `_description_aggregator`'s SQL check): own, related target's, else the class default. */
function aggregatorOf(env: DescriptionEnv, model: ModelInfo, field: FieldInfo, depth = 0): string | false | null {
  const merged = paramsOf(env, model, field);
  if (merged && 'aggregator' in merged.params) {
    const value = merged.params.aggregator;
    return known(value) ? (value as string | false | null) : null;
  }
  // fields.Integer `_get_attrs`: a field named `sequence` without an aggregator gets None (kept over a related target's).
  if (field.type === 'integer' && field.name === 'sequence') return null;
  const target = depth < 16 ? targetOf(env, model, field) : null;
  if (target) return aggregatorOf(env, target.model, target.field, depth + 1);
  if (field.name === 'id') return null; // fields.Id
  return NUMERIC_TYPES.has(field.type) ? 'sum' : null;
}

/** A Float's digits: `(precision, scale)`, `0`, or undefined (none). */
export function digitsOf(env: DescriptionEnv, model: ModelInfo, field: FieldInfo): [number, number] | number | undefined {
  const raw = declaredDigits(env.ctx.registry, model, field);
  if (Array.isArray(raw)) return [raw[0] as number, raw[1] as number];
  if (typeof raw === 'number') return raw;
  if (raw && typeof raw === 'object' && 'precision' in raw) return [16, env.precisions.get((raw as { precision: string }).precision) ?? 2];
  return undefined;
}

/**
 * The raw `domain` attribute of a relational field (before check_company), as the value
 * `_description_domain` starts from: a list, a string, or null (absent). `viaRelated`: asked by a
 * related field, which takes a target's string domain only when the target is inherited.
 */
function rawDomainOf(env: DescriptionEnv, model: ModelInfo, field: FieldInfo, depth = 0): { value: unknown[] | string | null; repr?: string; callable?: boolean } {
  const merged = paramsOf(env, model, field);
  const own = merged?.params.domain;
  if (own) {
    if ('list' in own) return { value: own.list, repr: own.repr };
    if ('str' in own) return { value: own.str };
    if ('lambda' in own) return { value: evaluateLambda(env, own.lambda, model.name) as unknown[] };
    if ('format' in own) {
      const ids = own.refs.map((xmlid) => env.xmlids.get(xmlid));
      if (ids.every((id) => id !== undefined)) return { value: pythonFormat(own.format, ids as number[]), callable: true };
    }
    return { value: [] };
  }
  const target = depth < 16 ? targetOf(env, model, field) : null;
  if (!target) return { value: [] };
  const inner = rawDomainOf(env, target.model, target.field, depth + 1);
  // `_related_domain`: a string domain is an expression over the target's model, meaningless here
  // unless the target is itself an inherited field (a callable's string result likewise).
  if (typeof inner.value === 'string' && !target.field.inheritedVia) return { value: null };
  return inner;
}

/** A domain lambda's literals with `self._name` and the environment's company, companies and user. */
function evaluateLambda(env: DescriptionEnv, value: unknown, model: string): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluateLambda(env, v, model));
  if (value && typeof value === 'object') {
    if ((value as { $model?: unknown }).$model === true) return model;
    const kind = (value as { $env?: string }).$env;
    const access = env.ctx.access as { companyId: number | null; companyIds?: readonly number[]; uid: number };
    if (kind === 'company') return access.companyId ?? false;
    if (kind === 'companies') return [...(access.companyIds ?? (access.companyId ? [access.companyId] : []))];
    if (kind === 'uid') return access.uid;
  }
  return value;
}

/** Python's `str.format` with positional `{}` / `{n}` fields, as the string domain lambdas use it. */
function pythonFormat(template: string, args: readonly number[]): string {
  let next = 0;
  return template.replace(/\{(\d*)\}/g, (_m, index: string) => String(args[index === '' ? next++ : Number(index)]));
}

/** `comodel._check_company_domain(companies)` as the string fields_get embeds (companies: an `unquote` expression, or '' for none). */
function checkCompanyDomain(env: DescriptionEnv, comodel: string, companies: string): string {
  const kind = checkCompanyDomainKind(env.ctx.registry, comodel);
  // account.account: `models.check_companies_domain_parent_of`.
  if (kind === 'companies_parent_of') return companies === '' ? "[('company_ids', 'parent_of', '')]" : `[('company_ids', 'parent_of', ${companies})]`;
  if (kind === 'parent_of') return `['|', ('company_id', '=', False), ('company_id', 'parent_of', ${companies === '' ? "''" : companies})]`;
  if (kind === 'company_ids') return companies === '' ? '[]' : `[('company_ids', 'in', ${companies})]`;
  // BaseModel's (models.py): no companies → shared records only.
  return companies === '' ? "[('company_id', '=', False)]" : `[('company_id', 'in', ${companies} + [False])]`;
}

/** fields.py `_Relational._description_domain`: the domain, wrapped in the company check when `check_company`. */
function domainOf(env: DescriptionEnv, model: ModelInfo, field: FieldInfo): unknown {
  const raw = rawDomainOf(env, model, field);
  const checkCompany = paramsOf(env, model, field)?.params.check_company === true;
  if (!checkCompany || !field.relation) return raw.value;
  let cids: string;
  let fieldToCheck: string | null = null;
  if (field.companyDependent) cids = '[allowed_company_ids[0]]';
  else if (model.name === 'res.company') cids = '[id]';
  else if (model.fields.has('company_id')) [cids, fieldToCheck] = ['[company_id]', 'company_id'];
  else if (model.fields.has('company_ids')) [cids, fieldToCheck] = ['company_ids', 'company_ids'];
  else return raw.value;
  const domainText = typeof raw.value === 'string' ? (raw.value || '[]') : raw.value?.length ? (raw.repr ?? pyRepr(raw.value)) : '[]';
  const companyDomain = checkCompanyDomain(env, field.relation, cids);
  if (!fieldToCheck) return `${companyDomain} + ${domainText}`;
  return `(${fieldToCheck} and ${companyDomain} or ${checkCompanyDomain(env, field.relation, '')}) + (${domainText})`;
}

/**
 * A Selection's `_description_selection`: a related field's is its target's; a method or
 * callable selection is evaluated (the ones the installed modules define, see DYNAMIC_SELECTIONS);
 * a literal one is what `ir_model_fields_selection` holds, translated.
 */
async function selectionOf(env: DescriptionEnv, model: ModelInfo, field: FieldInfo, depth = 0): Promise<unknown[]> {
  const target = depth < 16 ? targetOf(env, model, field) : null;
  if (target && (target.field.type === 'selection' || target.field.type === 'reference')) return selectionOf(env, target.model, target.field, depth + 1);
  const spec = paramsOf(env, model, field)?.params.selection;
  if (spec) {
    const dynamic = await dynamicSelection(env, model, 'method' in spec ? spec.method : spec.callable);
    if (dynamic) return dynamic;
  }
  // `lang` selections are dynamic in Python (`_lang_get`): the active languages.
  if (!field.selection?.length && field.name === 'lang') return [...env.ctx.registry.languageNames].map(([code, name]) => [code, name]);
  return (field.selection ?? []).map(([k, label]) => [k, translated(label, env.ctx.lang)]);
}

/** ir.model records (model, name in the context language), sudo, in ir.model's `_order`, matching `domain`. */
async function irModelSelection(env: DescriptionEnv, domain: unknown[]): Promise<Array<[string, string]> | undefined> {
  const irModel = env.ctx.registry.model('ir.model');
  if (!irModel?.table) return undefined;
  const search = env.ctx.searchEnv({ sudo: true });
  const alias = nextAlias(search, irModel);
  const where = compileWhere(search, irModel, domain, alias);
  const joins: Sql[] = [];
  const order = orderToSql(search, irModel, alias, irModel.order, joins);
  const rows = await run<{ model: string; name: Record<string, string> | string }>(
    env.ctx.db,
    sql`SELECT ${sql.ref(`${alias}.model`)} AS model, ${sql.ref(`${alias}.name`)} AS name FROM ir_model AS ${sql.table(alias)} ${sql.join(joins, sql` `)} WHERE ${where}${order.length ? sql` ORDER BY ${sql.join(order)}` : sql``}`,
  );
  return rows.map((r) => [r.model, typeof r.name === 'string' ? r.name : translated(r.name, env.ctx.lang)]);
}

/**
 * Selection methods of the installed modules, by name (the sources they come from): each
 * evaluated as its Python does. A method not listed keeps the database's selection.
 */
const DYNAMIC_SELECTIONS: Record<string, (env: DescriptionEnv, model: ModelInfo) => Promise<Array<[string, string]> | undefined>> = {
  // base/models/ir_actions.py, mail/wizard/mail_template_preview.py, sms, privacy_lookup: every model.
  _selection_target_model: (env) => irModelSelection(env, []),
  // mail/models/mail_activity_type.py, mail_activity_plan.py: the non-transient mail.thread models.
  _get_model_selection: (env) => irModelSelection(env, ['&', ['is_mail_thread', '=', true], ['transient', '=', false]]),
  // base/models/ir_filters.py `_list_all_models`: every model by its name in the language.
  _list_all_models: async (env) => {
    const rows = await run<{ model: string; name: string }>(
      env.ctx.db,
      sql`SELECT model, COALESCE(name->>${env.ctx.lang}, name->>'en_US') AS name FROM ir_model ORDER BY 2`,
    );
    return rows.map((r) => [r.model, r.name]);
  },
  // base/wizard/base_export_language.py: a new template, then the installed languages.
  _get_languages: async (env) => [['__new__', 'New Language (Empty translation template)'], ...env.ctx.registry.languageNames],
  // base/models/res_partner.py `_lang_get`: `res.lang.get_installed()`.
  _lang_get: async (env) => [...env.ctx.registry.languageNames],
  // account/models/account_journal.py: the sources modules add to "Undefined Yet" (none installed here adds one).
  _get_bank_statements_available_sources: async () => [['undefined', 'Undefined Yet']],
  // base/models/res_users.py `_selection_duration`: every duration for the system group, else up to
  // the longest `api_key_duration` of the user's groups (1 day when none), then "Custom Date".
  _selection_duration: async (env) => {
    const durations: Array<[string, string]> = [['1', '1 Day'], ['7', '1 Week'], ['30', '1 Month'], ['90', '3 Months'], ['180', '6 Months'], ['365', '1 Year']];
    const custom: [string, string] = ['-1', 'Custom Date'];
    if (env.ctx.access.isSystem) return [...durations, ['0', 'Persistent Key'], custom];
    const rows = (await env.ctx.db.query<{ max: string | null }>(
      'SELECT max(g.api_key_duration) AS max FROM res_groups g JOIN res_groups_users_rel r ON r.gid = g.id WHERE r.uid = $1',
      [env.ctx.access.uid],
    )).rows;
    const longest = Number(rows[0]?.max ?? 0) || 1;
    return [...durations.filter(([days]) => Number(days) <= longest), custom];
  },
  // base/models/res_bank.py `get_supported_account_types` (base_iban adds IBAN).
  "lambda x: x.env['res.partner.bank'].get_supported_account_types()": async (env) =>
    [['bank', 'Normal'], ...(env.ctx.registry.modules.has('base_iban') ? [['iban', 'IBAN'] as [string, string]] : [])],
  // base/models/res_partner.py `_tz_get` returns `_tzs`, res.partner.tz's literal selection.
  _tz_get: async (env) => {
    const tz = env.ctx.registry.model('res.partner')?.fields.get('tz');
    return tz?.selection?.length ? tz.selection.map(([k, label]) => [k, translated(label, env.ctx.lang)]) : undefined;
  },
};

async function dynamicSelection(env: DescriptionEnv, model: ModelInfo, method: string): Promise<Array<[string, string]> | undefined> {
  const evaluate = DYNAMIC_SELECTIONS[method];
  if (!evaluate) return undefined;
  let pending = env.selections.get(method);
  if (!pending) env.selections.set(method, (pending = evaluate(env, model)));
  return pending;
}

/** `fields_get` description of one field (odoo/fields.py `get_description`, keys Odoo 18 emits). */
export async function describeField(env: DescriptionEnv, model: ModelInfo, field: FieldInfo): Promise<Record<string, unknown>> {
  const { ctx } = env;
  const relational = field.type === 'many2one' || field.type === 'one2many' || field.type === 'many2many';
  const merged = paramsOf(env, model, field);
  const own = merged?.params ?? {};
  // Computes Ficus reads through a path (read/computed-fields.ts) are computed fields in Odoo, not related ones.
  const related = field.related && COMPUTED_AS_RELATED[`${model.name}.${field.name}`] !== field.related ? field.related : null;
  // models.py `_traverse_related_sql`: a related field gives no SQL (not sortable, not groupable)
  // unless it computes as superuser (`compute_sudo`, by default `related_sudo`, True) or is inherited,
  // or the caller is the superuser.
  const relatedNotSudo = !!related && !field.store && !field.inheritedVia && !ctx.access.superuser
    && (known(own.compute_sudo) ? own.compute_sudo === false : known(own.related_sudo) && own.related_sudo === false);
  const fieldSql = relatedNotSudo ? { sortable: false, groupable: false } : hasFieldSql(ctx.registry, model, field);
  const d: Record<string, unknown> = {
    change_default: known(own.change_default) ? own.change_default : false,
    company_dependent: field.companyDependent,
    default_export_compatible: known(own.default_export_compatible) ? own.default_export_compatible : false,
    // Odoo answers the compute's `@api.depends` (get_depends), which ir_model_fields keeps only for
    // manual fields; a callable Ficus does not evaluate leaves the database's answer.
    depends: [...(fieldDepends(ctx.registry, model, field) ?? field.depends)],
    exportable: known(own.exportable) ? own.exportable : true,
    // fields.py `_description_groupable` / `_description_sortable`: a stored column, else whether
    // `_field_to_sql` gives the field SQL (sudo related paths of many2ones, Python overrides).
    groupable: fieldSql.groupable,
    manual: field.manual,
    name: field.name,
    readonly: field.readonly || field.name === 'id',
    required: field.required,
    searchable: isSearchable(ctx.registry, model, field),
    sortable: fieldSql.sortable,
    store: field.store,
    string: translated(field.label, ctx.lang),
    type: field.type,
  };
  const groups = fieldGroups(ctx.registry, model, field);
  if (groups) d.groups = groups;
  if (field.help && translated(field.help, ctx.lang)) d.help = translated(field.help, ctx.lang);
  if (related) d.related = related;
  if (field.type === 'char' || field.type === 'text' || field.type === 'html') d.translate = translateOf(env, model, field);
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
    const trim = ownOrRelated(env, model, field, 'trim');
    d.trim = known(trim) ? trim : true;
    if (field.size) d.size = field.size;
  }
  // fields.Binary `attachment` (class default True; `_get_attrs` turns it off for non-stored fields).
  if (field.type === 'binary') d.attachment = field.store ? (known(own.attachment) ? own.attachment : true) : false;
  // `_description_aggregator`: the attribute when the field is a stored column, else only when
  // `_read_group_select` can aggregate it (`_field_to_sql`); None is left out, False is described.
  const aggregator = aggregatorOf(env, model, field);
  if (aggregator === false) d.aggregator = false;
  else if (aggregator && (fieldSql.sortable || selectOverrideAccepts(ctx.registry, model.name, field.name, aggregator))) d.aggregator = aggregator;
  if (field.type === 'float') {
    const digits = digitsOf(env, model, field);
    if (digits !== undefined) d.digits = Array.isArray(digits) ? [...digits] : digits;
  }
  if (field.type === 'monetary') {
    // Python default of Monetary.currency_field: `currency_id` (or `x_currency_id`) of the model.
    const currency = field.currencyField ?? ['currency_id', 'x_currency_id'].find((n) => model.fields.has(n));
    if (currency) d.currency_field = currency;
  }
  if (field.type === 'many2one_reference') {
    const modelField = ownOrRelated(env, model, field, 'model_field');
    if (known(modelField) && modelField) d.model_field = modelField;
  }
  if (field.type === 'properties') {
    // fields.Properties `definition='record.field'` (an inherited field takes its target's).
    const definition = ownOrRelated(env, model, field, 'definition');
    if (known(definition) && definition?.includes('.')) {
      const [record, recordField] = definition.split('.');
      d.definition_record = record;
      d.definition_record_field = recordField;
    }
  }
  if (relational) {
    d.relation = field.relation;
    const context = ownOrRelated(env, model, field, 'context');
    d.context = known(context) && context ? context : {};
    const domain = domainOf(env, model, field);
    if (domain !== null) d.domain = domain;
    if (field.type === 'one2many' && field.relationField) d.relation_field = field.relationField;
  }
  if (field.type === 'selection' || field.type === 'reference') d.selection = await selectionOf(env, model, field);
  return d;
}
