import { MAGIC_FIELDS, type ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import { createRecords } from './record-writes.ts';
import { checkExist, checkRules, ident, requireTable, type WriteEnv } from './write-env.ts';

/**
 * `BaseModel.copy(default)` (18: multi-record, returns the new ids): `copy_data` keeps the
 * fields whose `copy` flag is set (`ir_model_fields.copied`), copies one2many lines marked
 * copy=True onto the new record, relinks many2many, applies `default`, lets registered
 * behaviour adjust (res.partner's " (copy)" suffix is such Python), then creates.
 */
export async function copyRecords(w: WriteEnv, model: ModelInfo, ids: number[], defaults: Vals): Promise<number[]> {
  w.ctx.access.checkModel(model, 'read');
  await checkExist(w, model, ids);
  // copy_data reads each record as the user (`record[name]` fetches under the read rules): a row
  // the rules hide is an AccessError before anything is created, not a later create's error.
  await checkRules(w, model, 'read', ids);
  if (ids.length) checkCopiedFieldsReadable(w, model, ids, defaults);
  const table = ident(requireTable(model));
  const result: number[] = [];
  const links = new Set(model.inherits.values());
  for (const id of ids) {
    const row = (await w.ctx.db.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0]!;
    const parentRows = new Map<string, { model: ModelInfo; row: Record<string, unknown> }>();
    const vals: Vals = {};
    const lines: Array<[string, number[]]> = [];
    for (const own of model.fields.values()) {
      // models.py copy_data: an `_inherits` link is never copied (create makes a new parent from the
      // inherited fields' values), and a link given by `default` gives all its parent's fields.
      if (!own.copied || MAGIC_FIELDS.has(own.name) || own.name in defaults || links.has(own.name)) continue;
      if (own.inheritedVia ? own.inheritedVia in defaults : own.related) continue;
      const source = own.inheritedVia ? await parentRow(w, model, own.inheritedVia, row, parentRows) : { model, row };
      const field = source?.model.fields.get(own.name);
      if (!source || !field || field.inheritedVia || (own.inheritedVia && field.related)) continue;
      const sourceId = source.row.id as number;
      if (field.type === 'many2many' && field.store && field.relationTable && field.column1 && field.column2) {
        const rel = await w.ctx.db.query<{ t: number }>(
          `SELECT ${ident(field.column2)} AS t FROM ${ident(field.relationTable)} WHERE ${ident(field.column1)} = $1`,
          [sourceId],
        );
        vals[field.name] = [[6, 0, rel.rows.map((r) => r.t)]];
      } else if (field.type === 'one2many' && field.relationField) {
        // An inherited one2many's lines point at the parent, which the copy does not have yet.
        if (own.inheritedVia) continue;
        const comodel = w.ctx.registry.model(field.relation ?? '');
        if (!comodel?.table) continue;
        const l = await w.ctx.db.query<{ id: number }>(`SELECT id FROM ${ident(comodel.table)} WHERE ${ident(field.relationField)} = $1 ORDER BY id`, [sourceId]);
        lines.push([field.name, l.rows.map((r) => r.id)]);
      } else if (field.column && field.name !== 'parent_path') {
        vals[field.name] = rpcValue(source.row[field.name], field.translate, w.ctx.lang);
      }
    }
    // copy_data overrides see only copied values; `default` wins over what they set (res.partner's " (copy)").
    for (const b of w.behaviours.of(model.name)) await b.copyData?.(w.ctx, id, vals, defaults);
    Object.assign(vals, defaults);
    const [newId] = await createRecords(withCopyContext(w, model, defaults), model, [vals]);
    for (const [name, lineIds] of lines) {
      // A copy_data override that gave the lines itself (account.tax's repartition lines) created them with the record.
      if (name in vals) continue;
      const field = model.fields.get(name)!;
      const comodel = w.ctx.registry.model(field.relation!)!;
      if (lineIds.length) await copyRecords(w, comodel, lineIds, { [field.relationField!]: newId });
    }
    result.push(newId!);
  }
  return result;
}

/** The `_inherits` parent's row of `row` through `link`, read once per copied record. */
async function parentRow(
  w: WriteEnv,
  model: ModelInfo,
  link: string,
  row: Record<string, unknown>,
  cache: Map<string, { model: ModelInfo; row: Record<string, unknown> }>,
): Promise<{ model: ModelInfo; row: Record<string, unknown> } | undefined> {
  const known = cache.get(link);
  if (known) return known;
  const parent = w.ctx.registry.model(model.fields.get(link)?.relation ?? '');
  if (!parent?.table || typeof row[link] !== 'number') return undefined;
  const found = (await w.ctx.db.query<Record<string, unknown>>(`SELECT * FROM ${ident(parent.table)} WHERE id = $1`, [row[link]])).rows[0];
  if (!found) return undefined;
  cache.set(link, { model: parent, row: found });
  return cache.get(link);
}

/** The write env with the context a model's `copy` override puts around its `super().copy()`. */
function withCopyContext(w: WriteEnv, model: ModelInfo, defaults: Vals): WriteEnv {
  const extra = Object.assign({}, ...w.behaviours.of(model.name).map((b) => b.copyContext?.(defaults) ?? {})) as Record<string, unknown>;
  if (!Object.keys(extra).length) return w;
  return { ...w, ctx: { ...w.ctx, context: { ...w.ctx.context, ...extra } } };
}

/**
 * `copy_data` reads every field it copies (`record[name]` → `_fetch_field`, which checks the
 * field's groups): the first copied field the user may not read fails the copy
 * (access/field-groups.ts). Log columns, `parent_path`, `_inherits` links and what `default`
 * gives (a given parent link gives its parent's fields) are not read.
 */
function checkCopiedFieldsReadable(w: WriteEnv, model: ModelInfo, ids: number[], defaults: Vals): void {
  const links = new Set(model.inherits.values());
  for (const field of model.fields.values()) {
    if (!field.copied || MAGIC_FIELDS.has(field.name) || field.name === 'parent_path' || field.name in defaults || links.has(field.name)) continue;
    if (field.inheritedVia && field.inheritedVia in defaults) continue;
    w.ctx.fieldAccess.check(model, 'read', [field.name], ids);
  }
}

/** A raw column value back in the form `create` takes (timestamps as text, translations in the call's language). */
function rpcValue(raw: unknown, translate: boolean, lang: string): unknown {
  if (raw === null || raw === undefined) return false;
  if (raw instanceof Date) return raw.toISOString().replace('T', ' ').slice(0, 19);
  if (translate && typeof raw === 'object') {
    const t = raw as Record<string, string>;
    return t[lang] ?? t.en_US ?? false;
  }
  return raw;
}
