import { sql } from 'kysely';
import type { ComputedField } from './computed-field.ts';
import { pyRepr } from '../domain/python-repr.ts';

/**
 * Non-stored computes of base's technical models that an all-fields read asks for (odoorpc,
 * the web client's list of views/models/fields), from Odoo 18's Python:
 *
 * | field | Python | value |
 * |---|---|---|
 * | `ir.ui.view.arch` | ir_ui_view.py `_compute_arch` | `arch_db` in the reading language, else en_US (no `dev_mode=xml` file reads) |
 * | `ir.ui.view.arch_base` | `_compute_arch_base` | the arch with `lang=None`: `arch_db`'s en_US |
 * | `ir.model.inherited_model_ids` | ir_model.py `_inherited_models` | the ir.model rows of the `_inherits` parents, in ir.model's `_order` (model) |
 * | `ir.model.view_ids` | `_view_ids` | active views of the model, in ir.ui.view's `_order` (priority, name, id) |
 * | `ir.model.fields.selection` | `_compute_selection` | `str(_get_selection(id))` for selection/reference fields (en_US labels, sequence then id order), else False |
 * | `ir.model.fields.modules` | `_in_modules` | installed modules with an xml id for the field, sorted, `', '`-joined |
 * | `report.paperformat.print_page_width/height` | report_paperformat.py `_compute_print_page_size` | the format's size in mm (custom: page width/height), swapped in Landscape |
 */
const column = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

/** report_paperformat.py PAPER_SIZES: key → (width, height) in mm. */
const PAPER_SIZES: Record<string, readonly [number, number]> = {
  A0: [841, 1189], A1: [594, 841], A2: [420, 594], A3: [297, 420], A4: [210, 297], A5: [148, 210], A6: [105, 148], A7: [74, 105],
  A8: [52, 74], A9: [37, 52], B0: [1000, 1414], B1: [707, 1000], B2: [500, 707], B3: [353, 500], B4: [250, 353], B5: [176, 250],
  B6: [125, 176], B7: [88, 125], B8: [62, 88], B9: [33, 62], B10: [31, 44], C5E: [163, 229], Comm10E: [105, 241], DLE: [110, 220],
  Executive: [190.5, 254], Folio: [210, 330], Ledger: [431.8, 279.4], Legal: [215.9, 355.6], Letter: [215.9, 279.4], Tabloid: [279.4, 431.8],
};

function printPageSize(row: Record<string, unknown>): [number, number] {
  let width = 0;
  let height = 0;
  const format = row.format as string | null;
  if (format === 'custom') {
    width = Number(row.page_width ?? 0);
    height = Number(row.page_height ?? 0);
  } else if (format) [width, height] = PAPER_SIZES[format] ?? [0, 0];
  return row.orientation === 'Landscape' ? [height, width] : [width, height];
}

export const BASE_MODEL_COMPUTED_FIELDS: Record<string, ComputedField> = {
  'ir.ui.view.arch': {
    dependsOn: [], readsTables: ['ir_ui_view'],
    select: (a, scope) => sql`COALESCE(${column(a, 'arch_db')}->>${scope.env.lang}, ${column(a, 'arch_db')}->>'en_US')`,
    compute: (r) => r.arch ?? false,
  },
  'ir.ui.view.arch_base': {
    dependsOn: [], readsTables: ['ir_ui_view'],
    select: (a) => sql`${column(a, 'arch_db')}->>'en_US'`,
    compute: (r) => r.arch_base ?? false,
  },
  'ir.model.inherited_model_ids': {
    dependsOn: ['model'], readsTables: ['ir_model'],
    // `_inherits` as the registry wrote it into ir_model_inherit (rows with a delegation field).
    select: (a) => sql`ARRAY(SELECT p.id FROM ir_model_inherit i JOIN ir_model p ON p.id = i.parent_id
      WHERE i.model_id = ${column(a, 'id')} AND i.parent_field_id IS NOT NULL ORDER BY p.model)`,
    compute: (r) => r.inherited_model_ids ?? [],
  },
  'ir.model.view_ids': {
    dependsOn: ['model'], readsTables: ['ir_ui_view'],
    select: (a) => sql`ARRAY(SELECT v.id FROM ir_ui_view v WHERE v.model = ${column(a, 'model')} AND v.active ORDER BY v.priority, v.name, v.id)`,
    compute: (r) => r.view_ids ?? [],
  },
  'ir.model.fields.selection': {
    dependsOn: ['ttype'], readsTables: ['ir_model_fields_selection'],
    select: (a) => sql`ARRAY(SELECT json_build_array(s.value, s.name->>'en_US') FROM ir_model_fields_selection s WHERE s.field_id = ${column(a, 'id')} ORDER BY s.sequence, s.id)`,
    compute: (r) => {
      if (r.ttype !== 'selection' && r.ttype !== 'reference') return false;
      const pairs = (r.selection ?? []) as Array<[string, string | null]>;
      return `[${pairs.map(([value, name]) => `(${pyRepr(value)}, ${name === null ? 'None' : pyRepr(name)})`).join(', ')}]`;
    },
  },
  'ir.model.fields.modules': {
    dependsOn: [], readsTables: ['ir_model_data', 'ir_module_module'],
    select: (a) => sql`(SELECT string_agg(DISTINCT d.module, ', ' ORDER BY d.module) FROM ir_model_data d
      JOIN ir_module_module m ON m.name = d.module AND m.state = 'installed'
      WHERE d.model = 'ir.model.fields' AND d.res_id = ${column(a, 'id')})`,
    compute: (r) => r.modules ?? '',
  },
  'report.paperformat.print_page_width': {
    dependsOn: ['format', 'page_width', 'page_height', 'orientation'],
    compute: (r) => printPageSize(r)[0],
  },
  'report.paperformat.print_page_height': {
    dependsOn: ['format', 'page_width', 'page_height', 'orientation'],
    compute: (r) => printPageSize(r)[1],
  },
};
