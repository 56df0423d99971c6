import type { Logger } from 'pino';
import type { RowChange, SearchBackend, SearchKind } from '../../kit/index.ts';
import { allDocuments, documentsOf, recordsTagged, SEARCH_KINDS, searchSourcesNow, type SearchSourcePorts } from './search-source.ts';

/** The tables whose rows make documents, and the kind each makes. */
const RECORD_TABLES: Record<string, SearchKind> = {
  knowledge_contents: 'content',
  community_posts: 'post',
  qa_questions: 'question',
  product_template: 'product',
};

/** Tables watched: the records, the tags (a rename changes documents) and the tag links (many2many, no id). */
export const SEARCH_WATCHED_TABLES = ['knowledge_contents', 'community_posts', 'qa_questions', 'content_tags'] as const;
export const SEARCH_RELATION_TABLES = ['knowledge_content_tag_rel', 'qa_question_tag_rel'] as const;
/** Only on the monolith: the mall's products stay Odoo's. */
export const SEARCH_PRODUCT_TABLE = 'product_template';

export type RecordRefs = Map<SearchKind, Set<number>>;

/** The records whose documents a batch of row changes may have changed (before tags are resolved). */
export function recordsChanged(changes: readonly RowChange[]): { records: RecordRefs; tags: Set<number> } {
  const records: RecordRefs = new Map(SEARCH_KINDS.map((kind) => [kind, new Set<number>()]));
  const tags = new Set<number>();
  for (const change of changes) {
    const kind = RECORD_TABLES[change.table];
    if (kind) records.get(kind)!.add(change.id);
    else if (change.table === 'knowledge_content_tag_rel') addKey(records.get('content')!, change.key?.content_id);
    else if (change.table === 'qa_question_tag_rel') addKey(records.get('question')!, change.key?.question_id);
    // A deleted tag's links are deleted too (ondelete cascade in Odoo), and those changes name the records.
    else if (change.table === 'content_tags' && change.op === 'u') tags.add(change.id);
  }
  return { records, tags };
}

function addKey(set: Set<number>, value: unknown): void {
  if (typeof value === 'number' && Number.isInteger(value)) set.add(value);
}

/**
 * The one indexer of the platform's search (issue 23): it turns records into documents
 * (search-documents.ts) and keeps the backend equal to the tables — on every row change the
 * feeds hand it (search-stream.ts), and at once on `rebuild`. A change only names a row: the
 * indexer reads the record as it is now from its module's home and upserts its document, or
 * removes it when the record is gone or no longer indexed, so handling a change twice, late or
 * out of order ends the same way (the feeds hand a batch again after a crash).
 */
export class SearchIndexer {
  readonly #backend: SearchBackend;
  readonly #ports: SearchSourcePorts;
  readonly #logger: Logger | undefined;

  constructor(options: { backend: SearchBackend; ports: SearchSourcePorts; logger?: Logger }) {
    this.#backend = options.backend;
    this.#ports = options.ports;
    this.#logger = options.logger;
  }

  get backend(): SearchBackend {
    return this.#backend;
  }

  /** Re-reads the changed records and writes their documents (or removes them). */
  async handle(changes: readonly RowChange[]): Promise<{ upserted: number; removed: number }> {
    const { records, tags } = recordsChanged(changes);
    const sources = await searchSourcesNow(this.#ports);
    if (tags.size) {
      const tagged = await recordsTagged(sources, [...tags]);
      for (const id of tagged.content) records.get('content')!.add(id);
      for (const id of tagged.question) records.get('question')!.add(id);
    }
    return this.reindex(records, sources);
  }

  async reindex(records: RecordRefs, sources?: Awaited<ReturnType<typeof searchSourcesNow>>): Promise<{ upserted: number; removed: number }> {
    const now = sources ?? (await searchSourcesNow(this.#ports));
    let upserted = 0;
    let removed = 0;
    for (const [kind, ids] of records) {
      if (!ids.size) continue;
      const { documents, absent } = await documentsOf(now, kind, [...ids]);
      await this.#backend.upsert(documents);
      await this.#backend.remove(absent.map((id) => ({ kind, id })));
      upserted += documents.length;
      removed += absent.length;
    }
    return { upserted, removed };
  }

  /** Every document again from the tables, swapped in at once (`ficus search rebuild`, or an empty index at start). */
  async rebuild(): Promise<{ indexed: number; ms: number }> {
    const started = Date.now();
    await this.#backend.ensureIndex();
    const { indexed } = await this.#backend.replaceAll(allDocuments(this.#ports));
    await this.#backend.refresh();
    const ms = Date.now() - started;
    this.#logger?.info({ indexed, ms, backend: this.#backend.name }, 'search index rebuilt');
    return { indexed, ms };
  }

  /** Whether the index holds no document at all (a first start: the feed only sees changes from now on). */
  async isEmpty(): Promise<boolean> {
    const { total } = await this.#backend.search({ q: '', kinds: SEARCH_KINDS, viewer: { userId: 0, staff: true }, limit: 1, offset: 0 });
    return total === 0;
  }
}
