import { Counter, Registry } from 'prom-client';
import { periodicWork, type BackgroundPorts, type BackgroundWork } from '../../kit/index.ts';
import type { EcDatabase } from '../db/tables.ts';
import { pruneImpressionKeys } from './impression-key-pruning.ts';

/**
 * How ec prunes its impression ledger (impression-key-pruning.ts), from the environment:
 *   EC_IMPRESSION_KEY_RETENTION_DAYS  (7) how long a (campaign, eventId) key is kept, so a replayed
 *     impression is still recognised: longer than any client retries. A number of days (fractions
 *     allowed) from one hour (1/24) to 3650.
 *   EC_IMPRESSION_KEY_PRUNE_SECONDS   (600) how often the pruning looks. An integer from 1 to 86400.
 *   EC_IMPRESSION_KEY_PRUNE_BATCH     (5000) keys deleted per statement (each its own short
 *     transaction). An integer from 1 to 100000.
 * A wrong value stops the service at start, naming the setting.
 */
export interface KeyPruningSettings {
  retentionMs: number;
  everyMs: number;
  batchSize: number;
}

const DAY_MS = 24 * 3600 * 1000;

export function keyPruningSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): KeyPruningSettings {
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) throw new Error(`invalid setting ${name}: ${JSON.stringify(raw)} is not an integer from ${min} to ${max}`);
    return value;
  };
  const days = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(value * 24 >= 1) || value > 3650) throw new Error(`invalid setting ${name}: ${JSON.stringify(raw)} is not a number of days from 1/24 (one hour) to 3650`);
    return value;
  };
  return {
    retentionMs: Math.round(days('EC_IMPRESSION_KEY_RETENTION_DAYS', 7) * DAY_MS),
    everyMs: integer('EC_IMPRESSION_KEY_PRUNE_SECONDS', 600, 1, 86_400) * 1000,
    batchSize: integer('EC_IMPRESSION_KEY_PRUNE_BATCH', 5000, 1, 100_000),
  };
}

const METRIC = 'ficus_ec_impression_keys_pruned_total';

/** Impression ledger keys deleted for being older than the retention. */
export function prunedKeysCounter(metrics: Registry): Counter {
  const existing = metrics.getSingleMetric(METRIC) as Counter | undefined;
  return existing ?? new Counter({ name: METRIC, help: 'Impression ledger keys (ec_impression_events) deleted for being older than EC_IMPRESSION_KEY_RETENTION_DAYS', registers: [metrics] });
}

/**
 * Ec's background work: every `everyMs` (the first pass a few seconds after start), the ledger's
 * keys older than the retention deleted batch by batch until none is left, each batch counted in
 * ficus_ec_impression_keys_pruned_total. A failed pass is logged and tried again at the next
 * interval; stopping ends the pass after its current batch.
 */
export function impressionKeyPruning(ports: BackgroundPorts<EcDatabase>, settings: KeyPruningSettings = keyPruningSettingsFromEnv()): BackgroundWork {
  const counter = prunedKeysCounter(ports.metrics ?? new Registry());
  return periodicWork({
    everyMs: settings.everyMs,
    logger: ports.logger,
    what: 'impression key pruning',
    async pass(stopped) {
      const { deleted, batches } = await pruneImpressionKeys(ports.pool, {
        retentionMs: settings.retentionMs, batchSize: settings.batchSize, keepGoing: () => !stopped(), onBatch: (n) => counter.inc(n),
      });
      if (deleted) ports.logger.info({ deleted, batches, retentionDays: settings.retentionMs / DAY_MS }, 'impression ledger keys past their retention pruned');
    },
  });
}
