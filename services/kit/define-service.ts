import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry as PromRegistry } from 'prom-client';
import type { AccessPort } from './access/access-port.ts';
import type { LoginGuard } from './auth/login-guard.ts';
import type { SessionState } from './auth/session-check.ts';
import type { TokenSigner } from './auth/token-signer.ts';
import type { Principal } from './auth/tokens.ts';
import type { Bus, EventHandler } from './bus/types.ts';
import type { Cache } from './cache/cache.ts';
import type { KitTables } from './db/kit-tables.ts';
import type { Migration } from './db/migrations.ts';
import type { EventType } from './events/event-types.ts';
import type { ProblemRepresentation } from './http/problem.ts';
import type { ModuleId, OdooFace } from './odoo/odoo-face.ts';
import { declareFieldGuards, declareRecordRules } from '../../odoo-bridge/orm/index.ts';
import type { SagaDefinition } from './saga/saga.ts';
import type { SagaRunner } from './saga/saga-runner.ts';

export const SERVICE_NAMES = ['auth', 'user', 'dynamic', 'trade', 'content', 'biz', 'ec', 'finance', 'ops', 'ai'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
export type { ModuleId };

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<DB, Body = unknown, Query = unknown, Params = unknown> {
  /** For POST/PUT/PATCH/DELETE: the request's transaction (effects, events and the idempotency record commit together). */
  db: Kysely<DB & KitTables>;
  body: Body;
  query: Query;
  params: Params;
  /** Set when the route requires a bearer token (and then never null). */
  principal: Principal | null;
  /** The principal's rights as Odoo grants them (groups, ACLs, record rules); set with `principal`. */
  access: AccessPort | null;
  log: Logger;
  requestId: string;
  bus: Bus<DB>;
  cache: Cache;
  /**
   * The monolith's database, for legacy adapters performing side effects across the cut (as
   * ServiceEngineOptions.legacyPool gives the service's Odoo face); null when none is configured.
   */
  legacyPool: pg.Pool | null;
  /** Runs after the transaction committed (e.g. drive a saga the request started). */
  afterCommit(work: () => Promise<void>): void;
  /**
   * The service database outside the request's transaction (as HandlerContext.database), for
   * after-commit work that needs its own connection (e.g. a dispatcher of queued deliveries).
   */
  database?: Kysely<DB & KitTables>;
  /** The service's saga runner (ServiceDefinition.sagas); null for a service that declares none. */
  sagas: SagaRunner | null;
  /** The caller's address as the gateway saw it (express `req.ip`, trusting only loopback proxies). */
  clientAddress: string;
  /** What the runtime shares with the token authority (the auth service): see PlatformPorts. */
  platform: PlatformPorts;
  /** A request header (case-insensitive), e.g. Accept for content negotiation or a webhook's signature. */
  header(name: string): string | undefined;
  /** The JSON body's bytes as received (before parsing), for a signature over them (webhooks); undefined without a JSON body. */
  rawBody: Buffer | undefined;
}

/** Runtime parts only the token authority uses; every service gets them, most ignore them. */
export interface PlatformPorts {
  /** Signs access tokens; null where the runtime does not hold the private keys (`ficus serve` of another service). */
  signer: TokenSigner | null;
  /** The login cooldown shared with the gateway's Odoo RPC and web logins. */
  logins: LoginGuard;
  /**
   * A model's method run as an Odoo client's call of `uid` would run it, wherever its module
   * lives now (the gateway's phase-aware dispatch): for a REST handler whose use case reaches
   * another module's business method (a payment webhook paying a mall order). Null where the
   * runtime has no gateway beside it (`ficus serve`).
   */
  odoo: OdooCalls | null;
}

export type OdooCalls = (call: { uid: number; model: string; method: string; args: unknown[]; kwargs?: Record<string, unknown> }) => Promise<unknown>;

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Instead of `body`: a body that is not JSON (e.g. CSV), sent as is with the media type the route's `textResponses` gives its status. */
  text?: string;
}

/** One REST endpoint. Schemas are paths under `schemas/` (e.g. `rest/trade/health-service.json`). */
export interface RouteDefinition<DB, Body = any, Query = any, Params = any> {
  method: HttpMethod;
  /** Express path, e.g. `/trade/health-services/:id`; under `/<service>/`, or one of ServiceDefinition.sharedPaths. */
  path: string;
  summary: string;
  auth: 'public' | 'bearer';
  /** Scopes the token must carry, if any. */
  scopes?: string[];
  params?: string;
  query?: string;
  body?: string;
  /** Status → response body schema (null: no body). Undocumented statuses are a bug (500). */
  responses: Record<number, string | null>;
  /** Statuses that may also answer a non-JSON representation (RouteResult.text), and its media type, e.g. `{ 200: 'text/csv' }`. */
  textResponses?: Record<number, string>;
  /**
   * Unsafe methods honour Idempotency-Key; `required` answers 400 without one; `never` ignores it,
   * for answers that must not be stored for replay (they carry secrets, such as tokens).
   */
  idempotency?: 'optional' | 'required' | 'never';
  /**
   * Unsafe methods run in a transaction the kit opens before the handler ('kit', the default).
   * 'handler': the handler gets the pool-backed `db` and opens its own, for a route that must do
   * slow work holding no connection first (a login's password hash, half a core-second). Only
   * with idempotency 'never': a replay record needs the kit's transaction.
   */
  transaction?: 'kit' | 'handler';
  /**
   * For a route speaking a protocol with its own media type and error format (FHIR:
   * application/fhir+json and OperationOutcome): its JSON answers go out with `mediaType` (still
   * checked against the response schemas), and every error of the request (authentication,
   * validation, the handler's problems, 500, 503) is written by `problem` instead of RFC 9457,
   * described in OpenAPI by `problemSchema`. Default: application/json and problem+json.
   */
  representation?: ProblemRepresentation & { problemSchema: string };
  handler: (ctx: RouteContext<DB, Body, Query, Params>) => Promise<RouteResult>;
}

export interface SubscriptionDefinition<DB> {
  type: EventType;
  /** Consumer group; defaults to the service name. */
  group?: string;
  handler: EventHandler<any, DB>;
}

/**
 * Everything about a service, in one place (SERVICES.md): the runtime serves its routes and
 * subscriptions, the gateway answers its Odoo models through `odoo`, and the migration control
 * plane moves its modules with it. Nothing about a service is declared anywhere else.
 */
export interface ServiceDefinition<DB = any> {
  name: ServiceName;
  /** The legacy Odoo modules it takes over. */
  modules: ModuleId[];
  publishes: readonly EventType[];
  routes: RouteDefinition<DB>[];
  subscriptions: SubscriptionDefinition<DB>[];
  migrations: readonly Migration[];
  /** Its Odoo face; without one its modules stay in Odoo (they cannot leave phase `legacy`). */
  odoo?: OdooFace;
  /**
   * Its sagas, built once the runtime has their owners' connections: the runtime runs them
   * (persisted in its database, resumed at start) and hands the runner to routes as `ctx.sagas`.
   */
  sagas?: (owners: SagaOwners) => SagaDefinition<any>[];
  /**
   * Route paths outside `/<service>/` that this service answers (e.g. auth's
   * `/users/:id/permissions`, named so by the platform design). Each is claimed by exactly one
   * service: the catalogue refuses two services claiming the same path.
   */
  sharedPaths?: readonly string[];
  /**
   * How bearer routes are authorized. 'service-copy' (the default): the kit checks the token's
   * user and rights against the service database's copy of the legacy users, groups, ACLs and
   * rules, and answers 503 until that copy is complete. 'self': the service checks them itself
   * against the monolith (the auth service, whose logins must work before any copy exists).
   */
  restAuthorization?: 'service-copy' | 'self';
  /**
   * Only the token authority (auth) declares this: whether a token's login session is still alive.
   * The runtime gives every service's bearer routes this answer (cached briefly, see
   * session-check.ts); services that run apart ask `GET /auth/verify` instead.
   */
  sessionAuthority?: (owners: SagaOwners) => (principal: Principal) => Promise<SessionState>;
  /**
   * Work the service keeps doing while it runs, beside requests and events (e.g. a dispatcher of
   * queued deliveries that must also retry what a stop or crash left pending): started once the
   * service database is open, stopped before it closes.
   */
  background?: (ports: BackgroundPorts<DB>) => BackgroundWork;
}

/** What a service's background work is given: its database (query builder and pool), the monolith's pool if any, a logger, the process's metrics. */
export interface BackgroundPorts<DB> {
  db: Kysely<DB & KitTables>;
  pool: pg.Pool;
  legacyPool: pg.Pool | null;
  logger: Logger;
  /** The runtime's metrics registry (e.g. a change feed's lag). */
  metrics?: PromRegistry;
}

export interface BackgroundWork {
  stop(): Promise<void>;
}

/** Where a service's sagas reach their steps' owners. */
export interface SagaOwners {
  /** The service's own database. */
  pool: pg.Pool;
  /** The monolith's database, for steps whose owner is still a legacy module; null when none is configured. */
  legacyPool: pg.Pool | null;
  /**
   * The gateway's dispatch of model calls (PlatformPorts.odoo), for steps whose owner another
   * service or the monolith answers over Odoo's models (content's purchase pays through finance's
   * hp.payment); absent or null when the process has no gateway beside it.
   */
  odoo?: OdooCalls | null;
}

/** Typed helper so each route file infers its handler's context. */
export function defineRoute<DB, Body = unknown, Query = unknown, Params = unknown>(route: RouteDefinition<DB, Body, Query, Params>): RouteDefinition<DB> {
  return route as RouteDefinition<DB>;
}

/** Checks the definition up front, so a mistake stops the start with a clear message. */
export function defineService<DB>(definition: ServiceDefinition<DB>): ServiceDefinition<DB> {
  const { name, modules, routes } = definition;
  const fail = (why: string): never => {
    throw new Error(`service ${name}: ${why}`);
  };
  if (!SERVICE_NAMES.includes(name)) fail(`unknown service name (one of ${SERVICE_NAMES.join(', ')})`);
  for (const m of modules) if (!/^M(0[1-9]|1[0-9]|20)$/.test(m)) fail(`${m} is not a module M01–M20`);
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) fail(`route ${key} is defined twice`);
    seen.add(key);
    if (!route.path.startsWith(`/${name}/`) && !definition.sharedPaths?.includes(route.path)) fail(`route ${key} must live under /${name}/ or be one of its sharedPaths`);
    if (!Object.keys(route.responses).length) fail(`route ${key} documents no response`);
    if (route.transaction === 'handler' && route.idempotency !== 'never') fail(`route ${key} opens its own transaction, so it cannot honour Idempotency-Key (set idempotency: 'never')`);
  }
  if (definition.odoo) {
    const models = new Set<string>();
    for (const served of definition.odoo.models) {
      if (models.has(served.model)) fail(`Odoo model ${served.model} is served twice`);
      models.add(served.model);
      if (!modules.includes(served.module)) fail(`Odoo model ${served.model} belongs to ${served.module}, which is not one of its modules (${modules.join(', ')})`);
      if (!/^[a-z_][a-z0-9_]*$/.test(served.table)) fail(`table name ${served.table}`);
    }
    for (const module of modules) if (!definition.odoo.models.some((m) => m.module === module)) fail(`its Odoo face serves no model of ${module}`);
    for (const model of Object.keys(definition.odoo.businessMethods)) if (!models.has(model)) fail(`business methods of ${model}, a model it does not serve`);
    for (const tie of definition.odoo.movesTogether ?? []) {
      const named = tie.modules.join(' + ');
      if (new Set(tie.modules).size < 2) fail(`movesTogether ${named} names fewer than two modules`);
      for (const module of tie.modules) if (!modules.includes(module)) fail(`movesTogether ${named}: ${module} is not one of its modules (${modules.join(', ')})`);
      if (!tie.because.trim()) fail(`movesTogether ${named} gives no reason`);
    }
    for (const loose of definition.odoo.looseLinks ?? []) {
      const model = [...models].filter((m) => loose.link.startsWith(`${m}.`)).sort((a, b) => b.length - a.length)[0];
      if (!model) fail(`looseLinks ${loose.link}: the link starts from no model it serves`);
      if (!loose.because.trim()) fail(`looseLinks ${loose.link} gives no reason`);
    }
    for (const rule of definition.odoo.recordRules ?? []) {
      if (!models.has(rule.model)) fail(`record rule '${rule.name}' is on ${rule.model}, a model it does not serve`);
      if (!rule.domain.trim()) fail(`record rule '${rule.name}' has no domain`);
      for (const group of rule.groups) if (!/^[a-z0-9_]+\.[a-z0-9_]+$/.test(group)) fail(`record rule '${rule.name}': ${group} is not a group's xml id`);
    }
    // Every access decision of a process that loads this definition evaluates them.
    if (definition.odoo.recordRules?.length) declareRecordRules(definition.odoo.recordRules);
    for (const guard of definition.odoo.fieldGuards ?? []) if (!models.has(guard.model)) fail(`field guard '${guard.name}' is on ${guard.model}, a model it does not serve`);
    if (definition.odoo.fieldGuards?.length) declareFieldGuards(definition.odoo.fieldGuards);
  }
  return definition;
}
