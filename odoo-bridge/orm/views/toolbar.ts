import { sql } from 'kysely';
import type { CallContext } from '../call-context.ts';
import { SEARCH_METHODS } from '../methods/search-methods.ts';
import type { FieldInfo } from '../registry/types.ts';
import { translated } from '../registry/types.ts';
import { run } from '../sql/execute.ts';

/**
 * What `get_views(options={'toolbar': True, 'load_filters': True})` adds (ir_ui_view.py
 * get_views): the actions bound to the model (ir_actions.py `get_bindings`: each action's name,
 * binding view types, sequence and domain as its model defines them, read as superuser; the ones
 * restricted to groups the user is not in, or opening a model the user may not read, left out;
 * `action` bindings sorted by sequence), and the user's saved filters for the action
 * (ir_filters.py `get_filters`, a search_read under the user's rules).
 */
export type Binding = Record<string, unknown>;

/** `ir.actions.actions._get_bindings(model)` then `get_bindings`' per-user filter. */
export async function actionBindings(ctx: CallContext, model: string, userGroups: ReadonlySet<number>): Promise<Record<string, Binding[]>> {
  const bound = await run<{ id: number; type: string; binding_type: string }>(
    ctx.db,
    sql`SELECT a.id, a.type, a.binding_type FROM ir_actions a JOIN ir_model m ON a.binding_model_id = m.id WHERE m.model = ${model} ORDER BY a.id`,
  );
  const byType: Record<string, Array<{ action: Binding; groups: number[]; resModel: string | null }>> = {};
  for (const row of bound) {
    const actionModel = ctx.registry.model(row.type);
    if (!actionModel?.table) continue;
    const fields = ['name', 'binding_view_types', 'groups_id', 'res_model', 'sequence', 'domain'].filter((name) => name === 'name' || name === 'binding_view_types' || actionModel.fields.has(name));
    const columns = fields.map((name) => actionModel.fields.get(name)).filter((f): f is FieldInfo => !!f?.column);
    const [record] = await run<Record<string, unknown>>(
      ctx.db,
      sql`SELECT ${sql.join(columns.map((f) => sql`${sql.ref(f.column!)} AS ${sql.ref(f.name)}`))} FROM ${sql.table(actionModel.table)} WHERE id = ${row.id}`,
    );
    if (!record) continue; // MissingError: skipped
    const action: Binding = { id: row.id };
    let groups: number[] = [];
    let resModel: string | null = null;
    for (const name of fields) {
      const field = actionModel.fields.get(name)!;
      if (name === 'groups_id') {
        groups = (await run<{ gid: number }>(ctx.db, sql`SELECT ${sql.ref(field.column2!)} AS gid FROM ${sql.table(field.relationTable!)} WHERE ${sql.ref(field.column1!)} = ${row.id}`)).map((r) => r.gid);
        continue;
      }
      let value = record[name];
      if (name === 'name') value = translated(value as Record<string, string>, ctx.lang);
      if (name === 'res_model') {
        resModel = (value as string | null) || null;
        continue;
      }
      if (name === 'domain' && !value) continue;
      action[name] = value === null || value === undefined ? false : value;
    }
    (byType[row.binding_type] ??= []).push({ action, groups, resModel });
  }
  const result: Record<string, Binding[]> = {};
  for (const [type, entries] of Object.entries(byType)) {
    const kept: Binding[] = [];
    const ordered = type === 'action' ? [...entries].sort((a, b) => Number(a.action.sequence ?? 0) - Number(b.action.sequence ?? 0)) : entries;
    for (const { action, groups, resModel } of ordered) {
      if (groups.length && !groups.some((g) => userGroups.has(g))) continue;
      if (resModel) {
        const target = ctx.registry.model(resModel);
        if (!target || !ctx.access.hasModel(target, 'read')) continue;
      }
      kept.push(action);
    }
    if (kept.length) result[type] = kept;
  }
  return result;
}

/** `ir.filters.get_filters(model, action_id, embedded_action_id, embedded_parent_res_id)`. */
export async function savedFilters(ctx: CallContext, model: string, options: Record<string, unknown>): Promise<unknown> {
  const filters = ctx.registry.model('ir.filters');
  if (!filters) return [];
  const actionId = options.action_id || null;
  const embeddedId = options.embedded_action_id || null;
  const embeddedParent = options.embedded_parent_res_id || null;
  const domain: unknown[] = [
    actionId ? ['action_id', 'in', [actionId, false]] : ['action_id', '=', false],
    embeddedId ? ['embedded_action_id', '=', embeddedId] : ['embedded_action_id', '=', false],
    embeddedId && embeddedParent ? ['embedded_parent_res_id', '=', embeddedParent] : ['embedded_parent_res_id', 'in', [0, false]],
    ['model_id', '=', model],
    ['user_id', 'in', [ctx.uid, false]],
  ];
  return SEARCH_METHODS.search_read!.run(ctx, filters, { domain, fields: ['name', 'is_default', 'domain', 'context', 'user_id', 'sort', 'embedded_action_id', 'embedded_parent_res_id'] }, undefined);
}
