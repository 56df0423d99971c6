import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import { ident, requireTable, type WriteEnv } from './write-env.ts';

/**
 * A many2one given to create as something else than an int (a numeric string '5', a float 1.5):
 * `_create` hands it to PostgreSQL as it came, which stores the integer it reads (the row holds
 * 5, its parent_path follows it), but the record's cache gets `Many2one.convert_to_cache` of the
 * value — None for anything but an int (fields.py 18). The stored computes, stored related fields
 * and constraints that run on the new records read the cache, so they see no value: product.category
 * '5' as parent gives complete_name 'x', not 'Parent / x'.
 *
 * Ficus's computes read the rows, so while they run the column is NULL on those records, then
 * the stored value comes back. A required column keeps its value (NOT NULL forbids the gap).
 */
export async function withUncachedMany2onesHidden(w: WriteEnv, model: ModelInfo, ids: readonly number[], valsList: readonly Vals[], run: () => Promise<void>): Promise<void> {
  const hidden: Array<{ id: number; column: string }> = [];
  const parentLinks = new Set(model.inherits.values());
  for (const [row, vals] of valsList.entries()) {
    const id = ids[row];
    if (id === undefined) continue;
    for (const [name, value] of Object.entries(vals)) {
      const field = model.fields.get(name);
      if (field?.type !== 'many2one' || !field.column || field.companyDependent || field.required || field.inheritedVia) continue;
      if (parentLinks.has(name)) continue;
      if (!value || (typeof value === 'number' && Number.isInteger(value))) continue;
      hidden.push({ id, column: field.column });
    }
  }
  if (!hidden.length) return run();
  const table = ident(requireTable(model));
  const kept: Array<{ id: number; column: string; value: unknown }> = [];
  for (const { id, column } of hidden) {
    const row = await w.ctx.db.query<{ value: unknown }>(`SELECT ${ident(column)} AS value FROM ${table} WHERE id = $1`, [id]);
    kept.push({ id, column, value: row.rows[0]?.value ?? null });
    await w.ctx.db.query(`UPDATE ${table} SET ${ident(column)} = NULL WHERE id = $1`, [id]);
  }
  await run();
  for (const { id, column, value } of kept) await w.ctx.db.query(`UPDATE ${table} SET ${ident(column)} = $2 WHERE id = $1`, [id, value]);
}
