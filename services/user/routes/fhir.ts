import { defineRoute, HttpProblem, type RouteContext, type RouteDefinition } from '../../kit/index.ts';
import type { UserDatabase } from '../db/tables.ts';
import { searchsetBundle } from '../domain/fhir/bundle.ts';
import { capabilityStatement } from '../domain/fhir/capability-statement.ts';
import { readResource, searchResources, type FhirReadAuditor } from '../domain/fhir/fhir-reads.ts';
import { FHIR_ISSUE_TYPE, operationOutcome } from '../domain/fhir/operation-outcome.ts';
import { RESOURCE_SEARCHES, type ResourceSearch } from '../domain/fhir/resource-searches.ts';
import type { FhirResourceType } from '../domain/fhir/resources.ts';
import { FhirSearchError, parseSearch, type RawQuery } from '../domain/fhir/search-params.ts';
import { healthReadAudit } from '../domain/health-read-audit.ts';
import { readerOfHome } from './rest-access.ts';

/** FHIR's JSON media type; every answer and every error of these routes (OperationOutcome) is sent with it. */
export const FHIR_JSON = 'application/fhir+json';

/** Errors the kit raises before a handler runs (401, 400, 503) reach FHIR clients as OperationOutcome too. */
const FHIR_REPRESENTATION = { mediaType: FHIR_JSON, problem: operationOutcome, problemSchema: 'rest/user/fhir-operation-outcome.json' };

type FhirContext = RouteContext<UserDatabase, unknown, RawQuery, { id: string }>;

/** A FHIR refusal with its issue code (operation-outcome.ts reads it from the type). */
function fhirProblem(status: number, title: string, issue: string, detail: string): HttpProblem {
  return new HttpProblem(status, title, detail, { type: `${FHIR_ISSUE_TYPE}${issue}` });
}

/**
 * The FHIR base URL the client used (links and fullUrls are absolute, as FHIR wants them): the
 * Host header when it is a plain host[:port], the scheme a TLS-terminating proxy reports.
 */
function fhirBase(ctx: Pick<FhirContext, 'header'>): string {
  const host = ctx.header('host');
  const scheme = ctx.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https' ? 'https' : 'http';
  return `${scheme}://${host && /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/.test(host) ? host : 'localhost'}/fhir`;
}

/** The view speaks JSON only: a client that accepts neither JSON nor anything (or asks _format=xml) gets 406. */
function assertJsonAccepted(ctx: Pick<FhirContext, 'header' | 'query'>): void {
  const accept = ctx.header('accept');
  const format = ctx.query._format;
  const formatOk = format === undefined || (typeof format === 'string' && /^(json|application\/(fhir\+)?json)$/i.test(format.trim()));
  const acceptOk = !accept || /(^|,)\s*(\*\/\*|application\/\*|application\/(fhir\+)?json)\s*(;|,|$)/i.test(accept);
  if (!formatOk || !acceptOk) throw fhirProblem(406, 'Not Acceptable', 'not-supported', 'this FHIR server answers application/fhir+json only');
}

function auditorOf(ctx: FhirContext, spec: ResourceSearch, kind: 'search' | 'read'): FhirReadAuditor {
  const audit = healthReadAudit(ctx.db);
  return (entry) => audit.record({ actorUid: ctx.access!.uid, model: spec.model, queryKind: `${spec.type} ${kind}`, protocol: 'fhir', requestId: ctx.requestId, ...entry });
}

function searchRoute(type: FhirResourceType, summary: string): RouteDefinition<UserDatabase> {
  const spec = RESOURCE_SEARCHES[type];
  const supported = new Set([...spec.subjectParams, ...spec.params]);
  return defineRoute<UserDatabase, unknown, RawQuery, { id: string }>({
    method: 'get',
    path: `/fhir/${type}`,
    summary,
    auth: 'bearer',
    query: `rest/user/fhir-${type.toLowerCase()}-query.json`,
    responses: { 200: 'rest/user/fhir-bundle.json' },
    representation: FHIR_REPRESENTATION,
    async handler(ctx) {
      assertJsonAccepted(ctx);
      const strict = /(^|[,;\s])handling\s*=\s*strict\b/i.test(ctx.header('prefer') ?? '');
      try {
        const request = parseSearch(ctx.query, supported, { strict });
        const result = await searchResources(ctx.access!, await readerOfHome(ctx), spec, request, auditorOf(ctx, spec, 'search'));
        return { status: 200, body: searchsetBundle(fhirBase(ctx), spec, request, result) };
      } catch (error) {
        if (error instanceof FhirSearchError) throw fhirProblem(400, 'Bad Request', error.issue, error.message);
        throw error;
      }
    },
  });
}

function readRoute(type: FhirResourceType, summary: string): RouteDefinition<UserDatabase> {
  const spec = RESOURCE_SEARCHES[type];
  return defineRoute<UserDatabase, unknown, RawQuery, { id: string }>({
    method: 'get',
    path: `/fhir/${type}/:id`,
    summary,
    auth: 'bearer',
    params: 'rest/user/fhir-id-params.json',
    responses: { 200: 'rest/user/fhir-resource.json' },
    representation: FHIR_REPRESENTATION,
    async handler(ctx) {
      assertJsonAccepted(ctx);
      const resource = await readResource(ctx.access!, await readerOfHome(ctx), spec, ctx.params.id, auditorOf(ctx, spec, 'read'));
      return { status: 200, body: resource };
    },
  });
}

/** GET /fhir/metadata: the CapabilityStatement (public, as FHIR clients read it before they authenticate). */
export const fhirMetadata = defineRoute<UserDatabase, unknown, RawQuery>({
  method: 'get',
  path: '/fhir/metadata',
  summary: "The FHIR view's CapabilityStatement (FHIR R4, JSON; Observation, Goal, Device: read and search)",
  auth: 'public',
  responses: { 200: 'rest/user/fhir-capability-statement.json' },
  representation: FHIR_REPRESENTATION,
  async handler(ctx) {
    assertJsonAccepted(ctx);
    return { status: 200, body: capabilityStatement(fhirBase(ctx), new Date().toISOString()) };
  },
});

/** Any other resource type under /fhir: FHIR's answer for a type the server does not serve (404, not-supported). */
function unsupportedType(path: string): RouteDefinition<UserDatabase> {
  return defineRoute<UserDatabase, unknown, RawQuery, { type: string }>({
    method: 'get',
    path,
    summary: 'Resource types the FHIR view does not serve: 404 OperationOutcome (not-supported)',
    auth: 'public',
    params: 'rest/user/fhir-type-params.json',
    responses: { 404: 'rest/user/fhir-operation-outcome.json' },
    representation: FHIR_REPRESENTATION,
    async handler(ctx) {
      throw fhirProblem(404, 'Not Found', 'not-supported', `this FHIR server serves Observation, Goal and Device, not ${ctx.params.type}`);
    },
  });
}

/**
 * The FHIR R4 read view of M02 (GET only): search and read of Observation (hp.health.record),
 * Goal (hp.health.goal) and Device (hp.device.binding), the CapabilityStatement, and an
 * OperationOutcome for any other type. Fixed paths come before the `:id` and `:type` ones (express
 * matches in order). Authorization is the REST health-data endpoint's (health-read-access), every
 * read is audited with protocol `fhir`, and every answer and error is application/fhir+json.
 */
export const FHIR_ROUTES: RouteDefinition<UserDatabase>[] = [
  fhirMetadata,
  searchRoute('Observation', 'FHIR search of Observations (hp.health.record) by subject, code (LOINC), category, date, _id; members their own, coaches and operators anyone\'s'),
  readRoute('Observation', 'FHIR read of one Observation (hp.health.record)'),
  searchRoute('Goal', 'FHIR search of Goals (hp.health.goal) by subject, lifecycle-status, achievement-status, _id'),
  readRoute('Goal', 'FHIR read of one Goal (hp.health.goal)'),
  searchRoute('Device', 'FHIR search of Devices (hp.device.binding) by patient, status, type, manufacturer, _id'),
  readRoute('Device', 'FHIR read of one Device (hp.device.binding)'),
  unsupportedType('/fhir/:type'),
  unsupportedType('/fhir/:type/:id'),
];
