import { sql, type RawBuilder } from 'kysely';
import type { HealthModel } from '../health-read-access.ts';
import { dateCondition, parseDateValue } from './date-search.ts';
import { DEVICE_BINDING_COLUMNS, deviceOf, type DeviceBindingRow } from './device.ts';
import { GOAL_STATUS, goalOf, HEALTH_GOAL_COLUMNS, type HealthGoalRow } from './goal.ts';
import { HEALTH_RECORD_COLUMNS, observationOf, type HealthRecordRow } from './observation.ts';
import type { FhirResource, FhirResourceType } from './resources.ts';
import { parseResourceId, parseToken, tokenMatches, type Token } from './search-params.ts';
import { DEVICE_TYPES, GOAL_ACHIEVEMENT, OBSERVATION_CATEGORY, OBSERVATION_CONCEPTS, type ObservationConcept } from './terminology.ts';

/**
 * What a FHIR resource type of the view is over its M02 table: the model (whose access rules
 * apply), the table under `alias`, the columns its mapper needs, the order of a searchset, and
 * its own search parameters as SQL. The subject parameters (subject/patient) are not here: who
 * may read whose rows is decided in fhir-search.ts with health-read-access.
 */
export interface ResourceSearch<Row = any> {
  type: FhirResourceType;
  model: HealthModel;
  table: 'health_records' | 'health_goals' | 'device_bindings';
  alias: string;
  columns: RawBuilder<unknown>;
  /** The model's own _order, then id, so pages never overlap. */
  order: RawBuilder<unknown>;
  /** The names that designate the member (Patient) whose rows are searched. */
  subjectParams: readonly string[];
  /** Its other parameters (_id included), in the order the self link lists them. */
  params: readonly string[];
  /** One occurrence of a parameter (its values are OR) as a condition on `alias`. */
  condition(name: string, values: readonly string[]): RawBuilder<boolean>;
  toResource(row: Row): FhirResource;
}

const FALSE = sql<boolean>`FALSE`;

function anyOf(conditions: RawBuilder<boolean>[]): RawBuilder<boolean> {
  return conditions.length ? sql<boolean>`(${sql.join(conditions, sql` OR `)})` : FALSE;
}

function idCondition(alias: string, values: readonly string[]): RawBuilder<boolean> {
  const ids = values.map(parseResourceId).filter((id): id is number => id !== undefined);
  return ids.length ? sql<boolean>`${sql.ref(`${alias}.id`)} = ANY(${ids}::int4[])` : FALSE;
}

/** The rows a concept covers: its record type, and for glucose its unit (terminology.ts). */
function conceptCondition(concept: ObservationConcept): RawBuilder<boolean> {
  const unit = sql`lower(btrim(coalesce(r.unit, '')))`;
  const type = sql`r.record_type = ${concept.recordType}`;
  if (concept.units) return sql<boolean>`(${type} AND ${unit} = ANY(${[...concept.units]}::text[]))`;
  const claimed = OBSERVATION_CONCEPTS.filter((c) => c.recordType === concept.recordType && c.units).flatMap((c) => [...c.units!]);
  return claimed.length ? sql<boolean>`(${type} AND NOT (${unit} = ANY(${claimed}::text[])))` : sql<boolean>`(${type})`;
}

function conceptsCondition(matches: (concept: ObservationConcept) => boolean): RawBuilder<boolean> {
  return anyOf(OBSERVATION_CONCEPTS.filter(matches).map(conceptCondition));
}

/**
 * Observation: `code` (LOINC of the record, terminology.ts; a blood pressure's component codes are
 * not its code), `category` (vital-signs, activity, laboratory), `date` (measured_at; eq ne gt lt
 * ge le sa eb, partial dates), `_id`; newest first as hp.health.record orders.
 */
export const OBSERVATION_SEARCH: ResourceSearch<HealthRecordRow> = {
  type: 'Observation',
  model: 'hp.health.record',
  table: 'health_records',
  alias: 'r',
  columns: HEALTH_RECORD_COLUMNS,
  order: sql`r.measured_at DESC, r.id DESC`,
  subjectParams: ['subject', 'patient'],
  params: ['_id', 'code', 'category', 'date'],
  condition(name, values) {
    switch (name) {
      case '_id': return idCondition('r', values);
      case 'code': {
        const tokens = values.map(parseToken);
        return conceptsCondition((c) => tokens.some((t) => tokenMatches(t, c.code)));
      }
      case 'category': {
        const tokens = values.map(parseToken);
        return conceptsCondition((c) => tokens.some((t) => tokenMatches(t, { system: OBSERVATION_CATEGORY, code: c.category })));
      }
      case 'date': return anyOf(values.map((v) => dateCondition(sql`r.measured_at`, parseDateValue(v))));
      default: throw new Error(`Observation has no search parameter ${name}`);
    }
  },
  toResource: observationOf,
};

/** Goal: `lifecycle-status` (active, completed, cancelled), `achievement-status` (in-progress, achieved, not-achieved), `_id`; hp.health.goal's order. */
export const GOAL_SEARCH: ResourceSearch<HealthGoalRow> = {
  type: 'Goal',
  model: 'hp.health.goal',
  table: 'health_goals',
  alias: 'g',
  columns: HEALTH_GOAL_COLUMNS,
  order: sql`g.start_date DESC NULLS LAST, g.id DESC`,
  subjectParams: ['subject', 'patient'],
  params: ['_id', 'lifecycle-status', 'achievement-status'],
  condition(name, values) {
    switch (name) {
      case '_id': return idCondition('g', values);
      case 'lifecycle-status': {
        const codes = values.map((v) => parseToken(v).code);
        const states = Object.entries(GOAL_STATUS).filter(([, s]) => codes.includes(s.lifecycle)).map(([state]) => state);
        return states.length ? sql<boolean>`g.state = ANY(${states}::text[])` : FALSE;
      }
      case 'achievement-status': {
        const tokens = values.map(parseToken);
        const states = Object.entries(GOAL_STATUS).filter(([, s]) => tokens.some((t) => tokenMatches(t, { system: GOAL_ACHIEVEMENT, code: s.achievement.code }))).map(([state]) => state);
        return states.length ? sql<boolean>`g.state = ANY(${states}::text[])` : FALSE;
      }
      default: throw new Error(`Goal has no search parameter ${name}`);
    }
  },
  toResource: goalOf,
};

/** Device: `status` (active, inactive), `type` (hp.device.binding's device types), `manufacturer`, `_id`; hp.device.binding's order. */
export const DEVICE_SEARCH: ResourceSearch<DeviceBindingRow> = {
  type: 'Device',
  model: 'hp.device.binding',
  table: 'device_bindings',
  alias: 'd',
  columns: DEVICE_BINDING_COLUMNS,
  order: sql`d.bound_at DESC NULLS LAST, d.id DESC`,
  subjectParams: ['patient'],
  params: ['_id', 'status', 'type', 'manufacturer'],
  condition(name, values) {
    switch (name) {
      case '_id': return idCondition('d', values);
      case 'status': {
        const wanted = values.map((v) => parseToken(v).code);
        const conditions: RawBuilder<boolean>[] = [];
        if (wanted.includes('active')) conditions.push(sql<boolean>`d.active IS TRUE`);
        if (wanted.includes('inactive')) conditions.push(sql<boolean>`d.active IS NOT TRUE`);
        return anyOf(conditions);
      }
      case 'type': {
        const tokens: Token[] = values.map(parseToken);
        const types = Object.entries(DEVICE_TYPES).filter(([, coding]) => tokens.some((t) => tokenMatches(t, coding))).map(([type]) => type);
        return types.length ? sql<boolean>`d.device_type = ANY(${types}::text[])` : FALSE;
      }
      // FHIR string search: case- and accent-insensitive "starts with"; accents are left as they are.
      case 'manufacturer': return anyOf(values.map((v) => sql<boolean>`lower(d.vendor) LIKE ${`${escapeLike(v.toLowerCase())}%`}`));
      default: throw new Error(`Device has no search parameter ${name}`);
    }
  },
  toResource: deviceOf,
};

export const RESOURCE_SEARCHES: Readonly<Record<FhirResourceType, ResourceSearch>> = {
  Observation: OBSERVATION_SEARCH,
  Goal: GOAL_SEARCH,
  Device: DEVICE_SEARCH,
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
