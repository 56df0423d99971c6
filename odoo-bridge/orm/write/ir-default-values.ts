import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';

/**
 * ir_default.py `_get_model_defaults(model)`: the rows of the user's or of no user, of the
 * user's company or of none, without condition, the most specific first (user, then company,
 * then the oldest row), read when asked: a default `ir.default.set` writes is used by the next
 * default_get or create, as Odoo's cache clearing makes it. Read without access rights, as
 * Odoo's raw SQL does: this is the ORM's own lookup, not a client's read of ir.default.
 */
export async function modelIrDefaults(ctx: CallContext, model: ModelInfo): Promise<ReadonlyMap<string, unknown>> {
  const rows = await ctx.db.query<{ name: string; json_value: string }>(
    `SELECT f.name, d.json_value FROM ir_default d JOIN ir_model_fields f ON d.field_id = f.id
      WHERE f.model = $1 AND (d.user_id IS NULL OR d.user_id = $2) AND (d.company_id IS NULL OR d.company_id = $3) AND d.condition IS NULL
      ORDER BY d.user_id, d.company_id, d.id`,
    [model.name, ctx.uid, ctx.access.companyId ?? null],
  );
  const defaults = new Map<string, unknown>();
  for (const row of rows.rows) if (!defaults.has(row.name)) defaults.set(row.name, JSON.parse(row.json_value));
  return defaults;
}
