import type { SqlRunner } from '../db/sql-runner.ts';
import type { HealthRecordType } from '../db/tables.ts';
import { bindingColumns, toDeviceBinding, type BindingRow, type DeviceBinding } from './device-bindings.ts';
import { deviceDataSyncedEvent } from './device-events.ts';
import { DEVICE_RECORD_TYPES } from './device-identity.ts';
import { UNIT_OF_RECORD } from './health-actions.ts';
import type { UserEventSink } from './user-events.ts';
import { UserRefused } from './user-refusal.ts';

/**
 * Device-data sync: a bound device delivers a batch of readings, each stored once as an
 * hp.health.record (source 'device', device_binding_id the binding, the record type's unit).
 *
 * Each is stored with the unit every monolith row of its type carries (health-actions.ts
 * UNIT_OF_RECORD: steps, bpm, mmHg, mmol/L, kg, h), as a health action's record is.
 *
 * A reading's natural key is (binding, record type, reading time to the second: Odoo's Datetime
 * keeps no fractions, so two readings within one second are one reading). A reading whose key is
 * already stored — by an earlier batch, a concurrent one, an RPC create, the monolith's own rows —
 * is a duplicate: not stored again, counted as such in the answer. A key twice in one batch
 * counts its first occurrence. The key holds under concurrency without a unique index (none may
 * be added to the monolith's tables, and Odoo RPC must keep creating what Odoo creates): a sync
 * locks its binding's row FOR UPDATE first, so syncs of one binding run one after the other, and
 * in READ COMMITTED the insert made after the lock sees every reading the previous sync
 * committed. Syncs of different bindings do not wait for each other.
 */

/** One reading as the edge validated it (schemas/rest/user/device-readings.json). */
export interface DeviceReading {
  recordType: HealthRecordType;
  /** RFC 3339; stored in UTC, truncated to the second. */
  measuredAt: string;
  value: number;
  /** The diastolic pressure of a blood-pressure reading; other types store 0.0, as the monolith's rows do. */
  value2?: number;
}

export interface SyncOutcome {
  binding: DeviceBinding;
  /** Readings stored now. */
  accepted: number;
  /** Readings whose key was stored already (or came earlier in the same batch). */
  duplicates: number;
}

/** How far ahead of the server's clock a reading may be dated (device clocks drift). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** A time in ms as Odoo stores a Datetime: UTC, whole seconds, `YYYY-MM-DD HH:MM:SS`. */
export function odooDatetime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

interface KeyedReading {
  recordType: HealthRecordType;
  measuredAt: string;
  value: number;
  value2: number;
}

/** The batch checked against the device (types it measures, times it may have) and without repeated keys. */
function keyedReadings(binding: DeviceBinding, readings: readonly DeviceReading[], now: number): KeyedReading[] {
  const measures = DEVICE_RECORD_TYPES[binding.deviceType];
  const seen = new Set<string>();
  const unique: KeyedReading[] = [];
  readings.forEach((reading, index) => {
    if (!measures.includes(reading.recordType)) {
      throw new UserRefused('validation', `Reading ${index}: a ${binding.deviceType} does not measure ${reading.recordType} (it measures ${measures.join(', ')}).`);
    }
    const ms = Date.parse(reading.measuredAt);
    if (!Number.isFinite(ms)) throw new UserRefused('validation', `Reading ${index}: measuredAt is not a valid time.`);
    if (ms > now + FUTURE_TOLERANCE_MS) throw new UserRefused('validation', `Reading ${index}: measuredAt lies in the future.`);
    const measuredAt = odooDatetime(ms);
    const key = `${reading.recordType} ${measuredAt}`;
    if (seen.has(key)) return;
    seen.add(key);
    unique.push({ recordType: reading.recordType, measuredAt, value: reading.value, value2: reading.recordType === 'blood_pressure' ? reading.value2 ?? 0 : 0 });
  });
  return unique;
}

/**
 * Stores the batch's new readings for the binding as `actor`, moves the binding's last_sync_at
 * and publishes device_data_synced (in `events`, the caller's transaction), all or nothing. A
 * batch with nothing new changes nothing and publishes nothing: sending a batch again is a no-op.
 * Refuses (nothing stored) an unbound binding (state), or a reading the device cannot have taken
 * (validation). Access is the caller's to check first (the binding's read and write rules, the
 * create rules of hp.health.record).
 */
export async function syncDeviceReadings(
  sql: SqlRunner, events: UserEventSink, actor: number, bindingId: number, readings: readonly DeviceReading[], now = Date.now(),
): Promise<SyncOutcome> {
  const [locked] = await sql.raw<BindingRow>(`SELECT ${bindingColumns('b')} FROM device_bindings b WHERE b.id = $1 FOR UPDATE`, [bindingId]);
  if (!locked) throw new UserRefused('state', `Device binding ${bindingId} no longer exists.`);
  const binding = toDeviceBinding(locked);
  if (!binding.active) throw new UserRefused('state', `Device binding ${bindingId} is unbound (not active); bind the device again before syncing it.`);
  const batch = keyedReadings(binding, readings, now);
  const inserted = batch.length
    ? await sql.raw<{ id: number }>(
      `INSERT INTO health_records (user_id, device_binding_id, record_type, unit, source, measured_at, value, value2, create_uid, write_uid, create_date, write_date)
       SELECT $1, $2, r.record_type, r.unit, 'device', r.measured_at, r.value, r.value2, $3, $3, now() at time zone 'UTC', now() at time zone 'UTC'
         FROM unnest($4::varchar[], $5::varchar[], $6::timestamp[], $7::float8[], $8::float8[]) AS r(record_type, unit, measured_at, value, value2)
        WHERE NOT EXISTS (
          SELECT 1 FROM health_records h
           WHERE h.device_binding_id = $2 AND h.measured_at = r.measured_at AND h.record_type = r.record_type)
       RETURNING id`,
      [
        binding.userId, binding.id, actor,
        batch.map((r) => r.recordType), batch.map((r) => UNIT_OF_RECORD[r.recordType]), batch.map((r) => r.measuredAt),
        batch.map((r) => r.value), batch.map((r) => r.value2),
      ],
    )
    : [];
  const accepted = inserted.length;
  if (!accepted) return { binding, accepted, duplicates: readings.length };
  const [synced] = await sql.raw<BindingRow>(
    `UPDATE device_bindings SET last_sync_at = date_trunc('second', now() at time zone 'UTC'), write_uid = $2, write_date = now() at time zone 'UTC'
      WHERE id = $1 RETURNING ${bindingColumns()}`,
    [binding.id, actor],
  );
  const after = toDeviceBinding(synced!);
  await events.publish([deviceDataSyncedEvent(after, accepted)]);
  return { binding: after, accepted, duplicates: readings.length - accepted };
}
