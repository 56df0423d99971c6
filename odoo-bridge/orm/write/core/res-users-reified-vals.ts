import type { CallContext } from '../../call-context.ts';
import { pythonInt, transitivelyImplied } from '../../methods/user-reified-groups.ts';
import type { Vals } from '../behaviour-registry.ts';

/**
 * res.users `create`/`write`/`new` take the reified group fields of the user form (base
 * res_users.py `UsersView._remove_reified_groups`): `in_group_<id>: true` adds the group, false
 * removes it; `sel_groups_<ids>: <id>` removes every group of the selection and adds the chosen one
 * (False: none). Without an explicit `groups_id` in the same vals they become `groups_id` commands:
 * unlink (3) each removed group that no added group implies, then link (4) each added one.
 */
export async function withoutReifiedGroups(ctx: CallContext, vals: Vals): Promise<Vals> {
  const added: unknown[] = [];
  const removed: number[] = [];
  const rest: Vals = {};
  for (const [key, value] of Object.entries(vals)) {
    if (key.startsWith('in_group_')) (value ? added : removed).push(pythonInt(key.slice('in_group_'.length)));
    else if (key.startsWith('sel_groups_')) {
      removed.push(...key.slice('sel_groups_'.length).split('_').map(pythonInt));
      if (value) added.push(value);
    } else rest[key] = value;
  }
  if ('groups_id' in vals || (!added.length && !removed.length)) return rest;
  const implied = await transitivelyImplied(ctx);
  const kept = new Set<unknown>(added);
  for (const id of added) for (const other of implied.get(Number(id)) ?? []) kept.add(other);
  rest.groups_id = [...removed.filter((id) => !kept.has(id)).map((id) => [3, id]), ...added.map((id) => [4, id])];
  return rest;
}
