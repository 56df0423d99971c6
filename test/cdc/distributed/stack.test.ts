// End to end: embedded PostgreSQL 18 (wal_level=logical) -> Debezium PostgreSQL connector in
// Kafka Connect -> Kafka 4.1 KRaft broker -> kafkajs consumer. Real JVMs from the Maven cache
// (`bash cdc/distributed/cdc.sh fetch` first; startKafkaStack also fetches if missing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from '../../../runtime/embedded-postgres-module.ts';
import pg from 'pg';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { registerPostgresConnector, startKafkaStack, type KafkaStack } from '../../../cdc/distributed/stack.ts';

const TOPIC_PREFIX = 'ficus';
const TOPIC = `${TOPIC_PREFIX}.public.cdc_probe`;
// Its own prefix: Debezium's JMX metric names are keyed by topic.prefix, one per worker.
const FILTERED_PREFIX = 'ficus_filtered';
const FILTERED_TOPIC = `${FILTERED_PREFIX}.public.cdc_filtered`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Received { topic: string; key: unknown; value: any; }
const received: Received[] = [];
const parse = (b: Buffer | null): unknown => (b === null ? null : JSON.parse(b.toString('utf8')));

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(received, null, 1)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const findEvent = (topic: string, op: string, id: number) =>
  received.find((m) => m.topic === topic && m.value?.op === op && (m.value.after ?? m.value.before)?.id === id);

describe('distributed CDC stack (Kafka KRaft + Connect + Debezium postgres)', () => {
  let pgDir: string;
  let pgServer: EmbeddedPostgres;
  let db: pg.Client;
  let dbPort: number;
  let stack: KafkaStack;
  let consumer: Consumer | undefined;
  const t0 = Date.now();
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    pgDir = await mkdtemp(join(tmpdir(), 'ficus-cdc-pg-'));
    await chmod(pgDir, 0o777); // the postgres user (created below when root) must be able to write here
    dbPort = await freePort();
    pgServer = new EmbeddedPostgres({
      databaseDir: join(pgDir, 'data'),
      port: dbPort,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      // Postgres refuses to run as root; the library then runs it as a (created) postgres user.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'wal_level=logical', '-c', 'max_replication_slots=20', '-c', 'max_wal_senders=20'],
      onLog: () => undefined,
    });
    // Postgres and the two JVMs start in parallel: the JVMs dominate, on 2 cores this still helps.
    const stackStart = Date.now();
    const [, started] = await Promise.all([
      (async () => {
        await pgServer.initialise();
        await pgServer.start();
      })(),
      // FICUS_CDC_KEEP_STATE=1 keeps the state dir (configs, broker data, logs/) for diagnosis.
      startKafkaStack({ log: (l) => console.log(l), keepState: !!process.env.FICUS_CDC_KEEP_STATE }).then((s) => {
        timings.stackStartMs = Date.now() - stackStart;
        return s;
      }),
    ]);
    stack = started;

    db = new pg.Client({ host: '127.0.0.1', port: dbPort, user: 'postgres', password: 'postgres', database: 'postgres' });
    await db.connect();
    await db.query(`
      CREATE TABLE public.cdc_probe (
        id integer PRIMARY KEY, amount numeric, code varchar(16), note text, active boolean,
        day date, at timestamp, meta jsonb, blob bytea);
      -- FULL: update/delete events carry the whole old row, not just the key
      ALTER TABLE public.cdc_probe REPLICA IDENTITY FULL;
      INSERT INTO public.cdc_probe VALUES
        (1, 12.3456, 'A-1', 'snapshot row', true, '2024-05-01', '2024-05-01 10:00:00.123456',
         '{"en_US": "Azure"}', '\\x01020304');
      -- Ficus creates the publication itself, with an explicit table list (never FOR ALL TABLES)
      CREATE PUBLICATION ficus_probe_pub FOR TABLE public.cdc_probe;
      CREATE TABLE public.cdc_filtered (id integer PRIMARY KEY, label text);
      CREATE TABLE public.not_captured (id integer); -- no PK: must stay writable (not in any publication)
    `);
  }, 300_000);

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await stack?.stop();
    await db?.end().catch(() => undefined);
    await pgServer?.stop().catch(() => undefined);
    if (pgDir) await rm(pgDir, { recursive: true, force: true });
    console.log(`[cdc test] timings ms: ${JSON.stringify({ ...timings, testTotalMs: Date.now() - t0 })}`);
  }, 120_000);

  const database = () => ({ host: '127.0.0.1', port: dbPort, user: 'postgres', password: 'postgres', dbname: 'postgres' });

  it('snapshots, then streams insert/update/delete as Debezium JSON envelopes', async () => {
    let t = Date.now();
    await registerPostgresConnector(stack.connectUrl, {
      name: 'probe',
      database: database(),
      slotName: 'ficus_probe_slot',
      publicationName: 'ficus_probe_pub',
      publicationAutocreate: 'disabled',
      tableIncludeList: ['public.cdc_probe'],
      topicPrefix: TOPIC_PREFIX,
      snapshotMode: 'initial',
      heartbeatIntervalMs: 5000,
      slotDropOnStop: true,
    });
    timings.connectorRunningMs = Date.now() - t;

    const kafka = new Kafka({ clientId: 'ficus-cdc-test', brokers: [stack.brokers], logLevel: logLevel.WARN });
    // kafkajs only subscribes to topics that exist; Debezium creates it with the snapshot event.
    const admin = kafka.admin();
    await admin.connect();
    await waitFor('snapshot topic', async () => (await admin.listTopics()).includes(TOPIC) || undefined);
    await admin.disconnect();
    consumer = kafka.consumer({ groupId: 'ficus-cdc-test' });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }: { topic: string; message: KafkaMessage }) => {
        received.push({ topic, key: parse(message.key), value: parse(message.value) });
      },
    });

    // Snapshot read of the pre-existing row, with Ficus' type handling.
    const snap = await waitFor('snapshot event', () => findEvent(TOPIC, 'r', 1));
    timings.firstEventMs = Date.now() - t;
    expect(snap.key).toEqual({ id: 1 });
    expect(snap.value.before).toBeNull();
    expect(snap.value.after).toEqual({
      id: 1,
      amount: '12.3456', // decimal.handling.mode=string
      code: 'A-1',
      note: 'snapshot row',
      active: true,
      day: '2024-05-01Z', // time.precision.mode=isostring (note the trailing Z on dates)
      at: '2024-05-01T10:00:00.123456Z',
      meta: '{"en_US": "Azure"}', // jsonb arrives as a JSON string
      blob: 'AQIDBA==', // binary.handling.mode=base64
    });
    expect(snap.value.source).toMatchObject({ connector: 'postgresql', name: TOPIC_PREFIX, db: 'postgres', schema: 'public', table: 'cdc_probe' });
    expect(snap.value.source.snapshot).not.toBe('false');

    // Streaming only starts after the snapshot; wait for the slot to be in use before writing.
    await waitFor('slot active', async () =>
      (await db.query(`SELECT active FROM pg_replication_slots WHERE slot_name = 'ficus_probe_slot'`)).rows[0]?.active || undefined);

    t = Date.now();
    await db.query(`INSERT INTO public.cdc_probe VALUES
      (2, 99.50, 'B-2', 'new', false, '2025-12-31', '2025-12-31 23:59:59.5', '{"a": [1, 2]}', '\\xdeadbeef')`);
    await db.query(`UPDATE public.cdc_probe SET amount = 100.25, active = true, note = 'changed' WHERE id = 2`);
    await db.query(`DELETE FROM public.cdc_probe WHERE id = 2`);
    await db.query(`INSERT INTO public.not_captured VALUES (1); UPDATE public.not_captured SET id = 2; DELETE FROM public.not_captured`);

    const c = await waitFor('insert event', () => findEvent(TOPIC, 'c', 2));
    timings.insertToEventMs = Date.now() - t;
    const u = await waitFor('update event', () => findEvent(TOPIC, 'u', 2));
    const d = await waitFor('delete event', () => findEvent(TOPIC, 'd', 2));
    const tomb = await waitFor('tombstone', () =>
      received.find((m) => m.topic === TOPIC && m.value === null && (m.key as { id: number }).id === 2));

    expect(c.key).toEqual({ id: 2 });
    expect(c.value.before).toBeNull();
    expect(c.value.after).toEqual({
      id: 2, amount: '99.50', code: 'B-2', note: 'new', active: false, day: '2025-12-31Z',
      at: '2025-12-31T23:59:59.5Z' /* isostring trims trailing fraction zeros */, meta: '{"a": [1, 2]}', blob: '3q2+7w==',
    });
    expect(c.value.source.snapshot).toBe('false');

    expect(u.key).toEqual({ id: 2 });
    expect(u.value.before).toMatchObject({ id: 2, amount: '99.50', active: false, note: 'new' }); // FULL identity
    expect(u.value.after).toMatchObject({ id: 2, amount: '100.25', active: true, note: 'changed', code: 'B-2' });

    expect(d.key).toEqual({ id: 2 });
    expect(d.value.after).toBeNull();
    expect(d.value.before).toMatchObject({ id: 2, amount: '100.25', note: 'changed' });
    expect(tomb.value).toBeNull();

    // LSNs are numbers and strictly increase across the three committed transactions.
    const lsns = [c, u, d].map((e) => e.value.source.lsn as number);
    for (const l of lsns) expect(typeof l).toBe('number');
    expect(lsns[0]!).toBeLessThan(lsns[1]!);
    expect(lsns[1]!).toBeLessThan(lsns[2]!);
    for (const e of [c, u, d]) {
      expect(typeof e.value.source.txId).toBe('number');
      expect(e.value.ts_ms).toBeGreaterThanOrEqual(e.value.source.ts_ms);
    }
    // Nothing from tables outside the publication / include list.
    expect(received.every((m) => m.topic === TOPIC)).toBe(true);
  }, 240_000);

  it('publication.autocreate.mode=filtered creates a FOR TABLE publication, never FOR ALL TABLES', async () => {
    await expect(registerPostgresConnector(stack.connectUrl, {
      name: 'clash', database: database(), slotName: 'x', publicationName: 'x',
      tableIncludeList: ['public.cdc_filtered'], topicPrefix: TOPIC_PREFIX,
    })).rejects.toThrow(/already used by connector 'probe'/);

    const t = Date.now();
    await registerPostgresConnector(stack.connectUrl, {
      name: 'filtered',
      database: database(),
      slotName: 'ficus_filtered_slot',
      publicationName: 'ficus_filtered_pub', // does not exist yet: Debezium creates it
      publicationAutocreate: 'filtered',
      tableIncludeList: ['public.cdc_filtered'],
      topicPrefix: FILTERED_PREFIX,
      snapshotMode: 'no_data',
      slotDropOnStop: true,
    });
    timings.filteredConnectorRunningMs = Date.now() - t;
    const pub = await db.query(
      `SELECT p.puballtables, array_agg(t.tablename::text) AS tables FROM pg_publication p
       LEFT JOIN pg_publication_tables t ON t.pubname = p.pubname WHERE p.pubname = 'ficus_filtered_pub' GROUP BY 1`);
    expect(pub.rows).toEqual([{ puballtables: false, tables: ['cdc_filtered'] }]);

    await waitFor('slot active', async () =>
      (await db.query(`SELECT active FROM pg_replication_slots WHERE slot_name = 'ficus_filtered_slot'`)).rows[0]?.active || undefined);
    await db.query(`INSERT INTO public.cdc_filtered VALUES (7, 'seven')`);
    // A second consumer group on the new topic (kafkajs cannot add topics to a running consumer).
    const kafka = new Kafka({ clientId: 'ficus-cdc-test-2', brokers: [stack.brokers], logLevel: logLevel.WARN });
    const admin = kafka.admin();
    await admin.connect();
    await waitFor('filtered topic', async () => (await admin.listTopics()).includes(FILTERED_TOPIC) || undefined);
    await admin.disconnect();
    const c2 = kafka.consumer({ groupId: 'ficus-cdc-test-2' });
    await c2.connect();
    try {
      await c2.subscribe({ topics: [FILTERED_TOPIC], fromBeginning: true });
      await c2.run({ eachMessage: async ({ topic, message }) => { received.push({ topic, key: parse(message.key), value: parse(message.value) }); } });
      const ev = await waitFor('filtered insert', () => findEvent(FILTERED_TOPIC, 'c', 7));
      expect(ev.key).toEqual({ id: 7 });
      expect(ev.value.after).toEqual({ id: 7, label: 'seven' });
    } finally {
      await c2.disconnect();
    }
  }, 180_000);

  it('stop() ends both JVMs', async () => {
    const pids = await Promise.all(['kafka', 'connect'].map(async (n) => Number(await readFile(join(stack.stateDir, `${n}.pid`), 'utf8'))));
    await consumer?.disconnect();
    consumer = undefined;
    const t = Date.now();
    await stack.stop();
    timings.stopMs = Date.now() - t;
    for (const pid of pids) {
      expect(() => process.kill(pid, 0)).toThrow(); // ESRCH: no such process
    }
  }, 120_000);
});
