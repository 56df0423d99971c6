import { PostgresSearchBackend, type SearchPool } from './postgres-backend.ts';
import type { SearchBackend } from './search-port.ts';

/**
 * Which search backend a process uses, from its settings:
 *   SEARCH_BACKEND   postgres (default: full-text search in the service's own database) | opensearch
 *   OPENSEARCH_URL   the OpenSearch node (required with opensearch), e.g. http://127.0.0.1:9200
 *   SEARCH_INDEX     the OpenSearch index / the PostgreSQL schema holding the documents (default ficus_search)
 *   SEARCH_LANGUAGE  the PostgreSQL text search configuration (default english); changing it needs `ficus search rebuild`
 */
export interface SearchSettings {
  backend: 'postgres' | 'opensearch';
  openSearchUrl: string | undefined;
  index: string;
  language: string;
}

export class SearchSettingsError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`invalid setting ${setting}: ${message}`);
    this.name = 'SearchSettingsError';
  }
}

export function loadSearchSettings(env: NodeJS.ProcessEnv = process.env): SearchSettings {
  const backend = env.SEARCH_BACKEND || 'postgres';
  if (backend !== 'postgres' && backend !== 'opensearch') throw new SearchSettingsError('SEARCH_BACKEND', `${JSON.stringify(backend)} is not postgres or opensearch`);
  const openSearchUrl = env.OPENSEARCH_URL || undefined;
  if (backend === 'opensearch' && !openSearchUrl) throw new SearchSettingsError('OPENSEARCH_URL', 'SEARCH_BACKEND=opensearch needs the node URL (http://host:9200)');
  if (openSearchUrl) {
    try {
      const url = new URL(openSearchUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new SearchSettingsError('OPENSEARCH_URL', `${JSON.stringify(openSearchUrl)} is not an http(s) URL`);
    }
  }
  const index = env.SEARCH_INDEX || 'ficus_search';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(index)) throw new SearchSettingsError('SEARCH_INDEX', `${JSON.stringify(index)} is not a lower-case name (letters, digits, _)`);
  const language = env.SEARCH_LANGUAGE || 'english';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(language)) throw new SearchSettingsError('SEARCH_LANGUAGE', `${JSON.stringify(language)} is not a text search configuration name`);
  return { backend, openSearchUrl, index, language };
}

/** What a backend may need: the service database (PostgreSQL's documents table lives there). */
export interface SearchBackendPorts {
  pool: SearchPool;
}

/**
 * The OpenSearch backend's factory, the one export of opensearch-backend.ts this file relies on
 * (loaded only when chosen, so the embedded mode never loads the OpenSearch client).
 */
export type OpenSearchBackendFactory = (options: { url: string; index: string }) => SearchBackend;

export async function searchBackendFromSettings(settings: SearchSettings, ports: SearchBackendPorts): Promise<SearchBackend> {
  if (settings.backend === 'postgres') return new PostgresSearchBackend({ pool: ports.pool, language: settings.language, schema: settings.index });
  const openSearch = await loadOpenSearchFactory();
  return openSearch({ url: settings.openSearchUrl!, index: settings.index });
}

async function loadOpenSearchFactory(): Promise<OpenSearchBackendFactory> {
  const { createOpenSearchBackend } = await import('./opensearch-backend.ts');
  return createOpenSearchBackend;
}
