import { missingError } from '../../errors.ts';
import { foreignKeyViolation } from './sql-errors.ts';
import { constantDomainTruth } from '../access/rule-domains.ts';
import { readFirstAsCaller } from '../methods/checked-read.ts';
import { hasPythonInverse, readsRecordsBeforeAccess, readsRecordsOnWrite } from '../registry/python-field-facts.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { fieldDepends, isPythonComputed } from '../registry/python-field-facts-depends.ts';
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
 * - BaseModel.write itself for a written field with an inverse (writesThroughRecords);
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
  vals?: Readonly<Record<string, unknown>>,
): Promise<number[]> {
  if (!ids.length) return [];
  const r = await w.ctx.db.query<{ id: number }>(`SELECT id FROM ${ident(requireTable(model))} WHERE id = ANY($1::int4[])`, [ids]);
  const found = new Set(r.rows.map((row) => row.id));
  const missing = ids.filter((id) => !found.has(id));
  if (!missing.length) return [...ids];
  if (operation === 'write' && readsBeforeFieldWrites(w, model, checkAccess)) throw missingIdsError(w, model, missing);
  if (operation === 'write' && vals) await refuseLinksOfMissing(w, model, vals);
  if (readsTheRecords(w, model, operation, checkAccess, writtenKeys)) {
    throw missingIdsError(w, model, missing);
  }
  if (checkAccess && ruleTruth(w, model, operation) === false) return [...ids];
  return ids.filter((id) => found.has(id));
}

function missingIdsError(w: WriteEnv, model: ModelInfo, missing: readonly number[]): Error {
  return missingError(`Record does not exist or has been deleted.\n(Record: ${recordsetRepr(model.name, missing)}, User: ${w.ctx.uid})`);
}

/**
 * What reads a write's records before any field is written: the rules' `filtered_domain` (the
 * access check opens write()), mail.thread's `_track_prepare` and an override reading them
 * before its `super()` — so before a many2many's link rows are inserted.
 */
function readsBeforeFieldWrites(w: WriteEnv, model: ModelInfo, checkAccess: boolean): boolean {
  if (checkAccess && ruleTruth(w, model, 'write') === null) return true;
  if (isMailThread(model) && tracksFields(w.ctx, model)) return true;
  return readsRecordsBeforeAccess(w.ctx.registry, model.name, 'write');
}

/**
 * A stored many2many written on a deleted id: `Many2many.write_real` inserts the link rows
 * (`(6, 0, ids)` with ids, `(4, id)`, `(0, 0, vals)`, a list of ids) for every record of self at
 * once, so PostgreSQL refuses the row naming the deleted id with the relation's foreign key
 * (res_company_users_rel_cid_fkey, res_groups_implied_rel_gid_fkey…): Odoo answers that
 * ValidationError before the overrides that read the records after their `super()` (res.groups'
 * implied groups). Commands that only remove links insert nothing.
 */
async function refuseLinksOfMissing(w: WriteEnv, model: ModelInfo, vals: Readonly<Record<string, unknown>>): Promise<void> {
  for (const [key, value] of Object.entries(vals)) {
    const field = model.fields.get(key);
    if (!field || field.type !== 'many2many' || !field.store || !field.relationTable || !field.column1 || field.inheritedVia) continue;
    if (!addsLinks(value)) continue;
    const { rows } = await w.ctx.db.query<{ conname: string }>(
      `SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.conrelid = to_regclass($1) AND c.contype = 'f' AND array_length(c.conkey, 1) = 1 AND a.attname = $2`,
      [field.relationTable, field.column1],
    );
    if (rows[0]) throw foreignKeyViolation(w.ctx.registry, field.relationTable, rows[0].conname, w.ctx.lang);
  }
}

/** Whether an x2many value adds link rows: a list of ids, or a command creating or linking records. */
function addsLinks(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  return value.some((command) => {
    if (typeof command === 'number') return true;
    if (!Array.isArray(command)) return false;
    if (command[0] === 0 || command[0] === 4) return true;
    return command[0] === 6 && Array.isArray(command[2]) && command[2].length > 0;
  });
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
  if (operation === 'write' && writtenKeys.some((key) => writesThroughRecords(w, model, model.fields.get(key)))) return true;
  return readsRecordsOnWrite(w.ctx.registry, model.name, operation, writtenKeys);
}

/**
 * Fields whose write reads the records in BaseModel.write (odoo/models.py 18), whatever the override:
 * - a field with an inverse: `determine_inverse` runs it on the records. Related fields get
 *   `_inverse_related` unless readonly (fields.py `_setup_related_full`), and it reads the path
 *   to the target (res.company's name, email, logo → partner_id); a computed field that is neither
 *   stored, related nor readonly has one (street, city… `_inverse_street`), and so has a field
 *   whose Python definition names `inverse=` (partner_autocomplete's stored related partner_gid);
 * - a computed x2many that is not stored: `Field.write` compares with the current value, which
 *   computes it from the records (res.company parent_ids, uninstalled_l10n_module_ids) when its
 *   compute fetches one of their columns (computeFetchesColumns).
 * A readonly computed or related scalar (root_id, country_code, logo_web) is only put in the cache.
 */
function writesThroughRecords(w: WriteEnv, model: ModelInfo, field: FieldInfo | undefined): boolean {
  if (!field || field.inheritedVia) return false;
  if (field.related) return !field.readonly || hasPythonInverse(w.ctx.registry, model.name, field.name);
  if (hasPythonInverse(w.ctx.registry, model.name, field.name)) return true;
  // ir_model_fields leaves `compute` empty for code fields: the Python definitions say (a plain
  // `store=False` field such as account's res.currency fiscal_country_codes lives in the cache only).
  if (field.store || !isPythonComputed(w.ctx.registry, model, field)) return false;
  if (field.type !== 'one2many' && field.type !== 'many2many') return !field.readonly;
  return computeFetchesColumns(w, model, field);
}

/**
 * Whether computing `field` on the records fetches a column of them (MissingError on a deleted
 * id): a dependency whose first field is a column does (parent_ids on `parent_path`); one through
 * an x2many of the record does not — fetching an x2many is a search on the comodel
 * (trans_implied_ids on `implied_ids.trans_implied_ids`). Unknown dependencies count as reading.
 */
function computeFetchesColumns(w: WriteEnv, model: ModelInfo, field: FieldInfo): boolean {
  const depends = fieldDepends(w.ctx.registry, model, field);
  if (!depends?.length) return true;
  return depends.some((path) => {
    const first = model.fields.get(path.split('.')[0]!);
    return !first || (first.type !== 'one2many' && first.type !== 'many2many');
  });
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
