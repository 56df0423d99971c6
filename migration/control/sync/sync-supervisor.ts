import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ControlEndpoints } from '../endpoints.ts';
import { provisionService, serviceCommandProcessor, type ServiceWithOdooFace } from '../../../services/kit/index.ts';
import { modulePlan, modulePlans, serviceTakingOver } from '../module-plan.ts';
import { syncRequests } from '../store/sync-store.ts';
import { ModuleSync } from './module-sync.ts';

/**
 * Runs, in the long-lived Ficus process, the sync of every module a `ficus migrate backfill`
 * asked for (ficus_migration.sync_request), and the command processor of its service. It
 * learns of new requests by NOTIFY and by a periodic look; a restart resumes every reader from
 * its checkpoint (a snapshot interrupted by a crash starts over, consistent with a new slot).
 */
export class SyncSupervisor {
  readonly #running = new Map<string, ModuleSync>();
  readonly #processors = new Map<string, { stop(): Promise<void> }>();
  readonly #serviceOf = new Map<string, string>();
  readonly #refused = new Set<string>();
  #listener: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly o: {
      endpoints: ControlEndpoints; control: pg.Pool; legacy: pg.Pool; logger: Logger; metrics: Registry; heartbeatIntervalMs?: number;
      /** A module sync created reference copies the service database lacked: an engine registry loaded before them must be loaded again. */
      onReferenceTablesAdded?: (service: string, tables: readonly string[]) => void;
    },
  ) {}

  async start(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.o.endpoints.controlUrl, application_name: 'ficus_sync_supervisor' });
    listener.on('error', () => undefined);
    listener.on('notification', () => this.poke());
    await listener.connect();
    await listener.query('LISTEN ficus_sync_request');
    this.#listener = listener;
    const tick = () => {
      if (this.#closed) return;
      this.poke();
      this.#timer = setTimeout(tick, 2000);
    };
    tick();
    await this.#chain;
  }

  poke(): void {
    this.#chain = this.#chain.then(() => this.#reconcile()).catch((error) => this.o.logger.warn({ err: error }, 'sync supervisor: will retry'));
  }

  /** The module's sync, once started (tests and benches wait on its readiness). */
  syncOf(module: string): ModuleSync | undefined {
    return this.#running.get(module);
  }

  async settled(): Promise<void> {
    await this.#chain;
  }

  async #reconcile(): Promise<void> {
    if (this.#closed) return;
    for (const module of await syncRequests(this.o.control)) {
      if (this.#running.has(module)) continue;
      const plan = await modulePlan(this.o.legacy, module);
      let service: ServiceWithOdooFace;
      try {
        service = serviceTakingOver(plan);
      } catch (error) {
        // A request recorded for a module that cannot move (backfill refuses it): say so once, keep the others going.
        if (!this.#refused.has(module)) this.o.logger.warn({ module }, `sync not started: ${(error as Error).message}`);
        this.#refused.add(module);
        continue;
      }
      const serviceUrl = this.o.endpoints.serviceUrlFor(plan.service);
      const sync = new ModuleSync({
        plan, legacyUrl: this.o.endpoints.legacyUrl, serviceUrl, control: this.o.control,
        logger: this.o.logger, metrics: this.o.metrics, provision: (url) => provisionService(service, url),
        withReferenceSync: ![...this.#running.keys()].some((m) => this.#serviceOf.get(m) === plan.service),
        ...(this.o.heartbeatIntervalMs ? { heartbeatIntervalMs: this.o.heartbeatIntervalMs } : {}),
      });
      this.#running.set(module, sync);
      this.#serviceOf.set(module, plan.service);
      await sync.start();
      if (sync.addedReferenceTables.length) this.o.onReferenceTablesAdded?.(plan.service, sync.addedReferenceTables);
      if (!this.#processors.has(plan.service)) {
        // Every table of the service's modules, many2many relation tables too: a monolith's cascade reaches them as legacy writes.
        const ownedTables = [...(await modulePlans(this.o.legacy)).values()].filter((p) => p.service === plan.service).flatMap((p) => p.tables);
        const processor = serviceCommandProcessor(service, { url: serviceUrl, logger: this.o.logger, ownedTables });
        await processor.start();
        this.#processors.set(plan.service, processor);
      }
      this.o.logger.info({ module, service: plan.service }, 'module sync started');
    }
  }

  async stop(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#chain.catch(() => undefined);
    await this.#listener?.end().catch(() => undefined);
    for (const p of this.#processors.values()) await p.stop();
    for (const s of this.#running.values()) await s.stop();
  }
}
