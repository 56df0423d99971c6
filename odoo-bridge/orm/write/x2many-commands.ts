import { valueError } from '../../errors.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import type { RecordWrites } from './nested-writes.ts';
import { ident, requireTable, type WriteEnv } from './write-env.ts';
import { checkReferencedRows, onDeleteOf, refuseWriteToCopy } from './references/reference-guard.ts';
import { x2manyDomains } from '../registry/python-field-facts.ts';
import { modelSearchSource, searchIds } from '../methods/search-source.ts';
import { andDomains } from '../domain/display-name-domains.ts';

type Command = [number, number, unknown];

/**
 * x2many write commands 0–6 (odoo/fields.py `_RelationalMulti.write_batch`, One2many and
 * Many2many `write_real`), applied in order, for every written record. Shorthands: a flat id
 * list = SET, False/None = CLEAR, short tuples like `[5]` / `[4, id]`. Lines are created,
 * written and deleted through `writes`, with their own access checks, hooks and computes.
 */
export async function applyX2manyCommands(writes: RecordWrites, w: WriteEnv, model: ModelInfo, field: FieldInfo, ids: number[], value: unknown, _phase: 'create' | 'write'): Promise<void> {
  const comodel = w.ctx.registry.model(field.relation ?? '');
  if (!comodel) throw valueError(`Unknown comodel ${field.relation} of ${model.name}.${field.name}`);
  for (const [code, id, arg] of normalizeCommands(value)) {
    // Commands that would create, change or delete comodel rows this database only copies.
    if (code === 0 || code === 1 || code === 2) await refuseWriteToCopy(w, comodel, code === 0 ? 'create' : code === 1 ? 'write' : 'unlink', field);
    for (const recordId of ids) {
      if (field.type === 'one2many') await one2many(writes, w, field, comodel, recordId, code, id, arg);
      else await many2many(writes, w, field, comodel, recordId, code, id, arg);
    }
  }
}

export function normalizeCommands(value: unknown): Command[] {
  if (value === false || value === null || value === undefined) return [[5, 0, 0]];
  if (!Array.isArray(value)) throw valueError(`Wrong value for x2many field: ${JSON.stringify(value)}`);
  // fields.py write_batch: a non-empty list of ids is a SET; an empty list holds no command.
  if (value.length && value.every((v) => typeof v === 'number')) return [[6, 0, value]];
  return value.map((c) => {
    if (!Array.isArray(c) || typeof c[0] !== 'number') throw valueError(`Invalid x2many command: ${JSON.stringify(c)}`);
    return [c[0], typeof c[1] === 'number' ? c[1] : 0, c[2]] as Command;
  });
}

async function one2many(writes: RecordWrites, w: WriteEnv, field: FieldInfo, comodel: ModelInfo, recordId: number, code: number, id: number, arg: unknown): Promise<void> {
  const inverse = field.relationField;
  if (!inverse) throw valueError(`one2many ${field.model}.${field.name} has no inverse field`);
  const table = ident(requireTable(comodel));
  switch (code) {
    case 0:
      await writes.create(w, comodel, [{ ...((arg as Vals) ?? {}), [inverse]: recordId }]);
      return;
    case 1:
      await writes.update(w, comodel, [id], (arg as Vals) ?? {});
      return;
    case 2:
      await writes.unlink(w, comodel, [id]);
      return;
    case 3:
      await detachLines(writes, w, comodel, inverse, [id]);
      return;
    case 4:
      await writes.update(w, comodel, [id], { [inverse]: recordId });
      return;
    case 5: {
      await detachLines(writes, w, comodel, inverse, await linesOf(w, field, comodel, recordId, table));
      return;
    }
    case 6: {
      const keep = Array.isArray(arg) ? arg.filter((v): v is number => typeof v === 'number') : [];
      const lines = await linesOf(w, field, comodel, recordId, table);
      await detachLines(writes, w, comodel, inverse, lines.filter((l) => !keep.includes(l)));
      const toLink = keep.filter((l) => !lines.includes(l));
      if (toLink.length) await writes.update(w, comodel, toLink, { [inverse]: recordId });
      return;
    }
    default:
      // An unknown command code is skipped, as _RelationalMulti.write_real's if/elif chain does (seq_wcat#29).
      return;
  }
}

/**
 * The record's current lines, which CLEAR and SET detach: `comodel.search(get_domain_list +
 * [(inverse, 'in', ids)])` in One2many.write_real. An inverse of the comodel's own table is one
 * query; an `_inherits` inverse (product.document's res_id, ir.attachment's) or a Many2oneReference
 * with its model condition goes through the comodel's search.
 */
async function linesOf(w: WriteEnv, field: FieldInfo, comodel: ModelInfo, recordId: number, table: string): Promise<number[]> {
  const inverse = comodel.fields.get(field.relationField ?? '');
  const domains = x2manyDomains(w.ctx.registry, w.ctx.registry.model(field.model)!, field) ?? [];
  if (inverse?.column && !domains.some((d) => d.length)) {
    const lines = await w.ctx.db.query<{ id: number }>(`SELECT id FROM ${table} WHERE ${ident(inverse.column)} = $1`, [recordId]);
    return lines.rows.map((r) => r.id);
  }
  const domain = andDomains([[field.relationField!, '=', recordId]], ...domains);
  const source = await modelSearchSource(w.ctx, comodel, domain, { order: null, limit: null, offset: 0 });
  return [...(await searchIds(w.ctx, comodel, source))];
}

/**
 * UNLINK of one2many lines: delete them when the inverse many2one is `ondelete='cascade'`, else
 * clear it. The field's ondelete decides (Odoo's One2many.write_real), also where the served
 * database has no foreign key for it; the database's own key when Odoo's schema has none here.
 */
async function detachLines(writes: RecordWrites, w: WriteEnv, comodel: ModelInfo, inverse: string, lineIds: number[]): Promise<void> {
  if (!lineIds.length) return;
  const odoo = await onDeleteOf(w, requireTable(comodel), inverse);
  if (odoo) {
    if (odoo === 'cascade') await writes.unlink(w, comodel, lineIds);
    else await writes.update(w, comodel, lineIds, { [inverse]: false });
    return;
  }
  const cascade = await w.ctx.db.query<{ cascade: boolean }>(
    `SELECT c.confdeltype = 'c' AS cascade FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.conrelid = $1::regclass AND a.attname = $2 LIMIT 1`,
    [requireTable(comodel), inverse],
  );
  if (cascade.rows[0]?.cascade) await writes.unlink(w, comodel, lineIds);
  else await writes.update(w, comodel, lineIds, { [inverse]: false });
}

async function many2many(writes: RecordWrites, w: WriteEnv, field: FieldInfo, comodel: ModelInfo, recordId: number, code: number, id: number, arg: unknown): Promise<void> {
  const { relationTable, column1, column2 } = field;
  if (!relationTable || !column1 || !column2) throw valueError(`many2many ${field.model}.${field.name} has no relation table`);
  const rel = ident(relationTable);
  const [c1, c2] = [ident(column1), ident(column2)];
  const link = async (targets: number[]) => {
    if (!targets.length) return;
    await w.ctx.db.query(
      `INSERT INTO ${rel} (${c1}, ${c2}) SELECT $1, t FROM unnest($2::int4[]) AS t
        WHERE NOT EXISTS (SELECT 1 FROM ${rel} WHERE ${c1} = $1 AND ${c2} = t)`,
      [recordId, targets],
    );
    await checkReferencedRows(w, relationTable, new Map([[column2, targets]]));
  };
  switch (code) {
    case 0: {
      const created = await writes.create(w, comodel, [(arg as Vals) ?? {}]);
      await link(created);
      return;
    }
    case 1:
      await writes.update(w, comodel, [id], (arg as Vals) ?? {});
      return;
    case 2:
      await writes.unlink(w, comodel, [id]);
      return;
    case 3:
      await w.ctx.db.query(`DELETE FROM ${rel} WHERE ${c1} = $1 AND ${c2} = $2`, [recordId, id]);
      return;
    case 4:
      await link([id]);
      return;
    case 5:
      await w.ctx.db.query(`DELETE FROM ${rel} WHERE ${c1} = $1`, [recordId]);
      return;
    case 6: {
      const targets = Array.isArray(arg) ? arg.filter((v): v is number => typeof v === 'number') : [];
      await w.ctx.db.query(`DELETE FROM ${rel} WHERE ${c1} = $1 AND NOT (${c2} = ANY($2::int4[]))`, [recordId, targets]);
      await link(targets);
      return;
    }
    default:
      // An unknown command code is skipped, as _RelationalMulti.write_real's if/elif chain does (seq_wcat#29).
      return;
  }
}
