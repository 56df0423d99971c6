import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Principal } from './auth/tokens.ts';
import type { Bus, EventHandler } from './bus/types.ts';
import type { Cache } from './cache/cache.ts';
import type { KitTables } from './db/kit-tables.ts';
import type { Migration } from './db/migrations.ts';
import type { EventType } from './events/event-types.ts';

export const SERVICE_NAMES = ['auth', 'user', 'dynamic', 'trade', 'content', 'biz', 'ec', 'finance', 'ops', 'ai'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
/** Legacy Odoo module M01–M20 (DESIGN §5 module registry). */
export type ModuleId = `M${'0' | '1' | '2'}${number}`;

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<DB, Body = unknown, Query = unknown, Params = unknown> {
  /** For POST/PUT/PATCH/DELETE: the request's transaction (effects, events and the idempotency record commit together). */
  db: Kysely<DB & KitTables>;
  body: Body;
  query: Query;
  params: Params;
  /** Set when the route requires a bearer token (and then never null). */
  principal: Principal | null;
  log: Logger;
  requestId: string;
  bus: Bus<DB>;
  cache: Cache;
  /** Runs after the transaction committed (e.g. drive a saga the request started). */
  afterCommit(work: () => Promise<void>): void;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One REST endpoint. Schemas are paths under `schemas/` (e.g. `rest/trade/health-service.json`). */
export interface RouteDefinition<DB, Body = any, Query = any, Params = any> {
  method: HttpMethod;
  /** Express path, e.g. `/trade/health-services/:id`; always under `/<service>/`. */
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
  /** Unsafe methods honour Idempotency-Key; `required` answers 400 without one. */
  idempotency?: 'optional' | 'required';
  handler: (ctx: RouteContext<DB, Body, Query, Params>) => Promise<RouteResult>;
}

export interface SubscriptionDefinition<DB> {
  type: EventType;
  /** Consumer group; defaults to the service name. */
  group?: string;
  handler: EventHandler<any, DB>;
}

export interface ServiceDefinition<DB = any> {
  name: ServiceName;
  modules: ModuleId[];
  /** Odoo models and tables this service owns once its modules are at phase `service`. */
  owns: { models: string[]; tables: string[] };
  publishes: readonly EventType[];
  routes: RouteDefinition<DB>[];
  subscriptions: SubscriptionDefinition<DB>[];
  migrations: readonly Migration[];
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
    if (!route.path.startsWith(`/${name}/`)) fail(`route ${key} must live under /${name}/`);
    if (!Object.keys(route.responses).length) fail(`route ${key} documents no response`);
  }
  for (const table of definition.owns.tables) if (!/^[a-z_][a-z0-9_]*$/.test(table)) fail(`table name ${table}`);
  return definition;
}
