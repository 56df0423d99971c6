import { missingBehaviour } from '../../errors.ts';
import { triggeredConstraints } from '../registry/python-constraints.ts';
import type { ConstraintFact } from '../registry/python-constraint-facts-types.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { Vals } from './behaviour-registry.ts';
import type { ConstraintCheck, ConstraintRow } from './constraint-check.ts';
import { splitVals } from './vals-columns.ts';
import { floatScales } from './float-scales.ts';
import { ident, requireTable, type WriteEnv } from './write-env.ts';

/**
 * odoo/models.py `_validate_fields`: the model's `@api.constrains` methods whose fields meet the
 * written names run, in `_constraint_methods` order (inspect.getmembers: by method name). Every
 * method the installed modules define needs a registered check (ModelBehaviour.checks); a write
 * that would trigger one Ficus lacks is refused before anything is stored, rather than storing a
 * row Odoo would have refused.
 */
function triggered(w: WriteEnv, model: ModelInfo, written: ReadonlySet<string>): { fact: ConstraintFact; check: ConstraintCheck }[] {
  const out: { fact: ConstraintFact; check: ConstraintCheck }[] = [];
  for (const fact of [...triggeredConstraints(w.ctx.registry, model.name, written)].sort((a, b) => (a.method < b.method ? -1 : a.method > b.method ? 1 : 0))) {
    const check = w.behaviours.checkOf(model.name, fact.method);
    if (!check && !fact.installed) continue;
    if (!check) throw missingBehaviour(model.name, `the Python constraint ${fact.method} (${fact.fields.join(', ')}, module ${fact.module})`);
    out.push({ fact, check });
  }
  return out;
}

/** Before an INSERT: refuse when a constraint the new rows trigger has no check (it would run after the INSERT). */
export function refuseUncheckedConstraints(w: WriteEnv, model: ModelInfo, valsList: readonly Vals[]): void {
  triggered(w, model, new Set(valsList.flatMap((v) => Object.keys(v))));
}

/**
 * `write`: `_validate_fields(vals)` runs on the cache before the flush. `values` checks see the
 * records with the written values over their current ones, before the UPDATE; `flushed` ones run
 * after it (validateAfterFlush).
 */
export async function validateBeforeFlush(w: WriteEnv, model: ModelInfo, ids: number[], vals: Vals): Promise<void> {
  if (!ids.length) return;
  for (const { check } of triggered(w, model, new Set(Object.keys(vals)))) {
    if ('reads' in check) await check.values(w.ctx, await rowsAsWritten(w, model, ids, check.reads, vals));
  }
}

/**
 * After the SQL: on create every triggered check (Odoo's `_create` inserted the rows first), on
 * write the `flushed` ones (their search flushes the new values first in Odoo).
 */
export async function validateAfterFlush(w: WriteEnv, model: ModelInfo, ids: number[], kind: 'create' | 'write', valsList: readonly Vals[]): Promise<void> {
  if (!ids.length) return;
  for (const { check } of triggered(w, model, new Set(valsList.flatMap((v) => Object.keys(v))))) {
    if ('flushed' in check) await check.flushed(w.ctx, ids);
    else if (kind === 'create') await check.values(w.ctx, await rowsAsWritten(w, model, ids, check.reads, {}));
  }
}

/** The records' stored `reads`, with the written values (as their columns will hold them) in place of the current ones; by id. */
async function rowsAsWritten(w: WriteEnv, model: ModelInfo, ids: number[], reads: readonly string[], vals: Vals): Promise<ConstraintRow[]> {
  const { columns } = splitVals(model, vals, w.ctx.lang, w.ctx.access.companyId, 'write', undefined, await floatScales(w.ctx, model, vals));
  const params: unknown[] = [ids];
  const selects = reads.map((name) => {
    const field = model.fields.get(name);
    if (!field?.column) throw new Error(`constraint check of ${model.name} reads ${name}, which has no column`);
    if (!columns.has(name)) return `t.${ident(field.column)} AS ${ident(name)}`;
    params.push(columns.get(name));
    // The parameter cast to the column's type, so written and stored values read alike.
    return `CAST($${params.length} AS ${field.columnType ?? 'text'}) AS ${ident(name)}`;
  });
  const { rows } = await w.ctx.db.query<ConstraintRow>(
    `SELECT t.id${selects.map((s) => `, ${s}`).join('')} FROM ${ident(requireTable(model))} t WHERE t.id = ANY($1::int4[]) ORDER BY t.id`,
    params,
  );
  return rows;
}
