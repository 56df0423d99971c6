import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { loadSearchSettings, poolUrl, RowChangeFeed, searchBackendFromSettings, type BackgroundPorts, type BackgroundWork, type SearchBackend } from '../../kit/index.ts';
import type { ContentDatabase } from '../db/tables.ts';
import { SEARCH_PRODUCT_TABLE, SEARCH_RELATION_TABLES, SEARCH_WATCHED_TABLES, SearchIndexer } from './search-indexer.ts';

/**
 * The index follows every write, wherever the rows live: one row-change feed on the monolith
 * (M06/M11/M12 tables while legacy, and product_template always) and one on svc_content (the same
 * tables after their cutover). Each change only names a row; the indexer reads the record from
 * its module's home at that moment, so a change seen on both sides (the forward sync copying a
 * legacy write into svc_content, the reverse sync copying a service write back) ends the same.
 */
export interface SearchFeedsOptions {
  indexer: SearchIndexer;
  /** svc_content: the feeds keep their checkpoints there; its own feed reads its WAL. */
  serviceUrl: string;
  /** The monolith, if there is one beside the service. */
  legacyUrl: string | null;
  /** Slots and publications ficus_<purpose> and ficus_<purpose>_svc. */
  purpose?: string;
  logger: Logger;
  metrics: Registry;
  maxDelayMs?: number;
}

export const SEARCH_FEED_PURPOSE = 'content_search';

export class SearchFeeds {
  readonly feeds: RowChangeFeed[] = [];

  constructor(options: SearchFeedsOptions) {
    const purpose = options.purpose ?? SEARCH_FEED_PURPOSE;
    const common = {
      consumerUrl: options.serviceUrl, logger: options.logger, metrics: options.metrics, relationTables: SEARCH_RELATION_TABLES,
      maxDelayMs: options.maxDelayMs ?? 20, heartbeatIntervalMs: 2000,
      handle: async (changes: Parameters<SearchIndexer['handle']>[0]) => void (await options.indexer.handle(changes)),
    };
    if (options.legacyUrl) {
      this.feeds.push(new RowChangeFeed({ ...common, sourceUrl: options.legacyUrl, purpose, tables: [...SEARCH_WATCHED_TABLES, SEARCH_PRODUCT_TABLE] }));
    }
    this.feeds.push(new RowChangeFeed({ ...common, sourceUrl: options.serviceUrl, purpose: `${purpose}_svc`, tables: [...SEARCH_WATCHED_TABLES] }));
  }

  async start(): Promise<void> {
    for (const feed of this.feeds) feed.start();
    await Promise.all(this.feeds.map((feed) => feed.ready));
  }

  async stop(): Promise<void> {
    await Promise.all(this.feeds.map((feed) => feed.stop()));
  }

  /** Drops the slots and publications (after stop): a deployment that stops searching, or a test. */
  async remove(): Promise<void> {
    for (const feed of this.feeds) await feed.remove();
  }
}

/**
 * Whether this process keeps the search index: SEARCH_INDEXING=on. Off by default for the same
 * reason as ops's risk stream: the feeds hold replication slots (on the monolith and on
 * svc_content) for as long as they exist, which one process of the deployment should own on
 * purpose; `ficus start` and the deployment files turn it on for the content service.
 */
export function searchIndexingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SEARCH_INDEXING === 'on';
}

/**
 * Content's background work for search: the backend chosen by the settings, its index ensured,
 * the feeds started, and a rebuild when the index is empty (a first start: the feeds only see
 * changes from their slots on). A failure to start is logged; the service keeps serving.
 */
export function searchIndexingWork(ports: BackgroundPorts<ContentDatabase>): BackgroundWork {
  if (!searchIndexingEnabled()) return { stop: async () => undefined };
  let feeds: SearchFeeds | undefined;
  let backend: SearchBackend | undefined;
  let stopped = false;
  const starting = (async () => {
    backend = await searchBackendFromSettings(loadSearchSettings(), { pool: ports.pool });
    await backend.ensureIndex();
    const indexer = new SearchIndexer({ backend, ports: { db: ports.db, pool: ports.pool, legacyPool: ports.legacyPool }, logger: ports.logger });
    if (stopped) return;
    feeds = new SearchFeeds({
      indexer, serviceUrl: poolUrl(ports.pool), legacyUrl: ports.legacyPool ? poolUrl(ports.legacyPool) : null, logger: ports.logger, metrics: ports.metrics ?? new Registry(),
    });
    await feeds.start();
    if (await indexer.isEmpty()) await indexer.rebuild();
    ports.logger.info({ backend: backend.name, feeds: feeds.feeds.length }, 'search index follows the change stream');
  })().catch((error: unknown) => ports.logger.error({ err: error }, 'search indexing could not start; the index is stale until the next start or `ficus search rebuild`'));
  return {
    async stop() {
      stopped = true;
      await starting;
      await feeds?.stop();
      await backend?.close();
    },
  };
}
