// The Kafka transport's crash test, as test/cdc/embedded/crash-restart.test.ts is the embedded
// one's: Debezium streams a live legacy write load into Kafka while the consumer process that
// applies it into the target is killed with SIGKILL ten times; restarted each time, it must
// leave a target equal to the source. The consumer commits offsets only after the target
// committed, so a kill anywhere either repeats a batch (skipped by the row positions) or nothing.
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { startDebeziumCapture, type DebeziumCapture } from '../../../cdc/distributed/debezium-capture.ts';
import { startKafkaStack, type KafkaStack } from '../../../cdc/distributed/stack.ts';
import { dropSlot } from '../../../cdc/embedded/slot.ts';
import { lsnToNumber } from '../../../cdc/events/lsn.ts';
import { LOAD_TABLES, runLegacyWriteLoad } from '../../../bench/load/legacy-write-load.ts';
import { dropPublication } from '../../../cdc/setup/publication.ts';
import { compareTables } from '../../../cdc/verify/compare-tables.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { slotNames, waitUntil } from '../support/cdc-fixtures.ts';
import { KAFKA_CONSUMER_SCRIPT, killTenTimes, startReaderChild, type ReaderChild } from '../support/reader-child.ts';

const PURPOSE = 'test_kafka_crash';
const SLOT = `ficus_${PURPOSE}`;
const GROUP = 'ficus-cdc-crash-test';
const TABLES = [...LOAD_TABLES];
/** Lean on purpose (the suite runs on two cores next to other work): enough to kill mid-batch ten times. */
const MAX_CHANGES = 20_000;

describe('Kafka consumer killed with SIGKILL at random points during a load', () => {
  let legacy: TestDatabase;
  let target: TestDatabase;
  let stack: KafkaStack | undefined;
  let capture: DebeziumCapture | undefined;
  let consumer: ReaderChild | undefined;
  const env = () => ({
    FICUS_CDC_KAFKA_BROKERS: stack!.brokers,
    FICUS_CDC_TOPICS: capture!.topics.join(','),
    FICUS_CDC_GROUP: GROUP,
    FICUS_CDC_TARGET_URL: target.url,
    FICUS_CDC_KEY_ONLY_TABLES: capture!.defaultIdentityTables.join(','),
    // Origins are cluster-wide, one session each: its own, so neighbouring suites never wait on it.
    FICUS_CDC_ORIGIN: 'ficus_test_kafka_crash',
  });
  const confirmedFlush = async () => {
    const { rows } = await legacy.pool.query<{ l: string | null }>(`SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = $1`, [SLOT]);
    return rows[0]?.l ? lsnToNumber(rows[0].l) : 0;
  };

  beforeAll(async () => {
    let databases: TestDatabase[];
    [databases, stack] = await Promise.all([
      Promise.all([legacyDatabase(), emptyDatabase('cdc_kafka_crash')]),
      startKafkaStack({ keepState: !!process.env.FICUS_CDC_KEEP_STATE }),
    ]);
    [legacy, target] = databases as [TestDatabase, TestDatabase];
    const [s, t] = await Promise.all([legacy.pool.connect(), target.pool.connect()]);
    await copyTableDefinitions(s, t, TABLES);
    s.release();
    t.release();
    capture = await startDebeziumCapture({
      connectUrl: stack.connectUrl,
      brokers: stack.brokers,
      sourceUrl: legacy.url,
      purpose: PURPOSE,
      tables: TABLES,
      heartbeatIntervalMs: 1000,
    });
  }, 300_000);

  afterAll(async () => {
    if (consumer && consumer.child.exitCode === null) {
      consumer.child.kill('SIGKILL');
      await consumer.exited;
    }
    await capture?.remove().catch(() => undefined);
    await stack?.stop();
    if (legacy) {
      const admin = await legacy.pool.connect();
      await dropSlot(admin, SLOT).catch(() => undefined);
      await dropPublication(admin, SLOT).catch(() => undefined);
      admin.release();
    }
    await Promise.all([legacy?.drop(), target?.drop()]);
  }, 180_000);

  it('converges to a target equal to the source after 10 kills and restarts', async () => {
    const flushBefore = await confirmedFlush();
    const stopLoad = new AbortController();
    const load = runLegacyWriteLoad(legacy.pool, { changes: MAX_CHANGES, perTransaction: 20, signal: stopLoad.signal, changesPerSecond: 250 });
    let kills: number[];
    let runningKills: number;
    try {
      // Even kills in the group and consuming (batches being applied, offsets committed); odd ones anywhere from start-up on.
      ({ kills, readyKills: runningKills } = await killTenTimes({
        start: () => (consumer = startReaderChild(env(), KAFKA_CONSUMER_SCRIPT)),
        readyMsg: 'cdc kafka consumer running',
        readyWhat: 'the consumer in its group',
        readyLifetimeMs: 1500,
        anyLifetimeMs: 4000,
      }));
    } finally {
      stopLoad.abort();
    }
    const written = await load;
    console.log(`[kafka crash] ${written.inserted + written.updated + written.deleted} changes written; kills after ${kills.join(', ')} ms`);
    expect(written.inserted + written.updated + written.deleted).toBeGreaterThan(5000);

    consumer = startReaderChild(env(), KAFKA_CONSUMER_SCRIPT);
    const source = legacy.pool as unknown as pg.ClientBase;
    const copy = target.pool as unknown as pg.ClientBase;
    await waitUntil('target equal to source', async () => (await compareTables(source, copy, TABLES)).length === 0, 120_000);
    consumer.child.kill('SIGTERM');
    expect(await consumer.exited).toBe(0);
    expect(await compareTables(source, copy, TABLES)).toEqual([]);
    expect(kills).toHaveLength(10);
    expect(runningKills).toBe(5);

    // Offsets are the consumer's own commits (auto-commit is off): after the clean stop they
    // stand at the end of every topic, so a restart would not apply anything again.
    const admin = new Kafka({ clientId: 'ficus-cdc-crash-check', brokers: [stack!.brokers], logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    try {
      for (const topic of capture!.topics) {
        const [end] = await admin.fetchTopicOffsets(topic);
        const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [topic] });
        const partitions = committed[0]?.partitions ?? [];
        expect({ topic, committed: partitions[0]?.offset }).toEqual({ topic, committed: end!.high });
      }
    } finally {
      await admin.disconnect();
    }

    // Debezium confirmed positions as it went (Connect's offset flush), so the slot does not pin WAL.
    await waitUntil('confirmed_flush_lsn advancing', async () => (await confirmedFlush()) > flushBefore, 30_000);
    // Removing the capture leaves no slot or publication behind.
    await capture!.remove();
    capture = undefined;
    expect(await slotNames(source)).not.toContain(SLOT);
    const { rows } = await legacy.pool.query(`SELECT 1 FROM pg_publication WHERE pubname = $1`, [SLOT]);
    expect(rows).toEqual([]);
  }, 420_000);
});
