import { RESOURCE_SEARCHES } from './resource-searches.ts';

/** The FHIR type of each search parameter the view supports (https://hl7.org/fhir/R4/search.html). */
const PARAM_TYPES: Record<string, 'reference' | 'token' | 'date' | 'string'> = {
  subject: 'reference', patient: 'reference', _id: 'token', code: 'token', category: 'token', date: 'date',
  'lifecycle-status': 'token', 'achievement-status': 'token', status: 'token', type: 'token', manufacturer: 'string',
};

/**
 * What the view can do, as FHIR's `GET [base]/metadata` says it: FHIR R4 in JSON, read and
 * search-type of Observation, Goal and Device with the parameters resource-searches.ts implements,
 * bearer tokens of the auth service. Built from the same definitions the searches run, so it
 * cannot promise a parameter the view ignores.
 */
export function capabilityStatement(base: string, date: string) {
  return {
    resourceType: 'CapabilityStatement' as const,
    status: 'active' as const,
    date,
    publisher: 'Ficus',
    kind: 'instance' as const,
    implementation: { description: 'Ficus user service: M02 health records, goals and device bindings as FHIR R4', url: base },
    // R4 as the official R4 JSON Schema (fhir.schema.json of 4.0.0) names it; 4.0.1 is a technical correction of the same version.
    fhirVersion: '4.0.0' as const,
    format: ['json', 'application/fhir+json'],
    rest: [{
      mode: 'server' as const,
      security: { description: 'Bearer tokens issued by the Ficus auth service; members read their own data, coaches every member\'s health records, operators all (hp_personal\'s record rules)' },
      resource: Object.values(RESOURCE_SEARCHES).map((spec) => ({
        type: spec.type,
        interaction: [{ code: 'read' as const }, { code: 'search-type' as const }],
        searchParam: [...spec.subjectParams, ...spec.params].map((name) => ({ name, type: PARAM_TYPES[name]! })),
      })),
    }],
  };
}
