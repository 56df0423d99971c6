// The search port and its backends (issue 23). Services reach them through the kit's index.
export type { SearchAudience, SearchBackend, SearchDocument, SearchHit, SearchKind, SearchQuery, SearchResults, SearchViewer } from './search-port.ts';
export { PostgresSearchBackend, escapeHtml, type PostgresSearchOptions, type SearchPool } from './postgres-backend.ts';
export { searchWords } from './search-words.ts';
export { loadSearchSettings, searchBackendFromSettings, SearchSettingsError, type SearchSettings, type SearchBackendPorts, type OpenSearchBackendFactory } from './search-settings.ts';
