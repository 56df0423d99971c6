// Debezium PostgreSQL connector config + registration through the Kafka Connect REST API.
// Pure config building is separate from HTTP so it can be unit-tested and reviewed on its own.

export type SnapshotMode =
  | 'initial' | 'always' | 'initial_only' | 'no_data' | 'when_needed' | 'configuration_based' | 'custom';

export interface ConnectorDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  dbname: string;
}

/** Debezium takes the database as separate settings; Ficus passes URLs around. */
export function connectorDatabase(databaseUrl: string): ConnectorDatabase {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    dbname: decodeURIComponent(url.pathname.slice(1)),
  };
}

export interface PostgresConnectorOptions {
  /** Connector name in Connect (also used in logs/metrics). */
  name: string;
  database: ConnectorDatabase;
  slotName: string;
  /** Ficus creates this publication itself with an explicit table list (see publicationAutocreate). */
  publicationName: string;
  /**
   * 'disabled' (default): the publication must already exist; the connector only uses it.
   * 'filtered': Debezium runs CREATE PUBLICATION ... FOR TABLE <tableIncludeList> (needs table ownership).
   * 'all_tables' is deliberately not offered: FOR ALL TABLES makes UPDATE/DELETE fail in Odoo on
   * every table without a primary key / replica identity (notes/cdc.md §2.5).
   */
  publicationAutocreate?: 'disabled' | 'filtered';
  /** Plain `schema.table` names; escaped into Debezium's regex list. */
  tableIncludeList: string[];
  /**
   * Topics become `<topicPrefix>.<schema>.<table>`. Must be unique per Connect worker: Debezium
   * names its JMX metrics after it, and a second connector with the same prefix stalls ~60 s
   * ("Unable to register metrics as an old set with the same name") and never streams.
   */
  topicPrefix: string;
  snapshotMode?: SnapshotMode;
  /** Keeps the slot's confirmed LSN moving on quiet databases; 0 disables. Default 10000. */
  heartbeatIntervalMs?: number;
  /** e.g. an upsert into a heartbeat table that is in the publication. */
  heartbeatActionQuery?: string;
  /** Only for throwaway test databases: drop the slot when the connector stops. */
  slotDropOnStop?: boolean;
  /** Escape hatch for any other Debezium/Connect key; wins over the defaults above. */
  extra?: Record<string, string>;
}

/** Regex-escape a table name: Debezium treats include-list entries as anchored regexes. */
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function postgresConnectorConfig(o: PostgresConnectorOptions): Record<string, string> {
  if (o.tableIncludeList.length === 0) throw new Error('tableIncludeList must name at least one table');
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1', // the Postgres connector always runs a single task
    // pgoutput is built into Postgres >= 10; the default (decoderbufs) needs a server extension.
    'plugin.name': 'pgoutput',
    'database.hostname': o.database.host,
    'database.port': String(o.database.port),
    'database.user': o.database.user,
    'database.password': o.database.password,
    'database.dbname': o.database.dbname,
    'topic.prefix': o.topicPrefix,
    'slot.name': o.slotName,
    'slot.drop.on.stop': String(o.slotDropOnStop ?? false),
    'publication.name': o.publicationName,
    'publication.autocreate.mode': o.publicationAutocreate ?? 'disabled',
    'table.include.list': o.tableIncludeList.map(escapeRegex).join(','),
    'snapshot.mode': o.snapshotMode ?? 'initial',
    // Plain JSON envelopes for TypeScript consumers: no {schema, payload} wrapper.
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    // Odoo money/float columns are unconstrained numeric: "12.3456" instead of {scale, base64}.
    'decimal.handling.mode': 'string',
    // isostring (Debezium >= 3.1): timestamp -> "2024-05-01T10:00:00.123456Z", date -> "2024-05-01Z",
    // time -> "04:05:11.789Z"; timestamptz is an ISO string in every mode. The alternatives
    // adaptive/adaptive_time_microseconds/connect/microseconds all give epoch numbers (days, µs, ms).
    'time.precision.mode': 'isostring',
    'interval.handling.mode': 'string', // ISO-8601 durations instead of approximate µs
    // bytes, not base64: JsonConverter writes BYTES as base64 anyway, so the JSON is the same
    // string, but Debezium 3.5's base64 converter turns an unchanged TOASTed bytea into null
    // (it does not know the placeholder; convertBinaryToBytes does), which an applier would write
    // over the real value. Found by test/cdc/distributed/equivalence.test.ts.
    'binary.handling.mode': 'bytes',
    'heartbeat.interval.ms': String(o.heartbeatIntervalMs ?? 10000),
    ...(o.heartbeatActionQuery ? { 'heartbeat.action.query': o.heartbeatActionQuery } : {}),
    // Lets pgjdbc confirm keepalive LSNs while idle, so WAL is not held on a quiet DB (>= 3.4).
    'lsn.flush.mode': 'connector_and_driver',
    'tombstones.on.delete': 'true',
    'poll.interval.ms': '100', // default 500 ms adds that much latency to every quiet-period event
    // Single broker: Debezium's topics need RF 1 (Connect creates them with these).
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '1',
    ...o.extra,
  };
}

export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
}

async function connectJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function connectorStatus(connectUrl: string, name: string): Promise<ConnectorStatus | null> {
  const r = await connectJson(`${connectUrl}/connectors/${encodeURIComponent(name)}/status`);
  return r.status === 200 ? (r.body as ConnectorStatus) : null;
}

/**
 * Creates or updates (PUT is idempotent) the connector, then waits until the connector AND its
 * task are RUNNING. A connector can be RUNNING while its task FAILED, so both are checked.
 * RUNNING means the slot exists and the task started; the initial snapshot may still be running.
 */
export async function registerPostgresConnector(
  connectUrl: string,
  opts: PostgresConnectorOptions & { timeoutMs?: number },
): Promise<void> {
  const existing = await connectJson(`${connectUrl}/connectors?expand=info`);
  for (const [other, info] of Object.entries((existing.body ?? {}) as Record<string, { info: { config: Record<string, string> } }>)) {
    if (other !== opts.name && info.info.config['topic.prefix'] === opts.topicPrefix) {
      throw new Error(`topic.prefix '${opts.topicPrefix}' is already used by connector '${other}' (must be unique per worker)`);
    }
  }
  const put = await connectJson(`${connectUrl}/connectors/${encodeURIComponent(opts.name)}/config`, {
    method: 'PUT',
    body: JSON.stringify(postgresConnectorConfig(opts)),
  });
  if (put.status !== 200 && put.status !== 201) {
    throw new Error(`register ${opts.name}: HTTP ${put.status} ${JSON.stringify(put.body)}`);
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let last: ConnectorStatus | null = null;
  while (Date.now() < deadline) {
    last = await connectorStatus(connectUrl, opts.name);
    const failed = last && [last.connector, ...last.tasks].find((s) => s.state === 'FAILED');
    if (failed) throw new Error(`connector ${opts.name} FAILED: ${failed.trace ?? '(no trace)'}`);
    if (last?.connector.state === 'RUNNING' && last.tasks.length > 0 && last.tasks.every((t) => t.state === 'RUNNING')) {
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`connector ${opts.name} not RUNNING after ${opts.timeoutMs ?? 120_000} ms: ${JSON.stringify(last)}`);
}

/** Removes the connector (its offsets and slot stay unless slot.drop.on.stop). 404 is fine. */
export async function deleteConnector(connectUrl: string, name: string): Promise<void> {
  const r = await connectJson(`${connectUrl}/connectors/${encodeURIComponent(name)}`, { method: 'DELETE' });
  if (r.status !== 204 && r.status !== 404) throw new Error(`delete ${name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
}
