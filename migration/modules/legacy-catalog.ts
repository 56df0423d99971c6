import type { Queryable } from './queryable.ts';

/**
 * Raw facts the registry is derived from, read in a handful of queries from Odoo's own
 * bookkeeping (`ir_model_data`, `ir_model`, `ir_model_fields`, `ir_model_constraint`,
 * `ir_model_relation`, `ir_module_module*`) and PostgreSQL's catalog. Nothing here
 * interprets them; ownership and table resolution live in their own files.
 */
export interface LegacyCatalog {
  /** Every (module, model) pair from `ir_model_data` rows with `model = 'ir.model'`, oldest xml id first. */
  modelDefinitions: { module: string; model: string; xmlId: number }[];
  /** Installed modules and their direct dependencies. */
  modules: Map<string, { state: string; dependsOn: string[] }>;
  /**
   * The platform modules M01–M20: addons whose manifest summary starts with their code
   * (`'summary': 'M04 - health services, …'`), with the manifest name as title, by code.
   */
  platformModules: { code: string; technicalName: string; title: string }[];
  fields: CatalogField[];
  /** Foreign keys Odoo reflected for a model (`ir_model_constraint`, type `f`), with the table PostgreSQL says holds them. */
  foreignKeyTables: { model: string; table: string }[];
  /** many2many tables, with the module that created them (`ir_model_relation`). */
  relations: { table: string; model: string; module: string }[];
  /** Base tables of the current schema and their columns. */
  tables: Map<string, Set<string>>;
}

export interface CatalogField {
  model: string;
  name: string;
  ttype: string;
  relation: string | null;
  store: boolean;
  relationTable: string | null;
  column1: string | null;
  column2: string | null;
  /** Modules that declare the field (`ir_model_data` rows with `model = 'ir.model.fields'`). */
  modules: string[];
}

export async function readLegacyCatalog(db: Queryable): Promise<LegacyCatalog> {
  const [definitions, modules, platform, fields, foreignKeys, relations, tables] = await Promise.all([
    db.query<{ module: string; model: string; xml_id: number }>(
      `SELECT d.module, m.model, d.id AS xml_id
         FROM ir_model_data d JOIN ir_model m ON m.id = d.res_id
        WHERE d.model = 'ir.model'
        ORDER BY d.id`,
    ),
    db.query<{ name: string; state: string; depends_on: string[] }>(
      `SELECT m.name, m.state, coalesce(array_agg(d.name) FILTER (WHERE d.name IS NOT NULL), '{}') AS depends_on
         FROM ir_module_module m LEFT JOIN ir_module_module_dependency d ON d.module_id = m.id
        GROUP BY m.name, m.state`,
    ),
    db.query<{ code: string; name: string; title: string }>(
      `SELECT substring(m.summary->>'en_US' FROM '^(M[0-9]{2}) - ') AS code, m.name,
              coalesce(m.shortdesc->>'en_US', m.name) AS title
         FROM ir_module_module m
        WHERE m.summary->>'en_US' ~ '^M[0-9]{2} - '
        ORDER BY 1, m.name`,
    ),
    db.query<{
      model: string; name: string; ttype: string; relation: string | null; store: boolean;
      relation_table: string | null; column1: string | null; column2: string | null; modules: string[];
    }>(
      `SELECT f.model, f.name, f.ttype, f.relation, coalesce(f.store, false) AS store,
              f.relation_table, f.column1, f.column2,
              coalesce(array_agg(DISTINCT d.module) FILTER (WHERE d.module IS NOT NULL), '{}') AS modules
         FROM ir_model_fields f
         LEFT JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
        GROUP BY f.id`,
    ),
    db.query<{ model: string; table: string }>(
      `SELECT DISTINCT m.model, cl.relname AS table
         FROM ir_model_constraint c
         JOIN ir_model m ON m.id = c.model
         JOIN pg_constraint pc ON pc.conname = c.name AND pc.contype = 'f'
         JOIN pg_class cl ON cl.oid = pc.conrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = current_schema()
        WHERE c.type = 'f'`,
    ),
    db.query<{ table: string; model: string; module: string }>(
      `SELECT r.name AS table, m.model, mm.name AS module
         FROM ir_model_relation r
         JOIN ir_model m ON m.id = r.model
         JOIN ir_module_module mm ON mm.id = r.module`,
    ),
    db.query<{ table: string; columns: string[] }>(
      `SELECT c.relname AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relkind IN ('r', 'p')
        GROUP BY c.relname`,
    ),
  ]);
  return {
    modelDefinitions: definitions.rows.map((r) => ({ module: r.module, model: r.model, xmlId: Number(r.xml_id) })),
    modules: new Map(modules.rows.map((r) => [r.name, { state: r.state, dependsOn: r.depends_on }])),
    platformModules: platform.rows.map((r) => ({ code: r.code, technicalName: r.name, title: r.title.replace(/^HP /, '') })),
    fields: fields.rows.map((r) => ({
      model: r.model, name: r.name, ttype: r.ttype, relation: r.relation, store: r.store,
      relationTable: r.relation_table, column1: r.column1, column2: r.column2, modules: r.modules,
    })),
    foreignKeyTables: foreignKeys.rows,
    relations: relations.rows,
    tables: new Map(tables.rows.map((r) => [r.table, new Set(r.columns)])),
  };
}
