import { verifyOdooPassword } from '../../../auth/odoo-password.ts';
import { accessDenied, OdooError, typeError, userError } from '../../../errors.ts';
import { pythonTruthy, pythonTypeName } from '../../../wire/python-values.ts';
import type { CallContext } from '../../call-context.ts';
import type { MethodSpec } from '../../methods/method.ts';
import type { ModelInfo } from '../../registry/types.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import type { WriteEnv } from '../write-env.ts';
import { updateRecords } from '../record-writes.ts';
import { inTransaction } from '../transaction.ts';

/**
 * `res.users.change_password(old_passwd, new_passwd)` (base/models/res_users.py, 18.0), an
 * `@api.model` method any user calls about themselves:
 * - a falsy old password is AccessDenied before anything is read;
 * - `_check_credentials({'type': 'password', 'password': old}, {'interactive': True})`: the old
 *   password against the caller's `COALESCE(password, '')` (passlib's verify; interactive, so an
 *   API key does not count) — a mismatch is AccessDenied;
 * - `_change_password`: `new_passwd.strip()`, empty → UserError, else `self.env.user.password =`
 *   the stripped value, written as superuser on the caller's record (the password inverse hashes
 *   it; mail's write sends the "Password Changed" security mail).
 * The new hash changes the credential caches' key and the web sessions' fingerprint, so the old
 * password stops working on every transport at once and the user's other sessions expire, as
 * Odoo's `session_token` (computed from the hash) makes them.
 *
 * Not ported: passlib's `verify_and_update` rehash of an old password stored with fewer rounds
 * (the new password's hash replaces it in the same call, so nothing of it remains).
 */
function changePassword(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'model',
    signature: { qualname: 'Users.change_password', params: [{ name: 'old_passwd' }, { name: 'new_passwd' }] },
    async run(ctx, model, a) {
      if (!pythonTruthy(a.old_passwd)) throw accessDenied();
      await checkOwnPassword(ctx, a.old_passwd);
      // `self.env.user` is the caller as superuser.
      return inTransaction(ctx, async (tx) => {
        await changeUserPassword({ ctx: tx, behaviours }, model, tx.uid, a.new_passwd, { checkAccess: false });
        return true;
      });
    },
  };
}

/**
 * `user._change_password(new_passwd)`: the stripped password (UserError when blank) written on
 * the user through res.users' write behaviours (the inverse's hash, mail's security mail), with
 * the caller's rights unless `checkAccess` is false (a superuser environment).
 */
export async function changeUserPassword(w: WriteEnv, users: ModelInfo, userId: number, newPassword: unknown, options: { checkAccess: boolean }): Promise<void> {
  const fresh = pythonStrip(newPassword);
  if (!fresh) throw userError('Setting empty passwords is not allowed for security reasons!');
  await updateRecords(w, users, [userId], { password: fresh }, options);
}

/** `_check_credentials` for a password given interactively: the caller's own stored hash. */
async function checkOwnPassword(ctx: CallContext, given: unknown): Promise<void> {
  // passlib's `verify` takes str or bytes only.
  if (typeof given !== 'string') throw typeError(`secret must be unicode or bytes, not ${pythonTypeName(given)}`);
  const { rows } = await ctx.db.query<{ password: string }>(`SELECT COALESCE(password, '') AS password FROM res_users WHERE id = $1`, [ctx.uid]);
  if (!(await verifyOdooPassword(given, rows[0]?.password ?? ''))) throw accessDenied();
}

/** Python's whitespace (`str.isspace`): JavaScript's `trim` also strips U+FEFF and keeps U+001C–U+001F and U+0085. */
const PYTHON_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PYTHON_STRIP = new RegExp(`^${PYTHON_SPACE}+|${PYTHON_SPACE}+$`, 'g');

/** `value.strip()`: a str without surrounding whitespace, else the AttributeError Python raises. */
function pythonStrip(value: unknown): string {
  if (typeof value !== 'string') throw new OdooError('builtins.AttributeError', `'${pythonTypeName(value)}' object has no attribute 'strip'`);
  return value.replace(PYTHON_STRIP, '');
}

export function registerResUsersChangePassword(behaviours: BehaviourRegistry): void {
  behaviours.register('res.users', { methods: { change_password: changePassword(behaviours) } });
}
