import type { RouteDefinition, ServiceDefinition } from '../define-service.ts';
import { SCHEMA_BASE_URI, type SchemaRegistry } from '../schema-registry.ts';

type Json = Record<string, unknown>;

/**
 * OpenAPI 3.1 from the same route list and JSON Schemas the router validates with, so the
 * document cannot drift from behaviour. Each referenced schema file becomes a component, named
 * after its path (`rest/trade/health-service.json` → `rest.trade.health-service`), and `$ref`s
 * between files are rewritten to component references.
 */
export function buildOpenApi(service: ServiceDefinition<any>, schemas: SchemaRegistry): Json {
  const components: Json = {};
  const include = (ref: string): string => {
    const id = schemas.resolveId(ref);
    const name = componentName(id);
    if (!(name in components)) {
      components[name] = {}; // placeholder first: schemas may refer to each other
      components[name] = rewriteRefs(schemas.schemas.get(id)!, id, include);
    }
    return `#/components/schemas/${name}`;
  };
  const problem = include('rest/problem.json');
  const paths: Record<string, Json> = {};
  for (const route of service.routes) {
    const path = route.path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
    paths[path] ??= {};
    paths[path]![route.method] = operation(route, include, problem, schemas);
  }
  return {
    openapi: '3.1.0',
    info: { title: `Ficus ${service.name} service`, version: '1', description: `Serves legacy modules ${service.modules.join(', ')}.` },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA, issued by the auth service)' } },
    },
  };
}

/** The gateway's `/openapi.json`: every service's document in one. */
export function mergeOpenApi(documents: Json[]): Json {
  const paths: Json = {};
  const schemas: Json = {};
  for (const doc of documents) {
    Object.assign(paths, doc.paths as Json);
    Object.assign(schemas, (doc.components as { schemas: Json }).schemas);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Ficus REST API', version: '1' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: { schemas, securitySchemes: (documents[0]?.components as Json | undefined)?.securitySchemes ?? {} },
  };
}

function operation(route: RouteDefinition<any>, include: (ref: string) => string, problem: string, schemas: SchemaRegistry): Json {
  const parameters: Json[] = [];
  for (const [where, ref] of [['path', route.params], ['query', route.query]] as const) {
    if (!ref) continue;
    const schema = schemas.schemas.get(schemas.resolveId(ref)) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      parameters.push({ name, in: where, required: where === 'path' || (schema.required ?? []).includes(name), schema: { $ref: `${include(ref)}/properties/${name}` } });
    }
  }
  const unsafe = route.method !== 'get';
  if (unsafe) {
    parameters.push({
      name: 'Idempotency-Key', in: 'header', required: route.idempotency === 'required',
      description: 'draft-ietf-httpapi-idempotency-key-header: retries with the same key get the first response', schema: { type: 'string', maxLength: 255 },
    });
  }
  const responses: Json = {};
  for (const [status, ref] of Object.entries(route.responses)) {
    const mediaType = route.representation?.mediaType ?? 'application/json';
    responses[status] = ref ? { description: describeStatus(Number(status)), content: { [mediaType]: { schema: { $ref: include(ref) } } } } : { description: describeStatus(Number(status)) };
    const text = route.textResponses?.[Number(status)];
    if (text) {
      const response = responses[status] as { content?: Json };
      response.content = { ...(response.content ?? {}), [text]: { schema: { type: 'string' } } };
    }
  }
  const problemResponse = (description: string) => ({
    description,
    content: route.representation
      ? { [route.representation.mediaType]: { schema: { $ref: include(route.representation.problemSchema) } } }
      : { 'application/problem+json': { schema: { $ref: problem } } },
  });
  responses['400'] ??= problemResponse('The request does not match its schema');
  if (route.auth === 'bearer') {
    responses['401'] ??= problemResponse('No valid bearer token, or its user does not exist, is archived or changed credentials');
    responses['403'] ??= problemResponse("The user's groups and access rights (the addon's ACLs) do not allow this");
    if (route.params) responses['404'] ??= problemResponse("No such record among those the user's record rules include");
  }
  if (unsafe) {
    responses['409'] ??= problemResponse('A request with the same Idempotency-Key is in flight');
    responses['422'] ??= problemResponse('The Idempotency-Key was used with a different request');
  }
  responses['500'] ??= problemResponse('Unexpected failure (details only in the server log)');
  responses['503'] ??= problemResponse("The service's copy of its legacy data is not ready yet (see Retry-After)");
  return {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: include(route.body) } } } } } : {}),
    responses,
    ...(route.auth === 'bearer' ? { security: [{ bearer: route.scopes ?? [] }] } : {}),
  };
}

function rewriteRefs(node: unknown, baseId: string, include: (ref: string) => string): any {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, baseId, include));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$id' || key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string') {
      const absolute = new URL(value, baseId);
      const fragment = absolute.hash.slice(1);
      absolute.hash = '';
      const target = absolute.href === baseId ? `#/components/schemas/${componentName(baseId)}` : include(absolute.href);
      out.$ref = `${target}${fragment}`;
      continue;
    }
    out[key] = rewriteRefs(value, baseId, include);
  }
  return out;
}

function componentName(id: string): string {
  return id.slice(SCHEMA_BASE_URI.length).replace(/\.json$/, '').replace(/\//g, '.');
}

function describeStatus(status: number): string {
  return ({ 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content' } as Record<number, string>)[status] ?? `HTTP ${status}`;
}
