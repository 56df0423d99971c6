import type { ChangeEvent, ChangeEventKey, ChangeEventValue } from '../events/change-event.ts';

const ROW_OPS = new Set(['c', 'u', 'd', 'r']);

/**
 * One Kafka record written by the Debezium PostgreSQL connector (JsonConverter, schemas off) →
 * the project's ChangeEvent, or null for what is not a row change: tombstones (value null, sent
 * after every delete so compaction can drop the key), heartbeats (their own topic, no `op`),
 * truncates and logical-decoding messages. The envelope already is the shared model
 * (cdc/README.md, "Value encoding"), so nothing is re-encoded here: a difference between the
 * transports must be fixed at its origin, where the equivalence test points.
 */
export function decodeDebeziumRecord(key: Buffer | null, value: Buffer | null, keyOnlyDeletes?: ReadonlySet<string>): ChangeEvent | null {
  if (value === null || value.length === 0) return null;
  const envelope = parseJson(value.toString('utf8')) as Partial<ChangeEventValue> | null;
  if (!envelope || typeof envelope.op !== 'string' || !ROW_OPS.has(envelope.op) || !envelope.source) return null;
  const parsedKey = key === null || key.length === 0 ? null : (parseJson(key.toString('utf8')) as ChangeEventKey | null);
  if (!parsedKey || typeof parsedKey !== 'object') {
    // Debezium keys every captured table by its primary key; a keyless row change would be a
    // table without one, which ensurePublication refuses.
    throw new Error(`Debezium change to ${envelope.source.schema}.${envelope.source.table} without a key`);
  }
  restoreMetadataNumbers(envelope as Record<string, unknown>);
  restoreMetadataNumbers(envelope.source as unknown as Record<string, unknown>);
  const event = { key: parsedKey, value: envelope as ChangeEventValue };
  if (event.value.op === 'd' && keyOnlyDeletes?.has(`${event.value.source.schema}.${event.value.source.table}`)) keyOnlyBefore(event);
  return event;
}

/**
 * A delete on a DEFAULT-identity table logs only the key, and pgoutput marks the other columns
 * null; Debezium then writes its schema's fallback for every NOT NULL one (0, "", false) — values
 * it never read. The envelope says "key columns only, others null" (cdc/README.md), as the
 * embedded reader writes it, so an applier or bridge cannot mistake a fallback for data.
 */
function keyOnlyBefore(event: ChangeEvent): void {
  const before = event.value.before;
  if (!before) return;
  for (const column of Object.keys(before)) if (!(column in event.key)) before[column] = null;
}

/** A JSON string literal, or an integer literal of 16+ digits (the only ones that can pass 2^53). */
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|-?\d{16,}(?![.\deE])/g;

/**
 * JSON.parse, except that integers beyond 2^53 become strings of their digits, as the embedded
 * encoder writes an int8 it cannot hold exactly (cdc/README.md); JSON.parse would round them.
 * Strings are matched first, so digits inside them are left alone.
 */
function parseJson(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  return JSON.parse(
    text.replace(STRING_OR_LONG_INTEGER, (token) => (token.startsWith('"') || Number.isSafeInteger(Number(token)) ? token : `"${token}"`)),
  );
}

/** Envelope fields that are numbers in the schema even past 2^53 (ts_ns is): parseJson quoted them. */
const METADATA_NUMBERS = ['ts_ms', 'ts_us', 'ts_ns', 'lsn', 'txId', 'xmin', 'origin_lsn'];

function restoreMetadataNumbers(object: Record<string, unknown> | undefined): void {
  if (!object) return;
  for (const name of METADATA_NUMBERS) if (typeof object[name] === 'string') object[name] = Number(object[name]);
}
