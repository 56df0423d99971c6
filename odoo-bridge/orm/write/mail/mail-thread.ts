import { missingBehaviour } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { displayNames } from '../../read/read-records.ts';
import { createContextFlags, overriddenMailHooks, pythonFactsOf } from '../../registry/python-field-facts.ts';
import { translated, type FieldInfo, type ModelInfo } from '../../registry/types.ts';
import type { Vals } from '../behaviour-registry.ts';
import { inPrecommitScope, precommitData, takePrecommitData } from '../precommit.ts';
import { ident } from '../write-env.ts';
import { contactAddressInline } from './partner-address.ts';
import { currentAuthor, insertDefaultFollowers, messageLogBatch, type TrackingValueRow } from './mail-message-log.ts';
import { htmlBodyOf } from './mail-format.ts';
import { trackSubtypeRule } from './track-subtypes.ts';
import { messagePostTracking } from './tracking-post.ts';
import { relatedFieldValues } from './related-tracked.ts';
import { notifyAssignment } from './assignment-notify.ts';
import { accountTaxLogsTracking, repartitionLinesStr } from './account-tax-log.ts';

/**
 * The chatter side effects of native creates and writes on models inheriting mail.thread
 * (addons/mail/models/mail_thread.py 18 `create`/`write`, `_track_prepare`/`_track_finalize`,
 * addons/mail/models/models.py `_mail_track`, mail_tracking_value.py `_create_tracking_values`):
 *
 * - create: the creating user's partner follows the record (default subtypes), `user_id`
 *   auto-subscription, and the creation note "<Model description> created";
 * - write: the tracked fields' first values in the transaction are kept, and just before commit
 *   one note per record whose tracked values changed carries its `mail_tracking_value` rows.
 *
 * Context keys honoured: tracking_disable, mail_create_nosubscribe, mail_create_nolog,
 * mail_notrack. A model whose Python overrides a hook this needs (`_creation_subtype`,
 * `_track_subtype`, `_mail_track`…: python-field-facts mailHooks) gets the clear refusal when
 * that hook would run, as does a tracked field Ficus cannot compute.
 */

/** The model itself inherits mail.thread (not through an `_inherits` parent such as res.users → res.partner). */
export function isMailThread(model: ModelInfo): boolean {
  const messages = model.fields.get('message_ids');
  const followers = model.fields.get('message_follower_ids');
  return !!messages && !messages.inheritedVia && !!followers && !followers.inheritedVia && !!model.table;
}

const flag = (ctx: CallContext, key: string) => !!ctx.context[key];

/**
 * Non-stored tracked fields Ficus computes: their Python compute and `@api.depends`. Odoo
 * compares the value it cached at `_track_prepare` with the value after the write, and only
 * recomputes it when a dependency was written: a change elsewhere (is_company making the
 * commercial company name appear in the address) is not tracked.
 */
interface ComputedTracked {
  depends: readonly string[];
  compute: (ctx: CallContext, ids: number[]) => Promise<Map<number, unknown>>;
}
const COMPUTED_TRACKED: Readonly<Record<string, Readonly<Record<string, ComputedTracked>>>> = {
  // contact_address_inline ← contact_address ← _display_address_depends(): address fields, country_id, company_name, state_id.
  'res.partner': { contact_address_inline: { depends: ['street', 'street2', 'zip', 'city', 'state_id', 'country_id', 'company_name'], compute: contactAddressInline } },
  'account.tax': { repartition_lines_str: { depends: ['repartition_line_ids', 'invoice_repartition_line_ids', 'refund_repartition_line_ids'], compute: repartitionLinesStr } },
};

/** `_message_log` overrides: whether the tracking note of record `id` is logged at all (account.tax: only for a used tax). */
const MESSAGE_LOG_OVERRIDES: Readonly<Record<string, (ctx: CallContext, id: number, changed: ReadonlySet<string>) => Promise<boolean>>> = {
  'account.tax': accountTaxLogsTracking,
};

function trackedFields(ctx: CallContext, model: ModelInfo): readonly FieldInfo[] {
  // `_track_get_fields` keeps what `fields_get` shows the writer: not fields with groups they are not in.
  return pythonFactsOf(ctx.registry, model).tracked.filter((f) => !f.inheritedVia && ctx.fieldAccess.accessible(model, f));
}

/** `_track_prepare` of a write reads the records: tracked fields exist and tracking is on. */
export function tracksFields(ctx: CallContext, model: ModelInfo): boolean {
  return trackedFields(ctx, model).length > 0 && !flag(ctx, 'tracking_disable') && !flag(ctx, 'mail_notrack');
}

function refuseHook(ctx: CallContext, model: ModelInfo, hook: string, what: string): void {
  if (overriddenMailHooks(ctx.registry, model.name).has(hook)) throw missingBehaviour(model.name, `${what} (its ${hook} override)`);
}

export async function mailThreadAfterCreate(ctx: CallContext, model: ModelInfo, ids: number[], valsList: Vals[]): Promise<void> {
  if (!isMailThread(model) || !ids.length) return;
  // The switches the model's own create override passes to super() (extracted: createContext).
  const overridden = createContextFlags(ctx.registry, model.name);
  const createFlag = (key: string) => flag(ctx, key) || overridden.has(key);
  if (createFlag('tracking_disable')) return;
  const author = await currentAuthor(ctx);
  if (!createFlag('mail_create_nosubscribe') && author.active && author.partnerId) {
    await insertDefaultFollowers(ctx, model.name, ids, [author.partnerId]);
  }
  for (let i = 0; i < ids.length; i++) {
    const values: Vals = { ...(valsList[i] ?? {}) };
    for (const [key, value] of Object.entries(ctx.context)) if (key.startsWith('default_') && !(key.slice(8) in values)) values[key.slice(8)] = value;
    await autoSubscribe(ctx, model, [ids[i]!], values);
  }
  if (!createFlag('mail_create_nolog')) {
    refuseHook(ctx, model, '_creation_subtype', 'the creation message');
    refuseHook(ctx, model, '_creation_message', 'the creation message');
    const docName = translated(model.description, ctx.lang) || model.name;
    // `_('%s created', doc_name)`: Ficus carries no translation catalogue, the term stays English.
    const body = htmlBodyOf(`${docName} created`);
    await messageLogBatch(ctx, model.name, new Map(ids.map((id) => [id, body])));
  }
  discardTracking(ctx, model, ids);
  if (!flag(ctx, 'mail_notrack') && overriddenMailHooks(ctx.registry, model.name).has('_track_template')) {
    const tracked = new Set(trackedFields(ctx, model).map((f) => f.name));
    if (valsList.some((v) => Object.entries(v).some(([k, x]) => tracked.has(k) && x))) throw missingBehaviour(model.name, 'the tracking templates of create (_track_template)');
  }
}

/**
 * `_message_auto_subscribe`: the new responsible (`user_id`, tracked, to an active res.users)
 * follows and, when it is someone else, is notified (assignment-notify.ts); parent-record
 * subtypes (`mail.message.subtype.relation_field`) propagate followers (refused likewise).
 */
async function autoSubscribe(ctx: CallContext, model: ModelInfo, ids: number[], values: Vals): Promise<void> {
  const userField = model.fields.get('user_id');
  const userId = values.user_id;
  if (userField?.relation === 'res.users' && typeof userId === 'number' && userId && trackedFields(ctx, model).some((f) => f.name === 'user_id')) {
    refuseHook(ctx, model, '_message_auto_subscribe_followers', 'the auto-subscription');
    // Only an active user follows; someone other than the writer is told (mail.message_user_assigned).
    const r = await ctx.db.query<{ partner_id: number }>(`SELECT partner_id FROM res_users WHERE id = $1 AND active`, [userId]);
    if (r.rows[0]) {
      await insertDefaultFollowers(ctx, model.name, ids, [r.rows[0].partner_id]);
      if (userId !== ctx.uid) for (const id of ids) await notifyAssignment(ctx, model, id, userId);
    }
  }
  const relations = await ctx.db.query<{ relation_field: string }>(
    `SELECT DISTINCT relation_field FROM mail_message_subtype WHERE res_model = $1 AND relation_field IS NOT NULL AND parent_id IS NOT NULL`,
    [model.name],
  );
  for (const { relation_field } of relations.rows) {
    if (values[relation_field]) throw missingBehaviour(model.name, `the follower propagation through ${relation_field}`);
  }
}

// ---------------------------------------------------------------------------------------------
// tracking

/** Per record: the tracked values first seen in the transaction and every field written since (null: not tracked). */
type Initial = Map<number, { values: Record<string, unknown>; written: Set<string> } | null>;
const trackingKey = (model: string) => `mail.tracking.${model}`;

function discardTracking(ctx: CallContext, model: ModelInfo, ids: number[]): void {
  if (!trackedFields(ctx, model).length) return;
  const initial = precommitData<Initial>(ctx, trackingKey(model.name), () => new Map(), (c) => finalizeTracking(c, model));
  if (initial) for (const id of ids) initial.set(id, null);
}

/** `_track_prepare(self._fields)` at the start of `write`: the first values of the tracked fields in this transaction. */
export async function mailThreadBeforeWrite(ctx: CallContext, model: ModelInfo, ids: number[], vals: Vals): Promise<void> {
  if (!isMailThread(model) || !ids.length || flag(ctx, 'tracking_disable') || flag(ctx, 'mail_notrack')) return;
  const fields = trackedFields(ctx, model);
  if (!fields.length) return;
  const written = Object.keys(vals);
  if (!inPrecommitScope(ctx)) {
    // No transaction around the write (a caller on a bare pool): track right after it.
    const values = await trackedValues(ctx, model, fields, ids);
    pendingOutsideTransaction.set(ctx, { model, initial: new Map(ids.map((id) => [id, { values: values.get(id)!, written: new Set(written) }])) });
    return;
  }
  const initial = precommitData<Initial>(ctx, trackingKey(model.name), () => new Map(), (c) => finalizeTracking(c, model))!;
  const fresh = ids.filter((id) => !initial.has(id));
  const values = await trackedValues(ctx, model, fields, fresh);
  for (const id of fresh) initial.set(id, { values: values.get(id)!, written: new Set() });
  for (const id of ids) for (const name of written) initial.get(id)?.written.add(name);
}

const pendingOutsideTransaction = new WeakMap<CallContext, { model: ModelInfo; initial: Initial }>();

/** After `super().write`: followers from the written values, and tracking at once when no transaction defers it. */
export async function mailThreadAfterWrite(ctx: CallContext, model: ModelInfo, ids: number[], vals: Vals): Promise<void> {
  if (!isMailThread(model) || !ids.length || flag(ctx, 'tracking_disable')) return;
  await autoSubscribe(ctx, model, ids, vals);
  const pending = pendingOutsideTransaction.get(ctx);
  if (pending && pending.model.name === model.name) {
    pendingOutsideTransaction.delete(ctx);
    await postTracking(ctx, model, pending.initial);
  }
}

async function finalizeTracking(ctx: CallContext, model: ModelInfo): Promise<void> {
  const initial = takePrecommitData<Initial>(ctx, trackingKey(model.name));
  if (initial) await postTracking(ctx, model, initial);
}

/** `_track_finalize` → `_message_track`: one note per changed record, with its tracking values in `_mail_track` order. */
async function postTracking(ctx: CallContext, model: ModelInfo, initial: Initial): Promise<void> {
  const ids = [...initial.entries()].filter(([, v]) => v).map(([id]) => id);
  if (!ids.length) return;
  const fields = trackedFields(ctx, model);
  const existing = await ctx.db.query<{ id: number }>(`SELECT id FROM ${ident(model.table!)} WHERE id = ANY($1::int4[])`, [ids]);
  // `_track_finalize` walks the prepared records in the order they were prepared (the write's ids,
  // then records whose tracked computes were recomputed), not by id.
  const present = new Set(existing.rows.map((r) => r.id));
  const alive = ids.filter((id) => present.has(id));
  const current = await trackedValues(ctx, model, fields, alive);
  for (const id of alive) {
    const { values: before, written } = initial.get(id)!;
    const after = { ...current.get(id)! };
    // A computed tracked field keeps its cached value unless one of its dependencies was written.
    for (const [name, computed] of Object.entries(COMPUTED_TRACKED[model.name] ?? {})) {
      if (name in before && !computed.depends.some((d) => written.has(d))) after[name] = before[name];
    }
    // mail's `_mail_track_order_fields`: (tracking sequence, name) descending, the order the
    // mail_tracking_value rows are created in (the chatter shows them by id descending).
    const changed = [...fields].reverse().filter((f) => f.name in before && !sameValue(before[f.name], after[f.name]));
    if (!changed.length) continue;
    const subtypeRule = trackSubtypeRule(model.name);
    if (!subtypeRule) refuseHook(ctx, model, '_track_subtype', 'the tracking message');
    refuseHook(ctx, model, '_mail_track', 'the tracking values');
    refuseHook(ctx, model, '_track_get_default_log_message', 'the tracking message');
    const rows: TrackingValueRow[] = [];
    for (const field of changed) rows.push(await trackingValue(ctx, model, field, before[field.name], after[field.name], id));
    const subtype = subtypeRule ? await subtypeRule(ctx, id, new Set(changed.map((f) => f.name))) : null;
    if (subtype) await messagePostTracking(ctx, model, id, subtype, rows);
    else if (await (MESSAGE_LOG_OVERRIDES[model.name]?.(ctx, id, new Set(changed.map((f) => f.name))) ?? true)) await messageLogBatch(ctx, model.name, new Map([[id, '']]), rows);
  }
}

/** `new_value == initial_value or (not new_value and not initial_value)`. */
function sameValue(a: unknown, b: unknown): boolean {
  const falsy = (v: unknown) => v === null || v === undefined || v === false || v === '' || v === 0 || (Array.isArray(v) && !v.length);
  if (falsy(a) && falsy(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The tracked fields' values per record: stored columns as stored, many2many as sorted ids, computed ones by their compute. */
async function trackedValues(ctx: CallContext, model: ModelInfo, fields: readonly FieldInfo[], ids: number[]): Promise<Map<number, Record<string, unknown>>> {
  const out = new Map<number, Record<string, unknown>>(ids.map((id) => [id, {}]));
  if (!ids.length) return out;
  const columns = fields.filter((f) => f.column);
  if (columns.length) {
    const r = await ctx.db.query<Record<string, unknown>>(
      `SELECT id, ${columns.map((f) => `${ident(f.column!)}${f.type === 'date' || f.type === 'datetime' ? '::text' : ''} AS ${ident(f.name)}`).join(', ')} FROM ${ident(model.table!)} WHERE id = ANY($1::int4[])`,
      [ids],
    );
    for (const row of r.rows) Object.assign(out.get(row.id as number)!, Object.fromEntries(columns.map((f) => [f.name, row[f.name]])));
  }
  for (const field of fields) {
    if (field.column) continue;
    if (field.type === 'many2many' && field.relationTable && field.column1 && field.column2) {
      const r = await ctx.db.query<{ id: number; ids: number[] }>(
        `SELECT ${ident(field.column1)} AS id, array_agg(${ident(field.column2)} ORDER BY ${ident(field.column2)}) AS ids FROM ${ident(field.relationTable)} WHERE ${ident(field.column1)} = ANY($1::int4[]) GROUP BY 1`,
        [ids],
      );
      for (const id of ids) out.get(id)![field.name] = r.rows.find((x) => x.id === id)?.ids ?? [];
      continue;
    }
    const related = await relatedFieldValues(ctx, model, field, ids);
    if (related) {
      for (const id of ids) out.get(id)![field.name] = related.get(id) ?? false;
      continue;
    }
    const computed = COMPUTED_TRACKED[model.name]?.[field.name];
    if (!computed) throw missingBehaviour(model.name, `the tracking of ${field.name} (a computed tracked field)`);
    const values = await computed.compute(ctx, ids);
    for (const id of ids) out.get(id)![field.name] = values.get(id) ?? false;
  }
  return out;
}

/** `mail.tracking.value._create_tracking_values`: the value columns by field type, as the ORM stores them. */
async function trackingValue(ctx: CallContext, model: ModelInfo, field: FieldInfo, before: unknown, after: unknown, recordId: number): Promise<TrackingValueRow> {
  const fieldId = await ctx.db.query<{ id: number }>(`SELECT id FROM ir_model_fields WHERE model = $1 AND name = $2`, [model.name, field.name]);
  const row: TrackingValueRow = { field_id: fieldId.rows[0]?.id ?? null };
  const text = (v: unknown) => (v === null || v === undefined || v === false ? null : String(v));
  const int = (v: unknown) => (v === true ? 1 : Number(v || 0));
  switch (field.type) {
    case 'char':
    case 'text':
      row[`old_value_${field.type}`] = text(before);
      row[`new_value_${field.type}`] = text(after);
      break;
    case 'html':
      throw missingBehaviour(model.name, `the tracking of ${field.name} (html)`);
    case 'integer':
      row.old_value_integer = int(before);
      row.new_value_integer = int(after);
      break;
    case 'float':
      row.old_value_float = Number(before || 0);
      row.new_value_float = Number(after || 0);
      break;
    case 'monetary': {
      const currencyField = field.currencyField ?? 'currency_id';
      const cur = model.fields.get(currencyField)?.column
        ? await ctx.db.query<{ c: number | null }>(`SELECT ${ident(currencyField)} AS c FROM ${ident(model.table!)} WHERE id = $1`, [recordId])
        : { rows: [] as Array<{ c: number | null }> };
      row.currency_id = cur.rows[0]?.c ?? null;
      row.old_value_float = Number(before || 0);
      row.new_value_float = Number(after || 0);
      break;
    }
    case 'datetime':
      row.old_value_datetime = before || null;
      row.new_value_datetime = after || null;
      break;
    case 'date': {
      const day = (v: unknown) => (v ? `${String(v).slice(0, 10)} 00:00:00` : null);
      row.old_value_datetime = day(before);
      row.new_value_datetime = day(after);
      break;
    }
    case 'boolean':
      row.old_value_integer = before ? 1 : 0;
      row.new_value_integer = after ? 1 : 0;
      break;
    case 'selection': {
      const label = (v: unknown) => {
        if (!v) return '';
        const option = field.selection?.find(([value]) => value === v);
        return option ? translated(option[1], ctx.lang) : String(v);
      };
      row.old_value_char = label(before);
      row.new_value_char = label(after);
      break;
    }
    case 'many2one': {
      const comodel = ctx.registry.model(field.relation ?? '');
      const names = comodel ? await displayNames(ctx.readEnv({ sudo: true }), comodel, [before, after].filter((v): v is number => typeof v === 'number')) : new Map();
      row.old_value_integer = typeof before === 'number' ? before : 0;
      row.new_value_integer = typeof after === 'number' ? after : 0;
      row.old_value_char = typeof before === 'number' ? names.get(before) || '' : '';
      row.new_value_char = typeof after === 'number' ? names.get(after) || '' : '';
      break;
    }
    case 'many2many':
    case 'one2many': {
      const comodel = ctx.registry.model(field.relation ?? '');
      const list = async (v: unknown) => {
        const ids = Array.isArray(v) ? (v as number[]) : [];
        if (!ids.length || !comodel) return '';
        const names = await displayNames(ctx.readEnv({ sudo: true }), comodel, ids);
        return ids.map((id) => names.get(id) || '').join(', ');
      };
      row.old_value_char = await list(before);
      row.new_value_char = await list(after);
      break;
    }
    default:
      throw missingBehaviour(model.name, `the tracking of ${field.name} (${field.type})`);
  }
  return row;
}
