import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CallHandler, ServedDatabase } from '../../odoo-bridge/call.ts';
import { coreBehaviours, createFullOrmEngine, forgetRegistry, type ModelCaller } from '../../odoo-bridge/orm/index.ts';
import type { UpstreamOdoo } from '../../odoo-bridge/proxy/upstream-odoo.ts';
import type { CallRouter } from '../../odoo-bridge/routing/call-router.ts';
import { currentWriteAttempt } from '../../odoo-bridge/orm/write/write-attempt.ts';
import { phaseAwareHandler, phaseAwareRouter, type PhaseDirectory } from '../../odoo-bridge/routing/phase-routing.ts';
import { registerLegacyAddons, type LegacyAddonPorts } from '../legacy-addons/index.ts';
import { isReadMethod } from './call-kinds.ts';
import type { ControlEndpoints } from './endpoints.ts';
import { FreezeGate } from './freeze-gate.ts';
import { createServiceEngine, openAccessChangeFeed, type AccessChangeFeed, type ServiceWithOdooFace } from '../../services/kit/index.ts';
import { forwardSlot, modulePlans, movableService } from './module-plan.ts';
import { PhaseBook } from './phase-book.ts';
import { phaseSignalFor } from './phase-signal.ts';
import { ReadYourWrites } from './read-your-writes/read-your-writes.ts';
import { recoverInterruptedCutovers } from './recovery.ts';
import { alignWriteOwner } from './service-write-gate.ts';
import { ShadowComparer } from './shadow/shadow-comparer.ts';
import { ShadowStats } from './shadow/shadow-stats.ts';
import { ensureControlSchema } from './store/control-schema.ts';
import { forgetGateway, heartbeatGateway } from './store/freeze-store.ts';
import { readPhases } from './store/phase-store.ts';
import { SyncSupervisor } from './sync/sync-supervisor.ts';

export interface MigrationRuntimeOptions {
  endpoints: ControlEndpoints;
  /** The database name clients use for the legacy database (hp_legacy). */
  odooDatabaseName: string;
  legacyPool: pg.Pool;
  filestore?: string | null;
  upstream?: UpstreamOdoo;
  logger: Logger;
  metrics: Registry;
  /** Run the module syncs in this process (the embedded `ficus start`); gateways-only processes say false. */
  runSync?: boolean;
  /** Safety-net re-read period of phases (ms). */
  refreshMs?: number;
  heartbeatIntervalMs?: number;
  /** Longest hold of a legacy-side read of service-owned tables for the reverse sync (ms, default 2000; 0 turns the hold off). */
  readYourWritesWaitMs?: number;
  /** Distributed mode: the call handler of a service that runs apart (runtime/distributed-services.ts), used instead of an engine here. */
  remoteService?: (service: string) => CallHandler | undefined;
  /** How long a freeze waits for writes in flight before cancelling the ones not yet committing (ms; FICUS_FREEZE_GRACE_MS). */
  freezeGraceMs?: number;
}

export interface MigrationRuntime {
  router: CallRouter;
  handlerFor(database: ServedDatabase): CallHandler;
  /** The migrated database's dispatch for a behaviour's calls (reads of the system of record), for service engines in other processes. */
  behaviourCall: CallHandler;
  book: PhaseBook;
  supervisor: SyncSupervisor | undefined;
  readYourWrites: ReadYourWrites;
  shadowIdle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Everything a gateway process needs for migration: the phase book (LISTEN/NOTIFY or Redis,
 * plus periodic re-read), the freeze gate with its heartbeat and acknowledgements, the
 * phase-aware router and call handler, shadow comparison, and — in the embedded process — the
 * module syncs. `ficus start` passes `router` and `handlerFor` to createOdooGateway.
 */
export async function startMigrationRuntime(o: MigrationRuntimeOptions): Promise<MigrationRuntime> {
  const control = new pg.Pool({ connectionString: o.endpoints.controlUrl, max: 6, application_name: 'ficus_gateway_control' });
  control.on('error', () => undefined);
  await ensureControlSchema(control);
  const gatewayId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const book = new PhaseBook({ control, signal: phaseSignalFor(o.endpoints.controlUrl, o.endpoints.redisUrl), logger: o.logger, ...(o.refreshMs ? { refreshMs: o.refreshMs } : {}) });
  await book.start();
  const freeze = new FreezeGate({ book, control, gatewayId, logger: o.logger, metrics: o.metrics, ...(o.freezeGraceMs !== undefined ? { graceMs: o.freezeGraceMs } : {}) });
  freeze.sync(await readPhases(control));
  await heartbeatGateway(control, gatewayId);
  const plans = await modulePlans(o.legacyPool);

  // What the services' definitions say: the models of a module whose service has an Odoo face route by phase.
  const moduleByModel = new Map<string, string>();
  const movable = new Map<string, ServiceWithOdooFace>();
  for (const plan of plans.values()) {
    const service = movableService(plan);
    if (!service) continue;
    movable.set(service.name, service);
    for (const m of plan.models) moduleByModel.set(m.model, plan.code);
  }

  // Per served database: the legacy addons' calls into other models go through that database's own dispatch.
  const legacyBehaviours = (ports: LegacyAddonPorts) => {
    const behaviours = registerLegacyAddons(coreBehaviours(), ports);
    for (const service of movable.values()) service.odoo.legacyBehaviours(behaviours, ports);
    return behaviours;
  };
  const servicePools = new Map<string, pg.Pool>();
  const servicePool = (service: string) => {
    let pool = servicePools.get(service);
    if (!pool) {
      pool = new pg.Pool({ connectionString: o.endpoints.serviceUrlFor(service), max: 10, application_name: `ficus_gateway_${service}` });
      pool.on('error', () => undefined);
      servicePools.set(service, pool);
    }
    return pool;
  };
  /**
   * Per service database, its access-change announcements (the triggers the service's own REST
   * checks listen to): the engine's access policy and group catalog over it are kept until a
   * change is announced, and read again every few seconds only while this LISTEN is not live.
   */
  const accessFeeds = new Map<string, AccessChangeFeed>();
  const accessFeed = (service: string): AccessChangeFeed => {
    let feed = accessFeeds.get(service);
    if (!feed) {
      feed = openAccessChangeFeed(servicePool(service), { logger: o.logger.child({ service }) });
      accessFeeds.set(service, feed);
    }
    return feed;
  };
  /** A step that died between its flip and the service's owner row left REST writes refused: put them right. */
  const alignWriteOwners = async () => {
    for (const plan of plans.values()) {
      if (!movableService(plan) || book.get(plan.code).phase === 'legacy') continue;
      const repaired = await alignWriteOwner(control, servicePool(plan.service), plan.code);
      if (repaired) o.logger.warn({ module: plan.code }, repaired);
    }
  };
  const heartbeat = setInterval(() => {
    void heartbeatGateway(control, gatewayId).catch(() => undefined);
    void recoverInterruptedCutovers(control).catch(() => undefined);
    void alignWriteOwners().catch(() => undefined);
  }, 1000);
  /** The migrated database's internal dispatch (set by handlerFor): how a service engine's behaviour reaches other models, as the legacy side's do. */
  let systemOfRecordCall: CallHandler | undefined;
  const serviceCallModel: ModelCaller = (ctx, model, method, args, kwargs = {}) =>
    systemOfRecordCall
      ? systemOfRecordCall({ database: o.odooDatabaseName, uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context } })
      : Promise.reject(new Error(`no dispatch for ${o.odooDatabaseName} yet: ${model}.${method} cannot be reached`));
  const serviceHandlers = new Map<string, CallHandler>();
  const serviceFor = (module: string): CallHandler | undefined => {
    const plan = plans.get(module);
    const service = plan && movableService(plan);
    if (!plan || !service) return undefined;
    let handler = serviceHandlers.get(plan.service);
    if (!handler) {
      const remote = o.remoteService?.(plan.service);
      // A service in another process commits where this gateway cannot stop it: a write sent there is waited for, never cancelled.
      handler = remote
        ? async (call) => {
            if (!isReadMethod(call.method)) currentWriteAttempt()?.opaqueFromHere();
            return remote(call);
          }
        : createServiceEngine(service, { name: o.odooDatabaseName, pool: servicePool(plan.service), legacyPool: o.legacyPool, metrics: o.metrics, logger: o.logger, callModel: serviceCallModel, accessChanges: accessFeed(plan.service) }).call;
      serviceHandlers.set(plan.service, handler);
    }
    return handler;
  };

  const stats = new ShadowStats({ control, metrics: o.metrics, logger: o.logger });
  // Shadow's WAL markers and applied-position polls have connections of their own: queued behind
  // client calls in the gateway's pools, they would stretch every comparison's window.
  const positionPools = new Map<string, pg.Pool>();
  const positionPool = (key: string, url: string, max: number) => {
    let pool = positionPools.get(key);
    if (!pool) {
      pool = new pg.Pool({ connectionString: url, max, application_name: 'ficus_shadow_position' });
      pool.on('error', () => undefined);
      positionPools.set(key, pool);
    }
    return pool;
  };
  const comparer = new ShadowComparer({
    stats,
    legacyPool: positionPool('legacy', o.endpoints.legacyUrl, 2),
    servicePoolFor: (module) => {
      const service = plans.get(module)!.service;
      return positionPool(`service ${service}`, o.endpoints.serviceUrlFor(service), 1);
    },
    forwardSlotFor: forwardSlot,
  });
  // Legacy-side reads of tables a service owns wait for the reverse sync (read-your-writes/).
  const readYourWrites = new ReadYourWrites({
    plans,
    phaseOf: (module) => book.get(module),
    isReadMethod,
    legacyPositionPool: positionPool('legacy reverse checkpoints', o.endpoints.legacyUrl, 2),
    servicePositionPool: (service) => positionPool(`service ${service} markers`, o.endpoints.serviceUrlFor(service), 1),
    metrics: o.metrics,
    ...(o.readYourWritesWaitMs !== undefined ? { waitMs: o.readYourWritesWaitMs } : {}),
  });
  const directory: PhaseDirectory = {
    moduleOfModel: (model) => moduleByModel.get(model),
    phaseOf: (module) => book.get(module),
    isFrozen: (module) => freeze.isFrozen(module),
    enterWrite: (module, attempt) => freeze.enterWrite(module, attempt),
    isReadMethod,
  };
  /**
   * Where a behaviour's `callModel` goes: the same phase-aware dispatch as clients' calls, except
   * that reads count as writes. The behaviour acts on what it reads, so it must read the system of
   * record — in canary a read may be answered by the service, which lags legacy until cutover —
   * and a read during a freeze waits for the flip, like the write it leads to.
   */
  const systemOfRecordDirectory: PhaseDirectory = { ...directory, isReadMethod: () => false };
  const handlers = new Map<string, CallHandler>();
  const handlerFor = (database: ServedDatabase): CallHandler => {
    let handler = handlers.get(database.name);
    if (!handler) {
      const migrated = database.name === o.odooDatabaseName;
      let internal: CallHandler | undefined;
      const callModel: ModelCaller = (ctx, model, method, args, kwargs = {}) =>
        internal!({ database: database.name, uid: ctx.uid, model, method, args, kwargs: { ...kwargs, context: ctx.context } });
      const legacy = createFullOrmEngine({ database, behaviours: legacyBehaviours({ callModel, logger: o.logger, metrics: o.metrics, ...(migrated ? { legacyPool: database.pool, servicePool } : {}) }), filestore: o.filestore ?? null }).call;
      internal = migrated ? phaseAwareHandler({ directory: systemOfRecordDirectory, legacy, serviceFor }) : legacy;
      if (migrated) systemOfRecordCall = internal;
      // Clients' reads only: a behaviour's read runs inside its call, which was held (or not) as a whole.
      const legacyForClients = o.readYourWritesWaitMs === 0 ? legacy : readYourWrites.wrap(legacy, database);
      handler = migrated ? phaseAwareHandler({ directory, legacy: legacyForClients, serviceFor, shadow: comparer, ...(o.upstream ? { upstream: o.upstream } : {}) }) : legacy;
      handlers.set(database.name, handler);
    }
    return handler;
  };
  const phaseRouter = phaseAwareRouter({ directory, legacy: () => Promise.reject(new Error('unused')), serviceFor, ...(o.upstream ? { upstream: o.upstream } : {}) });
  // With an upstream Odoo, reads of models of no module (res.users.points_balance) go to it: held alike.
  const router = o.upstream && o.readYourWritesWaitMs !== 0 ? readYourWrites.holdRoute(phaseRouter, { name: o.odooDatabaseName, pool: o.legacyPool }) : phaseRouter;

  let supervisor: SyncSupervisor | undefined;
  if (o.runSync !== false) {
    supervisor = new SyncSupervisor({
      endpoints: o.endpoints, control, legacy: o.legacyPool, logger: o.logger, metrics: o.metrics, ...(o.heartbeatIntervalMs ? { heartbeatIntervalMs: o.heartbeatIntervalMs } : {}),
      // The service engine's registry knows a model's table only if it existed when it loaded.
      onReferenceTablesAdded: (service) => forgetRegistry({ name: o.odooDatabaseName, pool: servicePool(service) }),
    });
    await supervisor.start();
  }

  return {
    router,
    handlerFor,
    behaviourCall: (call) => {
      if (!systemOfRecordCall) handlerFor({ name: o.odooDatabaseName, pool: o.legacyPool });
      return systemOfRecordCall!(call);
    },
    book,
    supervisor,
    readYourWrites,
    shadowIdle: async () => {
      await comparer.idle();
      await stats.flush();
    },
    async stop() {
      clearInterval(heartbeat);
      await supervisor?.stop();
      freeze.close();
      await comparer.idle();
      await stats.close();
      await book.close();
      await forgetGateway(control, gatewayId).catch(() => undefined);
      for (const feed of accessFeeds.values()) await feed.close();
      for (const pool of [...servicePools.values(), ...positionPools.values()]) await pool.end();
      await control.end();
    },
  };
}
