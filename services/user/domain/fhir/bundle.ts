import { randomUUID } from 'node:crypto';
import type { ResourceSearch } from './resource-searches.ts';
import type { BundleLink, FhirResource, SearchsetBundle } from './resources.ts';
import type { SearchRequest } from './search-params.ts';

/**
 * A search's answer as a FHIR searchset Bundle: `total` (every match, not the page), the links
 * a client pages with (self: the search as the server understood it, parameters it ignored left
 * out; first; previous and next while there are more), and each resource with its absolute
 * fullUrl and search mode `match`. `base` is the FHIR base URL, e.g. `https://host/fhir`.
 */
export function searchsetBundle(base: string, spec: ResourceSearch, request: SearchRequest, result: { resources: FhirResource[]; total: number }): SearchsetBundle {
  const pageUrl = (offset: number) => `${base}/${spec.type}?${searchText(spec, request, offset)}`;
  const link: BundleLink[] = [{ relation: 'self', url: pageUrl(request.offset) }, { relation: 'first', url: pageUrl(0) }];
  if (request.count > 0 && request.offset > 0) link.push({ relation: 'previous', url: pageUrl(Math.max(0, request.offset - request.count)) });
  if (request.count > 0 && request.offset + result.resources.length < result.total) link.push({ relation: 'next', url: pageUrl(request.offset + request.count) });
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type: 'searchset',
    total: result.total,
    link,
    ...(result.resources.length
      ? { entry: result.resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' as const } })) }
      : {}),
  };
}

/** The understood parameters in a fixed order (subjects first), each occurrence as sent (values re-escaped), then the page. */
function searchText(spec: ResourceSearch, request: SearchRequest, offset: number): string {
  const search = new URLSearchParams();
  for (const name of [...spec.subjectParams, ...spec.params]) {
    for (const values of request.params.get(name) ?? []) search.append(name, values.map(escapeValue).join(','));
  }
  search.set('_count', String(request.count));
  search.set('_offset', String(offset));
  return search.toString();
}

function escapeValue(value: string): string {
  return value.replace(/[\\,$]/g, (ch) => `\\${ch}`);
}
