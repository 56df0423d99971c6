import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { EC_MIGRATIONS } from '../../../services/ec/db/migrations.ts';
import { onQueryable } from '../../../services/ec/db/sql-runner.ts';
import { impressionKeyPruning, keyPruningSettingsFromEnv } from '../../../services/ec/domain/impression-key-pruning-work.ts';
import { pruneImpressionKeys } from '../../../services/ec/domain/impression-key-pruning.ts';
import { claimLedgerKeys } from '../../../services/ec/domain/impression-ledger.ts';
import ec from '../../../services/ec/index.ts';
import { provisionServiceDatabase } from '../../../services/kit/db/provision.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * The impression ledger's pruning (MIGRATION.md, M10 notes): keys recorded before the retention
 * are deleted batch by batch, younger ones kept, rows someone else holds skipped rather than
 * waited for, every deleted key counted in ficus_ec_impression_keys_pruned_total; a pruned key is
 * free again. And the settings, checked at start.
 */
const DAY_MS = 24 * 3600 * 1000;

describe('ec impression key pruning', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await emptyDatabase('ec_key_pruning');
    await provisionServiceDatabase(db.url, EC_MIGRATIONS);
  }, 120_000);
  afterAll(async () => db?.drop());
  beforeEach(async () => {
    await db.pool.query('TRUNCATE ec_impression_events');
  });

  /** Keys `prefix-0 … prefix-(n-1)` of campaign 1, recorded `ageDays` ago. */
  const record = (prefix: string, n: number, ageDays: number) =>
    db.pool.query(
      `INSERT INTO ec_impression_events (campaign_id, event_id, impression_id, recorded_at)
       SELECT 1, $1 || '-' || g, g, now() - $2::float8 * interval '1 day' FROM generate_series(0, $3::int - 1) g`,
      [prefix, ageDays, n],
    );
  const keys = async () => (await db.pool.query<{ event_id: string }>('SELECT event_id FROM ec_impression_events ORDER BY event_id')).rows.map((r) => r.event_id);

  it('deletes the keys older than the retention in batches of the batch size and keeps the younger ones', async () => {
    await record('old', 10, 8);
    await record('young', 4, 6.9);
    const sizes: number[] = [];
    const result = await pruneImpressionKeys(db.pool, { retentionMs: 7 * DAY_MS, batchSize: 3, pauseMs: 0, onBatch: (n) => sizes.push(n) });
    expect(result).toEqual({ deleted: 10, batches: 4 });
    expect(sizes).toEqual([3, 3, 3, 1]);
    expect(await keys()).toEqual(['young-0', 'young-1', 'young-2', 'young-3']);
    // Nothing left to prune: one statement that finds nothing.
    expect(await pruneImpressionKeys(db.pool, { retentionMs: 7 * DAY_MS, batchSize: 3, pauseMs: 0 })).toEqual({ deleted: 0, batches: 1 });
  });

  it('skips a key another transaction holds instead of waiting for it, and prunes it on a later pass', async () => {
    await record('old', 5, 30);
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM ec_impression_events WHERE event_id = 'old-2' FOR UPDATE`);
      const result = await pruneImpressionKeys(db.pool, { retentionMs: 7 * DAY_MS, batchSize: 100, pauseMs: 0 });
      expect(result.deleted).toBe(4);
      expect(await keys()).toEqual(['old-2']);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect((await pruneImpressionKeys(db.pool, { retentionMs: 7 * DAY_MS, batchSize: 100, pauseMs: 0 })).deleted).toBe(1);
    expect(await keys()).toEqual([]);
  });

  it('a pruned key is free again: the same (campaign, eventId) is claimed as new, a kept one stays a duplicate', async () => {
    await record('old', 1, 8);
    await record('young', 1, 1);
    await pruneImpressionKeys(db.pool, { retentionMs: 7 * DAY_MS, batchSize: 100, pauseMs: 0 });
    const won = await claimLedgerKeys(onQueryable(db.pool), [
      { campaignId: 1, eventId: 'old-0', impressionId: 1001 },
      { campaignId: 1, eventId: 'young-0', impressionId: 1002 },
    ]);
    expect([...won]).toEqual([1001]);
  });

  it('runs as ec\'s background work: a pass soon after start, each deleted key counted in ficus_ec_impression_keys_pruned_total', async () => {
    expect(ec.background).toBe(impressionKeyPruning);
    await record('old', 7, 2);
    await record('young', 2, 0);
    const metrics = new Registry();
    const work = impressionKeyPruning(
      { db: undefined as never, pool: db.pool, legacyPool: null, logger: createLogger({ level: 'silent', format: 'json' }), metrics },
      { retentionMs: DAY_MS, everyMs: 50, batchSize: 2 },
    );
    try {
      const counted = async () => (await metrics.getSingleMetric('ficus_ec_impression_keys_pruned_total')!.get()).values[0]?.value ?? 0;
      for (let waited = 0; waited < 100 && (await counted()) < 7; waited += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await counted()).toBe(7);
      expect(await keys()).toEqual(['young-0', 'young-1']);
    } finally {
      await work.stop();
    }
  });

  it('settings: 7 days, every 600 s, 5,000 per batch by default; fractions of days down to an hour; a wrong value names its setting', () => {
    expect(keyPruningSettingsFromEnv({})).toEqual({ retentionMs: 7 * DAY_MS, everyMs: 600_000, batchSize: 5000 });
    expect(keyPruningSettingsFromEnv({ EC_IMPRESSION_KEY_RETENTION_DAYS: '0.5', EC_IMPRESSION_KEY_PRUNE_SECONDS: '60', EC_IMPRESSION_KEY_PRUNE_BATCH: '100' }))
      .toEqual({ retentionMs: DAY_MS / 2, everyMs: 60_000, batchSize: 100 });
    for (const [name, value] of [
      ['EC_IMPRESSION_KEY_RETENTION_DAYS', '0'], ['EC_IMPRESSION_KEY_RETENTION_DAYS', '0.01'], ['EC_IMPRESSION_KEY_RETENTION_DAYS', '-1'],
      ['EC_IMPRESSION_KEY_RETENTION_DAYS', '7d'], ['EC_IMPRESSION_KEY_RETENTION_DAYS', '4000'],
      ['EC_IMPRESSION_KEY_PRUNE_SECONDS', '0'], ['EC_IMPRESSION_KEY_PRUNE_SECONDS', '1.5'],
      ['EC_IMPRESSION_KEY_PRUNE_BATCH', '0'], ['EC_IMPRESSION_KEY_PRUNE_BATCH', '100001'],
    ] as const) {
      expect(() => keyPruningSettingsFromEnv({ [name]: value }), `${name}=${value}`).toThrow(new RegExp(`invalid setting ${name}`));
    }
  });

  it('finds old keys through the BRIN index on recorded_at (migration 0005), not a B-tree kept per impression', async () => {
    const { rows } = await db.pool.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE tablename = 'ec_impression_events' ORDER BY indexname`);
    expect(rows.map((r) => r.indexdef)).toEqual([
      expect.stringContaining('USING brin (recorded_at)'),
      expect.stringContaining('UNIQUE INDEX ec_impression_events_pkey ON public.ec_impression_events USING btree (campaign_id, event_id)'),
    ]);
  });
});
