import { sql } from 'kysely';
import type { CallContext } from '../call-context.ts';
import { vouchReadable, type ReadableIds } from '../read/read-env.ts';
import { readRecords } from '../read/read-records.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { searchIds, searchSource } from './search-source.ts';

/**
 * `check_access('read')` on explicit ids (models.py `fetch` → `_check_access`): the model's
 * read right, then the user's read rules. Ids the rules exclude make the whole call fail with
 * Odoo's AccessError ("Uh-oh! …"), not vanish; ids that do not exist are dropped, as `read`
 * skips missing records. What passes is what the record reader accepts.
 */
export async function checkReadable(ctx: CallContext, model: ModelInfo, ids: readonly number[]): Promise<ReadableIds> {
  ctx.access.checkModel(model, 'read');
  const wanted = ids.filter((id) => Number.isInteger(id));
  if (!wanted.length || !model.table || !ctx.access.ruleDomain(model, 'read')) return vouchReadable(wanted);
  const visible = new Set(await searchIds(ctx, model, searchSource(ctx, model, [['id', 'in', wanted]], { order: null, limit: null, offset: 0 }, { activeTest: false })));
  const existing = await run<{ id: number }>(ctx.db, sql`SELECT id FROM ${sql.table(model.table)} WHERE id = ANY(${wanted}::int4[])`);
  const denied = existing.map((r) => r.id).filter((id) => !visible.has(id));
  if (denied.length) throw await ctx.access.ruleError(model, 'read', denied);
  // The rules passed for every existing id: the list keeps the caller's order and duplicates.
  return vouchReadable(wanted);
}

/** `read(ids, fields, load)` as the user: the one way to read records by id. */
export async function readAsUser(ctx: CallContext, model: ModelInfo, ids: readonly number[], fields: readonly string[], load: unknown): Promise<Record<string, unknown>[]> {
  const readable = await checkReadable(ctx, model, ids);
  return readRecords(ctx.readEnv(), model, { kind: 'ids', ids: readable }, fields, ctx.readOptions(load));
}
