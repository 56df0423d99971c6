import type { CredentialStore } from '../../../odoo-bridge/orm/index.ts';
import type { LoginAttemptKeys, LoginGuard } from '../../kit/index.ts';

export type LoginCredentials =
  /** The password, or one of the user's Odoo API keys (scope rpc or global), as Odoo RPC accepts either. */
  | { login: string; password: string }
  /** An API key alone, as JSON-2's `Authorization: bearer` sends it. */
  | { apiKey: string };

export class LoginRefused extends Error {
  constructor(readonly why: 'invalid' | 'cooldown', readonly retryAfterMs = 0) {
    super(why === 'cooldown' ? 'Too many login failures, please wait a bit before trying again.' : 'Wrong login/password');
    this.name = 'LoginRefused';
  }
}

/**
 * The user `credentials` belong to, checked as Odoo's RPC login checks them (active user, exact
 * login, pbkdf2-sha512 password or API key, 2FA users by API key only) and under the cooldown the
 * gateway's RPC and web logins count in: while the address or the login is on cooldown the
 * credentials are not even checked. A wrong login costs what a wrong password costs (the
 * credential store hashes against a decoy), so neither the answer nor its timing tells which
 * logins exist.
 */
export async function checkLogin(credentials: CredentialStore, guard: LoginGuard, attempt: LoginCredentials, clientAddress: string): Promise<number> {
  const keys: LoginAttemptKeys = 'login' in attempt ? { clientAddress, login: attempt.login } : { clientAddress };
  const wait = guard.cooldownRemainingMs(keys);
  if (wait > 0) throw new LoginRefused('cooldown', wait);
  const uid = 'login' in attempt ? await credentials.authenticate(attempt.login, attempt.password) : await credentials.findApiKeyOwner(attempt.apiKey);
  if (uid === null) {
    guard.recordFailure(keys);
    throw new LoginRefused('invalid');
  }
  guard.recordSuccess(keys);
  return uid;
}
