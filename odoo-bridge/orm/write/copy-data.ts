import { missingBehaviour, missingError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { pythonMethodOwners } from '../dispatch/python-methods.ts';
import { readAsUser } from '../methods/checked-read.ts';
import { pythonFieldOrder } from '../registry/python-field-order.ts';
import type { ModelInfo } from '../registry/types.ts';
import type { BehaviourRegistry, Vals } from './behaviour-registry.ts';

/** models.py MAGIC_COLUMNS (id + the log columns) and `parent_path`: never copied. */
const NEVER_COPIED = new Set(['id', 'create_uid', 'create_date', 'write_uid', 'write_date', 'parent_path']);

/**
 * Python `copy_data` overrides whose effect the engine reproduces: BaseModel's own, mail.thread's
 * (only a `mail_notrack` context), and the models whose override a registered behaviour
 * implements (`copyData` hook: res.partner's and res.users' " (copy)" names).
 */
const NEUTRAL_OVERRIDES = new Set(['base', 'mail.thread']);

/** Records already copied in this call, per model (Odoo's `__copy_data_seen` context). */
type Seen = Map<string, Set<number>>;

/**
 * `BaseModel.copy_data(default)` (odoo/models.py 18): per record, `default` plus every field
 * whose `copy` flag is set, in `convert_to_write` form — many2one as an id, many2many as
 * `[(6, 0, ids)]`, one2many as `[(0, 0, line)]` for each line's own copy_data in id order —
 * minus the log columns, `parent_path`, the `_inherits` links (and, when `default` gives a
 * link, the parent's fields the model does not redefine). The values are read as the user
 * reads them (read right, record rules, field groups), so copy_data widens no read. A record
 * met twice through a circular one2many copies as None. A model whose Python overrides
 * copy_data with code no behaviour implements gets the clear refusal.
 */
export async function copyData(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo, ids: readonly number[], defaults: Vals, seen: Seen = new Map()): Promise<Array<Vals | null>> {
  const own = behaviours.of(model.name).filter((b) => b.copyData);
  const unhandled = pythonMethodOwners(model.name, 'copy_data').filter((owner) => !NEUTRAL_OVERRIDES.has(owner) && !(owner === model.name && own.length));
  if (unhandled.length) throw missingBehaviour(model.name, 'the business method copy_data()');
  const fields = fieldsToCopy(ctx, model, defaults);
  const unique = [...new Set(ids)];
  const rows = new Map((await readAsUser(ctx, model, unique, fields.map((f) => f.name), null)).map((row) => [row.id as number, row]));
  const missing = unique.filter((id) => !rows.has(id));
  if (missing.length) throw missingError(`Record does not exist or has been deleted.\n(Record: ${model.name}(${missing.join(', ')}${missing.length === 1 ? ',' : ''}), User: ${ctx.uid})`);
  let done = seen.get(model.name);
  if (!done) seen.set(model.name, (done = new Set()));
  const result: Array<Vals | null> = [];
  for (const id of ids) {
    if (done.has(id)) {
      result.push(null);
      continue;
    }
    done.add(id);
    const row = rows.get(id)!;
    const vals: Vals = { ...defaults };
    for (const field of fields) {
      const value = row[field.name];
      if (field.type === 'one2many') {
        const comodel = ctx.registry.model(field.relation ?? '');
        const lineIds = (Array.isArray(value) ? (value as number[]) : []).slice().sort((a, b) => a - b);
        const lines = comodel && lineIds.length ? await copyData(ctx, behaviours, comodel, lineIds, {}, seen) : [];
        vals[field.name] = lines.filter((line): line is Vals => line !== null).map((line) => [0, 0, line]);
      } else if (field.type === 'many2many') {
        vals[field.name] = [[6, 0, Array.isArray(value) ? value : []]];
      } else {
        vals[field.name] = value;
      }
    }
    for (const b of own) await b.copyData!(ctx, id, vals, defaults);
    result.push(vals);
  }
  return result;
}

/** `fields_to_copy` of copy_data: copy=True, not given by `default`, not blacklisted. */
function fieldsToCopy(ctx: CallContext, model: ModelInfo, defaults: Vals) {
  const blacklist = new Set(NEVER_COPIED);
  const visit = (m: ModelInfo) => {
    for (const [parent, link] of m.inherits) {
      blacklist.add(link);
      if (link in defaults) {
        // The record given as parent brings all of its fields, except those the model redefines.
        for (const field of model.fields.values()) if (field.inheritedVia === link) blacklist.add(field.name);
      } else {
        const parentModel = ctx.registry.model(parent);
        if (parentModel) visit(parentModel);
      }
    }
  };
  visit(model);
  return pythonFieldOrder(ctx.registry, model)
    .map((name) => model.fields.get(name)!)
    .filter((field) => field.copied && !(field.name in defaults) && !blacklist.has(field.name));
}
