// The two transports side by side on one legacy copy: the embedded pgoutput reader and the real
// Debezium connector (Kafka Connect + Kafka KRaft, JVMs from the Maven cache) capture the same
// tables; every event of both, snapshot and stream, is compared on what an applier reads (op,
// key, before, after), and each feeds its own target through the same ChangeApplier.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { ChangeApplier } from '../../../cdc/apply/applier.ts';
import { copyTableDefinitions } from '../../../cdc/apply/copy-table-definitions.ts';
import { startDebeziumCapture, type DebeziumCapture } from '../../../cdc/distributed/debezium-capture.ts';
import { KafkaSource } from '../../../cdc/distributed/kafka-source.ts';
import { startKafkaStack, type KafkaStack } from '../../../cdc/distributed/stack.ts';
import { EmbeddedSource } from '../../../cdc/embedded/embedded-source.ts';
import { dropSlot } from '../../../cdc/embedded/slot.ts';
import type { ChangeEvent } from '../../../cdc/events/change-event.ts';
import { lsnToNumber } from '../../../cdc/events/lsn.ts';
import { validateChangeEvent } from '../../../cdc/events/validate.ts';
import { dropPublication } from '../../../cdc/setup/publication.ts';
import { LEGACY_FULL_IDENTITY_TABLES } from '../../../cdc/setup/replica-identity.ts';
import { compareTables } from '../../../cdc/verify/compare-tables.ts';
import { emptyDatabase, legacyDatabase, type TestDatabase } from '../../support/databases.ts';
import { CAPTURED_TABLES, logger, slotNames, waitUntil } from '../support/cdc-fixtures.ts';
import { compareEvents, summarizeDifferences, typesWithValues } from '../support/event-comparison.ts';

/** Every column type of hp_legacy's tables (information_schema.udt_name); it has no array columns. */
const HP_LEGACY_TYPES = ['bool', 'bytea', 'date', 'float8', 'int4', 'jsonb', 'numeric', 'text', 'timestamp', 'varchar'];
/**
 * A table of the test's own for what hp_legacy lacks but Odoo schemas can have: arrays of the
 * legacy types, and the wider integer and zoned time types the encoding table also specifies.
 */
const PROBE = 'public.cdc_probe_types';
const PROBE_TYPES = ['_int4', '_text', '_varchar', '_numeric', '_bool', '_date', '_timestamp', '_float8', 'int8', 'int2', 'timestamptz', 'time', 'interval'];
const TABLES = [...CAPTURED_TABLES, PROBE];
const EMBEDDED = 'eq_embedded';
const DEBEZIUM = 'eq_debezium';

describe('embedded pgoutput and Debezium give the same events for the same rows', () => {
  let legacy: TestDatabase;
  let embeddedTarget: TestDatabase;
  let kafkaTarget: TestDatabase;
  let stack: KafkaStack | undefined;
  let embeddedApplier: ChangeApplier;
  let kafkaApplier: ChangeApplier;
  let embedded: EmbeddedSource | undefined;
  let capture: DebeziumCapture | undefined;
  let consumer: KafkaSource | undefined;
  const fromEmbedded: ChangeEvent[] = [];
  const fromKafka: ChangeEvent[] = [];
  const columnTypes = new Map<string, string>();
  const columnType = (table: string, column: string) => columnTypes.get(`${table}.${column}`);
  let flushAfterSnapshot = 0;

  const sourceClient = () => legacy.pool as unknown as pg.ClientBase;
  const confirmedFlush = async (slot: string) => {
    const { rows } = await legacy.pool.query<{ l: string | null }>(`SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = $1`, [slot]);
    return rows[0]?.l ? lsnToNumber(rows[0].l) : 0;
  };

  beforeAll(async () => {
    let databases: TestDatabase[];
    [databases, stack] = await Promise.all([
      Promise.all([legacyDatabase(), emptyDatabase('cdc_eq_embedded'), emptyDatabase('cdc_eq_kafka')]),
      startKafkaStack({ keepState: !!process.env.FICUS_CDC_KEEP_STATE }),
    ]);
    [legacy, embeddedTarget, kafkaTarget] = databases as [TestDatabase, TestDatabase, TestDatabase];
    await legacy.pool.query(`
      CREATE TABLE ${PROBE} (
        id integer PRIMARY KEY, ints integer[], texts text[], names varchar[], amounts numeric[], flags boolean[],
        days date[], stamps timestamp[], reals float8[], big bigint, small smallint, at_tz timestamptz, at_tz3 timestamptz(3),
        clock time, span interval, amount numeric);
      INSERT INTO ${PROBE} VALUES
        (1, '{1,NULL,-3}', '{"a b","c,d","é \\"q\\""}', '{x,NULL}', '{1.50,-0.0001,NULL}', '{t,f,NULL}',
         '{2024-05-01,1999-12-31}', '{"2024-05-01 10:00:00.5","2024-05-01 10:00:00"}', '{0.1,-2.5e-7,NULL}',
         9007199254740991, -32768, '2024-05-01 12:00:00.25+02', '2024-05-01 12:00:00.25+02', '04:05:06.5', '1 year 2 mons 3 days 04:05:06.78', 12.340),
        (2, '{}', '{}', NULL, NULL, NULL, NULL, NULL, '{}', NULL, NULL, NULL, '2024-05-01 12:00:00+00', '04:05:06', '-1 days', NULL)`);
    const { rows } = await legacy.pool.query<{ t: string; c: string; u: string }>(
      `SELECT table_schema || '.' || table_name AS t, column_name AS c, udt_name AS u FROM information_schema.columns WHERE (table_schema || '.' || table_name) = ANY($1::text[])`,
      [TABLES],
    );
    for (const r of rows) columnTypes.set(`${r.t}.${r.c}`, r.u);
    for (const target of [embeddedTarget, kafkaTarget]) {
      const [s, t] = await Promise.all([legacy.pool.connect(), target.pool.connect()]);
      await copyTableDefinitions(s, t, TABLES);
      s.release();
      t.release();
    }
    // Replication origins are cluster-wide and held by one session at a time: names of their own,
    // so neighbouring suites' appliers (ficus_forward) never wait for these.
    [embeddedApplier, kafkaApplier] = await Promise.all([
      ChangeApplier.open({ targetUrl: embeddedTarget.url, sourceName: 'legacy', logger, registry: new Registry(), origin: 'ficus_test_eq_embedded' }),
      ChangeApplier.open({ targetUrl: kafkaTarget.url, sourceName: 'legacy', logger, registry: new Registry(), origin: 'ficus_test_eq_kafka' }),
    ]);

    embedded = new EmbeddedSource({
      sourceUrl: legacy.url,
      purpose: EMBEDDED,
      tables: TABLES,
      applier: embeddedApplier,
      logger,
      replicaIdentityFull: LEGACY_FULL_IDENTITY_TABLES,
      heartbeatIntervalMs: 500,
      onApplied: (events) => fromEmbedded.push(...events),
    });
    embedded.start();
    await embedded.ready;

    capture = await startDebeziumCapture({
      connectUrl: stack.connectUrl,
      brokers: stack.brokers,
      sourceUrl: legacy.url,
      purpose: DEBEZIUM,
      tables: TABLES,
      replicaIdentityFull: LEGACY_FULL_IDENTITY_TABLES,
      heartbeatIntervalMs: 1000,
    });
    consumer = new KafkaSource({
      brokers: stack.brokers,
      groupId: 'ficus-cdc-equivalence',
      topics: capture.topics,
      keyOnlyDeleteTables: capture.defaultIdentityTables,
      applier: kafkaApplier,
      logger,
      onApplied: (events) => fromKafka.push(...events),
    });
    await consumer.start();
    const snapshotRows = fromEmbedded.filter((e) => e.value.op === 'r').length;
    await waitUntil('the Debezium snapshot', async () => fromKafka.filter((e) => e.value.op === 'r').length >= snapshotRows, 180_000);
    // Streaming starts after the snapshot: a change made before the slot is in use would be in
    // Debezium's snapshot instead of its stream.
    await waitUntil('the Debezium slot streaming', async () => {
      const { rows: slot } = await legacy.pool.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND active`, [`ficus_${DEBEZIUM}`]);
      return slot.length === 1;
    }, 60_000);
    flushAfterSnapshot = await confirmedFlush(`ficus_${DEBEZIUM}`);
  }, 300_000);

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    await capture?.remove().catch(() => undefined);
    await embedded?.remove().catch(() => undefined);
    await stack?.stop();
    await embeddedApplier?.close();
    await kafkaApplier?.close();
    if (legacy) {
      const admin = await legacy.pool.connect();
      for (const name of [`ficus_${EMBEDDED}`, `ficus_${DEBEZIUM}`]) {
        await dropSlot(admin, name).catch(() => undefined);
        await dropPublication(admin, name).catch(() => undefined);
      }
      admin.release();
    }
    await Promise.all([legacy?.drop(), embeddedTarget?.drop(), kafkaTarget?.drop()]);
  }, 180_000);

  it('captures every column type hp_legacy has (and the probe table the rest)', async () => {
    const { rows } = await legacy.pool.query<{ udt_name: string; captured: boolean }>(
      `SELECT c.udt_name, bool_or((c.table_schema || '.' || c.table_name) = ANY($1::text[])) AS captured
         FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'cdc_probe_types' GROUP BY 1 ORDER BY 1`,
      [CAPTURED_TABLES],
    );
    // Exact: a type added to the dump must be added here (and to the changes below) to pass.
    expect(rows.map((r) => r.udt_name)).toEqual(HP_LEGACY_TYPES);
    expect(rows.filter((r) => !r.captured)).toEqual([]);
  });

  it('snapshot: every row of every captured table is the same read (op r) in both', () => {
    const a = fromEmbedded.filter((e) => e.value.op === 'r');
    const b = fromKafka.filter((e) => e.value.op === 'r');
    expect(a.length).toBeGreaterThan(10_000);
    expect(summarizeDifferences(compareEvents(a, b), columnType)).toEqual([]);
    expect(b.length).toBe(a.length);
    expect(b.map((e) => validateChangeEvent(e)).filter((r) => !r.ok).slice(0, 3)).toEqual([]);
    expect([...typesWithValues(b, columnType)].sort()).toEqual([...HP_LEGACY_TYPES, ...PROBE_TYPES].sort());
  });

  it('stream: inserts, updates (FULL and DEFAULT identity, TOAST unchanged, key changed) and deletes are the same events', async () => {
    const big = Array.from({ length: 4000 }, (_, i) => (i * 7919).toString(36)).join('·'); // TOASTed and not very compressible
    const q = (sql: string, params: unknown[] = []) => legacy.pool.query(sql, params);
    // DEFAULT identity: no before-image on update, key-only before-image on delete.
    await q(`UPDATE health_records SET value = 1e-7, value2 = 12345678.9, note = $1, measured_at = '2026-01-02 03:04:05.5' WHERE id = (SELECT min(id) FROM health_records)`, [`✓ ünïcødé\nline "quoted" \\ back ${big}`]);
    await q(`UPDATE health_records SET measured_at = '2026-01-02 03:04:05.000001', value = -0.0 WHERE id = (SELECT min(id) + 1 FROM health_records)`);
    await q(`UPDATE health_records SET measured_at = '2026-01-02 03:04:05.12', value = 'NaN', value2 = '-Infinity' WHERE id = (SELECT min(id) + 2 FROM health_records)`);
    await q(`UPDATE health_records SET value2 = 42.25, measured_at = '2026-01-02 03:04:05.123456' WHERE id = (SELECT min(id) FROM health_records)`); // note unchanged and TOASTed
    await q(`UPDATE assessments SET answers = jsonb_build_object('ficus', $1::text, 'n', 1.50, 'nested', jsonb_build_array(null, true, 'é')) WHERE id = (SELECT min(id) FROM assessments)`, [big]);
    await q(`UPDATE assessments SET summary = 'seen', score = NULL WHERE id = (SELECT min(id) FROM assessments)`); // answers unchanged and TOASTed
    // Random bytes do not compress, so the value is stored out of line (TOASTed).
    await q(`UPDATE res_company SET logo_web = (SELECT decode(string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), ''), 'hex') FROM generate_series(1, 20000)) WHERE id = 1`);
    await q(`UPDATE res_company SET phone = '+1 555 0100', active = true WHERE id = 1`); // logo_web unchanged and TOASTed
    await q(`INSERT INTO ir_attachment (name, type, db_datas, res_model, create_date) VALUES ('cdc.bin', 'binary', '\\x000102fffe', 'res.partner', now()), ('empty.bin', 'binary', '\\x', 'res.partner', now())`);
    await q(`DELETE FROM ratings WHERE id IN (SELECT id FROM ratings ORDER BY id LIMIT 3)`);
    await q(`UPDATE certifications SET expires_on = '2030-02-28', certified_on = NULL WHERE id = (SELECT min(id) FROM certifications)`);
    await q(`UPDATE notifications SET is_read = NOT coalesce(is_read, false), sent_at = NULL, title = 'it''s read' WHERE id IN (SELECT id FROM notifications ORDER BY id LIMIT 2)`);
    await q(`INSERT INTO content_tags (name, create_date) VALUES ('cdc tag', '2024-02-29 23:59:59.999999')`);
    await q(`UPDATE content_tags SET id = id + 100000 WHERE name = 'cdc tag'`); // key change: delete + create
    // FULL identity: whole before-images, TOAST included.
    await q(`UPDATE knowledge_contents SET body = $1, price = 123456789012345.678900 WHERE id = (SELECT min(id) FROM knowledge_contents)`, [big]);
    await q(`UPDATE knowledge_contents SET purchase_count = coalesce(purchase_count, 0) + 1, price = 0.0000001 WHERE id = (SELECT min(id) FROM knowledge_contents)`);
    await q(`UPDATE settlements SET period_start = period_start + 1, net = -0.5, fee = 0 WHERE id IN (SELECT id FROM settlements ORDER BY id LIMIT 2)`);
    await q(`UPDATE service_orders SET state = 'cancelled', completed_at = '2025-06-30 12:00:00.100' WHERE id IN (SELECT id FROM service_orders WHERE state <> 'cancelled' ORDER BY id LIMIT 2)`);
    await q(`DELETE FROM order_lines WHERE order_id = (SELECT min(id) FROM orders)`);
    await q(`DELETE FROM orders WHERE id = (SELECT min(id) FROM orders)`);
    await q(`INSERT INTO ${PROBE} VALUES (3, '{7}', '{"{braces}","NULL"}', '{""}', '{123456789.000,-1}', '{f}', '{2000-02-29}', '{"1970-01-01 00:00:00.000001"}', '{1e300,Infinity}', -9007199254740991, 7, '2030-01-01 00:00:00-05:30', '2030-01-01 00:00:00.1-05:30', '23:59:59.999999', 'PT0S', 'NaN')`);
    await q(`UPDATE ${PROBE} SET ints = ints || 4, stamps = NULL, at_tz = '2024-05-01 23:59:59.999+00', big = 9223372036854775807 WHERE id = 1`); // int8 beyond 2^53
    await q(`UPDATE ${PROBE} SET big = -9007199254740993, texts = '{"12345678901234567890"}' WHERE id = 3`);
    await q(`DELETE FROM ${PROBE} WHERE id = 2`);

    const inSync = async (target: TestDatabase) => (await compareTables(sourceClient(), target.pool as unknown as pg.ClientBase, TABLES)).length === 0;
    const streamed = (events: ChangeEvent[]) => events.filter((e) => e.value.op !== 'r');
    // Wait for the events, not for equal targets: a difference in encoding can keep a target
    // from converging, and the comparison below says which value it was.
    await waitUntil('the embedded target equal to the source', () => inSync(embeddedTarget), 60_000);
    await waitUntil('as many Debezium events', async () => streamed(fromKafka).length >= streamed(fromEmbedded).length, 60_000);
    await new Promise((r) => setTimeout(r, 1000)); // and no more than that
    const streamedA = streamed(fromEmbedded);
    const streamedB = streamed(fromKafka);
    expect(summarizeDifferences(compareEvents(streamedA, streamedB), columnType)).toEqual([]);
    expect(streamedB.length).toBe(streamedA.length);
    expect(streamedB.map((e) => validateChangeEvent(e)).filter((r) => !r.ok).slice(0, 3)).toEqual([]);
    expect(streamedB.some((e) => e.value.after?.big === '9223372036854775807')).toBe(true); // int8 past 2^53, exact
    expect([...new Set(streamedB.map((e) => e.value.op))].sort()).toEqual(['c', 'd', 'u']);
    expect([...typesWithValues(streamedB, columnType)].sort()).toEqual([...HP_LEGACY_TYPES, ...PROBE_TYPES].sort());
    // The cases the encoding rules single out did occur, so their equality above means something.
    const table = (e: ChangeEvent) => e.value.source.table;
    expect(streamedB.some((e) => table(e) === 'health_records' && e.value.op === 'u' && e.value.after?.note === '__debezium_unavailable_value')).toBe(true);
    expect(streamedB.some((e) => table(e) === 'res_company' && e.value.after?.logo_web === Buffer.from('__debezium_unavailable_value').toString('base64'))).toBe(true);
    expect(streamedB.some((e) => table(e) === 'knowledge_contents' && e.value.op === 'u' && e.value.before?.body === big)).toBe(true);
    expect(streamedB.filter((e) => table(e) === 'content_tags').map((e) => e.value.op)).toEqual(['c', 'd', 'c']);
    expect(streamedB.some((e) => table(e) === 'ratings' && e.value.op === 'd')).toBe(true);
    await waitUntil('the Kafka target equal to the source', () => inSync(kafkaTarget), 30_000);
  }, 120_000);

  it('each transport brought its own target to the source, through the same applier', async () => {
    expect(await compareTables(sourceClient(), embeddedTarget.pool as unknown as pg.ClientBase, TABLES)).toEqual([]);
    expect(await compareTables(sourceClient(), kafkaTarget.pool as unknown as pg.ClientBase, TABLES)).toEqual([]);
  });

  it("the Debezium slot's confirmed position advanced, and removing the capture leaves no slot", async () => {
    const slot = `ficus_${DEBEZIUM}`;
    // Debezium confirms what Kafka Connect has committed as source offsets (every second here).
    await waitUntil('confirmed_flush_lsn past the changes', async () => (await confirmedFlush(slot)) > flushAfterSnapshot, 30_000);
    await consumer?.stop();
    consumer = undefined;
    await capture?.remove();
    capture = undefined;
    await embedded?.stop();
    await embedded?.remove();
    embedded = undefined;
    const left = await slotNames(sourceClient());
    expect(left).not.toContain(slot);
    expect(left).not.toContain(`ficus_${EMBEDDED}`);
    const { rows } = await legacy.pool.query(`SELECT pubname FROM pg_publication WHERE pubname LIKE 'ficus_eq_%'`);
    expect(rows).toEqual([]);
  }, 60_000);
});
