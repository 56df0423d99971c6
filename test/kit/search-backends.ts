import type { SearchBackend } from '../../services/kit/search/search-port.ts';
import { PostgresSearchBackend } from '../../services/kit/search/postgres-backend.ts';
import { emptyDatabase } from '../support/databases.ts';
import { OPENSEARCH_UNDER_TEST } from '../support/opensearch-search-backend.ts';

/**
 * Every search backend the tests can run here, each started fresh and empty: the contract,
 * relevance and audience tests run against each. PostgreSQL always (a private database of the
 * test cluster); OpenSearch where its test support can start or reach a node (s2 adds it here).
 */
export interface BackendUnderTest {
  name: SearchBackend['name'];
  start(): Promise<StartedBackend>;
}

export interface StartedBackend {
  backend: SearchBackend;
  stop(): Promise<void>;
}

export const postgresUnderTest: BackendUnderTest = {
  name: 'postgres',
  async start() {
    const database = await emptyDatabase('search');
    const backend = new PostgresSearchBackend({ pool: database.pool });
    await backend.ensureIndex();
    return { backend, stop: async () => { await backend.close(); await database.drop(); } };
  },
};

export const SEARCH_BACKENDS_UNDER_TEST: readonly BackendUnderTest[] = [postgresUnderTest, ...OPENSEARCH_UNDER_TEST];
