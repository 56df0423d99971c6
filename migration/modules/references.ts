import type { LegacyCatalog } from './legacy-catalog.ts';
import type { ModelOwnership } from './model-ownership.ts';
import type { ResolvedTable } from './table-resolution.ts';
import type { ModelReference } from './types.ts';
import type { Queryable } from './queryable.ts';
import { quoteIdent as ident } from '../../platform/quote-ident.ts';

/**
 * Every stored relational field whose target model belongs to another module. many2one and
 * many2many come from `ir_model_fields`; polymorphic links (`source_model`/`source_id`, the
 * pattern the hp addons use for payments, points, alerts…) are not relations for Odoo, so
 * they are recognised as a char field `<x>_model` next to an integer field `<x>_id` and their
 * targets are read from the data (distinct values of `<x>_model`).
 */
export async function collectCrossModuleReferences(
  db: Queryable,
  catalog: LegacyCatalog,
  ownership: Map<string, ModelOwnership>,
  tables: Map<string, ResolvedTable>,
): Promise<ModelReference[]> {
  const ownerOf = (model: string) => ownership.get(model)?.creator ?? 'unknown';
  const tableOf = (model: string) => tables.get(model)?.table ?? null;
  const references: ModelReference[] = [];
  const add = (kind: ModelReference['kind'], fromModel: string, field: string, toModel: string) => {
    const fromModule = ownerOf(fromModel);
    const toModule = ownerOf(toModel);
    if (fromModule === toModule) return;
    references.push({ kind, fromModule, fromModel, fromTable: tableOf(fromModel), field, toModel, toModule, toTable: tableOf(toModel) });
  };

  for (const f of catalog.fields) {
    if (!f.store || !f.relation || !ownership.has(f.model)) continue;
    if (f.ttype === 'many2one' || f.ttype === 'many2many') add(f.ttype, f.model, f.name, f.relation);
  }

  const byModel = new Map<string, Map<string, string>>();
  for (const f of catalog.fields) {
    if (!f.store) continue;
    const fields = byModel.get(f.model) ?? new Map<string, string>();
    fields.set(f.name, f.ttype);
    byModel.set(f.model, fields);
  }
  for (const [model, fields] of byModel) {
    const table = tableOf(model);
    if (!table) continue;
    for (const [name, ttype] of fields) {
      const prefix = /^(.+)_model$/.exec(name)?.[1];
      if (!prefix || ttype !== 'char' || !['integer', 'many2one_reference'].includes(fields.get(`${prefix}_id`) ?? '')) continue;
      const { rows } = await db.query<{ target: string }>(
        `SELECT DISTINCT ${ident(name)} AS target FROM ${ident(table)} WHERE ${ident(name)} IS NOT NULL ORDER BY 1 LIMIT 100`,
      );
      for (const { target } of rows) if (ownership.has(target)) add('polymorphic', model, `${name}/${prefix}_id`, target);
    }
  }
  return references;
}
