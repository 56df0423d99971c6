import { sql } from 'kysely';
import { valueError } from '../../errors.ts';
import type { CallContext } from '../call-context.ts';
import { run } from '../sql/execute.ts';

/**
 * res.users' reified group fields (odoo/addons/base/models/res_users.py, `UsersView`): one
 * `in_group_<id>` boolean per group of an application whose groups do not form a chain, one
 * `sel_groups_<id>_<id>…` selection per application whose groups do. They are no columns:
 * `fields_get` describes them after the real fields (whatever `attributes` asks for), `read`
 * answers them from `groups_id` (an all-fields read too, since it lists `fields_get()`), and
 * `search_read`/`web_read` drop them (`_determine_fields_to_fetch`, `_read_format`).
 */
export interface ReifiedGroupField {
  name: string;
  description: Record<string, unknown>;
}

type GroupRow = {
  id: number;
  name: string;
  comment: string | null;
  category_id: number | null;
};

type CategoryRow = {
  id: number;
  name: string | null;
  description: string | null;
  sequence: number | null;
  xml_id: string | null;
};

export const isReifiedGroupName = (name: string): boolean => name.startsWith('in_group_') || name.startsWith('sel_groups_');

/** Python's `int(text)` for the digits of a reified name; anything else is its ValueError. */
export function pythonInt(text: string): number {
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(text)) throw valueError(`invalid literal for int() with base 10: '${text}'`);
  return Number(text.replace(/_/g, ''));
}

/** `get_groups_by_application()` as fields_get describes it, in its order. */
export async function reifiedGroupFields(ctx: CallContext): Promise<ReifiedGroupField[]> {
  const text = (column: string) => (ctx.lang === 'en_US' ? sql.raw(`${column}->>'en_US'`) : sql`COALESCE(${sql.raw(column)}->>${ctx.lang}::text, ${sql.raw(column)}->>'en_US')`);
  // `get_application_groups([])`: non-share groups by name, sudo; account hides its technical groups kept in the Hidden category.
  const hiddenByAccount = await run<{ id: number }>(
    ctx.db,
    sql`SELECT d.res_id AS id FROM ir_model_data d
          JOIN res_groups g ON g.id = d.res_id
          JOIN ir_model_data c ON c.model = 'ir.module.category' AND c.res_id = g.category_id AND c.module = 'base' AND c.name = 'module_category_hidden'
         WHERE d.model = 'res.groups' AND d.module = 'account' AND d.name IN ('group_account_user', 'group_account_readonly', 'group_account_basic')
           AND EXISTS (SELECT 1 FROM ir_module_module WHERE name = 'account' AND state = 'installed')`,
  );
  const groups = await run<GroupRow>(
    ctx.db,
    sql`SELECT id, ${text('name')} AS name, ${text('comment')} AS comment, category_id
          FROM res_groups WHERE share IS NOT TRUE AND id <> ALL(${hiddenByAccount.map((r) => r.id)}::int4[])
         ORDER BY ${text('name')}`,
  );
  const categories = new Map(
    (
      await run<CategoryRow>(
        ctx.db,
        sql`SELECT c.id, ${text('c.name')} AS name, ${text('c.description')} AS description, c.sequence,
                   (SELECT d.module || '.' || d.name FROM ir_model_data d WHERE d.model = 'ir.module.category' AND d.res_id = c.id ORDER BY d.id LIMIT 1) AS xml_id
              FROM ir_module_category c WHERE c.id = ANY(${[...new Set(groups.flatMap((g) => (g.category_id ? [g.category_id] : [])))]}::int4[])`,
      )
    ).map((c) => [c.id, c]),
  );
  const implied = await transitivelyImplied(ctx);

  const byApp = new Map<number, GroupRow[]>();
  const others: GroupRow[] = [];
  for (const group of groups) {
    if (group.category_id && categories.has(group.category_id)) byApp.set(group.category_id, [...(byApp.get(group.category_id) ?? []), group]);
    else others.push(group);
  }
  const apps = [...byApp.entries()].sort(([a], [b]) => (categories.get(a)!.sequence ?? 0) - (categories.get(b)!.sequence ?? 0));
  const fields: ReifiedGroupField[] = [];
  for (const [categoryId, members] of apps) {
    const app = categories.get(categoryId)!;
    const { kind, ordered } = linearize(app, members, implied);
    if (kind === 'selection') fields.push(selectionField(app, ordered));
    else fields.push(...ordered.map(booleanField));
  }
  fields.push(...others.map(booleanField));
  return fields;
}

/** `linearize`: a chain of groups (each implying the ones before it) is one selection. */
function linearize(app: CategoryRow, groups: GroupRow[], implied: Map<number, Set<number>>): { kind: 'selection' | 'boolean'; ordered: GroupRow[] } {
  if (app.xml_id === 'base.module_category_user_type') return { kind: 'selection', ordered: [...groups].sort((a, b) => a.id - b.id) };
  const ids = new Set(groups.map((g) => g.id));
  const order = new Map(groups.map((g) => [g.id, [...(implied.get(g.id) ?? [])].filter((id) => ids.has(id)).length]));
  const byOrder = [...groups].sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  if (app.xml_id === 'base.module_category_accounting_accounting') return { kind: 'selection', ordered: byOrder };
  if (new Set(order.values()).size === groups.length) return { kind: 'selection', ordered: byOrder };
  return { kind: 'boolean', ordered: groups };
}

function selectionField(app: CategoryRow, groups: GroupRow[]): ReifiedGroupField {
  const tips: string[] = [];
  if (app.description) tips.push(`${app.description}\n`);
  for (const group of groups) if (group.comment) tips.push(`${group.name}: ${group.comment}`);
  const empty = app.xml_id === 'base.module_category_user_type' ? [] : [[false, '']];
  return {
    name: `sel_groups_${groups.map((g) => g.id).sort((a, b) => a - b).join('_')}`,
    description: {
      type: 'selection',
      string: app.name || 'Other',
      selection: [...empty, ...groups.map((g) => [g.id, g.name])],
      help: tips.join('\n'),
      exportable: false,
      selectable: false,
    },
  };
}

function booleanField(group: GroupRow): ReifiedGroupField {
  return {
    name: `in_group_${group.id}`,
    description: { type: 'boolean', string: group.name, help: group.comment || false, exportable: false, selectable: false },
  };
}

/** `trans_implied_ids` of every group: the closure of `implied_ids`. */
export async function transitivelyImplied(ctx: CallContext): Promise<Map<number, Set<number>>> {
  const rows = await run<{ gid: number; hid: number }>(
    ctx.db,
    sql`WITH RECURSIVE closure(gid, hid) AS (
          SELECT gid, hid FROM res_groups_implied_rel
          UNION SELECT c.gid, r.hid FROM closure c JOIN res_groups_implied_rel r ON r.gid = c.hid)
        SELECT gid, hid FROM closure`,
  );
  const implied = new Map<number, Set<number>>();
  for (const { gid, hid } of rows) {
    let set = implied.get(gid);
    if (!set) implied.set(gid, (set = new Set()));
    set.add(hid);
  }
  return implied;
}

/**
 * `UsersView.read`: reified fields asked for (or all of them, for a read of every field) are
 * answered from `groups_id`, which is read for them and dropped again unless it was asked for.
 */
export async function readWithReifiedGroups(
  ctx: CallContext,
  named: readonly unknown[] | null,
  read: (fields: readonly unknown[] | null) => Promise<Record<string, unknown>[]>,
): Promise<Record<string, unknown>[]> {
  const groupFields = named
    ? named.filter((name): name is string => typeof name === 'string' && isReifiedGroupName(name))
    : (await reifiedGroupFields(ctx)).map((field) => field.name);
  if (!groupFields.length) return read(named);
  let otherFields: unknown[] | null = null;
  let dropGroups = false;
  if (named) {
    otherFields = named.filter((name) => !(typeof name === 'string' && isReifiedGroupName(name)));
    if (!otherFields.includes('groups_id')) {
      otherFields.push('groups_id');
      dropGroups = true;
    }
  }
  const rows = await read(otherFields);
  const selections = await selectionOrders(ctx, groupFields);
  const userGroup = await xmlIdOf(ctx, 'base', 'group_user');
  for (const row of rows) {
    const gids = new Set(Array.isArray(row.groups_id) ? (row.groups_id as unknown[]).map(Number) : []);
    for (const name of groupFields) {
      if (name.startsWith('in_group_')) row[name] = gids.has(pythonInt(name.slice('in_group_'.length)));
      else {
        const selected = selections.get(name)!.filter((id) => gids.has(id));
        row[name] = userGroup !== null && selected.includes(userGroup) ? userGroup : (selected.at(-1) ?? false);
      }
    }
    if (dropGroups) delete row.groups_id;
  }
  return rows;
}

/** Each selection field's groups, ordered by how many of the others each implies. */
async function selectionOrders(ctx: CallContext, groupFields: readonly string[]): Promise<Map<string, number[]>> {
  const names = groupFields.filter((name) => name.startsWith('sel_groups_'));
  const orders = new Map<string, number[]>();
  if (!names.length) return orders;
  const wanted = new Map(names.map((name) => [name, name.slice('sel_groups_'.length).split('_').map(pythonInt)]));
  const [implied, existingRows] = await Promise.all([
    transitivelyImplied(ctx),
    run<{ id: number }>(ctx.db, sql`SELECT id FROM res_groups WHERE id = ANY(${[...new Set([...wanted.values()].flat())]}::int4[])`),
  ]);
  const existing = new Set(existingRows.map((r) => r.id));
  for (const [name, ids] of wanted) {
    const members = ids.filter((id) => existing.has(id));
    const inSelection = new Set(members);
    const order = new Map(members.map((id) => [id, [...(implied.get(id) ?? [])].filter((other) => inSelection.has(other)).length]));
    orders.set(name, [...members].sort((a, b) => order.get(a)! - order.get(b)!));
  }
  return orders;
}

async function xmlIdOf(ctx: CallContext, module: string, name: string): Promise<number | null> {
  const rows = await run<{ res_id: number }>(ctx.db, sql`SELECT res_id FROM ir_model_data WHERE module = ${module} AND name = ${name} LIMIT 1`);
  return rows[0]?.res_id ?? null;
}
