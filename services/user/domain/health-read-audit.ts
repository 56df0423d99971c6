import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { HEALTH_MODEL_TABLES, isHealthModel, type HealthModel } from './health-read-access.ts';

/** How a read reached the service: its REST or FHIR routes, or an Odoo client's call (the gateway's transport). */
export type ReadProtocol = 'rest' | 'fhir' | 'xmlrpc' | 'xmlrpc-legacy' | 'jsonrpc' | 'web' | 'json2' | 'internal';

/*
 * Export to ops: every audit row is published as a `health_data_accessed` CloudEvent (its
 * contract in schemas/events/health_data_accessed.json, its type in the kit's EVENT_TYPES) by
 * the same statement that inserts the row, into svc_user's outbox: the row and its event commit
 * together, and the read path stays one statement per batch. The event's id is derived from the
 * row's id (`user-health-read-<id>`), so it names that row once whatever relays it; ops keeps it
 * in hp.audit.log (audit_logs) exactly once. The data is the row's columns (actor, subjects,
 * model, query kind, protocol, outcome, row count, time, request id): never a value.
 */

/**
 * One read of M02's rows, as svc_user's health_read_audit keeps it (migration 0002): who read
 * (`actorUid`), whose rows (`subjectUids`, or `recordIds` to resolve them from when the reader
 * only knows the records: an Odoo `read`), which model and what kind of query (`raw`,
 * `aggregate:day`, `search_read`, `Observation`…), through which protocol, and whether it was
 * granted. Never a value, a domain or a filter on values: those are health data themselves.
 */
export interface HealthReadEntry {
  actorUid: number;
  model: HealthModel;
  queryKind: string;
  protocol: ReadProtocol;
  outcome: 'granted' | 'refused';
  subjectUids?: readonly number[];
  recordIds?: readonly number[];
  rowCount?: number;
  requestId?: string;
}

/** Above this many entries a flush takes the first ones and the rest wait for the next (one INSERT stays small). */
const MAX_BATCH = 500;

interface Pending {
  row: AuditRow;
  done: { resolve(): void; reject(error: unknown): void };
}

interface AuditRow {
  read_at: string;
  actor_uid: number;
  subject_uids: number[] | null;
  record_ids: number[] | null;
  model: HealthModel;
  query_kind: string;
  protocol: ReadProtocol;
  outcome: 'granted' | 'refused';
  row_count: number | null;
  request_id: string | null;
}

/**
 * Writes the audit by group commit: `record` resolves once the entry is committed, so no read is
 * answered unaudited, yet concurrent reads share one INSERT. While a batch is being written, the
 * entries arriving meanwhile queue and go in the next one, started as soon as it ends: an idle
 * service writes each entry at once (one round trip), a busy one writes one statement per round
 * trip whatever the rate (bench/user.ts measures the cost). The audit is separate from the read's
 * own transaction, which a GET does not have and which may be the monolith's.
 */
export class HealthReadAudit {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly db: Kysely<any>) {}

  record(entry: HealthReadEntry): Promise<void> {
    const row: AuditRow = {
      // The time of the read, not of the flush.
      read_at: new Date().toISOString(),
      actor_uid: entry.actorUid,
      subject_uids: entry.subjectUids ? [...new Set(entry.subjectUids)] : null,
      record_ids: !entry.subjectUids && entry.recordIds ? [...new Set(entry.recordIds)] : null,
      model: entry.model,
      query_kind: entry.queryKind,
      protocol: entry.protocol,
      outcome: entry.outcome,
      row_count: entry.rowCount ?? null,
      request_id: entry.requestId ?? null,
    };
    const written = new Promise<void>((resolve, reject) => this.queue.push({ row, done: { resolve, reject } }));
    if (!this.flushing) this.flushing = this.flushAll();
    return written;
  }

  /** Resolves when everything recorded so far is written (a stop, a test). */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushAll(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await insertAuditRows(this.db, batch.map((p) => p.row));
          for (const p of batch) p.done.resolve();
        } catch (error) {
          for (const p of batch) p.done.reject(error);
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}

/** The outbox rows of the inserted audit rows (alias i): health_data_accessed CloudEvents, as the kit's OutboxWriter would write them. */
const AUDIT_EVENTS = sql`
  SELECT 'user-health-read-' || i.id, 'health_data_accessed', 'res.users/' || i.actor_uid,
         jsonb_build_object(
           'specversion', '1.0', 'id', 'user-health-read-' || i.id, 'source', '/ficus/user', 'type', 'health_data_accessed',
           'time', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'subject', 'res.users/' || i.actor_uid, 'datacontenttype', 'application/json',
           'dataschema', 'https://schemas.ficus.dev/events/health_data_accessed.json',
           'data', jsonb_build_object(
             'auditId', i.id, 'actorUid', i.actor_uid, 'subjectUids', to_jsonb(i.subject_uids), 'model', i.model,
             'queryKind', i.query_kind, 'protocol', i.protocol, 'outcome', i.outcome, 'rowCount', i.row_count,
             'readAt', to_char(i.read_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'requestId', i.request_id))
    FROM inserted i ORDER BY i.id`;

/**
 * One statement for a batch: the audit rows and their health_data_accessed events in the outbox
 * (one transaction, so neither exists without the other). An entry that names records instead
 * of users gets the records' owners from the model's table in the same statement (the rows are
 * in svc_user whenever an Odoo call reaches the service's engine).
 */
async function insertAuditRows(db: Kysely<any>, rows: readonly AuditRow[]): Promise<void> {
  const owners = sql.join(
    Object.entries(HEALTH_MODEL_TABLES).map(([model, table]) =>
      sql`WHEN ${model} THEN ARRAY(SELECT DISTINCT t.user_id FROM ${sql.table(table)} AS t WHERE t.id = ANY(e.record_ids) ORDER BY t.user_id)`),
    sql` `,
  );
  await sql`
    WITH inserted AS (
    INSERT INTO health_read_audit (read_at, actor_uid, subject_uids, model, query_kind, protocol, outcome, row_count, request_id)
    SELECT e.read_at, e.actor_uid,
           CASE WHEN e.record_ids IS NULL THEN e.subject_uids ELSE CASE e.model ${owners} END END,
           e.model, e.query_kind, e.protocol, e.outcome, e.row_count, e.request_id
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS e(
        read_at timestamptz, actor_uid integer, subject_uids integer[], record_ids integer[], model text,
        query_kind text, protocol text, outcome text, row_count integer, request_id text)
    RETURNING id, read_at, actor_uid, subject_uids, model, query_kind, protocol, outcome, row_count, request_id)
    INSERT INTO outbox (id, type, aggregate_id, payload) ${AUDIT_EVENTS}`.execute(db);
}

const writers = new WeakMap<object, HealthReadAudit>();

/** The audit writer of a service database (one per Kysely instance, so concurrent requests share its batches). */
export function healthReadAudit(db: Kysely<any>): HealthReadAudit {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new HealthReadAudit(db)));
  return writer;
}

/**
 * The Odoo methods that read M02's rows or tell something about them (ids, counts, groups):
 * what the gateway's calls are audited for. Metadata (fields_get, default_get, check_access_rights)
 * reads no rows.
 */
export const AUDITED_READ_METHODS: ReadonlySet<string> = new Set([
  'read', 'search_read', 'web_search_read', 'web_read', 'search', 'search_count', 'search_fetch', 'fetch',
  'read_group', 'web_read_group', 'read_progress_bar', 'name_search', 'name_get', 'export_data',
]);

/** Record ids an Odoo read answered with, when its answer names records (read, search, name_search…); undefined for aggregates. */
export function recordIdsOfAnswer(method: string, answer: unknown): number[] | undefined {
  const idOf = (item: unknown): number | undefined => {
    if (typeof item === 'number') return item;
    if (Array.isArray(item) && typeof item[0] === 'number') return item[0];
    if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'number') return (item as { id: number }).id;
    return undefined;
  };
  if (method === 'search_count' || method === 'read_group' || method === 'web_read_group' || method === 'read_progress_bar') return undefined;
  const list = Array.isArray(answer)
    ? answer
    : answer && typeof answer === 'object' && Array.isArray((answer as { records?: unknown }).records) ? (answer as { records: unknown[] }).records : undefined;
  if (!list) return undefined;
  return list.map(idOf).filter((id): id is number => id !== undefined);
}

/**
 * The observer the user service's Odoo face gives the kit (OdooFace.callObserver): every read of
 * the four M02 models an Odoo client makes of svc_user after cutover is audited before its answer
 * goes back, with the gateway's transport as the protocol (calls Ficus makes itself, such as
 * shadow reads, are `internal`).
 */
export function auditOdooReads(pool: pg.Pool): (call: { uid: number; model: string; method: string; transport?: string }, answer: unknown) => Promise<void> {
  const audit = healthReadAudit(new Kysely<any>({ dialect: new PostgresDialect({ pool }) }));
  return async (call, answer) => {
    if (!isHealthModel(call.model) || !AUDITED_READ_METHODS.has(call.method)) return;
    const recordIds = recordIdsOfAnswer(call.method, answer);
    // A count is what search_count read (not a value of anyone's health data).
    const rowCount = recordIds ? recordIds.length : call.method === 'search_count' && typeof answer === 'number' ? answer : undefined;
    await audit.record({
      actorUid: call.uid,
      model: call.model,
      queryKind: call.method,
      protocol: (call.transport ?? 'internal') as ReadProtocol,
      outcome: 'granted',
      ...(recordIds ? { recordIds } : {}),
      ...(rowCount !== undefined ? { rowCount } : {}),
    });
  };
}
