import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { dropSlot } from '../../../cdc/embedded/slot.ts';
import { LOAD_TABLES, runLegacyWriteLoad } from '../../../bench/load/legacy-write-load.ts';
import { dropPublication } from '../../../cdc/setup/publication.ts';
import { compareTables } from '../../../cdc/verify/compare-tables.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { slotNames, testOriginName, waitUntil } from '../support/cdc-fixtures.ts';
import { killTenTimes, startReaderChild, type ReaderChild } from '../support/reader-child.ts';

const PURPOSE = 'test_crash';
const TABLES = [...LOAD_TABLES];

describe('embedded reader killed with SIGKILL at random points during a load', () => {
  let legacy: TestDatabase;
  let target: TestDatabase;
  let reader: ReaderChild | undefined;
  // One name for every restart, as a real reader keeps its own; no other suite uses it.
  const origin = testOriginName('crash');
  const env = () => ({
    FICUS_CDC_ORIGIN: origin,
    FICUS_CDC_SOURCE_URL: legacy.url,
    FICUS_CDC_TARGET_URL: target.url,
    FICUS_CDC_TABLES: TABLES.join(','),
    FICUS_CDC_PURPOSE: PURPOSE,
    FICUS_CDC_HEARTBEAT_MS: '500',
    FICUS_CDC_BACKOFF_MS: '100',
  });

  beforeAll(async () => {
    [legacy, target] = await Promise.all([legacyDatabase(), emptyDatabase('cdc_crash')]);
    const [s, t] = await Promise.all([legacy.pool.connect(), target.pool.connect()]);
    await copyTableDefinitions(s, t, TABLES);
    s.release();
    t.release();
  });

  afterAll(async () => {
    if (reader && reader.child.exitCode === null) {
      reader.child.kill('SIGKILL');
      await reader.exited;
    }
    const admin = await legacy?.pool.connect();
    if (admin) {
      await dropSlot(admin, `ficus_${PURPOSE}`).catch(() => undefined);
      await dropPublication(admin, `ficus_${PURPOSE}`).catch(() => undefined);
      admin.release();
    }
    await Promise.all([legacy?.drop(), target?.drop()]);
  });

  it('converges to a target equal to the source after 10 kills and restarts', async () => {
    const stopLoad = new AbortController();
    const load = runLegacyWriteLoad(legacy.pool, { changes: Number.MAX_SAFE_INTEGER, perTransaction: 20, signal: stopLoad.signal, changesPerSecond: 1500 });
    let kills: number[];
    let streamingKills: number;
    try {
      // Even kills mid-stream, some time after it resumed streaming (batches in flight, acks
      // pending); odd ones anywhere from start-up on, snapshot included.
      ({ kills, readyKills: streamingKills } = await killTenTimes({
        start: () => (reader = startReaderChild(env())),
        readyMsg: 'cdc streaming',
        readyWhat: 'the reader streaming',
        readyLifetimeMs: 1500,
        anyLifetimeMs: 2500,
      }));
    } finally {
      stopLoad.abort();
    }
    const written = await load;
    expect(written.inserted + written.updated + written.deleted).toBeGreaterThan(1000);

    reader = startReaderChild(env());
    const source = legacy.pool as unknown as pg.ClientBase;
    const copy = target.pool as unknown as pg.ClientBase;
    await waitUntil('target equal to source', async () => (await compareTables(source, copy, TABLES)).length === 0, 120_000);
    reader.child.kill('SIGTERM');
    expect(await reader.exited).toBe(0);
    expect(await compareTables(source, copy, TABLES)).toEqual([]);
    expect(kills).toHaveLength(10);
    expect(streamingKills).toBe(5);

    // The slot is meant to persist between runs of the reader; removing it leaves nothing behind.
    const admin = await legacy.pool.connect();
    try {
      expect(await slotNames(admin)).toContain(`ficus_${PURPOSE}`);
      await dropSlot(admin, `ficus_${PURPOSE}`);
      await dropPublication(admin, `ficus_${PURPOSE}`);
      expect(await slotNames(admin)).not.toContain(`ficus_${PURPOSE}`);
    } finally {
      admin.release();
    }
  }, 300_000);
});
