import { validationError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';

/**
 * odoo/models.py `_has_cycle(field_name)` behind the `_check_*_recursion` constraints: following
 * the many2one `column` up from any of the records comes back to where it started. Raises the
 * constraint's ValidationError `message`. The walk stops at a depth no real hierarchy reaches.
 */
export async function refuseCycle(ctx: CallContext, table: string, column: string, ids: readonly number[], message: string): Promise<void> {
  if (!ids.length) return;
  const t = `"${table.replace(/"/g, '""')}"`;
  const c = `"${column.replace(/"/g, '""')}"`;
  const loop = await ctx.db.query(
    `WITH RECURSIVE up(id, start, depth) AS (
       SELECT ${c}, id, 1 FROM ${t} WHERE id = ANY($1::int4[]) AND ${c} IS NOT NULL
       UNION ALL SELECT p.${c}, up.start, up.depth + 1 FROM ${t} p JOIN up ON p.id = up.id WHERE p.${c} IS NOT NULL AND up.id <> up.start AND up.depth < 1000
     ) SELECT 1 FROM up WHERE id = start LIMIT 1`,
    [[...ids]],
  );
  if (loop.rowCount) throw validationError(message);
}
