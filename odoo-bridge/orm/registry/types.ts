/**
 * What the ORM engine knows about a database's models, built once from `ir_model*` and the
 * catalog (see introspect.ts). Everything is read-only after loading: the write and access
 * engineers build on these shapes.
 */

export type FieldType =
  | 'char' | 'text' | 'html' | 'integer' | 'float' | 'monetary' | 'boolean' | 'date' | 'datetime'
  | 'selection' | 'many2one' | 'one2many' | 'many2many' | 'binary' | 'reference'
  | 'many2one_reference' | 'json' | 'properties' | 'properties_definition';

/** A jsonb translated label (`{"en_US": "Name", "fr_FR": "Nom"}`), or a plain string before 16. */
export type Translations = Record<string, string>;

export interface FieldInfo {
  readonly name: string;
  readonly model: string;
  readonly type: FieldType;
  /** `field_description`, per language. */
  readonly label: Translations;
  readonly help: Translations | null;
  /** Comodel for relational fields (`relation`); for reference fields, null. */
  readonly relation: string | null;
  /** one2many: the inverse many2one on the comodel. */
  readonly relationField: string | null;
  /** many2many: relation table and its columns (own side, comodel side). */
  readonly relationTable: string | null;
  readonly column1: string | null;
  readonly column2: string | null;
  /** `ir_model_fields.store`. */
  readonly store: boolean;
  /** The SQL column on the model's table, when there is one (stored scalar or many2one). */
  readonly column: string | null;
  /** PostgreSQL type of `column` (`jsonb`, `numeric`, `character varying`…). */
  readonly columnType: string | null;
  readonly required: boolean;
  readonly readonly: boolean;
  readonly translate: boolean;
  readonly companyDependent: boolean;
  /** Dotted path for related fields (`partner_id.name`), else null. */
  readonly related: string | null;
  /** True when the field has a Python compute (the code itself is not in the database). */
  readonly computed: boolean;
  /** `_inherits` parent field: set when this field really lives on a delegated parent. */
  readonly inheritedVia: string | null;
  /** Binary stored in `ir_attachment` (no column). */
  readonly attachment: boolean;
  readonly selection: ReadonlyArray<readonly [string, Translations]> | null;
  readonly size: number | null;
  readonly currencyField: string | null;
  readonly domain: string | null;
  readonly index: boolean;
  readonly groupExpand: boolean;
  readonly depends: string[];
  /** How an html field cleans what it stores (`fields.Html(sanitize=…)` flags); null when it stores values as given. */
  readonly htmlSanitize: HtmlSanitizeFlags | null;
  readonly manual: boolean;
  readonly copied: boolean;
}

export interface ModelInfo {
  readonly name: string;
  /** SQL table; null for abstract models and non-table models. */
  readonly table: string | null;
  readonly description: Translations;
  readonly transient: boolean;
  /** Default `_order` (from `ir_model.order` on 16+, else the override table, else `id`). */
  readonly order: string;
  /** `_rec_name`, or null when the model has none (display name then is `model,id`). */
  readonly recName: string | null;
  /** Fields searched by name_search / by-name many2one conditions (`_rec_names_search`). */
  readonly recNamesSearch: readonly string[];
  readonly fields: ReadonlyMap<string, FieldInfo>;
  /** Field names in `ir_model_fields` id order (Odoo's declaration order, roughly). */
  readonly fieldOrder: readonly string[];
  /** `_inherits`: parent model → delegation many2one. */
  readonly inherits: ReadonlyMap<string, string>;
  /** Name of the active field (`active` / `x_active`), if any. */
  readonly activeField: string | null;
  /** `_parent_name` (default `parent_id`), when that field is a many2one on the model itself. */
  readonly parentName: string | null;
  /** `_parent_store`: a `parent_path` column is kept. */
  readonly parentStore: boolean;
  /** `_log_access` columns present. */
  readonly logAccess: boolean;
}

export interface Registry {
  readonly database: string;
  readonly models: ReadonlyMap<string, ModelInfo>;
  /** Installed languages (`res_lang.active`). */
  readonly languages: ReadonlySet<string>;
  /** Active languages in `res_lang` order (name), code → name: dynamic `lang` selections. */
  readonly languageNames: ReadonlyMap<string, string>;
  /** Installed modules (`ir_module_module.state = 'installed'`), for version-specific rules. */
  readonly modules: ReadonlySet<string>;
  /** `ir_default` rows without user/condition: `model.field` (global) or `model.field@company` → value. */
  readonly defaults: ReadonlyMap<string, unknown>;
  model(name: string): ModelInfo | undefined;
}

export const RELATIONAL_TYPES: ReadonlySet<FieldType> = new Set(['many2one', 'one2many', 'many2many']);
export const X2MANY_TYPES: ReadonlySet<FieldType> = new Set(['one2many', 'many2many']);
export const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set(['integer', 'float', 'monetary']);
export const STRING_TYPES: ReadonlySet<FieldType> = new Set(['char', 'text', 'html']);

/** Columns every `_log_access` model has; kept out of `_inherits` detection. */
export const MAGIC_FIELDS = new Set(['id', 'create_uid', 'create_date', 'write_uid', 'write_date', 'display_name']);

/** The label of a translated name in `lang`, falling back to en_US (Odoo's rule). */
export function translated(value: Translations | null | undefined, lang: string): string {
  if (!value) return '';
  return value[lang] ?? value.en_US ?? Object.values(value)[0] ?? '';
}

/** An Html field's sanitizer options (ir_model_fields sanitize_* / strip_* columns). */
export interface HtmlSanitizeFlags {
  tags: boolean;
  attributes: boolean;
  style: boolean;
  form: boolean;
  stripStyle: boolean;
  stripClasses: boolean;
}
