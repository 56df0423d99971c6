import { sql } from 'kysely';
import type { HealthRecordType } from '../../db/tables.ts';
import { fhirInstant, instantText } from './instants.ts';
import { fhirString } from './text.ts';
import type { CodeableConcept, Observation, Quantity } from './resources.ts';
import { CATEGORY_DISPLAY, DATA_ABSENT_REASON, OBSERVATION_CATEGORY, observationConcept, UCUM, ucumOf, type Coding, type UcumUnit } from './terminology.ts';

/** An hp.health.record row as the FHIR view reads it (health_records under alias r). */
export interface HealthRecordRow {
  id: number;
  user_id: number;
  device_binding_id: number | null;
  record_type: HealthRecordType;
  unit: string | null;
  note: string | null;
  measured_at: string;
  write_date: string | null;
  value: number | null;
  value2: number | null;
}

export const HEALTH_RECORD_COLUMNS = sql`r.id, r.user_id, r.device_binding_id, r.record_type, r.unit, r.note,
  ${instantText(sql`r.measured_at`)} AS measured_at, ${instantText(sql`r.write_date`)} AS write_date, r.value, r.value2`;

/**
 * An hp.health.record as a FHIR R4 Observation (terminology.ts says which LOINC code, category
 * and UCUM unit): final (the monolith has no preliminary or amended records), the member as
 * Patient/<user id>, measured_at as effectiveDateTime, the device binding that sent it as
 * Device/<binding id>. A blood pressure is the panel with systolic (value) and diastolic (value2)
 * components and no value of its own. A value JSON cannot carry (none, NaN or an infinity, which
 * Odoo's float fields accept) is a dataAbsentReason, never a made-up number.
 */
export function observationOf(row: HealthRecordRow): Observation {
  const concept = observationConcept(row.record_type, row.unit);
  const observation: Observation = {
    resourceType: 'Observation',
    id: String(row.id),
    ...(row.write_date ? { meta: { lastUpdated: fhirInstant(row.write_date) } } : {}),
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: concept.category, display: CATEGORY_DISPLAY[concept.category] }], text: CATEGORY_DISPLAY[concept.category] }],
    code: concept_(concept.code),
    subject: { reference: `Patient/${row.user_id}` },
    effectiveDateTime: fhirInstant(row.measured_at),
  };
  if (concept.components) {
    const [systolic, diastolic] = concept.components;
    observation.component = [
      { code: concept_(systolic.code), ...valueOrAbsence(row.value, systolic.ucum) },
      { code: concept_(diastolic.code), ...valueOrAbsence(row.value2, diastolic.ucum) },
    ];
  } else {
    Object.assign(observation, valueOrAbsence(row.value, ucumOf(row.unit, concept)));
  }
  if (row.device_binding_id !== null) observation.device = { reference: `Device/${row.device_binding_id}` };
  const note = fhirString(row.note);
  if (note) observation.note = [{ text: note }];
  return observation;
}

function concept_(coding: Coding): CodeableConcept {
  return { coding: [{ ...coding }], text: coding.display };
}

/** data-absent-reason codes for the values a float column holds that JSON has no number for. */
function absenceOf(value: number | null): string | undefined {
  if (value === null) return 'unknown';
  if (Number.isNaN(value)) return 'not-a-number';
  if (value === Number.POSITIVE_INFINITY) return 'positive-infinity';
  if (value === Number.NEGATIVE_INFINITY) return 'negative-infinity';
  return undefined;
}

const ABSENCE_DISPLAY: Record<string, string> = {
  unknown: 'Unknown', 'not-a-number': 'Not a Number (NaN)', 'positive-infinity': 'Positive Infinity (PINF)', 'negative-infinity': 'Negative Infinity (NINF)',
};

function valueOrAbsence(value: number | null, unit: UcumUnit | { unit: string } | undefined): { valueQuantity: Quantity } | { dataAbsentReason: CodeableConcept } {
  const absence = absenceOf(value);
  if (absence) return { dataAbsentReason: { coding: [{ system: DATA_ABSENT_REASON, code: absence, display: ABSENCE_DISPLAY[absence]! }] } };
  const quantity: Quantity = { value: value! };
  const label = fhirString(unit?.unit);
  if (label) quantity.unit = label;
  if (unit && 'code' in unit) Object.assign(quantity, { system: UCUM, code: unit.code });
  return { valueQuantity: quantity };
}
