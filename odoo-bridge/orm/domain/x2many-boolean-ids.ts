import { OdooError } from '../../errors.ts';
import { errorPositionExcerpt } from '../sql-text/libpq-error-position.ts';
import { psycopgValue } from '../sql-text/statement-text.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import type { SearchEnv } from './search-env.ts';

const NEGATIVE = new Set(['!=', 'not like', 'not ilike', 'not in']);
const HINT = 'HINT:  No operator matches the given name and argument types. You might need to add explicit type casts.\n';

/**
 * A boolean among the ids of an x2many leaf (`('child_ids', 'in', [False])`, `('tag_ids', '=', True)`):
 * odoo/osv/expression.py interpolates the ids into its statement as they came, and PostgreSQL
 * refuses comparing an integer with a boolean (psycopg2.errors.UndefinedFunction, with libpq's
 * excerpt of Odoo's statement):
 * - a one2many with a stored inverse keeps every value: `comodel.browse(ids)._as_query()`,
 *   `"<comodel>"."id" IN (false)` in the subquery of the inverse;
 * - a many2many drops the falsy ones (`tuple(it for it in ids2 if it)`), so only a True is refused,
 *   in `"<rel alias>"."<column2>" IN (true)` of its EXISTS.
 * Odoo's error comes when the statement runs, after every leaf parsed: the compiler notes it here
 * and the search raises it before Ficus's statement runs (assertNoRefusedIds). The compiler meets
 * the domain's leaves last first (compile.ts), so the one kept is the last noted: the statement's first.
 * A one2many whose inverse is an integer (a Many2oneReference: message_ids, activity_ids) with a
 * domain searches `[('id', 'in', ids)] + domain` first, which drops the booleans: no error.
 */
export function noteBooleanIds(env: SearchEnv, model: ModelInfo, field: FieldInfo, comodel: ModelInfo, operator: string, value: unknown): void {
  if (typeof value === 'string' || value === false || value === null || value === undefined) return;
  const given = Array.isArray(value) ? value : [value];
  if (!given.every((v) => v === null || typeof v === 'boolean' || typeof v === 'number')) return;
  const q = (name: string) => `"${name}"`;
  if (field.type === 'one2many') {
    const inverse = comodel.fields.get(field.relationField ?? '');
    if (!inverse?.column || !comodel.table || !given.some((v) => typeof v === 'boolean')) return;
    const table = q(comodel.table);
    const before = `(${q(model.table ?? '')}.${q('id')} ${NEGATIVE.has(operator) ? 'NOT IN' : 'IN'} (SELECT ${table}.${q(inverse.column)} FROM ${table} WHERE ${table}.${q('id')} `;
    const notNull = inverse.required ? '' : ` AND ${table}.${q(inverse.column)} IS NOT NULL`;
    env.refusedIds = refusal(before, `IN (${given.map((v) => psycopgValue(v) ?? String(v)).join(', ')})${notNull}))`);
  } else if (field.type === 'many2many') {
    const kept = given.filter((v) => v !== null && v !== false && v !== 0);
    if (!kept.includes(true) || !field.relationTable || !field.column1 || !field.column2) return;
    const alias = model.table ?? '';
    const rel = q(`${alias}__${field.name}`);
    const before = `${NEGATIVE.has(operator) ? 'NOT EXISTS' : 'EXISTS'} (SELECT 1 FROM ${q(field.relationTable)} AS ${rel} WHERE ${rel}.${q(field.column1)} = ${q(alias)}.${q('id')} AND ${rel}.${q(field.column2)} `;
    env.refusedIds = refusal(before, `IN (${kept.map((v) => psycopgValue(v) ?? String(v)).join(', ')}))`);
  }
}

/** The refusal noted while compiling, as Odoo's statement would meet it. */
export function assertNoRefusedIds(env: SearchEnv): void {
  if (env.refusedIds) throw env.refusedIds;
}

function refusal(before: string, rest: string): OdooError {
  // The rest of Odoo's statement follows the leaf (ORDER BY, LIMIT...): libpq cuts the line there.
  const text = `${before}${rest} ORDER BY "id"`;
  return new OdooError('psycopg2.errors.UndefinedFunction', `operator does not exist: integer = boolean\n${errorPositionExcerpt(text, before.length + 1)}${HINT}`);
}
