/**
 * The one search API services see (issue 23): PostgreSQL full-text search when embedded, a real
 * search engine (OpenSearch 2.19) when distributed. Both backends take the same documents and
 * answer the same results contract; a backend is one file implementing SearchBackend, so an
 * Elasticsearch adapter would be one more file.
 *
 * Documents carry who may find them (`audience`), so a backend filters before it ranks and a page
 * of hits never holds a record the caller may not read; callers still check the hits against
 * the record rules of the models they come from (the index may lag a write by up to a second).
 */
export type SearchKind = 'content' | 'post' | 'question' | 'product';

/** Who may find a document: every reader of its model, or only its owner and staff (operators, admins). */
export type SearchAudience = { everyone: true } | { everyone: false; ownerId: number };

export interface SearchDocument {
  kind: SearchKind;
  /** The record's id in its model (hp.knowledge.content, hp.community.post, hp.qa.question, product.template). */
  id: number;
  title: string;
  /** Plain text (HTML already stripped) searched after the title; never holds what the audience may not read. */
  body: string;
  tags: readonly string[];
  audience: SearchAudience;
  /** ISO 8601, for `sort: 'recent'`. */
  updatedAt: string;
}

export interface SearchViewer {
  userId: number;
  /** Operators and admins: every document of the kinds they may read. */
  staff: boolean;
}

export interface SearchQuery {
  /**
   * Free text, never query syntax (any character is allowed and none is an operator): a document
   * matches when it holds every word (AND), by stem, the last word also as a prefix (`diab`
   * finds "diabetes"). A q without words matches every document the other filters let through.
   */
  q: string;
  /** The kinds the caller may read (access rights decide them); an empty list finds nothing. */
  kinds: readonly SearchKind[];
  viewer: SearchViewer;
  /** Documents carrying every one of these tags (exact names). */
  tags?: readonly string[];
  /** relevance (the default; ties and a q without words: most recent first) or most recently updated first. */
  sort?: 'relevance' | 'recent';
  limit: number;
  offset: number;
}

export interface SearchHit {
  kind: SearchKind;
  id: number;
  score: number;
  title: string;
  /** A fragment of the title or body with the matched words inside <mark>…</mark> (other text HTML-escaped). */
  highlight: string;
}

export interface SearchResults {
  /** Documents matching for this viewer (not only this page). */
  total: number;
  hits: SearchHit[];
}

export interface SearchBackend {
  readonly name: 'postgres' | 'opensearch';
  /** Creates the index (or table) with its analysis settings if missing. */
  ensureIndex(): Promise<void>;
  /** Adds or replaces documents, keyed by (kind, id). */
  upsert(documents: readonly SearchDocument[]): Promise<void>;
  remove(refs: readonly { kind: SearchKind; id: number }[]): Promise<void>;
  search(query: SearchQuery): Promise<SearchResults>;
  /** Rebuild: every document from `batches` replaces the whole index at once (searches keep answering from the old one until then). */
  replaceAll(batches: AsyncIterable<readonly SearchDocument[]>): Promise<{ indexed: number }>;
  /** Documents written so far become searchable now (a no-op where every write already is). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}
