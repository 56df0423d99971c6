import { Client } from '@opensearch-project/opensearch';
import type { SearchBackend, SearchDocument, SearchKind, SearchQuery, SearchResults } from './search-port.ts';
import { indexBody, LIVE_REFRESH_INTERVAL, MAX_INDEXED_BODY } from './opensearch-index.ts';
import { MAX_RESULT_WINDOW, pickHighlight, searchPlan } from './opensearch-query.ts';
import { escapeHtml } from './postgres-backend.ts';

/**
 * The distributed search backend: an OpenSearch 2.19 index (search/distributed/opensearch.sh runs
 * one) through @opensearch-project/opensearch, the maintained Node client. (@elastic/elasticsearch,
 * the design's first choice, refuses any server that is not Elastic's own since 7.14; an
 * Elasticsearch adapter would be one more file like this one.)
 *
 * The documents live in an index reached through the alias `index` (the setting SEARCH_INDEX), so
 * replaceAll builds a new index and swaps the alias in one atomic alias update: searches answer
 * from the old index until then. Analysis, query and highlighting: opensearch-index.ts and
 * opensearch-query.ts. Writes become searchable at the next refresh (every 500 ms, or refresh()).
 */
export interface OpenSearchBackendOptions {
  /** The node, e.g. http://127.0.0.1:9200. */
  url: string;
  /** The alias searched and written (default ficus_search): one per deployment, or per test. */
  index?: string;
  /** A client of the caller's (tests, benches); closed by close() only when this backend made it. */
  client?: Client;
}

interface Source {
  kind: SearchKind;
  id: number;
  title: string;
}

interface BulkItem {
  [op: string]: { status: number; error?: { type: string; reason: string } } | undefined;
}

export class OpenSearchBackendError extends Error {
  constructor(message: string) {
    super(`search (opensearch): ${message}`);
    this.name = 'OpenSearchBackendError';
  }
}

export class OpenSearchSearchBackend implements SearchBackend {
  readonly name = 'opensearch' as const;
  readonly #client: Client;
  readonly #ownClient: boolean;
  readonly #alias: string;
  /** The alias on the index a rebuild is filling: live writes go there too while it exists. */
  readonly #nextAlias: string;

  constructor(options: OpenSearchBackendOptions) {
    this.#alias = options.index ?? 'ficus_search';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.#alias)) throw new OpenSearchBackendError(`index ${JSON.stringify(this.#alias)} is not a plain lower-case name`);
    this.#nextAlias = `${this.#alias}_rebuilding`;
    this.#ownClient = !options.client;
    this.#client = options.client ?? new Client({ node: options.url, requestTimeout: 30_000, maxRetries: 2 });
  }

  get alias(): string {
    return this.#alias;
  }

  async ensureIndex(): Promise<void> {
    if ((await this.#client.indices.existsAlias({ name: this.#alias })).body) return;
    // A fixed first name: two processes starting together create it once (the other gets 400
    // resource_already_exists), never two indices under one alias.
    const first = `${this.#alias}_initial`;
    const created = await this.#client.indices.create(
      { index: first, body: { ...indexBody(), aliases: { [this.#alias]: {} } } as never },
      { ignore: [400] },
    );
    if (created.statusCode === 400 && !/resource_already_exists/.test(JSON.stringify(created.body))) {
      throw new OpenSearchBackendError(`creating ${first} failed: ${JSON.stringify(created.body).slice(0, 500)}`);
    }
    await this.#client.cluster.health({ index: this.#alias, wait_for_status: 'yellow', timeout: '30s' });
  }

  async upsert(documents: readonly SearchDocument[]): Promise<void> {
    if (!documents.length) return;
    const targets = [this.#alias];
    if (await this.#rebuilding()) targets.push(this.#nextAlias);
    const operations: unknown[] = [];
    for (const target of targets) {
      for (const document of documents) {
        operations.push({ index: { _index: target, _id: documentId(document.kind, document.id) } }, sourceOf(document));
      }
    }
    await this.#bulk(operations, targets.length > 1);
  }

  async remove(refs: readonly { kind: SearchKind; id: number }[]): Promise<void> {
    if (!refs.length) return;
    const targets = [this.#alias];
    if (await this.#rebuilding()) targets.push(this.#nextAlias);
    const operations = targets.flatMap((target) => refs.map((ref) => ({ delete: { _index: target, _id: documentId(ref.kind, ref.id) } })));
    await this.#bulk(operations, targets.length > 1);
  }

  async search(query: SearchQuery): Promise<SearchResults> {
    const plan = searchPlan(query);
    if (plan.kind === 'nothing') return { total: 0, hits: [] };
    // Past the index's result window OpenSearch refuses the page: the total is still answered.
    const size = Math.max(0, Math.min(plan.size, MAX_RESULT_WINDOW - plan.from));
    const from = size ? plan.from : 0;
    const response = await this.#searchOnce(from, size, plan.body).catch(async (error: unknown) => {
      // Its index deleted under it (a rebuild's old index, past the grace): once more, on the alias's new index.
      if (!indexGoneUnder(error)) throw error;
      return this.#searchOnce(from, size, plan.body);
    });
    const result = response.body as unknown as {
      hits: { total: { value: number }; hits: { _source: Source; _score: number | null; highlight?: Record<string, string[]> }[] };
    };
    return {
      total: result.hits.total.value,
      hits: result.hits.hits.map((hit) => ({
        kind: hit._source.kind,
        id: hit._source.id,
        title: hit._source.title,
        // BM25 is unbounded; scaled into [0, 1) as the PostgreSQL backend scales its rank.
        score: plan.words && hit._score ? hit._score / (hit._score + 1) : 0,
        highlight: pickHighlight(hit.highlight, escapeHtml(hit._source.title)),
      })),
    };
  }

  async replaceAll(batches: AsyncIterable<readonly SearchDocument[]>): Promise<{ indexed: number }> {
    await this.ensureIndex();
    if (await this.#rebuilding()) {
      throw new OpenSearchBackendError(`a rebuild is under way (alias ${this.#nextAlias}); if none is, delete the index it names and run the rebuild again`);
    }
    const next = `${this.#alias}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const body = indexBody() as { settings: { index: Record<string, unknown> } };
    // No refresh while filling it: one at the end, before it takes the alias.
    body.settings.index.refresh_interval = '-1';
    await this.#client.indices.create({ index: next, body: { ...body, aliases: { [this.#nextAlias]: {} } } as never });
    try {
      let indexed = 0;
      for await (const batch of batches) {
        if (!batch.length) continue;
        // create, not index: a document already there came from a live upsert of a later change.
        const operations = batch.flatMap((document) => [{ create: { _index: next, _id: documentId(document.kind, document.id) } }, sourceOf(document)]);
        await this.#bulk(operations, false, ['version_conflict_engine_exception']);
        indexed += batch.length;
      }
      await this.#client.indices.putSettings({ index: next, body: { index: { refresh_interval: LIVE_REFRESH_INTERVAL } } as never });
      await this.#client.indices.refresh({ index: next });
      const current = Object.keys((await this.#client.indices.getAlias({ name: this.#alias })).body as Record<string, unknown>);
      // One alias update: searches see the old index until it applies, then the new one, never neither.
      await this.#client.indices.updateAliases({
        body: {
          actions: [
            { add: { index: next, alias: this.#alias } },
            { remove: { index: next, alias: this.#nextAlias } },
            ...current.map((old) => ({ remove: { index: old, alias: this.#alias } })),
          ],
        } as never,
      });
      // The old index goes a moment later: a search that resolved the alias just before the swap
      // is still reading it (deleting it at once failed such searches with 503s).
      await new Promise((resolve) => setTimeout(resolve, OLD_INDEX_GRACE_MS));
      if (current.length) await this.#client.indices.delete({ index: current.join(',') }, { ignore: [404] });
      return { indexed };
    } catch (error) {
      await this.#client.indices.delete({ index: next }, { ignore: [404] }).catch(() => undefined);
      throw error;
    }
  }

  async refresh(): Promise<void> {
    const indices = [this.#alias];
    if (await this.#rebuilding()) indices.push(this.#nextAlias);
    await this.#client.indices.refresh({ index: indices.join(',') });
  }

  async close(): Promise<void> {
    if (this.#ownClient) await this.#client.close();
  }

  #searchOnce(from: number, size: number, body: Record<string, unknown>) {
    return this.#client.search({ index: this.#alias, from, size, body: body as never });
  }

  async #rebuilding(): Promise<boolean> {
    return (await this.#client.indices.existsAlias({ name: this.#nextAlias })).body;
  }

  /**
   * One bulk request; any failed item fails the call (the indexer retries the change), except
   * errors of the types in `ignore`, and, when the rebuild's alias is written too, its
   * index_not_found (the rebuild swapped or gave up between the check and the write).
   */
  async #bulk(operations: unknown[], toNext: boolean, ignore: readonly string[] = []): Promise<void> {
    const response = await this.#client.bulk({ body: operations as never });
    const result = response.body as unknown as { errors: boolean; items: BulkItem[] };
    if (!result.errors) return;
    const failures = result.items
      .map((item) => Object.values(item)[0]!)
      .filter((outcome) => outcome.error)
      .filter((outcome) => !ignore.includes(outcome.error!.type))
      .filter((outcome) => !(toNext && outcome.error!.type === 'index_not_found_exception'));
    if (failures.length) throw new OpenSearchBackendError(`${failures.length} of ${result.items.length} writes failed, first: ${failures[0]!.error!.type}: ${failures[0]!.error!.reason}`);
  }
}

/** How long a rebuild keeps the index it replaced, for searches already under way on it. */
const OLD_INDEX_GRACE_MS = 1000;

function indexGoneUnder(error: unknown): boolean {
  const meta = (error as { meta?: { statusCode?: number; body?: { error?: { type?: string } } } }).meta;
  const type = meta?.body?.error?.type;
  return (meta?.statusCode === 404 && type === 'index_not_found_exception') || (meta?.statusCode === 503 && type === 'search_phase_execution_exception');
}

function documentId(kind: SearchKind, id: number): string {
  return `${kind}:${id}`;
}

function sourceOf(document: SearchDocument): Record<string, unknown> {
  return {
    kind: document.kind,
    id: document.id,
    title: document.title,
    body: document.body.slice(0, MAX_INDEXED_BODY),
    tags: [...document.tags],
    everyone: document.audience.everyone,
    ownerId: document.audience.everyone ? null : document.audience.ownerId,
    updatedAt: document.updatedAt,
  };
}

/** The factory search-settings.ts loads when SEARCH_BACKEND=opensearch. */
export function createOpenSearchBackend({ url, index }: { url: string; index: string }): SearchBackend {
  return new OpenSearchSearchBackend({ url, index });
}
