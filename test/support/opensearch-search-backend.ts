import { randomBytes } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { OpenSearchSearchBackend } from '../../services/kit/search/opensearch-backend.ts';
import type { SearchBackend } from '../../services/kit/search/search-port.ts';
import { acquireOpenSearch, openSearchAvailable, releaseOpenSearch } from './opensearch.ts';

/**
 * The OpenSearch backend as the search tests run it (test/kit/search-backends.ts lists it): a node
 * from opensearch.ts, and an alias and indices of this start alone (test_<random>), deleted on
 * stop, so test files sharing CI's node never see each other's documents.
 */
export const openSearchUnderTest = {
  name: 'opensearch' as const,
  async start(): Promise<{ backend: SearchBackend; stop(): Promise<void> }> {
    const url = await acquireOpenSearch();
    const alias = `test_${randomBytes(5).toString('hex')}`;
    const client = new Client({ node: url });
    const backend = new OpenSearchSearchBackend({ url, index: alias, client });
    try {
      await backend.ensureIndex();
    } catch (error) {
      await client.close();
      await releaseOpenSearch();
      throw error;
    }
    return {
      backend,
      async stop() {
        await backend.close();
        await client.indices.delete({ index: `${alias}_*` }, { ignore: [404] }).catch(() => undefined);
        await client.close();
        await releaseOpenSearch();
      },
    };
  },
};

/** [openSearchUnderTest] where a node can be had (a URL from CI, or Java to start one), else []. */
export const OPENSEARCH_UNDER_TEST = openSearchAvailable() ? [openSearchUnderTest] : [];
