/**
 * The login cooldown every door that checks a password shares (Odoo RPC `authenticate`, the web
 * session, REST `/auth/login`): failures counted under the client address and the login tried,
 * after Odoo's `base.login_cooldown_after` / `base.login_cooldown_duration`. The gateway's
 * LoginThrottle (odoo-bridge) is one; the runtime hands the same instance to the gateway and to
 * the auth service, so ten wrong passwords over XML-RPC put REST logins on cooldown too.
 */
export interface LoginAttemptKeys {
  clientAddress?: string;
  login?: string | number;
}

export interface LoginGuard {
  /** Milliseconds before an attempt under these keys may be checked; 0 when it may be now. */
  cooldownRemainingMs(keys: LoginAttemptKeys): number;
  recordFailure(keys: LoginAttemptKeys): void;
  recordSuccess(keys: LoginAttemptKeys): void;
}
