import { accessError, missingError, valueError } from '../../../errors.ts';
import { anyUserInGroup, userInGroup } from '../../access/user-in-group.ts';
import type { CallContext } from '../../call-context.ts';
import { idsOf, type MethodSpec } from '../../methods/method.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';

/**
 * `res.users.has_group(group_ext_id)` and `has_groups(group_spec)` on a user record
 * (base/models/res_users.py, 18.0):
 * - one record (`ensure_one`);
 * - only an internal user (`base.group_user`) may ask about another user: anyone else gets
 *   "You can ony call user.has_group() with your current user." (Odoo's typo kept);
 * - the answer is whether the user's groups (Odoo 18 stores the implied ones too) hold
 *   the group the xml id names; an unknown xml id is False, a user id that does not exist is
 *   the MissingError of reading its groups;
 * - `base.group_no_one` counts only in a debug session, which an RPC call never is;
 * - `has_groups`: no `!group` held, then any positive group held, `True` when there is none,
 *   and `.` is False.
 */
async function userHasGroup(ctx: CallContext, ids: unknown, xmlid: unknown): Promise<boolean> {
  const users = idsOf(ids);
  if (users.length !== 1) throw valueError(`Expected singleton: res.users(${users.join(', ')}${users.length === 1 ? ',' : ''})`);
  const user = users[0]!;
  if (user !== ctx.uid && !(await userInGroup(ctx.db, ctx.access, 'base.group_user'))) {
    throw accessError('You can ony call user.has_group() with your current user.');
  }
  const held = await anyUserInGroup(ctx.db, ctx.access, user, String(xmlid));
  if (held === null) throw missingError(`Record does not exist or has been deleted.\n(Record: res.users(${user},), User: ${ctx.uid})`);
  return held && xmlid !== 'base.group_no_one';
}

const hasGroup: MethodSpec = {
  api: 'records',
  signature: { qualname: 'Users.has_group', params: [{ name: 'group_ext_id' }] },
  run: (ctx, _model, a, ids) => userHasGroup(ctx, ids, a.group_ext_id),
};

const hasGroups: MethodSpec = {
  api: 'records',
  signature: { qualname: 'Users.has_groups', params: [{ name: 'group_spec' }] },
  async run(ctx, _model, a, ids) {
    const spec = String(a.group_spec);
    if (spec === '.') return false;
    const parts = spec.split(',').map((part) => part.trim());
    for (const negative of parts.filter((p) => p.startsWith('!'))) if (await userHasGroup(ctx, ids, negative.slice(1))) return false;
    const positives = parts.filter((p) => !p.startsWith('!'));
    for (const positive of positives) if (await userHasGroup(ctx, ids, positive)) return true;
    return !positives.length;
  },
};

export function registerResUsersHasGroup(behaviours: BehaviourRegistry): void {
  behaviours.register('res.users', { methods: { has_group: hasGroup, has_groups: hasGroups } });
}
