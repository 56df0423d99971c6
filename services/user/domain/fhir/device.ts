import { sql } from 'kysely';
import type { DeviceType } from '../../db/tables.ts';
import { fhirInstant, instantText } from './instants.ts';
import type { Device } from './resources.ts';
import { DEVICE_TYPES } from './terminology.ts';
import { fhirString } from './text.ts';

/** An hp.device.binding row as the FHIR view reads it (device_bindings under alias d). */
export interface DeviceBindingRow {
  id: number;
  user_id: number;
  device_type: DeviceType;
  vendor: string | null;
  serial: string | null;
  active: boolean | null;
  write_date: string | null;
}

export const DEVICE_BINDING_COLUMNS = sql`d.id, d.user_id, d.device_type, d.vendor, d.serial, d.active, ${instantText(sql`d.write_date`)} AS write_date`;

/**
 * An hp.device.binding as a FHIR R4 Device: the binding is the device as this member holds it
 * (Observations name it as their device), active while Odoo's `active` is true (a binding archived,
 * or with no value, is what Odoo's default search leaves out: inactive), its type from the addon's selection, vendor as manufacturer,
 * serial as serialNumber, the member as its patient.
 */
export function deviceOf(row: DeviceBindingRow): Device {
  const type = DEVICE_TYPES[row.device_type];
  const manufacturer = fhirString(row.vendor);
  const serialNumber = fhirString(row.serial);
  return {
    resourceType: 'Device',
    id: String(row.id),
    ...(row.write_date ? { meta: { lastUpdated: fhirInstant(row.write_date) } } : {}),
    status: row.active ? 'active' : 'inactive',
    ...(manufacturer ? { manufacturer } : {}),
    ...(serialNumber ? { serialNumber } : {}),
    deviceName: [{ name: type.display, type: 'user-friendly-name' }],
    type: { coding: [{ ...type }], text: type.display },
    patient: { reference: `Patient/${row.user_id}` },
  };
}
