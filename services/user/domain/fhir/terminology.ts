import type { DeviceType, GoalType, HealthRecordType } from '../../db/tables.ts';

/** Code systems the FHIR view uses (FHIR R4 terminology). */
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const GOAL_ACHIEVEMENT = 'http://terminology.hl7.org/CodeSystem/goal-achievement';
export const DATA_ABSENT_REASON = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
/** hp.device.binding's device_type selection: no standard code system names these consumer devices one to one. */
export const DEVICE_TYPE_SYSTEM = 'https://ficus.dev/fhir/CodeSystem/hp-device-type';

export interface Coding {
  system: string;
  code: string;
  display: string;
}

/** A UCUM unit as valueQuantity carries it: `code` is UCUM's, `unit` the human label. */
export interface UcumUnit {
  code: string;
  unit: string;
}

export type ObservationCategory = 'vital-signs' | 'activity' | 'laboratory';

export const CATEGORY_DISPLAY: Record<ObservationCategory, string> = {
  'vital-signs': 'Vital Signs',
  activity: 'Activity',
  laboratory: 'Laboratory',
};

/**
 * What an hp.health.record row is in LOINC. The monolith stores one unit per record type
 * (fixtures/hp_legacy.sql.gz: steps "steps", heart_rate "bpm", blood_pressure "mmHg",
 * blood_glucose "mmol/L", weight "kg", sleep_hours "h"); `unit` says when a row's own unit
 * selects this concept (blood glucose: LOINC has one code per property, molar or mass
 * concentration, so a row in mg/dL is 2339-0, every other glucose row 15074-8).
 *
 * | record_type    | LOINC   | LOINC long name                                   | category    | UCUM          |
 * |----------------|---------|---------------------------------------------------|-------------|---------------|
 * | steps          | 55423-8 | Number of steps in unspecified time Pedometer     | activity    | {steps}       |
 * | heart_rate     | 8867-4  | Heart rate                                        | vital-signs | /min          |
 * | blood_pressure | 85354-9 | Blood pressure panel with all children optional   | vital-signs | (components)  |
 * |   value        | 8480-6  | Systolic blood pressure                           |             | mm[Hg]        |
 * |   value2       | 8462-4  | Diastolic blood pressure                          |             | mm[Hg]        |
 * | blood_glucose  | 15074-8 | Glucose [Moles/volume] in Blood   (mmol/L rows)   | laboratory  | mmol/L        |
 * | blood_glucose  | 2339-0  | Glucose [Mass/volume] in Blood    (mg/dL rows)    | laboratory  | mg/dL         |
 * | weight         | 29463-7 | Body weight                                       | vital-signs | kg            |
 * | sleep_hours    | 93832-4 | Sleep duration                                    | activity    | h             |
 *
 * Categories as FHIR's observation-category defines them: heart rate, blood pressure and body
 * weight are vital signs (the vital-signs profile's own codes); steps and sleep are "activity"
 * ("steps, sleep data"); glucose is neither in FHIR's definitions: a glucose concentration is the
 * analysis of a blood specimen, "laboratory" (point-of-care included). Steps are a count in an
 * unspecified time (the record's own), hence 55423-8 rather than 41950-7 (per 24 hours).
 */
export interface ObservationConcept {
  recordType: HealthRecordType;
  code: Coding;
  category: ObservationCategory;
  /** The unit a value of this concept is in, when the row says nothing else. */
  ucum?: UcumUnit;
  /** Blood pressure: the panel has no value of its own; value and value2 are these components. */
  components?: readonly [ComponentConcept, ComponentConcept];
  /** Which rows of the record type this concept covers, by their unit (lower-cased, trimmed); absent: every row. */
  units?: readonly string[];
  /** Covers the rows the other concepts of the record type do not claim. */
  otherwise?: true;
}

export interface ComponentConcept {
  code: Coding;
  ucum: UcumUnit;
}

const loinc = (code: string, display: string): Coding => ({ system: LOINC, code, display });
const MM_HG: UcumUnit = { code: 'mm[Hg]', unit: 'mmHg' };

export const OBSERVATION_CONCEPTS: readonly ObservationConcept[] = [
  { recordType: 'steps', code: loinc('55423-8', 'Number of steps in unspecified time Pedometer'), category: 'activity', ucum: { code: '{steps}', unit: 'steps' } },
  { recordType: 'heart_rate', code: loinc('8867-4', 'Heart rate'), category: 'vital-signs', ucum: { code: '/min', unit: 'beats/minute' } },
  {
    recordType: 'blood_pressure',
    code: loinc('85354-9', 'Blood pressure panel with all children optional'),
    category: 'vital-signs',
    components: [
      { code: loinc('8480-6', 'Systolic blood pressure'), ucum: MM_HG },
      { code: loinc('8462-4', 'Diastolic blood pressure'), ucum: MM_HG },
    ],
  },
  { recordType: 'blood_glucose', code: loinc('2339-0', 'Glucose [Mass/volume] in Blood'), category: 'laboratory', ucum: { code: 'mg/dL', unit: 'mg/dL' }, units: ['mg/dl'] },
  { recordType: 'blood_glucose', code: loinc('15074-8', 'Glucose [Moles/volume] in Blood'), category: 'laboratory', ucum: { code: 'mmol/L', unit: 'mmol/L' }, otherwise: true },
  { recordType: 'weight', code: loinc('29463-7', 'Body weight'), category: 'vital-signs', ucum: { code: 'kg', unit: 'kg' } },
  { recordType: 'sleep_hours', code: loinc('93832-4', 'Sleep duration'), category: 'activity', ucum: { code: 'h', unit: 'h' } },
];

/** The concept of a row: its record type's, chosen by unit where LOINC distinguishes (glucose). */
export function observationConcept(recordType: HealthRecordType, unit: string | null): ObservationConcept {
  const candidates = OBSERVATION_CONCEPTS.filter((c) => c.recordType === recordType);
  const normalized = normalizeUnit(unit);
  const chosen = candidates.find((c) => c.units?.includes(normalized)) ?? candidates.find((c) => c.otherwise || !c.units);
  if (!chosen) throw new Error(`no FHIR concept for record type ${recordType}`);
  return chosen;
}

export function normalizeUnit(unit: string | null): string {
  return (unit ?? '').trim().toLowerCase();
}

/**
 * The units people type for these record types, in UCUM. A unit not listed here is kept as the
 * row's label with no UCUM code (FHIR allows a Quantity with a unit text only): the view never
 * claims a unit the row does not state.
 */
const UCUM_OF_UNIT: Record<string, UcumUnit> = {
  steps: { code: '{steps}', unit: 'steps' },
  step: { code: '{steps}', unit: 'steps' },
  bpm: { code: '/min', unit: 'beats/minute' },
  '/min': { code: '/min', unit: 'beats/minute' },
  mmhg: MM_HG,
  'mm[hg]': MM_HG,
  'mmol/l': { code: 'mmol/L', unit: 'mmol/L' },
  'mg/dl': { code: 'mg/dL', unit: 'mg/dL' },
  kg: { code: 'kg', unit: 'kg' },
  g: { code: 'g', unit: 'g' },
  lb: { code: '[lb_av]', unit: 'lb' },
  lbs: { code: '[lb_av]', unit: 'lb' },
  h: { code: 'h', unit: 'h' },
  hours: { code: 'h', unit: 'h' },
  min: { code: 'min', unit: 'min' },
};

/**
 * The row's unit in UCUM. A row without a unit is in its concept's unit (the monolith's one unit
 * per type); a unit UCUM_OF_UNIT does not know stays a label.
 */
export function ucumOf(unit: string | null, concept: { ucum?: UcumUnit }): UcumUnit | { unit: string } | undefined {
  if (unit === null || !unit.trim()) return concept.ucum;
  return UCUM_OF_UNIT[normalizeUnit(unit)] ?? { unit };
}

/**
 * hp.health.goal's goal types, measured as the observations that track them. The goal has no unit
 * column: its target is in the unit the monolith records that type in (glucose goals of the seed:
 * 5.6, 6.1: mmol/L).
 */
export const GOAL_MEASURES: Record<GoalType, { measure: Coding; ucum: UcumUnit; description: string }> = {
  steps: { measure: OBSERVATION_CONCEPTS[0]!.code, ucum: OBSERVATION_CONCEPTS[0]!.ucum!, description: 'Daily Steps' },
  weight: { measure: loinc('29463-7', 'Body weight'), ucum: { code: 'kg', unit: 'kg' }, description: 'Weight' },
  sleep: { measure: loinc('93832-4', 'Sleep duration'), ucum: { code: 'h', unit: 'h' }, description: 'Sleep' },
  glucose: { measure: loinc('15074-8', 'Glucose [Moles/volume] in Blood'), ucum: { code: 'mmol/L', unit: 'mmol/L' }, description: 'Blood Glucose' },
};

/** hp.device.binding's device types, with the addon's labels. */
export const DEVICE_TYPES: Record<DeviceType, Coding> = {
  watch: { system: DEVICE_TYPE_SYSTEM, code: 'watch', display: 'Smart Watch' },
  band: { system: DEVICE_TYPE_SYSTEM, code: 'band', display: 'Fitness Band' },
  scale: { system: DEVICE_TYPE_SYSTEM, code: 'scale', display: 'Smart Scale' },
  glucometer: { system: DEVICE_TYPE_SYSTEM, code: 'glucometer', display: 'Glucometer' },
  bp_monitor: { system: DEVICE_TYPE_SYSTEM, code: 'bp_monitor', display: 'Blood Pressure Monitor' },
};
