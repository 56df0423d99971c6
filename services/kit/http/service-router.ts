import express, { type Request, type Response, type Router } from 'express';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { AccessChangeFeed } from '../access/access-change-feed.ts';
import { accessPorts, type AccessPorts } from '../access/access-port.ts';
import { copyReadiness, notReadyProblem, type CopyReadiness } from '../access/reference-copy.ts';
import type { SessionCheck } from '../auth/session-check.ts';
import { databaseSubjectCheck, type SubjectCheck } from '../auth/subject-check.ts';
import type { KeyLookup } from '../auth/tokens.ts';
import type { Bus } from '../bus/types.ts';
import type { Cache } from '../cache/cache.ts';
import type { KitTables } from '../db/kit-tables.ts';
import type { PlatformPorts, RouteDefinition, RouteResult, ServiceDefinition } from '../define-service.ts';
import type { KitMetrics } from '../observability/kit-metrics.ts';
import { openSpan } from '../../../platform/tracing.ts';
import { currentWork, runInWorkContext } from '../../../platform/work-context.ts';
import { cancelledByOwnershipChange } from '../cdc/write-owner.ts';
import type { SagaRunner } from '../saga/saga-runner.ts';
import type { SchemaRegistry } from '../schema-registry.ts';
import { authenticate } from './authenticate.ts';
import { withIdempotency } from './idempotency.ts';
import { buildOpenApi } from './openapi.ts';
import { HttpProblem, problemHandler, problemOf, problems, sendProblem } from './problem.ts';
import { rejectNulCharacters } from './reject-nul.ts';
import { requestIdOf } from './request-context.ts';

export interface ServiceRouterDeps<DB> {
  service: ServiceDefinition<DB>;
  db: Kysely<DB & KitTables>;
  bus: Bus<DB>;
  cache: Cache;
  logger: Logger;
  metrics: KitMetrics;
  keys: KeyLookup;
  schemas: SchemaRegistry;
  /**
   * The service database's pool and name: tokens' subjects, groups, ACLs and record rules are
   * read from its copies of the legacy tables (access/). Without it (a service with no legacy
   * modules) bearer routes check only the token.
   */
  database?: { name: string; pool: pg.Pool };
  /** Announces changes of that database's access tables (the runtime owns and closes it); without it they are reloaded every second. */
  accessChanges?: AccessChangeFeed;
  /** The monolith's database, for the service's legacy adapters (RouteContext.legacyPool). */
  legacyPool?: pg.Pool;
  /** The service's saga runner (RouteContext.sagas). */
  sagas?: SagaRunner;
  /**
   * Whether a token's login session is alive (the token authority's answer, cached briefly);
   * read per request because the authority may start after this service. Undefined: only the
   * signature and the subject are checked.
   */
  sessions?: () => SessionCheck | undefined;
  platform: PlatformPorts;
}

/** What the router derives once from the service database, for every request. */
interface Authorization {
  subject?: SubjectCheck;
  access?: AccessPorts;
  readiness?: CopyReadiness;
}

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);

/** The service's REST API as one express Router, mounted by the gateway (embedded) or alone (serve). */
export function serviceRouter<DB>(deps: ServiceRouterDeps<DB>): Router {
  const { service, logger, schemas } = deps;
  const prefix = `/${service.name}`;
  for (const route of service.routes) checkSchemasExist(route, schemas, service.name);
  const router = express.Router();
  // The service's own prefix, and each path it claims outside it, get the body parser and (below) the problem handler.
  const mounts = [prefix, ...(service.sharedPaths ?? [])];
  // `verify` keeps the bytes as received (RouteContext.rawBody): a webhook's signature is over them, not over re-serialised JSON.
  const keepRawBody = (req: Request, _res: Response, bytes: Buffer) => void ((req as Request & { rawBody?: Buffer }).rawBody = bytes);
  for (const mount of mounts) router.use(mount, express.json({ limit: '1mb', verify: keepRawBody as never }), rejectNulCharacters);
  const openapi = buildOpenApi(service, schemas);
  router.get(`${prefix}/openapi.json`, (_req, res) => {
    res.json(openapi);
  });
  const authorization: Authorization = deps.database && service.modules.length && service.restAuthorization !== 'self'
    ? {
        subject: databaseSubjectCheck(deps.database.pool),
        access: accessPorts(deps.database, deps.accessChanges ? { changes: deps.accessChanges } : {}),
        readiness: copyReadiness(deps.db, service.name, (service.odoo?.models ?? []).map((m) => m.table)),
      }
    : {};
  for (const route of service.routes) {
    router[route.method](route.path, (req, res, next) =>
      handle(deps, authorization, route, req, res).catch((error: unknown) => {
        // A route with its own representation writes every error in its protocol's format.
        if (!route.representation || res.headersSent) return next(error);
        sendProblem(res, problemOf(error, req, (res.locals.log as Logger | undefined) ?? logger), res.getHeader('x-request-id') as string | undefined, route.representation);
      }),
    );
  }
  router.use(prefix, (req, _res, next) => next(problems.notFound(`no ${req.method} ${req.baseUrl}${req.path} in service ${service.name}`)));
  for (const mount of mounts) router.use(mount, problemHandler(logger));
  return router;
}

/** A write cancelled by one ownership change after another (cutover, rollback, cutover...) is given up only after this many runs. */
const MAX_RUNS_AFTER_CANCEL = 5;

async function handle<DB>(deps: ServiceRouterDeps<DB>, authorization: Authorization, route: RouteDefinition<DB>, req: Request, res: Response): Promise<void> {
  const { service, metrics, schemas } = deps;
  const requestId = requestIdOf(req);
  // Under the gateway's request span when the route runs in its process, else the client's trace.
  const span = openSpan(`${route.method} ${route.path}`, {
    role: 'server', scope: `ficus.${service.name}`, parent: currentWork()?.trace ?? req.get('traceparent') ?? null,
    attributes: { 'http.request.method': route.method, 'http.route': route.path },
  });
  const { trace } = span;
  const log = deps.logger.child({ service: service.name, requestId, traceId: trace.traceId });
  res.locals.log = log;
  res.setHeader('x-request-id', requestId);
  const stopTimer = metrics.httpDuration.startTimer({ service: service.name, method: route.method, route: route.path });
  res.once('finish', () => {
    const seconds = stopTimer();
    metrics.httpRequests.inc({ service: service.name, method: route.method, route: route.path, status: String(res.statusCode) });
    span.setAttributes({ 'http.response.status_code': res.statusCode });
    span.end(res.statusCode >= 500 ? new Error(`HTTP ${res.statusCode}`) : undefined);
    // One line per request (request id and trace from the child logger); never bodies, which carry personal data.
    log.info({ method: req.method, route: route.path, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(seconds * 10_000) / 10 }, 'request');
  });

  await runInWorkContext({ trace, log, requestId }, () => copyNotReadyAs503(async () => {
    // Before the copy is complete nothing can be answered truthfully, not even "who are you".
    await authorization.readiness?.assertReady();
    const principal = route.auth === 'bearer' ? await authenticate(req.get('authorization'), deps.keys, route.scopes, authorization.subject, deps.sessions?.()) : null;
    // Before the transaction takes its connection (see AccessPorts.prepare).
    const prepared = principal && authorization.access ? await authorization.access.prepare(principal.userId) : null;
    const params = validated(schemas, route.params, { ...req.params }, '/params', true);
    const query = validated(schemas, route.query, { ...(req.query as object) }, '/query', true);
    const body = route.body ? validated(schemas, route.body, req.body, '', false) : undefined;
    const afterCommit: (() => Promise<void>)[] = [];
    const context = (db: Kysely<DB & KitTables>) => ({
      db, body, query, params, principal, log, requestId, bus: deps.bus, cache: deps.cache,
      access: prepared && authorization.access ? authorization.access.forUser(prepared, db) : null,
      legacyPool: deps.legacyPool ?? null,
      sagas: deps.sagas ?? null,
      clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      platform: deps.platform,
      afterCommit: (work: () => Promise<void>) => void afterCommit.push(work),
      database: deps.db,
      header: (name: string) => req.get(name),
      rawBody: (req as Request & { rawBody?: Buffer }).rawBody,
    });

    let result!: RouteResult & { replayed?: boolean };
    if (!UNSAFE.has(route.method) || route.transaction === 'handler') {
      result = await route.handler(context(deps.db));
    } else {
      // A route whose answers hold secrets (tokens) never stores them for replay.
      const key = route.idempotency === 'never' ? undefined : req.get('idempotency-key');
      if (!key && route.idempotency === 'required') throw problems.badRequest('this endpoint requires an Idempotency-Key header');
      // A write a cutover or rollback cancelled after its grace was rolled back as a whole: it
      // runs again, waiting for the step's end like a write that arrived a moment later.
      for (let run = 1; ; run++) {
        let transaction: Kysely<DB & KitTables> | undefined;
        afterCommit.length = 0;
        try {
          result = await deps.db.transaction().execute((tx) => {
            transaction = tx;
            return key
              ? withIdempotency(tx, { principal: principal ? String(principal.userId) : 'anonymous', key, method: route.method, path: req.originalUrl, body: req.body }, () =>
                  route.handler(context(tx)),
                )
              : route.handler(context(tx));
          });
          break;
        } catch (error) {
          if (run >= MAX_RUNS_AFTER_CANCEL || !transaction || !cancelledByOwnershipChange(transaction, error)) throw error;
          log.info({ route: route.path, run }, 'write cancelled by a cutover or rollback freeze: rolled back, running it again');
        }
      }
    }
    for (const work of afterCommit) {
      await work().catch((error: unknown) => log.error({ err: error }, 'after-commit work failed'));
    }
    send(res, route, result, schemas, log);
  }));
}

/**
 * A table of the copy that vanished under a running request (a rollback dropping it, a restore)
 * is the same "not ready", never a 500 quoting the relation's name.
 */
async function copyNotReadyAs503(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '42P01' || code === '3F000') throw notReadyProblem('the service database\'s copy of the legacy data is incomplete; retry later');
    throw error;
  }
}

function validated(schemas: SchemaRegistry, ref: string | undefined, value: unknown, where: string, coerce: boolean): any {
  if (!ref) return value;
  const violations = schemas.check(ref, value, { coerce });
  if (violations.length) {
    throw problems.badRequest(
      'the request does not match the schema',
      violations.map((v) => ({ pointer: where === '' ? `#${v.pointer === '/' ? '' : v.pointer}` : `${where}${v.pointer === '/' ? '' : v.pointer}`, detail: v.message })),
    );
  }
  return value;
}

function send(res: Response, route: RouteDefinition<any>, result: RouteResult & { replayed?: boolean }, schemas: SchemaRegistry, log: Logger): void {
  if (!(result.status in route.responses)) {
    log.error({ route: route.path, status: result.status }, 'handler returned an undocumented status');
    throw new HttpProblem(500, 'Internal Server Error', 'the request could not be completed; quote the request id when reporting it');
  }
  if (result.text !== undefined) {
    const mediaType = route.textResponses?.[result.status];
    if (!mediaType) {
      log.error({ route: route.path, status: result.status }, 'handler answered text for a status without a text representation');
      throw new HttpProblem(500, 'Internal Server Error', 'the request could not be completed; quote the request id when reporting it');
    }
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    res.status(result.status).type(mediaType).send(result.text);
    return;
  }
  const schema = route.responses[result.status];
  if (schema) {
    const violations = schemas.check(schema, result.body);
    if (violations.length) {
      log.error({ route: route.path, violations }, 'response does not match its schema');
      throw new HttpProblem(500, 'Internal Server Error', 'the request could not be completed; quote the request id when reporting it');
    }
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.replayed) res.setHeader('idempotent-replayed', 'true');
  if (schema === null || result.body === undefined) {
    res.status(result.status).end();
  } else if (route.representation) {
    res.status(result.status).type(route.representation.mediaType).send(JSON.stringify(result.body));
  } else {
    res.status(result.status).json(result.body);
  }
}

function checkSchemasExist(route: RouteDefinition<any>, schemas: SchemaRegistry, service: string): void {
  const refs = [route.params, route.query, route.body, route.representation?.problemSchema, ...Object.values(route.responses)].filter((r): r is string => typeof r === 'string');
  for (const ref of refs) {
    if (!schemas.has(ref)) throw new Error(`service ${service}: ${route.method.toUpperCase()} ${route.path} names schema ${ref}, which is not under schemas/`);
  }
}
