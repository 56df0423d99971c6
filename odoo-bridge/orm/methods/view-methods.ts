import { userError } from '../../errors.ts';
import { actionBindings, savedFilters } from '../views/toolbar.ts';
import type { CallContext } from '../call-context.ts';
import type { ModelInfo } from '../registry/types.ts';
import { applyAccessRights } from '../views/access-rights.ts';
import { postprocessView, type GroupMarks } from '../views/postprocess.ts';
import { createViewEnv, modelViewArch, type ViewEnv } from '../views/view-env.ts';
import { serialiseXml } from '../views/xml-tree.ts';
import { META_METHODS } from './meta-methods.ts';
import type { MethodTable } from './method.ts';

/**
 * `get_views` / `get_view` (ir_ui_view.py, Odoo 17+; `fields_view_get` and `load_views` are
 * gone in 18): the view Odoo picks (explicit id, `<type>_view_ref` in context, else the primary
 * view of lowest priority, else BaseModel's generated default), combined with its inheriting
 * views (views/combine.ts), post-processed (views/postprocess.ts) and cut to the user
 * (views/access-rights.ts), plus `fields_get` of every field each model shows, with the
 * attributes `_get_view_field_attributes` lists; with `toolbar`, the actions bound to the model per
 * view type, with `load_filters` the user's saved filters (views/toolbar.ts).
 */

/** `_get_view_field_attributes` (base), plus web_editor's `sanitize`/`sanitize_tags` when it is installed. */
function viewFieldAttributes(ctx: CallContext): string[] {
  const attributes = [
    'change_default', 'context', 'currency_field', 'definition_record', 'definition_record_field', 'digits', 'domain', 'aggregator', 'groups',
    'help', 'model_field', 'name', 'readonly', 'related', 'relation', 'relation_field', 'required', 'searchable', 'selection', 'size',
    'sortable', 'store', 'string', 'translate', 'trim', 'type', 'groupable',
  ];
  if (ctx.registry.modules.has('web_editor')) attributes.push('sanitize', 'sanitize_tags');
  return attributes;
}

interface ViewAnswer {
  arch: string;
  id: number | false;
  model: string;
  models: Map<string, Set<string>>;
}

function boolOption(options: Record<string, unknown>, name: string): boolean {
  const value = options[name];
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

/** `get_view(view_id, view_type, **options)`. */
async function getView(ctx: CallContext, env: ViewEnv, model: ModelInfo, viewId: unknown, viewType: string, options: Record<string, unknown>): Promise<ViewAnswer> {
  ctx.access.checkModel(model, 'read');
  const ref = ctx.context[`${viewType}_view_ref`];
  const { arch, id: chosen } = await modelViewArch(ctx, model.name, typeof viewId === 'number' && viewId ? viewId : null, viewType, typeof ref === 'string' && ref.includes('.') ? ref : null);
  const marks: GroupMarks = new Map();
  const root = await postprocessView(env, arch, model.name, marks, true, undefined);
  const models = new Map<string, Set<string>>();
  const managers = [root];
  for (const manager of managers) {
    let set = models.get(manager.model.name);
    if (!set) models.set(manager.model.name, (set = new Set()));
    for (const name of manager.availableFields.keys()) set.add(name);
    managers.push(...manager.children);
  }
  // `_get_view_fields`: what the web client needs besides the fields shown.
  const type = viewType || arch.tag;
  if (type === 'kanban' || type === 'list' || type === 'form') {
    for (const [name, set] of models) {
      set.add('id');
      if (ctx.registry.model(name)?.fields.has('write_date')) set.add('write_date');
    }
  } else if (type === 'search') models.set(model.name, new Set(model.fields.keys()));
  applyAccessRights(ctx, arch, marks, env.userGroups);
  void options;
  return { arch: serialiseXml(arch).replace(/\t/g, ''), id: chosen ?? false, model: model.name, models };
}

/** `isinstance(model, mail.activity.mixin)`: the mixin's own fields are the model's (not an `_inherits` parent's). */
function isActivityModel(model: ModelInfo): boolean {
  return ['activity_ids', 'activity_state', 'activity_user_id', 'my_activity_date_deadline'].every((name) => {
    const field = model.fields.get(name);
    return !!field && !field.inheritedVia;
  });
}

function viewTypeOf(value: unknown): string {
  if (typeof value !== 'string') throw userError(`No default view of type '${String(value)}' could be found!`);
  // The web client's `tree` is `list` since 17; Odoo 18 has no `tree` view type.
  return value;
}

export const VIEW_METHODS: MethodTable = {
  get_views: {
    api: 'model',
    signature: { qualname: 'Base.get_views', params: [{ name: 'views' }, { name: 'options', default: null }] },
    async run(ctx, model, a) {
      const options = (a.options && typeof a.options === 'object' && !Array.isArray(a.options) ? a.options : {}) as Record<string, unknown>;
      const views = Array.isArray(a.views) ? (a.views as unknown[]) : [];
      const env = await createViewEnv(ctx, model.name, boolOption(options, 'mobile'));
      const answered: Record<string, Omit<ViewAnswer, 'models'>> = {};
      const models = new Map<string, Set<string>>();
      for (const entry of views) {
        const [viewId, viewType] = Array.isArray(entry) ? entry : [];
        const type = viewTypeOf(viewType);
        const { models: viewModels, ...view } = await getView(ctx, env, model, viewId, type, options);
        answered[type] = view;
        for (const [name, fields] of viewModels) {
          let set = models.get(name);
          if (!set) models.set(name, (set = new Set()));
          for (const field of fields) set.add(field);
        }
      }
      const attributes = viewFieldAttributes(ctx);
      const described: Record<string, Record<string, unknown>> = {};
      for (const [name, fields] of models) {
        const target = ctx.registry.model(name);
        if (!target) continue;
        described[name] = { fields: await META_METHODS.fields_get!.run(ctx, target, { allfields: [...fields], attributes }, undefined) };
      }
      if (boolOption(options, 'toolbar')) {
        for (const view of Object.values(answered)) (view as Record<string, unknown>).toolbar = {};
        const bindings = await actionBindings(ctx, model.name, env.userGroups);
        for (const [actionType, key] of [['report', 'print'], ['action', 'action']] as const) {
          for (const action of bindings[actionType] ?? []) {
            const types = typeof action.binding_view_types === 'string' && action.binding_view_types ? action.binding_view_types.split(',') : Object.keys(answered);
            for (const type of types) {
              const view = answered[type] as Record<string, unknown> | undefined;
              if (!view) continue;
              const toolbar = view.toolbar as Record<string, unknown[]>;
              (toolbar[key] ??= []).push(action);
            }
          }
        }
      }
      if (boolOption(options, 'load_filters') && answered.search) {
        (answered.search as Record<string, unknown>).filters = await savedFilters(ctx, model.name, options);
      }
      // mail_thread.py get_views: a form of a model with activities tells the client so.
      if ('form' in answered && isActivityModel(model) && described[model.name]) {
        described[model.name]!.has_activities = true;
      }
      return { views: answered, models: described };
    },
  },
  get_view: {
    api: 'model',
    signature: { qualname: 'Base.get_view', params: [{ name: 'view_id', default: null }, { name: 'view_type', default: 'form' }], varKeywords: true },
    async run(ctx, model, a) {
      const env = await createViewEnv(ctx, model.name, a.__extra__?.mobile === true);
      const view = await getView(ctx, env, model, a.view_id, viewTypeOf(a.view_type), {});
      return { arch: view.arch, id: view.id, model: view.model, models: Object.fromEntries([...view.models].map(([name, fields]) => [name, [...fields]])) };
    },
  },
};
