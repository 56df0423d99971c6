import { sql } from 'kysely';
import { missingError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { ATTACHMENT_MODEL } from '../domain/attachment-access.ts';
import { vouchReadable, type ReadableIds } from '../read/read-env.ts';
import { fetchSelectsColumns, missingRecordOutcome, withMissingRecords } from '../read/kept-missing-records.ts';
import { readRecords } from '../read/read-records.ts';
import type { ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { mailActivitySearch } from './mail-activity-search.ts';
import { checkMessagesReadable } from './mail-message-access.ts';
import { searchIds, searchSource } from './search-source.ts';

/**
 * `check_access('read')` on explicit ids (models.py `fetch` → `_check_access`): the model's
 * read right, then the user's read rules. Ids the rules exclude make the whole call fail with
 * Odoo's AccessError ("Uh-oh! …"), not vanish; ids that do not exist are dropped, as `read`
 * skips missing records. What passes is what the record reader accepts. mail.message and
 * mail.activity add their own `_check_access` conditions (mail-message-access.ts, mail-activity-search.ts).
 */
export async function checkReadable(ctx: CallContext, model: ModelInfo, ids: readonly number[]): Promise<ReadableIds> {
  const wanted = ids.filter((id) => Number.isInteger(id));
  ctx.access.checkModel(model, 'read');
  // mail.message's `_check_access('read')`: after its rules (whose refusal wins), its own conditions.
  const messages = async () => {
    if (model.name === 'mail.message') await checkMessagesReadable(ctx, model, await existingIds(ctx, model, wanted));
  };
  // mail.activity's `_check_access('read')`: its rules, and assigned to the user or on a document the user may access.
  const activity = model.name === 'mail.activity' && !ctx.access.superuser;
  // ir.attachment (Odoo 18 has no `read` override, no `check('read')` there): its fetch searches the
  // ids through its `_search`, which keeps only the attachments of records the user may read; the
  // others are the rules' "Uh-oh" AccessError.
  const attachment = model.name === ATTACHMENT_MODEL && !ctx.access.superuser;
  if (!wanted.length || !model.table || (!ctx.access.ruleDomain(model, 'read') && !activity && !attachment)) {
    await messages();
    return vouchReadable(wanted);
  }
  let source = searchSource(ctx, model, [['id', 'in', wanted]], { order: null, limit: null, offset: 0 }, { activeTest: false });
  if (activity) source = await mailActivitySearch(ctx, model, source);
  const visible = new Set(await searchIds(ctx, model, source));
  const existing = await run<{ id: number }>(ctx.db, sql`SELECT id FROM ${sql.table(model.table)} WHERE id = ANY(${wanted}::int4[])`);
  const denied = existing.map((r) => r.id).filter((id) => !visible.has(id));
  if (denied.length) throw await ctx.access.ruleError(model, 'read', denied);
  await messages();
  // The rules passed for every existing id: the list keeps the caller's order and duplicates.
  return vouchReadable(wanted);
}

async function existingIds(ctx: CallContext, model: ModelInfo, ids: readonly number[]): Promise<number[]> {
  if (!ids.length || !model.table) return [];
  return (await run<{ id: number }>(ctx.db, sql`SELECT id FROM ${sql.table(model.table)} WHERE id = ANY(${[...ids]}::int4[])`)).map((r) => r.id);
}

/**
 * What a method's first read of `self` meets (fields.py `__get__` → `fetch`), before it checks or
 * writes anything else: the model's read right, MissingError for an id without a row, then the read
 * rules' AccessError for a record they hide. Business methods reading their records first
 * (`self.filtered(...)`, `self.mapped('state')`) and overrides reading before `super().write` (mail's
 * tracking) fail this way, not with the write right's error.
 */
export async function readFirstAsCaller(ctx: CallContext, model: ModelInfo, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  ctx.access.checkModel(model, 'read');
  if (!model.table) return;
  const found = new Set(await existingIds(ctx, model, ids));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw missingError(`Record does not exist or has been deleted.\n(Record: ${model.name}(${missing.join(', ')}${missing.length === 1 ? ',' : ''}), User: ${ctx.uid})`);
  await checkReadable(ctx, model, ids);
}

/**
 * `read(ids, fields, load)` as the user: the one way to read records by id. A record that does not
 * exist is left out because reading one of its fields raises MissingError (models.py
 * `_read_format` clears its values then); its `id` alone reads from the recordset without a
 * fetch, so `read(ids, ['id'])` answers every id asked, existing or not, as Odoo does.
 */
export async function readAsUser(ctx: CallContext, model: ModelInfo, ids: readonly number[], fields: readonly string[], load: unknown): Promise<Record<string, unknown>[]> {
  const readable = await checkReadable(ctx, model, ids);
  if (fields.length && fields.every((name) => name === 'id')) return readable.map((id) => ({ id }));
  // Ids without row: kept when no named field reads their row (x2many, attachments…), or the
  // rule's AccessError (kept-missing-records.ts): raised by `fetch`'s check_access before anything is
  // read when it selects no column, else by `_read_format` once the existing rows are read.
  const outcome = missingRecordOutcome(ctx.registry, model, fields, { rule: ctx.access.ruleDomain(model, 'read'), superuser: ctx.access.superuser });
  const refuseMissing = async () => {
    const missing = await missingIds(ctx, model, readable);
    if (missing.length) throw await ctx.access.ruleError(model, 'read', missing);
  };
  const checkFirst = !fetchSelectsColumns(ctx.registry, model, fields.filter((name) => name !== 'id'));
  if (outcome === 'access-error' && checkFirst) await refuseMissing();
  const rows = await readRecords(ctx.readEnv(), model, { kind: 'ids', ids: readable }, fields, ctx.readOptions(load));
  if (outcome === 'access-error' && !checkFirst) await refuseMissing();
  if (outcome === 'keep' && rows.length < readable.length) return withMissingRecords(model, readable, fields, rows);
  return rows;
}

async function missingIds(ctx: CallContext, model: ModelInfo, ids: readonly number[]): Promise<number[]> {
  const found = new Set(await existingIds(ctx, model, ids));
  return [...new Set(ids.filter((id) => !found.has(id)))];
}

