import { queryableOf, loadSearchSettings, searchBackendFromSettings, problems, type RouteContext, type SearchBackend, type SearchPool } from '../../kit/index.ts';
import type { ContentDatabase } from '../db/tables.ts';

/** The best matches `q` may select from before the catalogue's own filters and order apply. */
export const MAX_MATCHES = 1000;

let openSearch: Promise<SearchBackend> | undefined;

/**
 * The search backend the settings choose (SEARCH_BACKEND), for a REST read: PostgreSQL's
 * documents live in svc_content, so that backend is made on the request's own connection (it only
 * searches: it never needs `connect`); OpenSearch's client is made once per process.
 */
async function backendFor(ctx: Pick<RouteContext<ContentDatabase>, 'db'>): Promise<SearchBackend> {
  const settings = loadSearchSettings();
  if (settings.backend === 'opensearch') return (openSearch ??= searchBackendFromSettings(settings, { pool: undefined as never }));
  const onRequest = queryableOf(ctx.db) as unknown as SearchPool;
  const pool: SearchPool = { query: onRequest.query.bind(onRequest), connect: () => Promise.reject(new Error('a REST read only searches')) };
  return searchBackendFromSettings(settings, { pool });
}

/**
 * Contents matching `q` for this viewer, best first, as ids with their highlights: the search
 * port's answer (documents filtered by audience; a paid body is never indexed, so `q` cannot
 * probe it), which the catalogue then re-checks against the tables and the record rules (the
 * index may lag a write by up to a second). An index not built yet answers 503, never a guess.
 */
export async function contentMatches(ctx: Pick<RouteContext<ContentDatabase>, 'db'>, q: string, viewer: { userId: number; staff: boolean }, tag?: string): Promise<{ ids: number[]; highlights: Map<number, string> }> {
  let found;
  try {
    const backend = await backendFor(ctx);
    found = await backend.search({ q, kinds: ['content'], viewer, ...(tag ? { tags: [tag] } : {}), sort: 'relevance', limit: MAX_MATCHES, offset: 0 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42P01' || code === '3F000') throw problems.unavailable('the search index is not built yet (ficus search rebuild)', 30);
    throw error;
  }
  const hits = found.hits.filter((hit) => hit.kind === 'content');
  return { ids: hits.map((hit) => hit.id), highlights: new Map(hits.map((hit) => [hit.id, hit.highlight])) };
}
