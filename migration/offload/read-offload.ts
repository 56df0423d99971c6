import pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { withReadOffload, type OffloadRoute, type ReadOffloadGate, type VerificationJob } from '../../odoo-bridge/offload/offload-router.ts';
import type { CallHandler, ServedDatabase } from '../../odoo-bridge/call.ts';
import type { ReadClass } from '../../odoo-bridge/offload/read-class.ts';
import type { CallRouter } from '../../odoo-bridge/routing/call-router.ts';
import { ensureControlSchema } from '../control/store/control-schema.ts';
import { OffloadBook, type ClassEntry } from './offload-book.ts';
import { OffloadMetrics } from './offload-metrics.ts';
import { OFFLOAD_CHANNEL, readClassRows, storeCounts, storeVerdict, type OffloadEvidence, type PendingCounts } from './offload-store.ts';
import { OffloadVerifier, type JobVerdict, type OffloadEngine } from './offload-verifier.ts';

export interface ReadOffloadOptions {
  /** The control database (`ficus_control`): class states survive a restart and are shared by every gateway. */
  controlUrl: string;
  /** Databases, by the name clients use, whose legacy reads may be offloaded (FICUS_READ_OFFLOAD). */
  databases: readonly string[];
  /** The engine over each of those databases (the same handler that answers its calls in Ficus). */
  engineFor(database: string): OffloadEngine | undefined;
  /** How long a second request to the upstream Odoo may take (LEGACY_ODOO_TIMEOUT_MS). */
  upstreamTimeoutMs: number;
  /** Equal comparisons (and no difference) before a class is promoted (FICUS_OFFLOAD_MIN_SAMPLES, default 200). */
  minSamples?: number;
  /** One promoted answer in this many is also asked of Odoo and compared (FICUS_OFFLOAD_VERIFY_ONE_IN, default 100: 1 %). */
  verifyOneIn?: number;
  rounds?: number;
  concurrency?: number;
  maxInProgress?: number;
  maxClasses?: number;
  flushMs?: number;
  /** Safety-net re-read of every class (a lost notification), ms. */
  refreshMs?: number;
  random?: () => number;
  logger: Logger;
  metrics: Registry;
}

export interface ReadOffload {
  /** The gateway's router with offload in front of its upstream reads. */
  wrap(router: CallRouter): CallRouter;
  /** Resolves when no comparison is in progress and every count is stored (tests, shutdown). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** `FICUS_READ_OFFLOAD=hp_legacy,other`: the database names, trimmed, empty ones dropped. */
export function offloadDatabases(setting: string | undefined): string[] {
  return (setting ?? '').split(',').map((name) => name.trim()).filter(Boolean);
}

/** The settings read offload takes (runtime/settings.ts: FICUS_READ_OFFLOAD, FICUS_OFFLOAD_*, LEGACY_ODOO_TIMEOUT_MS). */
export interface ReadOffloadSettings {
  readOffloadDatabases?: string | undefined;
  offloadMinSamples: number;
  offloadVerifyOneIn: number;
  upstreamTimeoutMs: number;
}

/**
 * Read offload as `ficus start` composes it: for the served databases the setting names, over the
 * migration runtime's own handlers (the engine that answers those databases' calls). Undefined
 * when the setting names none of them: off, every legacy-phase call goes to Odoo.
 */
export async function readOffloadFromSettings(o: {
  settings: ReadOffloadSettings;
  controlUrl: string;
  served: readonly ServedDatabase[];
  handlerFor(database: ServedDatabase): CallHandler;
  logger: Logger;
  metrics: Registry;
}): Promise<ReadOffload | undefined> {
  const named = new Set(offloadDatabases(o.settings.readOffloadDatabases));
  const served = new Map(o.served.filter((d) => named.has(d.name)).map((d) => [d.name, d] as const));
  if (!served.size) return undefined;
  return startReadOffload({
    controlUrl: o.controlUrl,
    databases: [...served.keys()],
    engineFor: (name) => {
      const database = served.get(name);
      return database && { database, handler: o.handlerFor(database) };
    },
    upstreamTimeoutMs: o.settings.upstreamTimeoutMs,
    minSamples: o.settings.offloadMinSamples,
    verifyOneIn: o.settings.offloadVerifyOneIn,
    logger: o.logger,
    metrics: o.metrics,
  });
}

/**
 * Read offload for a gateway in front of a live Odoo (issue 19): per class of read call, Odoo
 * answers while Ficus compares its own answer off the hot path; after `minSamples` equal
 * comparisons and no difference Ficus answers the class itself and keeps comparing one answer
 * in `verifyOneIn`; the first difference sends the class back to Odoo (metric, log line with
 * the class and the differing paths, never values). States live in the control database, and
 * every gateway follows every other's verdicts (NOTIFY, and a re-read every `refreshMs`).
 */
export async function startReadOffload(o: ReadOffloadOptions): Promise<ReadOffload> {
  const control = new pg.Pool({ connectionString: o.controlUrl, max: 3, application_name: 'ficus_read_offload' });
  control.on('error', () => undefined);
  await ensureControlSchema(control);
  const minSamples = o.minSamples ?? 200;
  const verifyOneIn = Math.max(1, o.verifyOneIn ?? 100);
  const random = o.random ?? Math.random;
  const enabled = new Set(o.databases);
  const book = new OffloadBook(o.maxClasses ?? 5000);
  const metrics = new OffloadMetrics(o.metrics, () => book.countByState());
  const pending = new Map<string, PendingCounts>();
  const countsOf = (entry: ClassEntry): PendingCounts => {
    let counts = pending.get(entry.readClass.id);
    if (!counts || counts.generation !== entry.generation) {
      // After a reset, comparisons of the old generation no longer count; who answered still does.
      counts = { readClass: entry.readClass, generation: entry.generation, matches: 0, timings: 0, unverified: 0, verifiedSincePromotion: 0, byFicus: counts?.byFicus ?? 0, byOdoo: counts?.byOdoo ?? 0 };
      pending.set(entry.readClass.id, counts);
    }
    return counts;
  };

  const reload = async (id?: string) => {
    for (const row of await readClassRows(control, id)) if (enabled.has(row.database)) book.merge(row);
  };
  await reload();

  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (!pending.size) return;
      const batch = [...pending.values()];
      pending.clear();
      try {
        for (const { id, generation } of await storeCounts(control, batch, minSamples)) {
          const entry = book.byId(id);
          if (entry && book.settle(entry, 'promoted', generation)) {
            metrics.promoted(entry.readClass);
            o.logger.info({ offloadClass: id, ...described(entry.readClass), minSamples }, 'read offload: class promoted; Ficus answers it');
          }
        }
      } catch (error) {
        // Put the counts back: a lost flush must not lose samples.
        for (const counts of batch) {
          const now = pending.get(counts.readClass.id);
          if (!now) pending.set(counts.readClass.id, counts);
          else if (now.generation === counts.generation) for (const k of ['matches', 'timings', 'unverified', 'verifiedSincePromotion', 'byFicus', 'byOdoo'] as const) now[k] += counts[k];
        }
        o.logger.warn({ err: error }, 'read offload counts not stored; will retry');
      }
    });
    return flushing;
  };

  const verdictWrites = new Set<Promise<void>>();
  /** A verdict that takes the class from Ficus: in this gateway at once, then stored and signalled to the others. */
  const settleAway = (entry: ClassEntry, generation: number, state: 'demoted' | 'refused', evidence: OffloadEvidence) => {
    if (!book.settle(entry, state, generation)) return;
    if (state === 'demoted') metrics.demoted(entry.readClass);
    o.logger.warn(
      { offloadClass: entry.readClass.id, ...described(entry.readClass), state, ...evidence },
      state === 'demoted' ? 'read offload: answers differ; the class goes back to Odoo' : 'read offload: Ficus cannot compute this class; Odoo answers it',
    );
    const write = storeVerdict(control, entry.readClass, generation, state, evidence)
      .catch((error) => o.logger.warn({ err: error, offloadClass: entry.readClass.id }, 'read offload verdict not stored; this gateway keeps it'))
      .finally(() => verdictWrites.delete(write));
    verdictWrites.add(write);
  };

  const onVerdict = (job: VerificationJob, verdict: JobVerdict) => {
    const entry = book.byId(job.offloadable.readClass.id);
    if (!entry) return;
    metrics.verified(entry.readClass, job.phase, verdict.outcome);
    const counts = countsOf(entry);
    switch (verdict.outcome) {
      case 'match':
      case 'timing':
        counts[verdict.outcome === 'match' ? 'matches' : 'timings']++;
        if (job.phase === 'promoted') counts.verifiedSincePromotion++;
        return;
      case 'unverified':
      case 'skipped':
        counts.unverified++;
        return;
      case 'difference':
        return settleAway(entry, entry.generation, 'demoted', { phase: job.phase, differences: verdict.differences });
      case 'refused':
        return settleAway(entry, entry.generation, 'refused', { reason: verdict.reason });
    }
  };

  const verifier = new OffloadVerifier({
    engineFor: o.engineFor,
    onVerdict,
    rounds: o.rounds ?? 3,
    concurrency: o.concurrency ?? 2,
    maxInProgress: o.maxInProgress ?? 64,
  });

  const gate: ReadOffloadGate = {
    enabled: (database) => enabled.has(database),
    route(readClass: ReadClass): OffloadRoute {
      const entry = book.entry(readClass);
      if (entry?.state === 'learning' || entry?.state === 'promoted') return entry.state;
      // Demoted and refused classes go to Odoo untouched (no copy, no comparison), counted as its answers.
      if (entry) gate.answeredBy(readClass, 'odoo');
      return 'upstream';
    },
    sampleNow: () => random() * verifyOneIn < 1,
    submit: (job) => verifier.submit(job),
    answeredBy(readClass, by) {
      metrics.answered(readClass, by);
      const entry = book.entry(readClass);
      if (entry) countsOf(entry)[by === 'ficus' ? 'byFicus' : 'byOdoo']++;
    },
    refuse(readClass, reason) {
      const entry = book.entry(readClass);
      if (entry) settleAway(entry, entry.generation, 'refused', { reason });
    },
  };

  // Other gateways' verdicts and `ficus offload reset`: a notification names the class, a re-read covers lost ones.
  const listener = new pg.Client({ connectionString: o.controlUrl, application_name: 'ficus_offload_listen' });
  listener.on('error', () => undefined);
  listener.on('notification', (n) => void (n.payload ? reload(n.payload).catch(() => undefined) : undefined));
  await listener.connect();
  await listener.query(`LISTEN ${OFFLOAD_CHANNEL}`);
  let stopped = false;
  let flushTimer: NodeJS.Timeout | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  const flushTick = () => void flush().finally(() => !stopped && (flushTimer = setTimeout(flushTick, o.flushMs ?? 250)));
  const refreshTick = () =>
    void reload()
      .catch((error) => o.logger.warn({ err: error }, 'read offload classes not re-read; keeping the last known states'))
      .finally(() => !stopped && (refreshTimer = setTimeout(refreshTick, o.refreshMs ?? 2000)));
  flushTimer = setTimeout(flushTick, o.flushMs ?? 250);
  refreshTimer = setTimeout(refreshTick, o.refreshMs ?? 2000);

  return {
    wrap: (router) => withReadOffload(router, gate, o.upstreamTimeoutMs),
    async settled() {
      await verifier.idle();
      await flush();
      await Promise.all(verdictWrites);
    },
    async stop() {
      stopped = true;
      clearTimeout(flushTimer);
      clearTimeout(refreshTimer);
      await verifier.idle();
      await flush();
      await Promise.all(verdictWrites);
      await listener.end().catch(() => undefined);
      await control.end();
    },
  };
}

function described(readClass: ReadClass) {
  return { database: readClass.database, model: readClass.model, method: readClass.method, fields: readClass.fields, shape: readClass.shape };
}
