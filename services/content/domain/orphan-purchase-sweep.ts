import { Counter, Registry } from 'prom-client';
import { periodicWork, type BackgroundPorts, type BackgroundWork } from '../../kit/index.ts';
import type { ContentDatabase } from '../db/tables.ts';
import { sweepOrphanPurchases, type OrphanOutcome } from './orphan-purchases.ts';

/**
 * How the sweep of pending purchases left without their saga runs (domain/orphan-purchases.ts):
 *   CONTENT_ORPHAN_PURCHASE_GRACE_MINUTES  (15) an intent younger than this is never looked at.
 *     A saga's first step is one request transaction (seconds at worst); the grace is far above it,
 *     and a live request holds its intent's lock anyway. At least 1.
 *   CONTENT_ORPHAN_PURCHASE_SWEEP_SECONDS  (60) how often the sweep looks. At least 1.
 */
export interface OrphanSweepSettings {
  graceMs: number;
  everyMs: number;
}

export function orphanSweepSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OrphanSweepSettings {
  const setting = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) throw new Error(`invalid setting ${name}: ${JSON.stringify(raw)} is not an integer from ${min} to ${max}`);
    return value;
  };
  return {
    graceMs: setting('CONTENT_ORPHAN_PURCHASE_GRACE_MINUTES', 15, 1, 7 * 24 * 60) * 60_000,
    everyMs: setting('CONTENT_ORPHAN_PURCHASE_SWEEP_SECONDS', 60, 1, 24 * 3600) * 1000,
  };
}

const METRIC = 'ficus_content_orphan_purchases_total';

/** Pending purchases without a saga looked at, by outcome (withdrawn, kept, gone) and by whom (sweep, next_attempt). */
export function orphanPurchaseCounter(metrics: Registry): Counter<'outcome' | 'by'> {
  const existing = metrics.getSingleMetric(METRIC) as Counter<'outcome' | 'by'> | undefined;
  return existing ?? new Counter({
    name: METRIC, help: 'Pending content purchases left without their saga (a crash between the monolith\'s commit and the saga\'s), by outcome and by who settled them',
    labelNames: ['outcome', 'by'], registers: [metrics],
  });
}

/** At most this many intents per sweep; the next sweep takes the rest. */
const SWEEP_LIMIT = 100;

/**
 * Content's background work that settles orphans nobody comes back for: every `everyMs`, the
 * intents older than the grace (orphan-purchases.ts sweepOrphanPurchases), each counted and
 * logged (ids, home, age; never a body, an amount or a buyer's data). Settings are checked at
 * start: a wrong value stops the service with the setting's name.
 */
export function orphanPurchaseSweep(ports: BackgroundPorts<ContentDatabase>, settings: OrphanSweepSettings = orphanSweepSettingsFromEnv()): BackgroundWork {
  const counter = orphanPurchaseCounter(ports.metrics ?? new Registry());
  return periodicWork({
    everyMs: settings.everyMs,
    logger: ports.logger,
    what: 'orphan purchase sweep',
    async pass() {
      const { settled } = await sweepOrphanPurchases({ db: ports.db, legacyPool: ports.legacyPool }, { graceMs: settings.graceMs, limit: SWEEP_LIMIT });
      for (const { intent, outcome, home, ageSeconds } of settled) {
        counter.inc({ outcome, by: 'sweep' });
        logOutcome(ports.logger, outcome, { purchaseId: intent.purchaseId, contentId: intent.contentId, home, ageSeconds });
      }
    },
  });
}

/** One line per settled intent: what happened, to which purchase, where. */
export function logOutcome(logger: BackgroundPorts<ContentDatabase>['logger'], outcome: OrphanOutcome, fields: { purchaseId: number; contentId: number; home?: string; ageSeconds?: number; by?: string }): void {
  if (outcome === 'withdrawn') logger.warn({ ...fields, outcome }, 'a pending content purchase left without its saga was withdrawn and purchase_count recounted');
  else logger.info({ ...fields, outcome }, 'a content purchase intent was settled without withdrawing anything');
}
