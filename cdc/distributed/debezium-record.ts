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
  const envelope = JSON.parse(value.toString('utf8')) as Partial<ChangeEventValue> | null;
  if (!envelope || typeof envelope.op !== 'string' || !ROW_OPS.has(envelope.op) || !envelope.source) return null;
  const parsedKey = key === null || key.length === 0 ? null : (JSON.parse(key.toString('utf8')) as ChangeEventKey | null);
  if (!parsedKey || typeof parsedKey !== 'object') {
    // Debezium keys every captured table by its primary key; a keyless row change would be a
    // table without one, which ensurePublication refuses.
    throw new Error(`Debezium change to ${envelope.source.schema}.${envelope.source.table} without a key`);
  }
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
