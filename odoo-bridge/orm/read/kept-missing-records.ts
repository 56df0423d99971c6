import { pythonFloat } from '../../wire/xmlrpc/values.ts';
import { pythonDescriptionOf } from '../registry/python-field-description.ts';
import { usesBaseDisplayName } from './display-name.ts';
import { fieldDepends } from '../registry/python-field-facts-depends.ts';
import type { FieldInfo, ModelInfo, Registry } from '../registry/types.ts';

/** What a read does with an id without row (see missingRecordOutcome). */
export type MissingRecordOutcome = 'keep' | 'drop' | 'access-error';

/**
 * What Odoo 18's `read` does with the ids that have no row (issue 17). `read` → `fetch` →
 * `_read_format` (odoo/models.py) reads each named field of each record in the order named, and
 * a missing record is dropped when one of those reads raises MissingError:
 * - a column field (stored scalar, many2one, `_inherits` parent field), named or read by its
 *   compute: `fetch` searches the ids, the row-less record is not fetched, `__get__` raises;
 * - a stored field without column (x2many, attachment binary): `fetch` runs `check_access('read')`
 *   on the records first; without read rule it caches the value of an empty record (`[]`, False)
 *   and the record stays. With one, `filtered_domain` evaluates the rule on the missing record (as
 *   superuser): a leaf reading one of its columns raises MissingError (dropped); when no leaf does
 *   (`parent_of` searches, x2many leaves), the record simply fails the rule and the whole read is
 *   the rule's AccessError ("Uh-oh!…");
 * - a related field computes as superuser: kept unless its first hop is a column;
 * - a compute reads its `@api.depends` (READS_NO_RECORD lists those known to read nothing of the
 *   record: kept with their empty value, `0`, False).
 */
export function missingRecordOutcome(registry: Registry, model: ModelInfo, names: readonly string[], reader: Reader): MissingRecordOutcome {
  const named = names.filter((name) => name !== 'id');
  if (!named.length) return 'drop';
  // `fetch` without a column to select checks the read access of every record first: a rule the
  // missing record fails is the read's AccessError, whatever is read (a MissingError there is caught).
  if (!fetchSelectsColumns(registry, model, named) && fetchOutcome(registry, model, reader) === 'access-error') return 'access-error';
  for (const name of named) {
    const field = model.fields.get(name);
    if (!field) return 'drop';
    const outcome = missingFieldOutcome(registry, model, field, reader);
    if (outcome !== 'keep') return outcome;
  }
  return 'keep';
}

/** What reading `field` of a missing record does: 'keep' (a value), 'drop' (MissingError) or 'access-error'. */
export function missingFieldOutcome(registry: Registry, model: ModelInfo, field: FieldInfo, reader: Reader): MissingRecordOutcome {
  const read = fieldRead(registry, model, field, new Set());
  if (read === 'row') return 'drop';
  return read === 'fetch' ? fetchOutcome(registry, model, reader) : 'keep';
}

/**
 * Whether `_determine_fields_to_fetch(names)` holds a column field, so that `fetch` selects rows
 * (`_search` on the ids) instead of checking access on the records: a stored column named, or one a
 * non-stored field depends on (followed through non-stored fields; a stored one only when it is
 * prefetched: a column, not binary, not company-dependent, not manual). Unknown dependencies count
 * as a column.
 */
export function fetchSelectsColumns(registry: Registry, model: ModelInfo, names: readonly string[]): boolean {
  const seen = new Set<string>(['id']);
  const todo = [...names];
  while (todo.length) {
    const name = todo.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const field = model.fields.get(name);
    if (!field) return true;
    if (field.store) {
      if (field.column && names.includes(name)) return true;
      continue;
    }
    const depends = field.related ? [field.related] : fieldDepends(registry, model, field);
    if (!depends) return true;
    for (const dotted of depends) {
      const dep = model.fields.get(dotted.split('.')[0]!);
      if (!dep) continue;
      if (!dep.store) todo.push(dep.name);
      else if (dep.column && dep.type !== 'binary' && !dep.companyDependent && !dep.manual) return true;
    }
  }
  return false;
}

/** Who reads: their read rule on the model (null: none) and whether they are the superuser (no check at all). */
export interface Reader {
  rule: readonly unknown[] | null;
  superuser: boolean;
}

/**
 * Models whose own `_check_access('read')` reads fields of the records: mail.activity filters
 * `[('user_id', '=', uid)]` on them (mail_activity.py), a MissingError for a missing one.
 */
const CHECK_READS_RECORDS = new Set(['mail.activity']);

/** A stored field without column fetched on a missing record: `fetch`'s `check_access('read')` first. */
function fetchOutcome(registry: Registry, model: ModelInfo, reader: Reader): MissingRecordOutcome {
  if (reader.superuser) return 'keep';
  if (CHECK_READS_RECORDS.has(model.name)) return 'drop';
  const readRule = reader.rule;
  if (!readRule?.length) return 'keep';
  // A rule of constant leaves only (an operators' `[(1, '=', 1)]`) lets every record through.
  const leaves = readRule.filter((leaf) => Array.isArray(leaf));
  if (leaves.length && leaves.every((leaf) => JSON.stringify(leaf) === '[1,"=",1]')) return 'keep';
  return ruleReadsRow(registry, model, readRule) ? 'drop' : 'access-error';
}

/**
 * Computes known to read nothing of the record: mail.thread's, which search mail.followers,
 * mail.message, mail.notification or ir.attachment by `self.ids` (message_is_follower even though
 * it depends on message_follower_ids), and res.partner's sale_order_count (a `child_of` search on the
 * ids, then 0 for the partners without orders), account.journal's last_statement_id (SQL on the ids).
 * Any other compute without dependency is taken to read the record (product.product's `code` reads
 * its sellers and default_code).
 */
const READS_NO_RECORD = new Set([
  'message_is_follower',
  'has_message',
  'message_needaction',
  'message_needaction_counter',
  'message_has_error',
  'message_has_error_counter',
  'message_attachment_count',
  'message_has_sms_error',
]);
const READS_NO_RECORD_OF: Readonly<Record<string, readonly string[]>> = {
  'res.partner': ['sale_order_count'],
  // account_journal_dashboard.py `_compute_last_bank_statement`: one SQL query on `self.ids`.
  'account.journal': ['last_statement_id'],
  // discuss_channel_member.py `_compute_message_unread`: one SQL count on `self.ids` (None, then 0, for the others).
  'discuss.channel.member': ['message_unread_counter'],
};

function readsNoRecord(model: ModelInfo, field: FieldInfo): boolean {
  return READS_NO_RECORD.has(field.name) || (READS_NO_RECORD_OF[model.name]?.includes(field.name) ?? false);
}

/** 'row': reads a column of the record; 'fetch': fetches a stored field without column as the reader; 'free': neither. */
type FieldRead = 'row' | 'fetch' | 'free';

function fieldRead(registry: Registry, model: ModelInfo, field: FieldInfo, seen: Set<string>): FieldRead {
  if (seen.has(field.name) || field.name === 'id') return 'free';
  seen.add(field.name);
  if (field.column || field.inheritedVia) return 'row';
  if (field.store) return isStoredX2many(field) || (field.type === 'binary' && field.attachment) ? 'fetch' : 'row';
  if (field.related) {
    const first = model.fields.get(field.related.split('.')[0]!);
    return first && !first.column && !first.inheritedVia && isStoredX2many(first) ? 'free' : 'row';
  }
  // BaseModel's display name of a model without `_rec_name` is `model,id` (depends on nothing).
  if (isIdDisplayName(model, field)) return 'free';
  // Non-stored, not related: computed (or a plain default); the compute reads what it depends on
  // (its `@api.depends`; when Ficus cannot tell them, assume it reads the record).
  if (readsNoRecord(model, field)) return 'free';
  const depends = fieldDepends(registry, model, field);
  // No dependency declared: it reads what it wants, the record's row as far as Ficus can tell.
  if (!depends || !depends.length) return 'row';
  // A compute run as superuser (`compute_sudo=True`) fetches its relations without rule.
  const sudo = pythonDescriptionOf(registry, model.name, field.name)?.params?.compute_sudo === true;
  let read: FieldRead = 'free';
  for (const dotted of depends) {
    const dep = model.fields.get(dotted.split('.')[0]!);
    const depRead = dep ? fieldRead(registry, model, dep, seen) : 'row';
    if (depRead === 'row') return 'row';
    if (depRead === 'fetch' && !sudo) read = 'fetch';
  }
  return read;
}

/** Whether `filtered_domain(rule)` reads a column of the record (models.py: every leaf is evaluated). */
function ruleReadsRow(registry: Registry, model: ModelInfo, domain: readonly unknown[]): boolean {
  return domain.some((leaf) => {
    if (!Array.isArray(leaf) || leaf.length !== 3 || typeof leaf[0] !== 'string') return false;
    const [key, operator] = leaf as [string, unknown];
    const name = key.split('.')[0]!;
    if (name === 'id') return false;
    // child_of/parent_of search the ids, except on the company fields, which are read.
    if ((operator === 'child_of' || operator === 'parent_of') && name !== 'company_id' && name !== 'company_ids') return false;
    const field = model.fields.get(name);
    return !field || fieldRead(registry, model, field, new Set()) === 'row';
  });
}

function isStoredX2many(field: FieldInfo): boolean {
  return (field.type === 'one2many' && !!field.relationField) || (field.type === 'many2many' && !!field.relationTable);
}

function isIdDisplayName(model: ModelInfo, field: FieldInfo): boolean {
  return field.name === 'display_name' && !model.recName && usesBaseDisplayName(model);
}

/** The value a field reads for a record without row: what its compute or fetch leaves on an empty record. */
export function emptyRecordValue(model: ModelInfo, field: FieldInfo, id: number): unknown {
  if (isIdDisplayName(model, field)) return `${model.name},${id}`;
  switch (field.type) {
    case 'one2many':
    case 'many2many':
      return [];
    case 'integer':
      return 0;
    case 'float':
    case 'monetary':
      return pythonFloat(0);
    default:
      return false;
  }
}

/**
 * `rows` (the read of the existing ids, in `ids` order) with a record for each missing id, in the
 * caller's order: `ids` may repeat an id, and the reader answers each occurrence.
 */
export function withMissingRecords(model: ModelInfo, ids: readonly number[], names: readonly string[], rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const byId = new Map<number, Record<string, unknown>>();
  for (const row of rows) if (!byId.has(row.id as number)) byId.set(row.id as number, row);
  const named = names.filter((name) => name !== 'id');
  return ids.map((id) => {
    const existing = byId.get(id);
    if (existing) return existing;
    const values: Record<string, unknown> = { id };
    for (const name of named) values[name] = emptyRecordValue(model, model.fields.get(name)!, id);
    return values;
  });
}
