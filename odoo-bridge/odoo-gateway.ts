import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AdmissionMetrics } from './admission/admission-metrics.ts';
import { CallAdmission, DEFAULT_ADMISSION, type AdmissionLimits } from './admission/call-admission.ts';
import { createCredentialStore } from './auth/credential-store.ts';
import type { CredentialChanges } from './auth/credential-changes.ts';
import { readLoginCooldownSettings } from './auth/login-cooldown-settings.ts';
import { LoginThrottle, type LoginCooldownSettings } from './auth/login-throttle.ts';
import type { CallHandler, ServedDatabase } from './call.ts';
import { createCallObserver } from './observability/call-observer.ts';
import { odooProtocolRouters } from './odoo-protocols.ts';
import { createUpstreamOdoo } from './proxy/upstream-odoo.ts';
import { staticRouter, type CallRouter } from './routing/call-router.ts';
import { DatabaseDirectory } from './served-databases.ts';
import type { SessionStore } from './sessions/session-store.ts';

export interface OdooGatewayOptions {
  /** Databases served, under the names clients use. */
  databases: ServedDatabase[];
  /** What answers model calls Ficus serves itself, per database (the ORM engine). */
  handlerFor: (database: ServedDatabase) => CallHandler;
  sessions: SessionStore;
  upstream?: { url: string; timeoutMs: number };
  /** Replaces the static router (the migration control plane's phase-aware one). */
  router?: CallRouter;
  maxInactivitySeconds: number;
  /** Overrides the cooldown settings read from the database (`ir_config_parameter`). */
  loginCooldown?: LoginCooldownSettings;
  /**
   * The login cooldown to count failures in, when other doors share it (the auth service's REST
   * login, in `ficus start`); one of its own otherwise.
   */
  throttle?: LoginThrottle;
  /**
   * Each database's credential-change feed (auth/credential-changes.ts, started and closed by the
   * caller): with one, an RPC call whose secret was accepted before is let in without reading
   * res_users, until a change of that user is announced. Without, credentials are read per call.
   */
  credentialChanges?: (database: ServedDatabase) => CredentialChanges | undefined;
  /** Model calls answered at once per database, and how many may wait (DEFAULT_ADMISSION: sized for a 20-connection pool). */
  admission?: Partial<AdmissionLimits>;
  logger: Logger;
  metrics: Registry;
}

/**
 * The Odoo side of the gateway: every served database with its credential store and call
 * handler (behind its admission limit), the login throttle (Odoo's cooldown settings read from
 * the first database), the routing function, and the protocol routers built on them.
 */
export async function createOdooGateway(options: OdooGatewayOptions): Promise<Router[]> {
  const observe = createCallObserver(options.logger, options.metrics);
  const limits: AdmissionLimits = { ...DEFAULT_ADMISSION, ...options.admission };
  const admissionMetrics = new AdmissionMetrics(options.metrics);
  const directory = new DatabaseDirectory(
    options.databases.map((database) => {
      const handler = options.handlerFor(database);
      const admission = new CallAdmission(database.name, limits, admissionMetrics);
      return {
        name: database.name,
        pool: database.pool,
        credentials: createCredentialStore(database.pool, { ...credentialChangesOf(database) }),
        // Observed outside the admission: a call's logged time includes its wait, and a refused call is counted.
        call: observe((call) => admission.run(() => handler(call))),
      };
    }),
  );
  function credentialChangesOf(database: ServedDatabase): { changes?: CredentialChanges } {
    const changes = options.credentialChanges?.(database);
    return changes ? { changes } : {};
  }
  const first = options.databases[0];
  const throttle = options.throttle ?? (await createLoginThrottle(first?.pool, options));
  const upstream = options.upstream ? createUpstreamOdoo(options.upstream.url, options.upstream.timeoutMs) : undefined;
  return odooProtocolRouters({
    databases: directory,
    router: options.router ?? staticRouter(upstream),
    sessions: options.sessions,
    throttle,
    logger: options.logger,
    maxInactivitySeconds: options.maxInactivitySeconds,
  });
}


/** A login throttle with the cooldown settings of `pool`'s `ir_config_parameter` (or `loginCooldown`). */
export async function createLoginThrottle(pool: ServedDatabase['pool'] | undefined, options: { loginCooldown?: LoginCooldownSettings; logger: Logger }): Promise<LoginThrottle> {
  const cooldown = options.loginCooldown ?? (pool ? await readLoginCooldownSettings(pool) : undefined);
  return new LoginThrottle({ ...cooldown, logger: options.logger });
}
