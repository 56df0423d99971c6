import pg from 'pg';
import type { Logger } from 'pino';
import { startDrillStack, type DrillMount, type DrillMountParts, type DrillStack } from '../../bench/drill/drill-stack.ts';
import { createLogger } from '../../platform/logger.ts';
import type { ModuleId } from '../../services/kit/index.ts';
import { emptyDatabase, legacyDatabase, testClusterUrl, type TestDatabase } from './databases.ts';
import { holdModuleSyncs } from './module-sync-lock.ts';

export interface ServiceStackOptions {
  /** The service taking the modules over, as services/catalog.ts names it. */
  service: string;
  modules: readonly ModuleId[];
  /** The module-sync lock the other tests running these modules' syncs hold (test/support/module-sync-lock.ts). */
  lock: string;
  /** REST routers mounted beside the Odoo routes over the service's database, as `ficus start` mounts the services' (see startDrillStack). */
  mount?: (service: TestDatabase) => (parts: DrillMountParts) => Promise<DrillMount>;
  logger?: Logger;
  /** Runs once the stack is up, before any phase moves (e.g. telling the legacy side where the service's database is). */
  onStarted?: (stack: DrillStack, service: TestDatabase) => void;
}

/** How far the modules move: `cutover` routes them to the service (modules one by one, or `together` in one step). */
export interface CutOverOptions {
  together?: boolean;
  reason?: string;
}

export interface ServiceStack {
  stack: DrillStack;
  legacy: TestDatabase;
  service: TestDatabase;
  /** The phase of every module when they agree, else `mixed`. */
  phase(): string;
  backfill(): Promise<void>;
  /** A forced shadow of every module (samples are beside the point in a test). */
  shadow(): Promise<void>;
  /** Cutover, after a forced shadow of the modules not in shadow yet; returns once this gateway routes the modules to the service. */
  cutOver(options?: CutOverOptions): Promise<void>;
  stop(): Promise<void>;
}

/** Replication slots are named after the modules and the service, so one stack per service and cluster at a time. */
function slotsOf(service: string, modules: readonly ModuleId[]): string[] {
  return [...modules.flatMap((m) => [`ficus_fwd_${m.toLowerCase()}`, `ficus_rev_${m.toLowerCase()}`]), `ficus_ref_${service}`];
}

export async function dropServiceSlots(service: string, modules: readonly ModuleId[]): Promise<void> {
  const admin = new pg.Client({ connectionString: testClusterUrl('postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1) AND NOT active', [slotsOf(service, modules)]);
  } finally {
    await admin.end();
  }
}

/**
 * `ficus start` over a fresh copy of the monolith (gateway, phase routing, syncs) with the
 * service's empty database beside it and every module in phase legacy; the migration team's
 * steps are methods. The modules' sync lock is held for the stack's life, and everything it
 * created (databases, slots) is dropped on stop, or when it fails to start.
 */
export async function startServiceStack(o: ServiceStackOptions): Promise<ServiceStack> {
  const lock = await holdModuleSyncs(o.lock);
  const logger = o.logger ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  let legacy: TestDatabase | undefined;
  let control: TestDatabase | undefined;
  let service: TestDatabase | undefined;
  const dropAll = async () => {
    try {
      await control?.drop();
      await service?.drop();
      await legacy?.drop();
      await dropServiceSlots(o.service, o.modules);
    } finally {
      await lock.release();
    }
  };
  let stack: DrillStack;
  try {
    await dropServiceSlots(o.service, o.modules);
    legacy = await legacyDatabase();
    control = await emptyDatabase('control');
    service = await emptyDatabase(`svc_${o.service}`);
    stack = await startDrillStack({ legacyUrl: legacy.url, controlUrl: control.url, serviceUrl: service.url, logger, service: o.service, ...(o.mount ? { mount: o.mount(service) } : {}) });
    o.onStarted?.(stack, service);
  } catch (error) {
    await dropAll();
    throw error;
  }
  const phases = () => new Set(o.modules.map((m) => stack.runtime.book.get(m).phase));
  const forced = (reason?: string) => ({ force: true, reason: reason ?? `test: ${o.service} takes over ${o.modules.join(', ')}`, actor: 'test' });
  const shadowed = new Set<string>();
  const shadow = async (reason?: string) => {
    for (const module of o.modules.filter((m) => !shadowed.has(m))) {
      const step = await stack.controller.shadow(module, forced(reason));
      if (!step.ok) throw new Error(`shadow ${module}: ${step.message}`);
      shadowed.add(module);
    }
  };
  return {
    stack,
    legacy,
    service,
    phase: () => {
      const seen = phases();
      return seen.size === 1 ? [...seen][0]! : 'mixed';
    },
    async backfill() {
      for (const module of o.modules) {
        const backfill = await stack.controller.backfill(module, { waitMs: 120_000 });
        if (!backfill.ok) throw new Error(`backfill ${module}: ${backfill.message}`);
      }
    },
    shadow: () => shadow(),
    async cutOver(options = {}) {
      const force = forced(options.reason);
      await shadow(options.reason);
      if (options.together) {
        const refused = (await stack.controller.together('cutover', [...o.modules], force)).filter((r) => !r.ok);
        if (refused.length) throw new Error(`cutover: ${refused.map((r) => r.message).join('; ')}`);
      } else {
        for (const module of o.modules) {
          const cutover = await stack.controller.cutover(module, force);
          if (!cutover.ok) throw new Error(`cutover ${module}: ${cutover.message}`);
        }
      }
      // Gateways learn the phase by NOTIFY; wait until this one routes the modules to the service.
      const started = Date.now();
      while (phases().size !== 1 || !phases().has('service')) {
        if (Date.now() - started > 5000) throw new Error(`the gateway did not learn the cutover of ${o.modules.join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      try {
        await stack.stop();
      } finally {
        await dropAll();
      }
    },
  };
}

/** A fresh monolith copy with the modules already moved to the service: backfill, a forced shadow, cutover. */
export async function startServiceCutoverStack(o: ServiceStackOptions & CutOverOptions): Promise<ServiceStack> {
  const side = await startServiceStack(o);
  try {
    await side.backfill();
    await side.cutOver(o);
  } catch (error) {
    await side.stop();
    throw error;
  }
  return side;
}
