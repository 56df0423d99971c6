/**
 * The part of FHIR R4's JSON the view writes (https://hl7.org/fhir/R4/), typed so the mappers
 * cannot misspell an element. The tests check every answer against the official schema.
 */

export interface FhirCoding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: FhirCoding[];
  text?: string;
}

export interface Reference {
  reference: string;
  display?: string;
}

export interface Quantity {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
}

export interface Extension {
  url: string;
  valueDecimal?: number;
  valueQuantity?: Quantity;
  valueDateTime?: string;
}

export interface Meta {
  lastUpdated?: string;
}

interface ResourceBase {
  id: string;
  meta?: Meta;
}

export interface ObservationComponent {
  code: CodeableConcept;
  valueQuantity?: Quantity;
  dataAbsentReason?: CodeableConcept;
}

export interface Observation extends ResourceBase {
  resourceType: 'Observation';
  status: 'final';
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  effectiveDateTime: string;
  valueQuantity?: Quantity;
  dataAbsentReason?: CodeableConcept;
  note?: { text: string }[];
  device?: Reference;
  component?: ObservationComponent[];
}

export interface GoalTarget {
  measure: CodeableConcept;
  detailQuantity?: Quantity;
  dueDate?: string;
}

export type GoalLifecycleStatus = 'active' | 'completed' | 'cancelled';

export interface Goal extends ResourceBase {
  resourceType: 'Goal';
  extension?: Extension[];
  lifecycleStatus: GoalLifecycleStatus;
  achievementStatus: CodeableConcept;
  description: CodeableConcept;
  subject: Reference;
  startDate?: string;
  target: GoalTarget[];
  statusDate?: string;
}

export interface Device extends ResourceBase {
  resourceType: 'Device';
  extension?: Extension[];
  status: 'active' | 'inactive';
  manufacturer?: string;
  serialNumber?: string;
  deviceName?: { name: string; type: 'user-friendly-name' }[];
  type: CodeableConcept;
  patient: Reference;
}

export type FhirResource = Observation | Goal | Device;
export type FhirResourceType = FhirResource['resourceType'];

export interface BundleLink {
  relation: 'self' | 'first' | 'previous' | 'next';
  url: string;
}

export interface BundleEntry {
  fullUrl: string;
  resource: FhirResource;
  search: { mode: 'match' };
}

export interface SearchsetBundle {
  resourceType: 'Bundle';
  id: string;
  meta: { lastUpdated: string };
  type: 'searchset';
  total: number;
  link: BundleLink[];
  entry?: BundleEntry[];
}

export type IssueCode = 'invalid' | 'login' | 'forbidden' | 'not-found' | 'not-supported' | 'conflict' | 'processing' | 'too-costly' | 'throttled' | 'transient' | 'exception';

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: { severity: 'error' | 'fatal'; code: IssueCode; diagnostics?: string; details?: CodeableConcept }[];
}
