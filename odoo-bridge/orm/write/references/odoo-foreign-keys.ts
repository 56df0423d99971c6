import type { Registry } from '../../registry/types.ts';

/** `ondelete` of a foreign key Odoo creates (fields.Many2one `ondelete`; Many2many relation columns cascade). */
export type OnDelete = 'cascade' | 'set null' | 'restrict';

/** One foreign key of Odoo's schema: `table.column` references `target.id`. */
export interface OdooForeignKey {
  /** The name PostgreSQL gave it in the monolith's database (what Odoo's error names). */
  readonly name: string;
  readonly table: string;
  readonly column: string;
  readonly target: string;
  readonly onDelete: OnDelete;
}

/** What the database says about the fields, beyond the registry: each many2one's `on_delete` (`model.field` → value). */
export type OnDeleteByField = ReadonlyMap<string, string>;

/**
 * The foreign keys Odoo's registry creates (odoo/modules/registry.py `check_foreign_keys`, fed
 * by fields.Many2one `update_db_foreign_key` and fields.Many2many `update_db_foreign_keys`):
 * every stored, not company-dependent many2one column → the comodel's table with the field's
 * `ondelete` (Odoo's default 'set null'), and both columns of a stored many2many's relation
 * table → the two tables, ON DELETE CASCADE (Odoo's default: a many2many's Python
 * `ondelete='restrict'` is not reflected in ir_model_fields; core's ir.rule.groups and two product
 * variant relations have one, no hp addon field does). Only tables present in `tables` count (a comodel
 * without a table here cannot be checked here, and a view gets no foreign key in Odoo either).
 *
 * `reflected` are the names `ir_model_constraint` holds with type 'f' (Odoo reflects each
 * foreign key it creates there): when the database has any, a derived key whose name is not
 * among them is one Odoo did not create (a model over a SQL view, `_auto = False`) and is left out.
 */
export function odooForeignKeys(registry: Registry, tables: ReadonlySet<string>, onDelete: OnDeleteByField, reflected: ReadonlySet<string>): OdooForeignKey[] {
  const keys = new Map<string, OdooForeignKey>();
  const add = (table: string, column: string, target: string, mode: OnDelete) => {
    const id = `${table}.${column}`;
    if (keys.has(id) || !tables.has(table) || !tables.has(target)) return;
    const name = pgConstraintName(table, column, 'fkey');
    if (reflected.size && !isReflected(name, reflected)) return;
    keys.set(id, { name, table, column, target, onDelete: mode });
  };
  for (const model of registry.models.values()) {
    if (!model.table) continue;
    for (const field of model.fields.values()) {
      if (field.inheritedVia || !field.store) continue;
      const comodel = field.relation ? registry.model(field.relation) : undefined;
      if (!comodel?.table) continue;
      if (field.type === 'many2one' && field.column && !field.companyDependent) {
        add(model.table, field.column, comodel.table, onDeleteOf(onDelete.get(`${model.name}.${field.name}`)));
      } else if (field.type === 'many2many' && field.relationTable && field.column1 && field.column2) {
        add(field.relationTable, field.column1, model.table, 'cascade');
        add(field.relationTable, field.column2, comodel.table, 'cascade');
      }
    }
  }
  return [...keys.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function onDeleteOf(value: string | undefined): OnDelete {
  const v = (value ?? '').toLowerCase();
  return v === 'cascade' || v === 'restrict' ? v : 'set null';
}

/** PostgreSQL numbers a name that is taken (`…_fkey1`); the key is Odoo's either way. */
function isReflected(name: string, reflected: ReadonlySet<string>): boolean {
  if (reflected.has(name)) return true;
  for (let i = 1; i < 10; i++) if (reflected.has(`${name.slice(0, 63 - String(i).length)}${i}`)) return true;
  return false;
}

/**
 * The name PostgreSQL gives `ALTER TABLE t ADD FOREIGN KEY (c)` (makeObjectName in
 * src/backend/commands/indexcmds.c): `t_c_fkey`, the longer of t and c shortened one character
 * at a time until it fits in 63 bytes. Odoo adds its foreign keys that way (odoo/tools/sql.py
 * `add_foreign_key`), so this is the name its errors show; it matches all 896 foreign keys of
 * the legacy dump.
 */
export function pgConstraintName(table: string, column: string, label: string): string {
  const available = 63 - label.length - 2;
  let n1 = Buffer.byteLength(table);
  let n2 = Buffer.byteLength(column);
  while (n1 + n2 > available) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return `${clip(table, n1)}_${clip(column, n2)}_${label}`;
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes (pg_mbcliplen). */
function clip(text: string, bytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}
