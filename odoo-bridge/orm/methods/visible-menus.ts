import { sql } from 'kysely';
import type { CallContext } from '../call-context.ts';
import type { SearchRowSource } from '../read/read-env.ts';
import { vouchRuled } from '../read/read-env.ts';
import type { ModelInfo, Registry } from '../registry/types.ts';
import { run, type Queryable } from '../sql/execute.ts';

/** The action models whose menu visibility depends on a model the action names (ir_ui_menu.py MODEL_BY_TYPE). */
const MODEL_BY_TYPE: Readonly<Record<string, string>> = {
  'ir.actions.act_window': 'res_model',
  'ir.actions.report': 'model',
  'ir.actions.server': 'model_name',
};

/**
 * `ir.ui.menu.search_fetch` (odoo/addons/base/models/ir_ui_menu.py, Odoo 18) keeps, of the menus
 * its plain search found, only those `_filter_visible_menus` lets through — unless the context
 * holds `ir.ui.menu.full_list` — and applies offset and limit after that filter; `search_count`
 * is `len(search(domain))`, so it counts the visible ones too; name_search is search_fetch in
 * Odoo 18 (models.py). `_search` itself is not overridden: read_group sees every menu.
 *
 * `_visible_menu_ids` (debug off over RPC: `request.session.debug` is empty), from every active
 * menu in `_order`: a menu with groups none of which the user has (base.group_no_one left out of
 * the user's) is dropped; a menu whose action exists is visible when the action names no model or
 * the user may read that model (ir.model.access), and makes its action-less ancestors visible; a
 * menu without an existing action is visible only as such an ancestor.
 *
 * The filter is a fixed id set, so filtering then slicing is the paged search with `id IN` it.
 */
export async function visibleMenusOnly(ctx: CallContext, source: SearchRowSource): Promise<SearchRowSource> {
  if (ctx.context['ir.ui.menu.full_list']) return source;
  const visible = await visibleMenuIds({ db: ctx.db, uid: ctx.uid, registry: ctx.registry, canRead: (model) => ctx.access.hasModel(model, 'read') });
  const condition = visible.length ? sql`${sql.ref(`${source.alias}.id`)} IN (${sql.join(visible.map((id) => sql`${id}`))})` : sql`FALSE`;
  return vouchRuled({ ...source, where: sql`(${source.where}) AND ${condition}` });
}

interface MenuRow extends Record<string, unknown> {
  id: number;
  parent_id: number | null;
  action: string | null;
  group_ids: number[] | null;
}

/** What `_visible_menu_ids` looks at: the user (groups, ACLs) and the database. */
export interface MenuViewer {
  readonly db: Queryable;
  readonly uid: number;
  readonly registry: Registry;
  /** `ir.model.access.check(model, 'read', False)`. */
  canRead(model: ModelInfo): boolean;
}

export async function visibleMenuIds(ctx: MenuViewer): Promise<number[]> {
  const menus = await run<MenuRow>(ctx.db, sql`
    SELECT m.id, m.parent_id, m.action,
           (SELECT array_agg(r.gid) FROM ir_ui_menu_group_rel r WHERE r.menu_id = m.id) AS group_ids
      FROM ir_ui_menu m WHERE m.active ORDER BY m.sequence, m.id`);
  const noOne = await run<{ res_id: number }>(ctx.db, sql`SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'group_no_one' AND model = 'res.groups'`);
  // res.users groups_id holds the implied groups too (res_users.py writes them): `_get_group_ids`.
  const groups = await run<{ gid: number }>(ctx.db, sql`SELECT gid FROM res_groups_users_rel WHERE uid = ${ctx.uid}`);
  const userGroups = new Set(groups.map((g) => g.gid));
  for (const { res_id } of noOne) userGroups.delete(res_id);
  const kept = menus.filter((m) => !(m.group_ids?.length && !m.group_ids.some((g) => userGroups.has(g))));

  // The actions that exist, and the model each names.
  const byModel = new Map<string, Set<number>>();
  for (const m of kept) {
    const ref = parseReference(m.action);
    if (ref) (byModel.get(ref.model) ?? byModel.set(ref.model, new Set()).get(ref.model)!).add(ref.id);
  }
  const targetOf = new Map<string, string | null>();
  for (const [modelName, ids] of byModel) {
    const actionModel = ctx.registry.model(modelName);
    if (!actionModel?.table) continue;
    const column = MODEL_BY_TYPE[modelName];
    const rows = await run<{ id: number; target: string | null }>(ctx.db, sql`
      SELECT id, ${column ? sql.ref(column) : sql`NULL::varchar`} AS target FROM ${sql.table(actionModel.table)}
       WHERE id IN (${sql.join([...ids].map((id) => sql`${id}`))})`);
    for (const row of rows) targetOf.set(`${modelName},${row.id}`, column ? row.target : null);
  }

  const byId = new Map(kept.map((m) => [m.id, m]));
  const isActionMenu = (m: MenuRow) => m.action !== null && targetOf.has(normalised(m.action));
  const visible = new Set<number>();
  for (const menu of kept) {
    if (!isActionMenu(menu)) continue;
    const target = targetOf.get(normalised(menu.action!));
    const readable = (name: string) => {
      const model = ctx.registry.model(name);
      return model !== undefined && ctx.canRead(model);
    };
    if (target && !readable(target)) continue;
    visible.add(menu.id);
    let parent = menu.parent_id === null ? undefined : byId.get(menu.parent_id);
    while (parent && !isActionMenu(parent) && !visible.has(parent.id)) {
      visible.add(parent.id);
      parent = parent.parent_id === null ? undefined : byId.get(parent.parent_id);
    }
  }
  return [...visible].sort((a, b) => a - b);
}

function parseReference(value: string | null): { model: string; id: number } | null {
  if (!value) return null;
  const comma = value.indexOf(',');
  if (comma < 0) return null;
  const id = Number.parseInt(value.slice(comma + 1), 10);
  return Number.isInteger(id) && id > 0 ? { model: value.slice(0, comma), id } : null;
}

function normalised(value: string): string {
  const ref = parseReference(value);
  return ref ? `${ref.model},${ref.id}` : value;
}
