import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import { ident, type WriteEnv } from './write-env.ts';

/**
 * Stored related fields (`fields.Many2one(related='campaign_id.currency_id', store=True)`): Odoo
 * computes them like any stored compute, depending on their path, so a record created or a first
 * hop written gets the value its path reads now (odoo/fields.py `_compute_related`, triggered by
 * `modified` on the path's first many2one). A value written to the related field itself is
 * Odoo's inverse (it writes through to the target), which this leaves to the write; the reverse
 * dependency (the target's field changing later) is not followed here.
 *
 * Only paths the database can walk are filled: every hop but the last a many2one with a column,
 * the last a stored column of the same kind, all tables present (a service database holds only
 * its own); any other path is left as the write left it.
 */
interface RelatedPath {
  field: FieldInfo;
  /** The first hop's column on the model's own table. */
  firstHop: string;
  /** Tables of the hops after the first, and the many2one column that leads on from each (null on the last). */
  hops: Array<{ table: string; next: string | null }>;
  /** The column read on the last hop's table. */
  target: string;
}

const pathsOfModel = new WeakMap<ModelInfo, RelatedPath[]>();

function relatedPaths(w: WriteEnv, model: ModelInfo): RelatedPath[] {
  const cached = pathsOfModel.get(model);
  if (cached) return cached;
  const out: RelatedPath[] = [];
  for (const field of model.fields.values()) {
    if (!field.store || !field.related || !field.column || field.inheritedVia || field.computed) continue;
    if (field.type === 'one2many' || field.type === 'many2many' || field.companyDependent) continue;
    const path = walk(w, model, field);
    if (path) out.push(path);
  }
  pathsOfModel.set(model, out);
  return out;
}

function walk(w: WriteEnv, model: ModelInfo, field: FieldInfo): RelatedPath | undefined {
  const names = field.related!.split('.');
  if (names.length < 2) return undefined;
  const first = model.fields.get(names[0]!);
  if (first?.type !== 'many2one' || !first.column || !first.relation) return undefined;
  const hops: RelatedPath['hops'] = [];
  let current = w.ctx.registry.model(first.relation);
  for (let i = 1; i < names.length; i++) {
    if (!current?.table) return undefined;
    const hop = current.fields.get(names[i]!);
    if (!hop?.store || !hop.column || hop.inheritedVia || hop.companyDependent) return undefined;
    const last = i === names.length - 1;
    if (last) {
      if (hop.type !== field.type || hop.columnType !== field.columnType) return undefined;
      hops.push({ table: current.table, next: null });
      return { field, firstHop: first.column, hops, target: hop.column };
    }
    if (hop.type !== 'many2one' || !hop.relation) return undefined;
    hops.push({ table: current.table, next: hop.column });
    current = w.ctx.registry.model(hop.relation);
  }
  return undefined;
}

/**
 * Fills the stored related fields of `ids` whose path starts at a written field. `change`: a
 * write's vals, or a create's vals per new record (aligned with `ids`): every related field a
 * record was not given a value for.
 */
export async function refreshStoredRelated(w: WriteEnv, model: ModelInfo, ids: readonly number[], change: { write: Vals } | { create: readonly Vals[] }): Promise<void> {
  if (!ids.length || !model.table) return;
  const all = relatedPaths(w, model);
  if (!all.length) return;
  if ('create' in change) {
    // Records given a value keep it: group the ids by the related fields they lack.
    const byMissing = new Map<string, number[]>();
    ids.forEach((id, i) => {
      const key = all.filter((p) => !(p.field.name in (change.create[i] ?? {}))).map((p) => p.field.name).join(',');
      byMissing.set(key, [...(byMissing.get(key) ?? []), id]);
    });
    for (const [key, group] of byMissing) if (key) await fill(w, model, group, all.filter((p) => key.split(',').includes(p.field.name)));
    return;
  }
  const vals = change.write;
  await fill(w, model, ids, all.filter((p) => p.field.related!.split('.')[0]! in vals && !(p.field.name in vals)));
}

async function fill(w: WriteEnv, model: ModelInfo, ids: readonly number[], paths: RelatedPath[]): Promise<void> {
  if (!paths.length || !ids.length) return;
  const tables = [...new Set(paths.flatMap((p) => p.hops.map((h) => h.table)))];
  const present = await w.ctx.db.query<{ name: string }>('SELECT t AS name FROM unnest($1::text[]) t WHERE to_regclass(quote_ident(t)) IS NOT NULL', [tables]);
  const there = new Set(present.rows.map((r) => r.name));
  const sets: string[] = [];
  for (const p of paths) {
    if (!p.hops.every((h) => there.has(h.table))) continue;
    const joins = p.hops.slice(1).map((h, i) => `JOIN ${ident(h.table)} h${i + 1} ON h${i + 1}.id = h${i}.${ident(p.hops[i]!.next!)}`).join(' ');
    const read = `(SELECT h${p.hops.length - 1}.${ident(p.target)} FROM ${ident(p.hops[0]!.table)} h0 ${joins} WHERE h0.id = r.${ident(p.firstHop)})`;
    sets.push(`${ident(p.field.column!)} = ${nullAsOdooStores(p.field, read)}`);
  }
  if (!sets.length) return;
  await w.ctx.db.query(`UPDATE ${ident(model.table!)} r SET ${sets.join(', ')} WHERE r.id = ANY($1::int4[])`, [[...ids]]);
}

/**
 * What Odoo stores when the path reads nothing (an empty hop or a NULL target): the field's value
 * of False converted to the cache, so numbers store 0 and booleans false (fields.py
 * Integer/Float/Monetary/Boolean `convert_to_cache(None)`); other kinds store NULL.
 */
function nullAsOdooStores(field: FieldInfo, read: string): string {
  if (field.type === 'integer' || field.type === 'float' || field.type === 'monetary') return `coalesce(${read}, 0)`;
  if (field.type === 'boolean') return `coalesce(${read}, false)`;
  return read;
}
