/**
 * The one change-event model of Ficus: Debezium's PostgreSQL envelope, as Debezium 3.x writes it
 * with JsonConverter (schemas.enable=false), decimal.handling.mode=string,
 * time.precision.mode=isostring, binary.handling.mode=bytes (base64 in JSON), interval.handling.mode=string.
 * The embedded reader builds exactly this; the Kafka consumer receives exactly this. The value
 * encoding per PostgreSQL type is written down in cdc/README.md ("Value encoding").
 */

/** c create, u update, d delete, r snapshot read. (t truncate and m message are not row changes.) */
export type ChangeOp = 'c' | 'u' | 'd' | 'r';

/** A column value in the agreed encoding (see cdc/README.md); `null` is SQL NULL. */
export type ColumnValue = string | number | boolean | null | ColumnValue[];

/** One row image: column name → encoded value. */
export type RowImage = Record<string, ColumnValue>;

/**
 * Debezium's `snapshot` is a string enum (not a boolean): "true"/"first"/"last"/… during a
 * snapshot, "false" for streamed changes.
 */
export type SnapshotMarker =
  | 'true'
  | 'first'
  | 'first_in_data_collection'
  | 'last_in_data_collection'
  | 'last'
  | 'false'
  | 'incremental';

export interface ChangeSource {
  version: string;
  connector: 'postgresql';
  /** Debezium's topic.prefix; the embedded reader uses its slot name. */
  name: string;
  /** Commit time of the source transaction (snapshot: when the row was read). */
  ts_ms: number;
  snapshot: SnapshotMarker;
  db: string;
  /** Debezium: JSON array string `["<lastCommitLsn>","<lsn>"]`. */
  sequence?: string | null;
  ts_us?: number;
  ts_ns?: number;
  schema: string;
  table: string;
  txId: number | null;
  /**
   * WAL position of this change (snapshot events: the slot's consistent point). Per primary key
   * it only grows between streamed changes, because a row is locked until its writer commits.
   */
  lsn: number | null;
  xmin?: number | null;
  /** Replication origin name of the writing session; Ficus's own appliers write `ficus_*`. */
  origin?: string | null;
  origin_lsn?: number | null;
}

export interface ChangeEventValue {
  before: RowImage | null;
  after: RowImage | null;
  source: ChangeSource;
  transaction?: { id: string; total_order: number; data_collection_order: number } | null;
  op: ChangeOp;
  /** When the reader (or connector) processed the event. */
  ts_ms: number;
  ts_us?: number;
  ts_ns?: number;
}

/** Kafka message key: the primary-key columns. */
export type ChangeEventKey = Record<string, ColumnValue>;

/** What an applier consumes, whatever transport carried it. */
export interface ChangeEvent {
  key: ChangeEventKey;
  value: ChangeEventValue;
}

export const DEBEZIUM_COMPATIBLE_VERSION = '3.5.2.Final';

export function isSnapshotEvent(event: ChangeEventValue): boolean {
  return event.op === 'r' || (event.source.snapshot !== 'false' && event.source.snapshot !== 'incremental');
}

/** `schema.table`, the name appliers and metrics use. */
export function qualifiedTable(event: ChangeEventValue): string {
  return `${event.source.schema}.${event.source.table}`;
}
