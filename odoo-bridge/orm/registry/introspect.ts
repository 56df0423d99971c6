import { pythonTable } from './python-model-facts.ts';
import type pg from 'pg';
import { COMPUTED_AS_RELATED } from '../read/computed-as-related.ts';
import { tableQueryColumns } from '../table-query/table-query-columns.ts';
import { KNOWN_INHERITS, MODEL_OVERRIDES } from './model-overrides.ts';
import { pythonNameFacts } from './python-model-facts.ts';
import {
  MAGIC_FIELDS,
  type FieldInfo,
  type FieldType,
  type HtmlSanitizeFlags,
  type ModelInfo,
  type Registry,
  type Translations,
} from './types.ts';

/**
 * Builds the registry of one database from its own metadata, with a fixed number of queries
 * (nine, whatever the number of models). Works on Odoo 16–18 (jsonb names) and degrades to
 * plain-text names for older layouts; optional columns are probed first.
 */
export async function introspectRegistry(database: string, pool: pg.Pool): Promise<Registry> {
  const modelColumns = await columnsOf(pool, 'ir_model');
  const fieldColumns = await columnsOf(pool, 'ir_model_fields');
  const opt = (cols: Set<string>, name: string, fallback: string) => (cols.has(name) ? `"${name}"` : fallback);

  const [models, fields, selections, catalog, fkNames, langs, modules, defaults] = await Promise.all([
    pool.query<{ id: number; model: string; name: unknown; transient: boolean; order: string | null }>(
      `SELECT id, model, to_jsonb(name) AS name, COALESCE(transient, false) AS transient,
              ${opt(modelColumns, 'order', 'NULL')} AS "order"
         FROM ir_model`,
    ),
    pool.query<RawField>(
      `SELECT id, model, name, ttype, relation, relation_field, relation_table, column1, column2,
              COALESCE(store, false) AS store, COALESCE(required, false) AS required,
              COALESCE(readonly, false) AS readonly, COALESCE(translate, false) AS translate,
              ${opt(fieldColumns, 'company_dependent', 'false')} AS company_dependent,
              related, ${opt(fieldColumns, 'compute', 'NULL')} AS compute,
              to_jsonb(field_description) AS label, to_jsonb(help) AS help, size,
              ${opt(fieldColumns, 'currency_field', 'NULL')} AS currency_field, domain,
              COALESCE(index, false) AS index, ${opt(fieldColumns, 'group_expand', 'false')} AS group_expand,
              ${opt(fieldColumns, 'depends', 'NULL')} AS depends, ${opt(fieldColumns, 'sanitize', 'NULL')} AS sanitize,
              ${SANITIZE_FLAG_COLUMNS.map((c) => `${opt(fieldColumns, c, 'NULL')} AS ${c}`).join(', ')},
              state, COALESCE(copied, false) AS copied
         FROM ir_model_fields ORDER BY id`,
    ),
    pool.query<{ field_id: number; value: string; name: unknown }>(
      `SELECT field_id, value, to_jsonb(name) AS name FROM ir_model_fields_selection ORDER BY field_id, sequence, id`,
    ),
    pool.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, NULL) AS data_type
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
    ),
    pool.query<{ model: string; name: string }>(
      `SELECT m.model, c.name FROM ir_model_constraint c JOIN ir_model m ON m.id = c.model
        WHERE c.type = 'f' AND c.name LIKE '%\\_fkey'`,
    ),
    pool.query<{ code: string; name: string }>(`SELECT code, name FROM res_lang WHERE active ORDER BY name`),
    pool.query<{ name: string }>(`SELECT name FROM ir_module_module WHERE state = 'installed'`),
    pool.query<{ model: string; name: string; json_value: string; company_id: number | null }>(
      `SELECT f.model, f.name, d.json_value, d.company_id FROM ir_default d JOIN ir_model_fields f ON f.id = d.field_id
        WHERE d.user_id IS NULL AND d.condition IS NULL`,
    ),
  ]);

  const tables = new Map<string, Map<string, string>>();
  for (const row of catalog.rows) {
    let cols = tables.get(row.table_name);
    if (!cols) tables.set(row.table_name, (cols = new Map()));
    cols.set(row.column_name, row.data_type);
  }

  const selectionByField = new Map<number, Array<readonly [string, Translations]>>();
  for (const row of selections.rows) {
    let list = selectionByField.get(row.field_id);
    if (!list) selectionByField.set(row.field_id, (list = []));
    list.push([row.value, asTranslations(row.name)]);
  }

  const rawByModel = new Map<string, RawField[]>();
  for (const row of fields.rows) {
    let list = rawByModel.get(row.model);
    if (!list) rawByModel.set(row.model, (list = []));
    list.push(row);
  }

  const fkTables = tablesFromForeignKeys(fkNames.rows, rawByModel, tables);
  const built = new Map<string, ModelInfo>();
  const installed = new Set(modules.rows.map((r) => r.name));
  // `_table_query` models (sale.report…): their query's columns stand for the table they lack.
  for (const [table, columns] of await tableQueryColumns(pool, installed)) tables.set(table, columns);
  for (const m of models.rows) {
    const raw = rawByModel.get(m.model) ?? [];
    const table = resolveTable(m.model, raw, tables, fkTables);
    const inherits = detectInherits(m.model, raw, rawByModel);
    built.set(m.model, buildModel(m, raw, table, table ? tables.get(table)! : new Map(), inherits, selectionByField, installed));
  }

  const defaultValues = new Map<string, unknown>();
  for (const row of defaults.rows) {
    try {
      const key = `${row.model}.${row.name}${row.company_id == null ? '' : `@${row.company_id}`}`;
      defaultValues.set(key, JSON.parse(row.json_value));
    } catch {
      // A default Odoo itself could not parse is ignored the same way (ir.default._get_model_defaults).
    }
  }

  return {
    database,
    models: built,
    languages: new Set(langs.rows.map((r) => r.code)),
    languageNames: new Map(langs.rows.map((r) => [r.code, r.name])),
    modules: new Set(modules.rows.map((r) => r.name)),
    defaults: defaultValues,
    model: (name: string) => built.get(name),
  };
}

interface RawField {
  id: number;
  model: string;
  name: string;
  ttype: string;
  relation: string | null;
  relation_field: string | null;
  relation_table: string | null;
  column1: string | null;
  column2: string | null;
  store: boolean;
  required: boolean;
  readonly: boolean;
  translate: boolean;
  company_dependent: boolean;
  related: string | null;
  compute: string | null;
  label: unknown;
  help: unknown;
  size: number | null;
  currency_field: string | null;
  domain: string | null;
  index: boolean;
  group_expand: boolean;
  depends: string | null;
  sanitize: boolean | null;
  sanitize_tags: boolean | null;
  sanitize_attributes: boolean | null;
  sanitize_style: boolean | null;
  sanitize_form: boolean | null;
  strip_style: boolean | null;
  strip_classes: boolean | null;
  state: string | null;
  copied: boolean;
}

async function columnsOf(pool: pg.Pool, table: string): Promise<Set<string>> {
  const r = await pool.query<{ attname: string }>(
    `SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped`,
    [table],
  );
  return new Set(r.rows.map((row) => row.attname));
}

function asTranslations(value: unknown): Translations {
  if (value && typeof value === 'object') return value as Translations;
  if (typeof value === 'string') return { en_US: value };
  return {};
}

/**
 * Custom `_table`s (the hp_* addons use `health_records`, `orders`…) are not recorded
 * anywhere directly, but Odoo records every foreign key it creates in `ir_model_constraint`
 * as `<table>_<column>_fkey` for the owning model. Stripping a stored many2one's suffix gives
 * the table; it is kept only if that table exists and has the column.
 */
function tablesFromForeignKeys(
  rows: Array<{ model: string; name: string }>,
  rawByModel: Map<string, RawField[]>,
  tables: Map<string, Map<string, string>>,
): Map<string, string> {
  const result = new Map<string, string>();
  for (const { model, name } of rows) {
    if (result.has(model)) continue;
    if (name.startsWith(model.replace(/\./g, '_') + '_')) continue; // conventional table: checked first anyway
    for (const f of rawByModel.get(model) ?? []) {
      if (f.ttype !== 'many2one' || !f.store) continue;
      const suffix = `_${f.name}_fkey`;
      if (!name.endsWith(suffix)) continue;
      const table = name.slice(0, -suffix.length);
      if (tables.get(table)?.has(f.name)) {
        result.set(model, table);
        break;
      }
    }
  }
  return result;
}

function resolveTable(
  model: string,
  raw: RawField[],
  tables: Map<string, Map<string, string>>,
  fkTables: Map<string, string>,
): string | null {
  const wanted = raw.filter((f) => f.store && f.ttype !== 'one2many' && f.ttype !== 'many2many' && f.name !== 'id').map((f) => f.name);
  // The class's own `_table` (ir.actions.actions → ir_actions), when the database has it.
  const declared = pythonTable(model);
  if (declared && tables.has(declared)) return declared;
  const conventional = model.replace(/\./g, '_');
  if (tables.has(conventional)) return conventional;
  // Foreign keys of many2many tables are recorded under the model too: the table must look
  // like the model's own (an id, most stored columns).
  const fromFk = fkTables.get(model);
  const cols = fromFk ? tables.get(fromFk) : undefined;
  if (fromFk && cols?.has('id') && wanted.filter((c) => cols.has(c)).length >= 0.8 * wanted.length) return fromFk;
  // Last resort: the one table holding every stored column of the model.
  if (wanted.length < 2) return null;
  const candidates = [...tables].filter(([, cols]) => cols.has('id') && wanted.every((c) => cols.has(c)));
  return candidates.length === 1 ? candidates[0]![0] : null;
}

/**
 * `_inherits` is not stored, but Odoo reflects every delegated field on the child as a related
 * field `<fk>.<same name>`. A stored many2one whose comodel's fields are (nearly) all mirrored
 * that way is a delegation.
 */
function detectInherits(model: string, raw: RawField[], rawByModel: Map<string, RawField[]>): Map<string, string> {
  const result = new Map<string, string>(Object.entries(KNOWN_INHERITS[model] ?? {}));
  for (const fk of raw) {
    if (fk.ttype !== 'many2one' || !fk.store || !fk.relation || !fk.required || fk.relation === model) continue;
    const parentFields = (rawByModel.get(fk.relation) ?? []).filter((f) => !MAGIC_FIELDS.has(f.name));
    if (parentFields.length < 3) continue;
    const mirrored = raw.filter((f) => f.related === `${fk.name}.${f.name}`).length;
    if (mirrored >= 0.8 * parentFields.length) result.set(fk.relation, fk.name);
  }
  return result;
}

function buildModel(
  m: { model: string; name: unknown; transient: boolean; order: string | null },
  raw: RawField[],
  table: string | null,
  columns: Map<string, string>,
  inherits: Map<string, string>,
  selectionByField: Map<number, Array<readonly [string, Translations]>>,
  installed: ReadonlySet<string>,
): ModelInfo {
  // `_rec_name` / `_rec_names_search` from the addons' sources (every model); the hand-kept
  // overrides still win, for databases whose modules the extraction did not see.
  const override = { ...pythonNameFacts(m.model, installed), ...MODEL_OVERRIDES[m.model] };
  const delegations = [...inherits.values()];
  const fields = new Map<string, FieldInfo>();
  for (const f of raw) {
    const type = f.ttype as FieldType;
    const hasColumn = f.store && type !== 'one2many' && type !== 'many2many' && columns.has(f.name);
    const via = f.related && !f.store ? delegations.find((fk) => f.related === `${fk}.${f.name}`) ?? null : null;
    fields.set(f.name, {
      name: f.name,
      model: m.model,
      type,
      label: asTranslations(f.label),
      help: f.help == null ? null : asTranslations(f.help),
      relation: f.relation || null,
      relationField: f.relation_field || null,
      relationTable: f.relation_table || null,
      column1: f.column1 || null,
      column2: f.column2 || null,
      store: f.store,
      column: hasColumn ? f.name : null,
      columnType: hasColumn ? columns.get(f.name)! : null,
      required: f.required,
      readonly: f.readonly,
      translate: f.translate && hasColumn && columns.get(f.name) === 'jsonb',
      companyDependent: f.company_dependent,
      related: f.related || (!f.store ? COMPUTED_AS_RELATED[`${m.model}.${f.name}`] ?? null : null),
      computed: !!f.compute,
      inheritedVia: via,
      attachment: type === 'binary' && f.store && !hasColumn,
      selection: selectionByField.get(f.id) ?? null,
      size: f.size || null,
      currencyField: f.currency_field || null,
      domain: f.domain || null,
      index: f.index,
      groupExpand: f.group_expand,
      depends: f.depends ? f.depends.split(',').map((d) => d.trim()).filter(Boolean) : [],
      htmlSanitize: f.ttype === 'html' ? htmlSanitizeFlags(f) : null,
      manual: f.state === 'manual',
      copied: f.copied,
    });
  }
  const recName =
    override.recName !== undefined ? override.recName : fields.has('name') ? 'name' : fields.has('x_name') ? 'x_name' : null;
  const activeField = ['active', 'x_active'].find((n) => fields.get(n)?.type === 'boolean') ?? null;
  const parentName = override.parentName ?? (fields.get('parent_id')?.relation === m.model ? 'parent_id' : null);
  return {
    name: m.model,
    table,
    description: asTranslations(m.name),
    transient: m.transient,
    order: (m.order && m.order.trim()) || override.order || 'id',
    recName,
    recNamesSearch: override.recNamesSearch ?? (recName ? [recName] : []),
    fields,
    fieldOrder: raw.map((f) => f.name),
    inherits,
    activeField,
    parentName,
    parentStore: !!fields.get('parent_path')?.column,
    logAccess: columns.has('create_uid') && columns.has('write_date'),
  };
}

const SANITIZE_FLAG_COLUMNS = ['sanitize_tags', 'sanitize_attributes', 'sanitize_style', 'sanitize_form', 'strip_style', 'strip_classes'] as const;

/**
 * `fields.Html` defaults where a database does not record a flag (older schemas): sanitize on,
 * tags sanitized, attributes kept, styles kept, forms removed.
 */
function htmlSanitizeFlags(f: Pick<RawField, 'sanitize' | (typeof SANITIZE_FLAG_COLUMNS)[number]>): HtmlSanitizeFlags | null {
  if (f.sanitize === false) return null;
  return {
    tags: f.sanitize_tags ?? true,
    attributes: f.sanitize_attributes ?? true,
    style: f.sanitize_style ?? false,
    form: f.sanitize_form ?? true,
    stripStyle: f.strip_style ?? false,
    stripClasses: f.strip_classes ?? false,
  };
}
