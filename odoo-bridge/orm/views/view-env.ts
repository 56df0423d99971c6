import { sql } from 'kysely';
import { missingBehaviour, userError } from '../../errors.ts';
import { fieldGroups } from '../access/field-groups.ts';
import type { CallContext } from '../call-context.ts';
import { describeField, descriptionEnv, type DescriptionEnv } from '../methods/field-description.ts';
import { pythonFieldOrder } from '../registry/python-field-order.ts';
import { classesInMro, fieldDepends } from '../registry/python-field-facts-depends.ts';
import { onchangeWatchedFields } from '../registry/python-field-facts.ts';
import type { FieldInfo, ModelInfo, Registry } from '../registry/types.ts';
import { translated } from '../registry/types.ts';
import { run } from '../sql/execute.ts';
import { combinedArch } from './combine.ts';
import { applyViewOverrides } from './model-overrides.ts';
import { GroupDefinitions, type GroupSet } from './group-sets.ts';
import { element, append, type XmlElement } from './xml-tree.ts';

/** What post-processing a view asks of the database and the registry, for one call. */
export interface ViewEnv {
  readonly ctx: CallContext;
  readonly groups: GroupDefinitions;
  /** The user's groups (implied included), base.group_no_one left out: RPC has no debug session. */
  readonly userGroups: ReadonlySet<number>;
  readonly mobile: boolean;
  readonly rootModel: string;
  /** `ir.model.access._get_access_groups(model, 'read')`. */
  accessGroups(model: ModelInfo): Promise<GroupSet>;
  /** The field names `fields_get()` answers the user (NameManager.field_info). */
  fieldInfo(model: ModelInfo): Promise<ReadonlySet<string>>;
  /** The field's effective Python `groups=`, or null. */
  fieldGroups(model: ModelInfo, name: string): string | null;
  /** `field._description_domain(env)`: what fields_get says of the field's domain. */
  fieldDomain(model: ModelInfo, field: FieldInfo): Promise<unknown>;
  /** `_get_view(view_type=…)` of another model, with an optional `<type>_view_ref` xml id. */
  combinedViewArch(model: string, viewType: string, viewRef: string | null): Promise<XmlElement>;
  /** models.py `_has_onchange(field, other_fields)`. */
  hasOnchange(model: ModelInfo, name: string, present: ReadonlySet<string>): Promise<boolean>;
}

export async function groupDefinitions(ctx: CallContext): Promise<{ definitions: GroupDefinitions; groupNoOne: number | null }> {
  const rows = await run<{ id: number; ref: string | null; implied: number[] | null; user_type: boolean }>(
    ctx.db,
    sql`SELECT g.id,
               (SELECT d.module || '.' || d.name FROM ir_model_data d WHERE d.model = 'res.groups' AND d.res_id = g.id ORDER BY d.id LIMIT 1) AS ref,
               (SELECT array_agg(r.hid ORDER BY r.hid) FROM res_groups_implied_rel r WHERE r.gid = g.id) AS implied,
               COALESCE(g.category_id = (SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'module_category_user_type'), false) AS user_type
          FROM res_groups g ORDER BY g.id`,
  );
  const groupNoOne = rows.find((r) => r.ref === 'base.group_no_one')?.id ?? null;
  return {
    definitions: new GroupDefinitions(rows.map((r) => ({ id: r.id, ref: r.ref, implied: r.implied ?? [], userType: r.user_type })), groupNoOne),
    groupNoOne,
  };
}

export async function userGroupIds(ctx: CallContext, groupNoOne: number | null): Promise<Set<number>> {
  const rows = await run<{ gid: number }>(ctx.db, sql`SELECT gid FROM res_groups_users_rel WHERE uid = ${ctx.uid}`);
  return new Set(rows.map((r) => r.gid).filter((gid) => gid !== groupNoOne));
}

/** `ir.ui.view.default_view(model, type)`: the active primary view of lowest priority (then name, id). */
export async function defaultViewId(ctx: CallContext, model: string, viewType: string): Promise<number | null> {
  const rows = await run<{ id: number }>(
    ctx.db,
    sql`SELECT id FROM ir_ui_view WHERE model = ${model} AND type = ${viewType} AND mode = 'primary' AND active ORDER BY priority, name, id LIMIT 1`,
  );
  return rows[0]?.id ?? null;
}

async function viewIdOfRef(ctx: CallContext, ref: string): Promise<number | null> {
  if (!ref.includes('.')) return null;
  const [module, name] = [ref.slice(0, ref.indexOf('.')), ref.slice(ref.indexOf('.') + 1)];
  const rows = await run<{ res_id: number }>(ctx.db, sql`SELECT res_id FROM ir_model_data WHERE model = 'ir.ui.view' AND module = ${module} AND name = ${name}`);
  return rows[0]?.res_id ?? null;
}

/** The view `_get_view` picks: `<type>_view_ref`, else the default view; null when the model has none. */
export async function pickView(ctx: CallContext, model: string, viewType: string, viewId: number | null, viewRef: string | null): Promise<number | null> {
  if (viewId) return viewId;
  const byRef = viewRef ? await viewIdOfRef(ctx, viewRef) : null;
  return byRef ?? defaultViewId(ctx, model, viewType);
}

/**
 * models.py `_get_view(view_id, view_type)` with the installed modules' overrides: the view's
 * combined arch (or the generated default one) and the view used (`id`, its `type`).
 */
export async function modelViewArch(ctx: CallContext, model: string, viewId: number | null, viewType: string, viewRef: string | null): Promise<{ arch: XmlElement; id: number | null }> {
  const info = ctx.registry.model(model);
  if (!info) throw userError(`Model not found: ${model}`);
  const chosen = await pickView(ctx, model, viewType, viewId, viewRef);
  let arch: XmlElement;
  let recordType: string | null = null;
  if (chosen) {
    arch = await combinedArch(ctx.db, chosen, ctx.lang);
    recordType = (await run<{ type: string }>(ctx.db, sql`SELECT type FROM ir_ui_view WHERE id = ${chosen}`))[0]?.type ?? null;
  } else arch = defaultViewArch(ctx.registry, info, viewType, ctx.lang);
  await applyViewOverrides({ ctx, model, viewType, recordType, arch });
  return { arch, id: chosen };
}

/** BaseModel `_get_default_<type>_view` for the types the web client asks without a view. */
export function defaultViewArch(registry: Registry, model: ModelInfo, viewType: string, lang: string): XmlElement {
  const description = translated(model.description, 'en_US');
  void lang;
  const recName = model.recName && model.fields.has(model.recName) ? model.recName : 'id';
  if (viewType === 'list' || viewType === 'search') {
    const root = element(viewType, [['string', description]]);
    append(root, element('field', [['name', recName]]));
    // E.list(element, string=…): the child comes first, the attribute is set on the new element.
    return root;
  }
  if (viewType === 'form') {
    // `field.automatic`: the magic fields MetaModel adds, unless a class declares them itself.
    const classes = classesInMro(registry, model.name);
    const declared = new Set(classes.flatMap((klass) => klass.declared ?? []));
    const AUTOMATIC = new Set(['id', 'display_name', 'create_uid', 'create_date', 'write_uid', 'write_date'].filter((name) => !declared.has(name)));
    const sheet = element('sheet', [['string', description]]);
    let main = element('group');
    let left = element('group');
    let right = element('group');
    const size = (g: XmlElement) => g.children.length;
    for (const name of pythonFieldOrder(registry, model)) {
      const field = model.fields.get(name)!;
      if (AUTOMATIC.has(name)) continue;
      if (['one2many', 'many2many', 'text', 'html'].includes(field.type)) {
        if (size(left)) {
          append(main, left);
          left = element('group');
        }
        if (size(right)) {
          append(main, right);
          right = element('group');
        }
        if (size(main)) {
          append(sheet, main);
          main = element('group');
        }
        const group = element('group');
        append(group, element('field', [['name', name]]));
        append(sheet, group);
      } else if (size(left) > size(right)) append(right, element('field', [['name', name]]));
      else append(left, element('field', [['name', name]]));
    }
    if (size(left)) append(main, left);
    if (size(right)) append(main, right);
    append(sheet, main);
    const separator = element('group');
    append(separator, element('separator'));
    append(sheet, separator);
    const form = element('form');
    append(form, sheet);
    return form;
  }
  if (viewType === 'pivot') return element('pivot', [['string', description]]);
  if (viewType === 'graph') {
    const root = element('graph', [['string', description]]);
    append(root, element('field', [['name', recName]]));
    return root;
  }
  if (viewType === 'kanban' || (viewType === 'activity' && registry.modules.has('mail'))) {
    // kanban: <templates><t t-name="card"><field/></t></templates>; mail's activity: <div t-name="activity-box">.
    const box = viewType === 'kanban' ? element('t', [['t-name', 'card']]) : element('div', [['t-name', 'activity-box']]);
    append(box, element('field', [['name', recName]]));
    const templates = element('templates');
    append(templates, box);
    const root = element(viewType, [['string', description]]);
    append(root, templates);
    return root;
  }
  if (viewType === 'calendar') throw missingBehaviour(model.name, 'the generated default calendar view');
  throw userError(`No default view of type '${viewType}' could be found!`);
}

const triggerIndexes = new WeakMap<Registry, Map<string, Set<string>>>();

/** registry.py `_field_triggers`, flattened: field key → the fields whose dependencies reach it. */
function triggerIndex(registry: Registry): Map<string, Set<string>> {
  let index = triggerIndexes.get(registry);
  if (index) return index;
  index = new Map();
  const add = (dep: string, target: string) => {
    let set = index!.get(dep);
    if (!set) index!.set(dep, (set = new Set()));
    set.add(target);
  };
  for (const model of registry.models.values()) {
    if (!model.table) continue;
    for (const field of model.fields.values()) {
      const self = `${model.name}.${field.name}`;
      for (const path of fieldDepends(registry, model, field) ?? []) {
        let current: ModelInfo | undefined = model;
        const names = path.split('.');
        for (let i = 0; i < names.length && current; i++) {
          if (model.transient && !current.transient) break;
          const hop = current.fields.get(names[i]!);
          if (!hop) break;
          const key = `${current.name}.${hop.name}`;
          if (!(key === self && i === 0)) add(key, self);
          if (hop.type === 'one2many' && hop.relation && hop.relationField) add(`${hop.relation}.${hop.relationField}`, self);
          current = hop.relation ? registry.model(hop.relation) : undefined;
        }
      }
    }
  }
  triggerIndexes.set(registry, index);
  return index;
}

/** The `_inherits` parent's field an inherited field is (`field.base_field`). */
function baseField(registry: Registry, model: ModelInfo, name: string): string {
  const field = model.fields.get(name);
  if (!field?.inheritedVia) return `${model.name}.${name}`;
  const parent = registry.model(model.fields.get(field.inheritedVia)?.relation ?? '');
  return parent?.fields.has(name) ? baseField(registry, parent, name) : `${model.name}.${name}`;
}

export async function createViewEnv(ctx: CallContext, rootModel: string, mobile: boolean): Promise<ViewEnv> {
  const { definitions, groupNoOne } = await groupDefinitions(ctx);
  const userGroups = await userGroupIds(ctx, groupNoOne);
  const accessCache = new Map<string, Promise<GroupSet>>();
  const infoCache = new Map<string, ReadonlySet<string>>();
  let description: Promise<DescriptionEnv> | undefined;
  const registry = ctx.registry;
  return {
    ctx,
    groups: definitions,
    userGroups,
    mobile,
    rootModel,
    accessGroups(model) {
      let found = accessCache.get(model.name);
      if (!found) {
        found = run<{ group_id: number | null }>(
          ctx.db,
          sql`SELECT a.group_id FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id WHERE m.model = ${model.name} AND a.perm_read AND a.active`,
        ).then((rows) => {
          if (!rows.length) return definitions.empty;
          if (rows.some((r) => r.group_id === null)) return definitions.universe;
          return definitions.fromIds(rows.map((r) => r.group_id!));
        });
        accessCache.set(model.name, found);
      }
      return found;
    },
    async fieldInfo(model) {
      let names = infoCache.get(model.name);
      if (!names) {
        names = new Set([...model.fields.values()].filter((f) => ctx.fieldAccess.accessible(model, f)).map((f) => f.name));
        infoCache.set(model.name, names);
      }
      return names;
    },
    fieldGroups(model, name) {
      const field = model.fields.get(name);
      return field ? fieldGroups(registry, model, field) : null;
    },
    async fieldDomain(model, field) {
      description ??= descriptionEnv(ctx);
      return (await describeField(await description, model, field)).domain;
    },
    async combinedViewArch(model, viewType, viewRef) {
      return (await modelViewArch(ctx, model, null, viewType, viewRef)).arch;
    },
    async hasOnchange(model, name, present) {
      if (onchangeWatchedFields(registry, model.name).has(name)) return true;
      // models.py `_onchange_methods` also holds `onchange_default` for every `change_default` field.
      const field = model.fields.get(name);
      description ??= descriptionEnv(ctx);
      if (field && (await describeField(await description, model, field)).change_default === true) return true;
      const index = triggerIndex(registry);
      const seen = new Set<string>();
      const todo = [baseField(registry, model, name)];
      while (todo.length) {
        const key = todo.pop()!;
        for (const dependent of index.get(key) ?? []) {
          if (seen.has(dependent)) continue;
          if (present.has(dependent)) return true;
          seen.add(dependent);
          todo.push(dependent);
        }
      }
      return false;
    },
  };
}
