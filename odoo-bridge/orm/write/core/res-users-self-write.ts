import type { CallContext } from '../../call-context.ts';
import type { ModelInfo } from '../../registry/types.ts';
import type { Vals } from '../behaviour-registry.ts';

/**
 * `res.users.SELF_WRITEABLE_FIELDS` of the installed modules (base: signature, action_id,
 * company_id, email, name, image_1920, lang, tz; mail: notification_type), plus any
 * `context_*` key: what a user may change on their own user record without the right to
 * write users.
 */
const SELF_WRITEABLE = new Set(['signature', 'action_id', 'company_id', 'email', 'name', 'image_1920', 'lang', 'tz', 'notification_type']);

/**
 * res.users `write` (base/models/res_users.py, 18): a user writing only safe fields on their
 * own record writes as superuser (no ACL, no rules), after dropping a `company_id` that is not
 * one of their companies. Returns the values to write, or null when the normal checks apply.
 */
export function selfWriteValues(ctx: CallContext, model: ModelInfo, ids: readonly number[], vals: Vals, userCompanies: readonly number[]): Vals | null {
  if (model.name !== 'res.users' || new Set(ids).size !== 1 || ids[0] !== ctx.uid) return null;
  if (!Object.keys(vals).every((key) => SELF_WRITEABLE.has(key) || key.startsWith('context_'))) return null;
  if ('company_id' in vals && !userCompanies.includes(vals.company_id as number)) {
    const { company_id: _dropped, ...rest } = vals;
    return rest;
  }
  return vals;
}
