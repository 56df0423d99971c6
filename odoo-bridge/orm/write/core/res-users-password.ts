import { ODOO_PASSWORD_MIN_ROUNDS } from '../../../auth/odoo-password.ts';
import { hashPbkdf2Sha512 } from '../../../auth/passlib-pbkdf2.ts';
import { typeError, userError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import type { Vals } from '../behaviour-registry.ts';
import { configParameter } from './xmlid.ts';

/**
 * `password` / `new_password` of res.users are non-stored computes with inverses
 * (`_set_password`, `_set_new_password`): the clear text never reaches a column, the inverse
 * writes the passlib hash into `res_users.password`. The credential checks' cache keys on the
 * stored hash, so a new hash makes the old password fail at once.
 */
export interface PasswordChange {
  readonly clear: string;
  /** Set through new_password: a user may not change their own that way. */
  readonly viaNewPassword: boolean;
}

/** Takes the password fields out of vals (they have no column) and says what the inverse must do. */
export function takePassword(vals: Vals): PasswordChange | null {
  const hasPassword = 'password' in vals;
  const hasNew = 'new_password' in vals;
  const password = vals.password;
  const fresh = vals.new_password;
  delete vals.password;
  delete vals.new_password;
  // new_password's inverse ignores empty values (the web client submits False for empty fields).
  if (hasNew && typeof fresh === 'string' && fresh) return { clear: fresh, viaNewPassword: true };
  if (!hasPassword) return null;
  // `password = ''` is hashed like any other value (the old password stops working); passlib refuses non-strings.
  if (typeof password !== 'string') throw typeError(`secret must be unicode or bytes, not ${password === false || password === true ? 'bool' : 'NoneType'}`);
  return { clear: password, viaNewPassword: false };
}

/** `_set_password` → `_set_encrypted_password`: pbkdf2-sha512 with max(600000, password.hashing.rounds) rounds. */
export async function setPassword(ctx: CallContext, userIds: readonly number[], change: PasswordChange): Promise<void> {
  if (change.viaNewPassword && userIds.includes(ctx.uid)) {
    throw userError('Please use the change password wizard (in User Preferences or User menu) to change your own password.');
  }
  const configured = Number.parseInt((await configParameter(ctx.db, 'password.hashing.rounds')) ?? '0', 10) || 0;
  const rounds = Math.max(ODOO_PASSWORD_MIN_ROUNDS, configured);
  for (const id of userIds) {
    await ctx.db.query(`UPDATE res_users SET password = $2 WHERE id = $1`, [id, await hashPbkdf2Sha512(change.clear, { rounds })]);
  }
}
