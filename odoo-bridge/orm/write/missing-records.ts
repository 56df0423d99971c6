import { missingError } from '../../errors.ts';
import { constantDomainTruth } from '../access/rule-domains.ts';
import { readFirstAsCaller } from '../methods/checked-read.ts';
import { readsRecordsBeforeAccess, readsRecordsOnWrite } from '../registry/python-field-facts.ts';
import type { ModelInfo } from '../registry/types.ts';
import { isMailThread, tracksFields } from './mail/mail-thread.ts';
import { ident, recordsetRepr, requireTable, type WriteEnv } from './write-env.ts';

/**
 * Deleted ids given to `write`/`unlink`: Odoo 18 only fails when something reads the records
 * (odoo/fields.py `__get__` raises MissingError on a record it cannot fetch); the UPDATE/DELETE
 * itself meets zero rows and returns True. What reads them, per model:
 *
 * - the record rules of the operation (models.py `_check_access`: `filtered_domain` reads the
 *   rule's fields) — not under sudo, and not when the rules come down to TRUE or FALSE
 *   (`expression.OR` makes any group rule `[(1, '=', 1)]` the whole domain; `filtered_domain`
 *   answers such leaves without a read). A FALSE domain forbids every record, deleted ones
 *   included: they stay in the answer so that the rule check refuses them all;
 * - mail.thread's `_track_prepare` (write on a model with tracked fields, unless
 *   tracking_disable / mail_notrack);
 * - the `_inherits` link, when a write holds a field of the delegated parent;
 * - a `write`, `unlink` or `@api.ondelete` override of an installed module that reads `self`,
 *   for writes only with the values under which it reads them (extracted from the sources:
 *   scripts/python_record_reads.py, python-field-facts `readsRecords`).
 *
 * Returns the ids that exist (the others are a no-op), or raises MissingError naming the missing ones.
 */
export async function existingOrMissingError(
  w: WriteEnv,
  model: ModelInfo,
  operation: 'write' | 'unlink',
  ids: readonly number[],
  checkAccess: boolean,
  writtenKeys: readonly string[] = [],
): Promise<number[]> {
  if (!ids.length) return [];
  const r = await w.ctx.db.query<{ id: number }>(`SELECT id FROM ${ident(requireTable(model))} WHERE id = ANY($1::int4[])`, [ids]);
  const found = new Set(r.rows.map((row) => row.id));
  const missing = ids.filter((id) => !found.has(id));
  if (!missing.length) return [...ids];
  if (readsTheRecords(w, model, operation, checkAccess, writtenKeys)) {
    throw missingError(`Record does not exist or has been deleted.\n(Record: ${recordsetRepr(model.name, missing)}, User: ${w.ctx.uid})`);
  }
  if (checkAccess && ruleTruth(w, model, operation) === false) return [...ids];
  return ids.filter((id) => found.has(id));
}

/** The operation's rule domain without reading records: true/false when it is constant, null when it names fields, undefined when no rule applies. */
function ruleTruth(w: WriteEnv, model: ModelInfo, operation: 'write' | 'unlink'): boolean | null | undefined {
  const domain = w.ctx.access.ruleDomain(model, operation);
  return domain ? constantDomainTruth(domain) : undefined;
}

function readsTheRecords(w: WriteEnv, model: ModelInfo, operation: 'write' | 'unlink', checkAccess: boolean, writtenKeys: readonly string[]): boolean {
  if (checkAccess && ruleTruth(w, model, operation) === null) return true;
  if (operation === 'write' && isMailThread(model) && tracksFields(w.ctx, model)) return true;
  // `_inherits`: a parent's field is written through the records' link to their parent (models.py
  // write: `self[parent_fname]`), which reads them.
  if (operation === 'write' && writtenKeys.some((key) => model.fields.get(key)?.inheritedVia)) return true;
  return readsRecordsOnWrite(w.ctx.registry, model.name, operation, writtenKeys);
}

/**
 * An override that reads the records before its `super()` call (mail.thread's `_track_prepare`
 * on a model with tracked fields, mail's res.users unlink, product.product unlink, res.lang
 * write…) reads them as the caller before BaseModel checks the write right: the read right's
 * AccessError, then MissingError for a deleted id, then the read rules' AccessError for a record
 * they hide — so a portal user writing someone else's contact is told it cannot read it.
 */
export async function missingBeforeAccess(w: WriteEnv, model: ModelInfo, operation: 'write' | 'unlink', ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const tracking = operation === 'write' && isMailThread(model) && tracksFields(w.ctx, model);
  if (!tracking && !readsRecordsBeforeAccess(w.ctx.registry, model.name, operation)) return;
  await readFirstAsCaller(w.ctx, model, ids);
}
