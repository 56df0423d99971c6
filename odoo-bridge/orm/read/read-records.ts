import { variantImages, variantImageSize } from './variant-image.ts';
import { visibleMenuIds } from '../methods/visible-menus.ts';
import { AVATAR_FACTS_COLUMN as AVATAR_FACTS, avatarFactsSql, avatarImageField, avatarValue, type AvatarFacts } from './avatar.ts';
import { sql } from 'kysely';
import { missingBehaviour, OdooError, valueError } from '../../errors.ts';
import { compileWhere, relationOf, requireTable } from '../domain/compile.ts';
import { explicitAnd } from '../domain/parse.ts';
import { x2manyDomains } from '../registry/python-field-facts.ts';
import { fieldSql } from '../domain/field-sql.ts';
import { nextAlias, type Sql } from '../domain/search-env.ts';
import type { FieldInfo, ModelInfo } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { orderToSql } from '../sql/order.ts';
import { isAttachmentDatas, readAttachmentDatas, readAttachments } from './binary.ts';
import { computedField } from './computed-fields.ts';
import { checkComputeDependencyAccess } from './compute-read-access.ts';
import { pythonFloat } from '../../wire/xmlrpc/values.ts';
import { displayNameSql, displayNamesFromSql, emptyDisplayName } from './display-name.ts';
import { isPartnerRef, refusePartnerRefContext } from './product-partner-ref.ts';
import { sudoReadEnv, type ReadEnv, type ReadOptions, type RowSource, type SearchRowSource } from './read-env.ts';
import { convertColumn } from './values.ts';

export type { ReadEnv, ReadOptions, RowSource } from './read-env.ts';

/**
 * Rows of the record reader: checked ids or a rule-filtered search (RowSource), or, inside this
 * file only, ids the reader follows as superuser — the targets of related fields, which Odoo
 * computes with `compute_sudo` (fields.py `_setup_attrs`: related fields default to sudo).
 */
type AnyRowSource = RowSource | { kind: 'sudo-ids'; ids: readonly number[] } | SearchRowSource;

type Row = Record<string, unknown> & { id: number };

/**
 * Whether a related field can be followed: every hop but the last a stored many2one (an
 * x2many hop, e.g. `activity_ids.activity_type_id`, needs Odoo's Python to pick a record).
 */
/** A hop a related path can follow: a stored many2one, or an x2many (its first record, as `first(record[name])`). */
function followableHop(hop: FieldInfo): boolean {
  return (hop.type === 'many2one' && !!hop.column) || ((hop.type === 'one2many' || hop.type === 'many2many') && !hop.related && (hop.type === 'many2many' ? !!hop.relationTable : !!hop.relationField));
}

/**
 * A related path whose first hop is itself a non-stored related many2one (res.company's country_id,
 * `_compute_address` read as `partner_id.country_id`) followed through that hop's own path, or an
 * `_inherits` many2one followed through its delegation: Odoo reads the hop's value whatever computes
 * it, so `country_id.code` is `partner_id.country_id.code`. Each later hop is expanded on its own model.
 */
export function expandRelated(model: ModelInfo, related: string): string {
  const [first, ...rest] = related.split('.');
  const hop = model.fields.get(first!);
  if (!rest.length || !hop || hop.type !== 'many2one' || hop.column) return related;
  // An `_inherits` field (product.product's uom_id) is its parent's: `product_tmpl_id.uom_id`.
  if (hop.inheritedVia) return [hop.inheritedVia, first!, ...rest].join('.');
  if (!hop.related || hop.related.split('.').length < 2) return related;
  return expandRelated(model, [hop.related, ...rest].join('.'));
}

function relatedIsReadable(registry: ReadEnv['search']['registry'], model: ModelInfo, related: string): boolean {
  const path = expandRelated(model, related).split('.');
  const hop = model.fields.get(path[0]!);
  if (!hop) return false;
  if (path.length === 1) return true;
  if (!followableHop(hop)) return false;
  const comodel = registry.model(hop.relation ?? '');
  if (!comodel) return false;
  return relatedIsReadable(registry, comodel, path.slice(1).join('.'));
}

function firstHopIsFollowable(model: ModelInfo, related: string): boolean {
  const path = related.split('.');
  const hop = model.fields.get(path[0]!);
  return !!hop && (path.length === 1 || followableHop(hop));
}

/**
 * Why Ficus cannot compute `field` (the clear refusal), or null when it can: stored columns,
 * the computes of computed-fields.ts, `_inherits` and related fields whose target it can
 * compute, display names, attachments, x2manys with a stored inverse or a relation table.
 */
export function refusalOf(registry: ReadEnv['search']['registry'], model: ModelInfo, field: FieldInfo, depth = 0): OdooError | null {
  if (field.column || computedField(model, field.name) || field.name === 'display_name' || isPartnerRef(model, field.name) || field.attachment || avatarImageField(model, field.name) || variantImageSize(model, field.name) || isAttachmentDatas(model, field.name)) return null;
  if (depth > 8) return missingBehaviour(model.name, `the related field ${field.name} (${field.related})`);
  if (field.inheritedVia) {
    const parent = registry.model(model.fields.get(field.inheritedVia)?.relation ?? '');
    const target = parent?.fields.get(field.name);
    return parent && target ? refusalOf(registry, parent, target, depth + 1) : missingBehaviour(model.name, `the inherited field ${field.name}`);
  }
  if (field.related && !field.store) {
    const related = expandRelated(model, field.related);
    if (!relatedIsReadable(registry, model, related)) return missingBehaviour(model.name, `the related field ${field.name} (${field.related})`);
    let target: ModelInfo = model;
    const path = related.split('.');
    for (const hop of path.slice(0, -1)) target = registry.model(target.fields.get(hop)!.relation!)!;
    const last = target.fields.get(path.at(-1)!)!;
    return last === field ? null : refusalOf(registry, target, last, depth + 1);
  }
  if (field.type === 'one2many') {
    const comodel = registry.model(field.relation ?? '');
    if (comodel?.table && !comodel.fields.get(field.relationField ?? '')?.column) return missingBehaviour(model.name, `the one2many ${field.name} (inverse not stored)`);
    return null;
  }
  if (field.type === 'many2many') {
    try {
      relationOf(field);
      return null;
    } catch (error) {
      if (error instanceof OdooError) return error;
      throw error;
    }
  }
  return missingBehaviour(model.name, `the computed field ${field.name}`);
}

/**
 * Fields Ficus can return for `fields=[]` / `fields=None` (Odoo: every field the user may read):
 * an all-fields read names only these, so no field Ficus cannot compute (refusalOf) refuses it.
 */
export function readableFields(registry: ReadEnv['search']['registry'], model: ModelInfo): string[] {
  return model.fieldOrder.filter((name) => {
    const field = model.fields.get(name)!;
    if (refusalOf(registry, model, field)) return false;
    if (computedField(model, name)) return true;
    if (field.related && !field.store && !field.inheritedVia && !firstHopIsFollowable(model, expandRelated(model, field.related))) return false;
    return (
      field.column ||
      field.type === 'one2many' ||
      // A computed many2many (mail followers…) has no relation table to read from.
      (field.type === 'many2many' && !!field.relationTable) ||
      field.attachment ||
      field.inheritedVia ||
      (field.related && !field.store) ||
      name === 'display_name' ||
      isPartnerRef(model, name) ||
      computedField(model, name) ||
      avatarImageField(model, name) ||
      variantImageSize(model, name) ||
      isAttachmentDatas(model, name)
    );
  });
}

export function checkFieldNames(model: ModelInfo, names: readonly unknown[]): string[] {
  for (const name of names) {
    if (typeof name !== 'string' || !model.fields.has(name)) throw valueError(`Invalid field '${String(name)}' on model '${model.name}'`);
  }
  return names as string[];
}

/**
 * Odoo's `read()` / the read half of `search_read()`: one dict per record, `id` first. The rows
 * are checked ids or a search under the user's rules (see ReadableIds): this is the only way to
 * read records, so no read path can skip access rights and record rules.
 */
export function readRecords(env: ReadEnv, model: ModelInfo, source: RowSource, fieldNames: readonly string[], options: ReadOptions): Promise<Record<string, unknown>[]> {
  return fetchRecords(env, model, source, fieldNames, options);
}

async function fetchRecords(env: ReadEnv, model: ModelInfo, source: AnyRowSource, fieldNames: readonly string[], options: ReadOptions): Promise<Record<string, unknown>[]> {
  const table = requireTable(model);
  const named = fieldNames.filter((n) => n !== 'id').map((n) => model.fields.get(n)!);
  // Odoo answers every field a read names: one Ficus cannot compute refuses the read with its
  // reason rather than answer without it (a client would take the missing key for a bug of its
  // own, or write back what it never saw). An all-fields read (`fields=[]`) names only what
  // readableFields can answer. Odoo computes in `_read_format`, after the access checks and the
  // fetch: with no record to compute there is nothing to refuse (an empty web_search_read answers
  // `{'length': 0, 'records': []}`), so a refused read fetches the ids only, then refuses.
  const refused = named.find((field) => refusalOf(env.search.registry, model, field) !== null);
  const refusal = refused ? refusalOf(env.search.registry, model, refused) : null;
  const fields = refusal ? [] : named;
  const columns = new Map<string, Sql>();
  const alias = source.kind === 'search' ? source.alias : nextAlias(env.search, model);
  const addColumn = (field: FieldInfo) => {
    if (columns.has(field.name)) return;
    // A Json field as text: its floats must stay floats (json-column.ts). A binary column read with
    // `bin_size` (or `bin_size_<field>`) in the context is its size (models.py _fetch_query:
    // pg_size_pretty(length(column)::bigint), "11 kB").
    const binSized = field.type === 'binary' && (options.binSize || Boolean(env.search.context?.[`bin_size_${field.name}`]));
    columns.set(
      field.name,
      field.type === 'json' ? sql`(${fieldSql(env.search, field, alias)})::text`
        : binSized ? sql`pg_size_pretty(length(${fieldSql(env.search, field, alias)})::bigint)`
        : fieldSql(env.search, field, alias),
    );
  };
  for (const field of fields) {
    const computed = field.column ? undefined : computedField(model, field.name);
    if (field.column) addColumn(field);
    else if (computed) {
      for (const dep of computed.dependsOn) addColumn(model.fields.get(dep)!);
      if (computed.select) columns.set(field.name, computed.select(alias, { model: model.name, uid: env.search.uid ?? 1, env: env.search, ...(env.checkRead ? { checkRead: env.checkRead } : {}), ...(env.rightOf ? { rightOf: env.rightOf } : {}) }));
    } else if (avatarImageField(model, field.name)) columns.set(AVATAR_FACTS, avatarFactsSql(env.search.registry, model, alias));
    else if (variantImageSize(model, field.name)) addColumn(model.fields.get('product_tmpl_id')!);
    else if (field.inheritedVia) addColumn(model.fields.get(field.inheritedVia)!);
    else if (field.related && !field.store) {
      const hop = model.fields.get(expandRelated(model, field.related).split('.')[0]!)!;
      addColumn(hop.column ? hop : model.fields.get('id')!);
    }
  }
  // Many2one display names in the same statement as the rows (one round trip instead of one
  // more per comodel): the comodel's name expression as a scalar sub-select on the key.
  const joinedNames = new Map<string, string>();
  if (options.load === '_classic_read') {
    for (const field of fields) {
      if (!field.column || field.type !== 'many2one') continue;
      const comodel = env.search.registry.model(field.relation ?? '');
      if (field.companyDependent && comodel?.table) {
        // No foreign key holds a company-dependent many2one: one naming a deleted record reads
        // False (Many2one.convert_to_read catches the MissingError of its display name); a 0
        // written there stays [0, False].
        const target = nextAlias(env.search, comodel);
        const value = columns.get(field.name)!;
        columns.set(field.name, sql`(CASE WHEN ${value} = 0 THEN 0 ELSE (SELECT ${sql.ref(`${target}.id`)} FROM ${sql.table(comodel.table)} AS ${sql.table(target)} WHERE ${sql.ref(`${target}.id`)} = ${value}) END)`);
      }
      // Short names: PostgreSQL cuts identifiers at 63 bytes, which could make two of them one.
      const column = `${JOINED_NAME_PREFIX}${joinedNames.size + 1}`;
      const name = joinedDisplayName(env, field, columns.get(field.name)!, column);
      if (!name) continue;
      columns.set(column, name);
      joinedNames.set(field.name, column);
    }
  }
  const select = [sql`${sql.ref(`${alias}.id`)} AS id`, ...[...columns].map(([name, expr]) => sql`${expr} AS ${sql.ref(name)}`)];
  let rows: Row[];
  /** Explicit ids in the caller's order, duplicates kept (Odoo answers one dict per id given). */
  let requested: number[] | null = null;
  if (source.kind !== 'search') {
    const wanted = source.ids.filter((id) => Number.isInteger(id));
    if (!wanted.length) return [];
    // Each record is computed once however often its id repeats: a million copies of one id
    // cost a million references in the answer, not a million reads.
    rows = await run<Row>(env.db, sql`SELECT ${sql.join(select)} FROM ${sql.table(table)} AS ${sql.table(alias)} WHERE ${sql.ref(`${alias}.id`)} = ANY(${[...new Set(wanted)]}::int4[])`);
    // In the caller's order: Odoo computes over the records as given, so a compute that raises names the first of them.
    const position = new Map<number, number>();
    wanted.forEach((id, i) => position.has(id) || position.set(id, i));
    rows.sort((x, y) => position.get(x.id)! - position.get(y.id)!);
    requested = wanted;
  } else {
    rows = await run<Row>(
      env.db,
      sql`SELECT ${sql.join(select)} FROM ${sql.table(table)} AS ${sql.table(alias)} ${sql.join(source.joins, sql` `)} WHERE ${source.where}${source.order.length ? sql` ORDER BY ${sql.join(source.order)}` : sql``}${source.limit ? sql` LIMIT ${source.limit}` : sql``}${source.offset ? sql` OFFSET ${source.offset}` : sql``}`,
    );
  }
  if (!rows.length) return [];
  if (refusal) {
    // What the compute would have read as the reader fails first (compute-read-access.ts).
    checkComputeDependencyAccess(env.search.registry, model, refused!, env.checkRead);
    throw refusal;
  }
  const ids = rows.map((r) => r.id);
  const results = rows.map((r) => ({ id: r.id }) as Record<string, unknown>);
  const setAll = (name: string, values: Map<number, unknown>, empty: unknown) => {
    rows.forEach((r, i) => (results[i]![name] = values.has(r.id) ? values.get(r.id) : empty));
  };

  for (const field of fields) {
    const name = field.name;
    if (field.column) {
      const joinedName = joinedNames.get(name);
      if (joinedName) {
        const comodel = env.search.registry.model(field.relation ?? '')!;
        rows.forEach((r, i) => (results[i]![name] = r[name] === null || r[name] === undefined ? false : [r[name], r[joinedName] === '' ? emptyDisplayName(comodel) : nameText(r[joinedName])]));
      } else if (field.type === 'many2one') {
        setAll(name, await many2oneValues(env, field, rows.map((r) => r[name] as number | null), ids, options), false);
      } else {
        rows.forEach((r, i) => (results[i]![name] = convertColumn(field, r[name])));
      }
    } else if (computedField(model, name)) {
      const computed = computedField(model, name)!;
      if (computed.many2one) {
        const values = rows.map((r) => (computed.compute(r) || null) as number | null);
        setAll(name, await many2oneValues(env, field, values, ids, options), false);
        continue;
      }
      const isFloat = field.type === 'float' || field.type === 'monetary';
      rows.forEach((r, i) => {
        const value = computed.compute(r);
        results[i]![name] = isFloat && typeof value === 'number' ? pythonFloat(value) : value;
      });
    } else if (avatarImageField(model, name)) {
      // avatar.ts: the image when there is one, else what avatar.mixin / res.partner generate.
      const image = model.fields.get(avatarImageField(model, name)!)!;
      const images = await readAttachments(env, model, image, ids, { ...options, binSize: false });
      rows.forEach((r, i) => {
        const facts = (typeof r[AVATAR_FACTS] === 'string' ? JSON.parse(r[AVATAR_FACTS] as string) : r[AVATAR_FACTS]) as AvatarFacts;
        results[i]![name] = avatarValue(model, r.id, facts, images.get(r.id), options.binSize);
      });
    } else if (variantImageSize(model, name)) {
      setAll(name, await variantImages(env, model, variantImageSize(model, name)!, rows as { id: number; product_tmpl_id?: unknown }[], options), false);
    } else if (field.inheritedVia || (field.related && !field.store)) {
      setAll(name, await relatedValues(env, model, field, rows, options), false);
    } else if (name === 'display_name') {
      setAll(name, await displayNames(env, model, ids), false);
    } else if (isPartnerRef(model, name)) {
      refusePartnerRefContext(env.search.context);
      setAll(name, await displayNames(env, model, ids), false);
    } else if (field.type === 'one2many' || field.type === 'many2many') {
      setAll(name, await x2manyValues(env, model, field, ids), []);
    } else if (isAttachmentDatas(model, name)) {
      // Computed from the attachment's own row, not kept in another attachment as a stored binary is.
      setAll(name, await readAttachmentDatas(env, ids, options), false);
    } else if (field.attachment) {
      setAll(name, await readAttachments(env, model, field, ids, options), false);
    }
  }
  if (!requested) return results;
  const byId = new Map(results.map((r) => [r.id as number, r]));
  return requested.map((id) => byId.get(id)).filter((r): r is Record<string, unknown> => !!r);
}

/** Values of one field for `ids` read as superuser (related targets, display names), in read format. */
async function sudoFieldValues(env: ReadEnv, model: ModelInfo, ids: readonly number[], name: string, options?: Partial<ReadOptions>): Promise<Map<number, unknown>> {
  const records = await fetchRecords(sudoReadEnv(env), model, { kind: 'sudo-ids', ids }, [name], { load: '_classic_read', binSize: false, filestore: null, ...options });
  return new Map(records.map((r) => [r.id as number, r[name]]));
}

/**
 * `display_name` of any records, as superuser: Odoo reads the names of many2one values, group
 * labels and name_search results with `sudo()` (fields.py Many2one.convert_to_read), since a
 * name's visibility follows the record that points at it. It reads nothing else.
 */
export async function displayNames(env: ReadEnv, model: ModelInfo, ids: readonly number[]): Promise<Map<number, string | false>> {
  if (model.name === 'ir.model.data') return externalIdNames(env, ids);
  const direct = await displayNamesFromSql(env, model, ids);
  if (direct) return direct;
  // rec_name through a relation or an _inherits parent: read it like any field.
  const result = new Map<number, string | false>();
  const values = await sudoFieldValues(env, model, [...new Set(ids)].filter((id) => Number.isInteger(id)), model.recName!);
  for (const [id, value] of values) result.set(id, nameText(Array.isArray(value) ? value[1] : value));
  return result;
}

/**
 * base ir_model.py IrModelData `_compute_display_name`: the display name of the record the
 * external id names, else (no res_id, an unknown model, a deleted record, an empty name) its
 * `complete_name` (module and name joined with ".", empty parts left out).
 */
async function externalIdNames(env: ReadEnv, ids: readonly number[]): Promise<Map<number, string | false>> {
  const unique = [...new Set(ids)].filter((id) => Number.isInteger(id));
  const rows = unique.length
    ? await run<{ id: number; model: string | null; res_id: number | null; module: string | null; name: string | null }>(
        env.db,
        sql`SELECT id, model, res_id, module, name FROM ir_model_data WHERE id = ANY(${unique}::int4[])`,
      )
    : [];
  const byModel = new Map<string, number[]>();
  for (const row of rows) if (row.res_id && row.model) (byModel.get(row.model) ?? byModel.set(row.model, []).get(row.model)!).push(row.res_id);
  const targets = new Map<string, Map<number, string | false>>();
  for (const [name, resIds] of byModel) {
    const target = env.search.registry.model(name);
    if (target?.table) targets.set(name, await displayNames(env, target, resIds));
  }
  const result = new Map<number, string | false>();
  for (const row of rows) {
    const completeName = [row.module, row.name].filter((part) => part).join('.');
    const target = row.res_id && row.model ? targets.get(row.model)?.get(row.res_id) : undefined;
    result.set(row.id, target || completeName || false);
  }
  return result;
}

function nameText(value: unknown): string | false {
  if (value === null || value === undefined || value === false || value === '') return false;
  return String(value);
}

/**
 * Column (and sub-select alias) of a many2one's joined display name: a space occurs in no field
 * name and no other alias of the statement (those are `<table>_<n>`).
 */
const JOINED_NAME_PREFIX = 'm2o name ';

/**
 * The display name of the record a many2one points at, as a sub-select of the reading statement,
 * when the comodel's name is one SQL expression (display-name.ts `displayNameSql`; others are
 * read by `displayNames` after the rows). It is the same expression `displayNamesFromSql` runs
 * in a statement of its own, so the answer is the same: a superuser read (no rules), a key
 * without a row named False.
 */
function joinedDisplayName(env: ReadEnv, field: FieldInfo, key: Sql, coAlias: string): Sql | null {
  const comodel = env.search.registry.model(field.relation ?? '');
  if (!comodel?.table || comodel.name === 'ir.model.data') return null;
  const name = displayNameSql(env.search, comodel, coAlias);
  if (!name) return null;
  return sql`(SELECT ${name} FROM ${sql.table(comodel.table)} AS ${sql.table(coAlias)} WHERE ${sql.ref(`${coAlias}.id`)} = ${key})`;
}

async function many2oneValues(env: ReadEnv, field: FieldInfo, fks: Array<number | null>, ids: number[], options: ReadOptions): Promise<Map<number, unknown>> {
  const values = new Map<number, unknown>();
  const comodel = env.search.registry.model(field.relation ?? '');
  const present = fks.filter((v): v is number => v !== null && v !== undefined);
  const names = options.load === '_classic_read' && comodel ? await displayNames(env, comodel, present) : null;
  fks.forEach((fk, i) => {
    if (fk === null || fk === undefined) return;
    values.set(ids[i]!, names ? [fk, names.get(fk) ?? false] : fk);
  });
  return values;
}

/** Related (and `_inherits`) fields: follow the many2one path, then read the target field there. */
async function relatedValues(env: ReadEnv, model: ModelInfo, field: FieldInfo, rows: Row[], options: ReadOptions): Promise<Map<number, unknown>> {
  const path = field.inheritedVia ? [field.inheritedVia, field.name] : expandRelated(model, field.related!).split('.');
  const hop = model.fields.get(path[0]!);
  if (!hop || path.length === 1 || !followableHop(hop)) {
    if (hop && path.length === 1) {
      // Related to another field of the same record (e.g. an alias): read that one.
      const values = await sudoFieldValues(env, model, rows.map((r) => r.id), hop.name, options);
      return values;
    }
    throw missingBehaviour(model.name, `the related field ${field.name} (${field.related})`);
  }
  const comodel = env.search.registry.model(hop.relation!)!;
  if (field.inheritedVia) checkInheritedRead(env, comodel, path[1]!);
  let targets: Array<number | null>;
  if (hop.type === 'many2one') targets = rows.map((r) => r[hop.name] as number | null);
  else {
    // fields.py `_compute_related`: `first(record[name])` — the x2many's first record in its read order, as superuser.
    const lists = await x2manyValues(sudoReadEnv(env), model, hop, rows.map((r) => r.id));
    targets = rows.map((r) => lists.get(r.id)?.[0] ?? null);
  }
  const rest = path.slice(1).join('.');
  const targetIds = targets.filter((v): v is number => v !== null && v !== undefined);
  let values: Map<number, unknown>;
  if (path.length === 2) {
    values = await sudoFieldValues(env, comodel, targetIds, path[1]!, options);
  } else {
    // A longer path is a related field on the comodel in all but name: resolve it recursively.
    const synthetic: FieldInfo = { ...field, related: rest, inheritedVia: null, model: comodel.name };
    const coRows = targetIds.map((id) => ({ id }) as Row);
    const firstHop = comodel.fields.get(expandRelated(comodel, rest).split('.')[0]!);
    if (firstHop?.column) {
      const fetched = await run<Row>(env.db, sql`SELECT id, ${sql.ref(firstHop.column)} FROM ${sql.table(requireTable(comodel))} WHERE id = ANY(${targetIds}::int4[])`);
      const byId = new Map(fetched.map((r) => [r.id, r]));
      coRows.forEach((r) => Object.assign(r, byId.get(r.id)));
    }
    values = await relatedValues(env, comodel, synthetic, coRows, options);
  }
  const result = new Map<number, unknown>();
  rows.forEach((r, i) => {
    const target = targets[i];
    if (target !== null && target !== undefined && values.has(target)) result.set(r.id, values.get(target));
  });
  if (field.type === 'many2one' && options.load !== '_classic_read') {
    for (const [id, value] of result) if (Array.isArray(value)) result.set(id, value[0]);
  }
  return result;
}

/**
 * `_inherits` fields are related fields with `related_sudo=False` (models.py
 * `_add_inherited_fields`): the parent's field is read as the reader, so the parent model's read
 * right applies, and a one2many of the parent searches its comodel as the reader (an AccessError
 * for product.document's voice_ids, ir.attachment's, read by a salesman).
 */
function checkInheritedRead(env: ReadEnv, parent: ModelInfo, name: string): void {
  if (!env.checkRead) return;
  env.checkRead(parent);
  const target = parent.fields.get(name);
  const comodel = target?.type === 'one2many' && !target.related && !target.inheritedVia ? env.search.registry.model(target.relation ?? '') : undefined;
  if (comodel?.table) env.checkRead(comodel);
}

/** The field's `get_domain_list` as one domain (the comodel search of Odoo's x2many read). */
function x2manyReadDomain(env: ReadEnv, model: ModelInfo, field: FieldInfo): unknown[] {
  const domains = x2manyDomains(env.search.registry, model, field);
  if (!domains) throw missingBehaviour(model.name, `the ${field.type} ${field.name} (its domain is computed in Python)`);
  const parts = domains.filter((d) => d.length).map((d) => explicitAnd(d));
  return [...Array.from({ length: Math.max(0, parts.length - 1) }, () => '&'), ...parts.flat()];
}

/**
 * x2many ids of each record, in the comodel's `_order`, archived comodel records hidden
 * (context.active_test) and the user's record rules on the comodel applied, as Odoo's
 * one2many/many2many reads search the comodel. A one2many needs the read right on the comodel
 * (fields.py One2many.read goes through `search_fetch`); Many2many.read builds its query with
 * `_where_calc` and `_apply_ir_rules` alone (a portal user reads an order line's empty `tax_id`),
 * and needs the right only to filter a non-empty value on `active`.
 */
async function x2manyValues(env: ReadEnv, model: ModelInfo, field: FieldInfo, ids: number[]): Promise<Map<number, number[]>> {
  const comodel = env.search.registry.model(field.relation ?? '');
  const result = new Map<number, number[]>();
  if (!comodel?.table) return result;
  if (field.type === 'one2many') env.checkRead?.(comodel);
  const coAlias = nextAlias(env.search, comodel);
  const joins: Sql[] = [];
  const order = orderToSql(env.search, comodel, coAlias, comodel.order, joins);
  const where = compileWhere(env.search, comodel, x2manyReadDomain(env, model, field), coAlias);
  let rows: Array<{ owner: number; id: number }>;
  if (field.type === 'one2many') {
    const inverse = comodel.fields.get(field.relationField ?? '');
    if (!inverse?.column) throw missingBehaviour(model.name, `the one2many ${field.name} (inverse not stored)`);
    rows = await run(
      env.db,
      sql`SELECT ${sql.ref(`${coAlias}.${inverse.column}`)} AS owner, ${sql.ref(`${coAlias}.id`)} AS id FROM ${sql.table(comodel.table)} AS ${sql.table(coAlias)} ${sql.join(joins, sql` `)}
           WHERE ${sql.ref(`${coAlias}.${inverse.column}`)} = ANY(${ids}::int4[]) AND ${where}${order.length ? sql` ORDER BY ${sql.join(order)}` : sql``}`,
    );
  } else {
    const rel = relationOf(field);
    rows = await run(
      env.db,
      sql`SELECT rel.${sql.ref(rel.column1)} AS owner, ${sql.ref(`${coAlias}.id`)} AS id FROM ${sql.table(rel.table)} AS rel
           JOIN ${sql.table(comodel.table)} AS ${sql.table(coAlias)} ON ${sql.ref(`${coAlias}.id`)} = rel.${sql.ref(rel.column2)} ${sql.join(joins, sql` `)}
           WHERE rel.${sql.ref(rel.column1)} = ANY(${ids}::int4[]) AND ${where}${order.length ? sql` ORDER BY ${sql.join(order)}` : sql``}`,
    );
    // _RelationalMulti.convert_to_record filters an archivable comodel's records on `active`, read
    // as the user: a non-empty value needs the comodel's read right (group.view_access for demo).
    if (rows.length && env.search.activeTest && (comodel.fields.has('active') || comodel.fields.has('x_active'))) env.checkRead?.(comodel);
  }
  // One2many.read is `comodel.search(domain)`: ir.ui.menu's search_fetch keeps the visible menus.
  if (field.type === 'one2many' && comodel.name === 'ir.ui.menu' && !env.search.context?.['ir.ui.menu.full_list']) {
    const viewer = env.search.viewer;
    const visible = new Set(await visibleMenuIds({ db: env.db, uid: env.search.uid ?? 1, registry: env.search.registry, canRead: (m) => (viewer ? viewer.canRead(m) : true) }));
    rows = rows.filter((row) => visible.has(row.id));
  }
  for (const row of rows) {
    let list = result.get(row.owner);
    if (!list) result.set(row.owner, (list = []));
    list.push(row.id);
  }
  return result;
}
