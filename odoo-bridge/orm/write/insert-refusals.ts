import { OdooError } from '../../errors.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { odooInsertText, type InsertCell } from '../sql-text/insert-text.ts';
import { psycopgClassOf } from '../sql-text/client-literals.ts';
import type { Vals } from './behaviour-registry.ts';
import { arrayElementOffsets, insertLiteral } from './insert-literals.ts';
import { precomputedFields } from './precomputed-fields.ts';
import type { WriteEnv } from './write-env.ts';

const LOG_COLUMNS = ['create_uid', 'create_date', 'write_uid', 'write_date'];

/** A value of a create PostgreSQL refuses, found before the INSERT runs: the record's index and its field. */
export interface RefusedInsertValue {
  readonly row: number;
  readonly field: string;
  readonly error: OdooError;
}

/** Per record of the batch: its values as `create` completed them, and the columns Ficus converted them to (none for a refused record). */
export interface InsertBatch {
  readonly prepared: readonly Vals[];
  readonly converted: ReadonlyArray<ReadonlyMap<string, unknown> | undefined>;
  readonly roundings: ReadonlyArray<ReadonlyMap<string, number> | undefined>;
}

/**
 * psycopg2's exception for a value PostgreSQL refuses in Odoo's INSERT: PostgreSQL's message,
 * then libpq's `LINE 1:` excerpt of Odoo's statement (sql-text/insert-text.ts) at the value, then
 * its HINT. A value given as a quoted literal is refused by the type's input function at the
 * literal (in a list, at the element); a value of the wrong type (true, a list of numbers) at
 * the value, with PostgreSQL's hint to cast it; a number out of range by a cast no position
 * names (no excerpt). An excerpt that would show what Ficus cannot know is left out.
 */
export function insertRefusalWithExcerpt(w: WriteEnv, model: ModelInfo, batch: InsertBatch, refused: RefusedInsertValue, now: Date): OdooError {
  const firstLine = refused.error.message.split('\n')[0] ?? '';
  const mismatch = refused.error.exceptionName === 'psycopg2.errors.DatatypeMismatch';
  const hint = mismatch ? 'HINT:  You will need to rewrite or cast the expression.\n' : '';
  const positioned = mismatch || !/^(integer|smallint|bigint) out of range$/.test(firstLine);
  let excerpt = '';
  if (positioned && model.table) {
    const text = odooInsertText(model.table, batch.prepared.map((vals, row) => insertCells(w, model, vals, batch.converted[row], batch.roundings[row], now)));
    const start = text.cellPosition(refused.row, refused.field);
    const value = batch.prepared[refused.row]?.[refused.field];
    let position = start;
    if (start !== undefined && Array.isArray(value) && !mismatch) {
      const bad = /"(.*)"$/.exec(firstLine)?.[1];
      const index = value.findIndex((item) => typeof item === 'string' && item === bad);
      if (index >= 0) position = start + arrayElementOffsets(value)[index]!;
    }
    if (position !== undefined) excerpt = text.statement.excerptAt(position) ?? '';
  }
  return new OdooError(refused.error.exceptionName, `${firstLine}\n${excerpt}${hint}`);
}

/**
 * The same for a refusal PostgreSQL raised when Ficus ran the INSERT (a date it could not read):
 * the refused value is the record's cell whose literal PostgreSQL quotes in its message, looked
 * up among the record's date and datetime columns. Null when the error is not such a refusal.
 */
export function insertErrorWithExcerpt(w: WriteEnv, model: ModelInfo, batch: InsertBatch, row: number, error: unknown, now: Date): OdooError | null {
  const pg = error as { code?: unknown; message?: unknown; hint?: unknown; detail?: unknown } | null;
  if (!pg || typeof pg.code !== 'string' || !pg.code.startsWith('22') || typeof pg.message !== 'string' || !model.table) return null;
  const name = psycopgClassOf(pg.code);
  if (!name) return null;
  const quotedValue = /"(.*)"$/.exec(pg.message)?.[1];
  const vals = batch.prepared[row] ?? {};
  const field = Object.keys(vals).sort().find((fname) => {
    const f = model.fields.get(fname);
    return (f?.type === 'date' || f?.type === 'datetime') && quotedValue !== undefined && String(vals[fname] === true ? 'True' : vals[fname]) === quotedValue;
  });
  let excerpt = '';
  if (field) {
    const text = odooInsertText(model.table, batch.prepared.map((v, r) => insertCells(w, model, v, batch.converted[r], batch.roundings[r], now)));
    const position = text.cellPosition(row, field);
    if (position !== undefined) excerpt = text.statement.excerptAt(position) ?? '';
  }
  const detail = typeof pg.detail === 'string' && pg.detail ? `DETAIL:  ${pg.detail}\n` : '';
  // PostgreSQL 16 capitalised the parameter in this hint; Odoo's recordings (PostgreSQL 15) show "datestyle".
  const hintText = typeof pg.hint === 'string' ? pg.hint.replace('"DateStyle"', '"datestyle"') : '';
  const hint = hintText ? `HINT:  ${hintText}\n` : '';
  return new OdooError(name, `${pg.message}\n${excerpt}${detail}${hint}`);
}

/**
 * One record's cells of Odoo's INSERT: its stored column fields (the create's values after
 * defaults, `_inherits` fields going to the parent), the precomputed fields Odoo computes before
 * inserting (unknown here: opaque), the `_inherits` keys of parents created first (opaque), and
 * the log columns `_prepare_create_values` sets (the user; `cr.now()` printed by `str()`).
 */
function insertCells(w: WriteEnv, model: ModelInfo, vals: Vals, converted: ReadonlyMap<string, unknown> | undefined, roundings: ReadonlyMap<string, number> | undefined, now: Date): Map<string, InsertCell> {
  const cells = new Map<string, InsertCell>();
  const precomputed = new Set(precomputedFields(w.ctx.registry, model));
  for (const [name, value] of Object.entries(vals)) {
    const field = model.fields.get(name);
    if (!isInsertColumn(field) || name === 'id' || name === 'parent_path' || (model.logAccess && LOG_COLUMNS.includes(name))) continue;
    // `_prepare_create_values` drops readonly precomputed values given: Odoo computes them again.
    if (precomputed.has(name) && field.readonly) continue;
    cells.set(name, insertLiteral(field, value, { lang: w.ctx.lang, rounding: roundings?.get(name), converted: converted?.get(name) }));
  }
  for (const name of precomputed) {
    if (!cells.has(name) && isInsertColumn(model.fields.get(name))) cells.set(name, null);
  }
  for (const [, fk] of model.inherits) if (!cells.has(fk) || cells.get(fk) === 'NULL') cells.set(fk, null);
  if (model.logAccess) {
    const uid = String(w.ctx.uid);
    const stamp = pythonDatetimeStr(now);
    cells.set('create_uid', uid).set('write_uid', uid).set('create_date', `'${stamp}'`).set('write_date', `'${stamp}'`);
  }
  return cells;
}

function isInsertColumn(field: FieldInfo | undefined): field is FieldInfo {
  return Boolean(field?.column && field.store && !field.inheritedVia);
}

/** `str(datetime)`: microseconds shown only when not zero. */
function pythonDatetimeStr(moment: Date): string {
  const iso = moment.toISOString();
  const micro = moment.getUTCMilliseconds() * 1000;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${micro ? `.${String(micro).padStart(6, '0')}` : ''}`;
}
