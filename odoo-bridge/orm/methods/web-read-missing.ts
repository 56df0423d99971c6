import { sql } from 'kysely';
import { missingError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { missingFieldOutcome } from '../read/kept-missing-records.ts';
import type { FieldSpec } from './web-read-spec.ts';

/**
 * `web_read` on ids some of which have no row (issue 17). After its `read` (which leaves them out,
 * or keeps them: kept-missing-records.ts), web_read (addons/web/models/models.py) reads some fields
 * on the whole recordset: `self[field_name]` for a many2one whose specification has `fields`, for an
 * x2many with a non-empty specification, and `record[field_name]` of each record for a non-empty
 * reference/many2one_reference specification. On a missing record that read does what `read`'s
 * would (refuseMissingRecords below), MissingError naming the first missing record (fields.py
 * `mapped` stops at the first cache miss).
 */
export function readsWholeRecordset(model: ModelInfo, field: FieldInfo, fieldSpec: FieldSpec): boolean {
  if (field.type === 'many2one') return 'fields' in fieldSpec;
  if (field.type === 'reference' || field.type === 'many2one_reference') return Object.keys(fieldSpec).length > 0;
  if (field.type === 'one2many' || field.type === 'many2many') return Object.keys(fieldSpec).length > 0;
  return false;
}

/**
 * `self[field_name]` on a recordset holding ids without row, as `read` would read the field on
 * them (kept-missing-records.ts): MissingError for the first of them (a column, a compute reading
 * one, an x2many whose reader's rule reads the record), the rule's AccessError for an x2many whose
 * rule the empty record fails, nothing for an x2many fetched without rule.
 */
export async function refuseMissingRecords(ctx: CallContext, model: ModelInfo, field: FieldInfo, ids: readonly number[]): Promise<void> {
  if (!model.table || !ids.length) return;
  const outcome = missingFieldOutcome(ctx.registry, model, field, { rule: ctx.access.ruleDomain(model, 'read'), superuser: ctx.access.superuser });
  if (outcome === 'keep') return;
  const rows = await run<{ id: number }>(ctx.db, sql`SELECT id FROM ${sql.table(model.table)} WHERE id = ANY(${[...ids]}::int4[])`);
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (!missing.length) return;
  if (outcome === 'access-error') throw await ctx.access.ruleError(model, 'read', [...new Set(missing)]);
  throw missingError(`Record does not exist or has been deleted.\n(Record: ${model.name}(${missing[0]},), User: ${ctx.uid})`);
}
