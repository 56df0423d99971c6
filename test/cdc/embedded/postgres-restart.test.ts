import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeApplier } from '../../../cdc/apply/applier.ts';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { EmbeddedSource } from '../../../cdc/embedded/embedded-source.ts';
import { lsnToNumber } from '../../../cdc/events/lsn.ts';
import { LOAD_TABLES, runLegacyWriteLoad } from '../../../bench/load/legacy-write-load.ts';
import { compareTables } from '../../../cdc/verify/compare-tables.ts';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../../runtime/embedded-postgres.ts';
import { ensureLegacyDatabase } from '../../../runtime/legacy-database.ts';
import { emptyDatabase, type TestDatabase } from '../../support/databases.ts';
import { freePort } from '../../../bench/support/free-port.ts';
import { logger, openApplier, slotNames, waitUntil } from '../support/cdc-fixtures.ts';

const TABLES = [...LOAD_TABLES];
const DUMP = path.resolve(import.meta.dirname, '../../../fixtures/hp_legacy.sql.gz');

describe('legacy PostgreSQL restarted while the reader streams', () => {
  let dataDir: string;
  let port: number;
  let cluster: EmbeddedCluster;
  let target: TestDatabase;
  let applier: ChangeApplier;
  let source: EmbeddedSource;

  const start = () => startEmbeddedPostgres({ dataDir, port, logger, extraSettings: { fsync: 'off' } });
  const withSource = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: cluster.url('legacy') });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cdc-restart-'));
    port = await freePort();
    cluster = await start();
    await ensureLegacyDatabase({ adminUrl: cluster.url('postgres'), databaseName: 'legacy', dumpPath: DUMP, logger });
    target = await emptyDatabase('cdc_restart');
    const t = await target.pool.connect();
    await withSource((s) => copyTableDefinitions(s, t, TABLES));
    t.release();
    applier = await openApplier(target.url);
    source = new EmbeddedSource({ sourceUrl: cluster.url('legacy'), purpose: 'test_restart', tables: TABLES, applier, logger, heartbeatIntervalMs: 500, backoffBaseMs: 100, backoffMaxMs: 1000 });
    source.start();
    await source.ready;
  });

  afterAll(async () => {
    await source?.stop();
    await source?.remove().catch(() => undefined);
    await applier?.close();
    await target?.drop();
    await cluster?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reconnects with backoff and catches up with no change lost', async () => {
    const load = async (changes: number) => {
      const pool = new pg.Pool({ connectionString: cluster.url('legacy'), max: 2 });
      pool.on('error', () => undefined);
      try {
        return await runLegacyWriteLoad(pool, { changes, perTransaction: 20 });
      } finally {
        await pool.end();
      }
    };
    await load(2000);
    const confirmedBefore = await withSource(async (c) => (await c.query<{ l: string }>(`SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = 'ficus_test_restart'`)).rows[0]!.l);

    // Stop the server under a running load: the walsender dies, the load's transactions fail or commit.
    const stopLoad = new AbortController();
    const pool = new pg.Pool({ connectionString: cluster.url('legacy'), max: 2 });
    pool.on('error', () => undefined);
    const running = runLegacyWriteLoad(pool, { changes: Number.MAX_SAFE_INTEGER, perTransaction: 20, signal: stopLoad.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 700));
    await cluster.stop();
    stopLoad.abort();
    await running;
    await pool.end().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500)); // the reader retries against a dead server meanwhile
    cluster = await start();

    await load(2000);
    await withSource(async (s) => {
      const t = await target.pool.connect();
      try {
        await waitUntil('target equal to source', async () => (await compareTables(s, t, TABLES)).length === 0, 120_000);
      } finally {
        t.release();
      }
    });
    const errors = await applier.metrics.errors.get();
    expect(errors.values.find((v) => v.labels.stage === 'source')?.value ?? 0).toBeGreaterThan(0); // it did reconnect

    await waitUntil('confirmed_flush_lsn to move past the restart', async () =>
      withSource(async (c) => {
        const { rows } = await c.query<{ l: string }>(`SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = 'ficus_test_restart'`);
        return lsnToNumber(rows[0]!.l) > lsnToNumber(confirmedBefore);
      }),
    );
    await source.stop();
    await source.remove();
    expect(await withSource((c) => slotNames(c))).toEqual([]);
  }, 300_000);
});
