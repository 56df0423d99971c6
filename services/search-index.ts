import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { SearchIndexer } from './content/index.ts';
import type { SearchBackend } from './kit/index.ts';

/**
 * The platform search index as the command line reaches it (`ficus search rebuild`): the content
 * service keeps it, so its indexer is reached here, beside the catalogue, rather than from cli/.
 */
export async function rebuildSearchIndex(options: { backend: SearchBackend; db: Kysely<any>; pool: pg.Pool; legacyPool: pg.Pool; logger: Logger }): Promise<{ indexed: number; ms: number }> {
  const indexer = new SearchIndexer({ backend: options.backend, ports: { db: options.db, pool: options.pool, legacyPool: options.legacyPool }, logger: options.logger });
  return indexer.rebuild();
}
