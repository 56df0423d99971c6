import type { DeviceType, HealthRecordType } from '../db/tables.ts';

/**
 * What makes two bindings the same physical device: its kind, its vendor and its serial number.
 * hp.device.binding has no such notion (the addon lets one device be bound any number of times);
 * the REST API adds it, so that a device has at most one active binding (domain/device-bindings.ts).
 *
 * The vendor is compared without case and surrounding blanks ("Omron", "omron " name one vendor;
 * a device without vendor is vendor ""); the serial without surrounding blanks but with its case,
 * since vendors print serials in one case and some use both. A binding without serial cannot be
 * identified: REST requires one (RPC still accepts none, as the addon does). The SQL below and the
 * index of migration 0003 use the same expressions.
 */
export interface DeviceIdentity {
  deviceType: DeviceType;
  vendor: string | null;
  serial: string;
}

/** The identity in its compared form; the key of the advisory lock that serialises binding one device. */
export function deviceIdentityKey(identity: DeviceIdentity): string {
  return `${identity.deviceType}\u001f${(identity.vendor ?? '').trim().toLowerCase()}\u001f${identity.serial.trim()}`;
}

/** The identity columns of `device_bindings` under `alias`, in the compared form (= migration 0003's index expressions). */
export const identityColumns = (alias: string) => ({
  deviceType: `${alias}.device_type`,
  vendor: `lower(btrim(coalesce(${alias}.vendor, '')))`,
  serial: `btrim(${alias}.serial)`,
});

/**
 * The record types each kind of device measures, as the monolith's device rows have them
 * (fixtures/hp_legacy.sql.gz: watches and bands steps, heart rate and sleep; scales weight;
 * glucometers blood glucose; blood-pressure monitors blood pressure). A sync of another type from
 * a device is refused rather than stored under a binding that cannot have measured it.
 */
export const DEVICE_RECORD_TYPES: Readonly<Record<DeviceType, readonly HealthRecordType[]>> = {
  watch: ['steps', 'heart_rate', 'sleep_hours'],
  band: ['steps', 'heart_rate', 'sleep_hours'],
  scale: ['weight'],
  glucometer: ['blood_glucose'],
  bp_monitor: ['blood_pressure'],
};

