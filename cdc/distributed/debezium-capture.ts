import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { dropSlot } from '../embedded/slot.ts';
import { splitQualified } from '../apply/target-tables.ts';
import { dropPublication, ensurePublication } from '../setup/publication.ts';
import { ensureReplicaIdentityFull } from '../setup/replica-identity.ts';
import { connectorDatabase, deleteConnector, registerPostgresConnector, type SnapshotMode } from './connector.ts';
import { withSetupClient } from '../setup/setup-client.ts';

export interface DebeziumCaptureOptions {
  connectUrl: string;
  brokers: string;
  /** The legacy database, `postgres://user:password@host:port/db` (the user needs REPLICATION). */
  sourceUrl: string;
  /** Connector, slot and publication are all `ficus_<purpose>`, as for the embedded reader. */
  purpose: string;
  tables: readonly string[];
  /** Same list as the embedded reader's, so both transports carry the same before-images. */
  replicaIdentityFull?: readonly string[];
  /** Debezium's topic.prefix (source.name of the events). Default `ficus_<purpose>`. */
  topicPrefix?: string;
  snapshotMode?: SnapshotMode;
  heartbeatIntervalMs?: number;
  /** Any other connector setting (wins over the defaults). */
  extra?: Record<string, string>;
}

export interface DebeziumCapture {
  name: string;
  /** One topic per table, `<prefix>.<schema>.<table>`, in the order of `tables`. */
  topics: string[];
  /** Captured tables whose replica identity is DEFAULT (deletes log the key only): KafkaSource's keyOnlyDeleteTables. */
  defaultIdentityTables: string[];
  /**
   * Connect's STOPPED state (config and offsets kept, no task, no replication connection): the
   * slot keeps what is written meanwhile, a backlog for the benchmark. (PAUSED would leave the
   * task reading the slot into Debezium's queue.)
   */
  stop(): Promise<void>;
  resume(): Promise<void>;
  /** Deletes the connector, then drops its slot and publication: nothing is left in the source. */
  remove(): Promise<void>;
}

export const debeziumTopic = (prefix: string, table: string): string => `${prefix}.${splitQualified(table).join('.')}`;

/**
 * The distributed counterpart of EmbeddedSource's setup: the same publication and replica
 * identity functions (so both transports publish the same tables the same way), topics created
 * up front (kafkajs cannot subscribe to a topic that does not exist yet, and an empty table
 * never makes Debezium create its topic), then the connector on slot `ficus_<purpose>`.
 */
export async function startDebeziumCapture(o: DebeziumCaptureOptions): Promise<DebeziumCapture> {
  const name = `ficus_${o.purpose}`;
  const prefix = o.topicPrefix ?? name;
  const topics = o.tables.map((t) => debeziumTopic(prefix, t));
  const defaultIdentityTables = await withSetupClient(o.sourceUrl, async (client) => {
    await ensureReplicaIdentityFull(client, (o.replicaIdentityFull ?? []).filter((t) => o.tables.includes(t)));
    await ensurePublication(client, { name, tables: o.tables });
    return readDefaultIdentityTables(client, o.tables);
  });
  await ensureTopics(o.brokers, topics);
  await registerPostgresConnector(o.connectUrl, {
    name,
    database: connectorDatabase(o.sourceUrl),
    slotName: name,
    publicationName: name,
    publicationAutocreate: 'disabled',
    tableIncludeList: [...o.tables],
    topicPrefix: prefix,
    snapshotMode: o.snapshotMode ?? 'initial',
    heartbeatIntervalMs: o.heartbeatIntervalMs ?? 10_000,
    ...(o.extra ? { extra: o.extra } : {}),
  });
  const state = (verb: 'stop' | 'resume') => async () => {
    const res = await fetch(`${o.connectUrl}/connectors/${encodeURIComponent(name)}/${verb}`, { method: 'PUT' });
    if (res.status !== 202 && res.status !== 204) throw new Error(`${verb} ${name}: HTTP ${res.status} ${await res.text()}`);
    await waitForConnectorState(o.connectUrl, name, verb === 'stop' ? 'STOPPED' : 'RUNNING');
  };
  return {
    name,
    topics,
    defaultIdentityTables,
    stop: state('stop'),
    resume: state('resume'),
    async remove() {
      await deleteConnector(o.connectUrl, name);
      await withSetupClient(o.sourceUrl, async (client) => {
        // The task's walsender lingers a moment after the connector is gone; dropSlot waits for it.
        await dropSlot(client, name);
        await dropPublication(client, name);
      });
    },
  };
}

export async function readDefaultIdentityTables(client: pg.ClientBase, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT k.name FROM unnest($1::text[]) AS k(name)
       JOIN pg_class c ON c.oid = to_regclass(k.name) WHERE c.relreplident = 'd'`,
    [tables],
  );
  return rows.map((r) => r.name);
}

async function ensureTopics(brokers: string, topics: readonly string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'ficus-cdc-setup', brokers: brokers.split(','), logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    // One partition per table: Debezium's per-table order is the order the applier relies on.
    if (missing.length) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })) });
  } finally {
    await admin.disconnect();
  }
}

async function waitForConnectorState(connectUrl: string, name: string, wanted: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${connectUrl}/connectors/${encodeURIComponent(name)}/status`);
    const status = res.ok ? ((await res.json()) as { connector: { state: string }; tasks: { state: string }[] }) : null;
    // A STOPPED connector has no tasks; a RUNNING one must have them all running.
    const tasksReady = wanted === 'STOPPED' ? status?.tasks.length === 0 : !!status && status.tasks.length > 0 && status.tasks.every((t) => t.state === wanted);
    if (status && status.connector.state === wanted && tasksReady) return;
    if (Date.now() > deadline) throw new Error(`connector ${name} not ${wanted} after ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

