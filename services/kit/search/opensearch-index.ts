/**
 * The OpenSearch index of Ficus's search documents: its analysis settings and mapping, written to
 * search as the PostgreSQL backend's `english` configuration does (postgres-backend.ts):
 *
 * - Words: runs of letters, marks and digits (the same pattern as searchWords), so "low-fat" is
 *   low + fat and "don't" is don + t in the index and in every query.
 * - Lower-cased, PostgreSQL's English stop words dropped (its tsearch_data/english.stop, the
 *   Snowball list, below), then stemmed by Snowball English (porter2, PostgreSQL's english_stem).
 * - The query's last word is analyzed the same way and matched as the prefix of a stem
 *   (match_bool_prefix), as to_tsquery('english', 'word:*') does: no n-gram field is needed, so
 *   the index holds one term per word (edge n-grams made indexing ten times slower here).
 * - title, tags and body are boosted 3 / 2 / 1 at query time (PostgreSQL: weights A / B / C).
 */
export const STOP_WORDS: readonly string[] = [
  'i', 'me', 'my', 'myself', 'we', 'our', 'ours', 'ourselves', 'you', 'your', 'yours', 'yourself', 'yourselves',
  'he', 'him', 'his', 'himself', 'she', 'her', 'hers', 'herself', 'it', 'its', 'itself', 'they', 'them', 'their',
  'theirs', 'themselves', 'what', 'which', 'who', 'whom', 'this', 'that', 'these', 'those', 'am', 'is', 'are', 'was',
  'were', 'be', 'been', 'being', 'have', 'has', 'had', 'having', 'do', 'does', 'did', 'doing', 'a', 'an', 'the', 'and',
  'but', 'if', 'or', 'because', 'as', 'until', 'while', 'of', 'at', 'by', 'for', 'with', 'about', 'against', 'between',
  'into', 'through', 'during', 'before', 'after', 'above', 'below', 'to', 'from', 'up', 'down', 'in', 'out', 'on', 'off',
  'over', 'under', 'again', 'further', 'then', 'once', 'here', 'there', 'when', 'where', 'why', 'how', 'all', 'any',
  'both', 'each', 'few', 'more', 'most', 'other', 'some', 'such', 'no', 'nor', 'not', 'only', 'own', 'same', 'so',
  'than', 'too', 'very', 's', 't', 'can', 'will', 'just', 'don', 'should', 'now',
];

const STOP = new Set(STOP_WORDS);

/** A query word the analyzer drops (compared lower-cased, as the index's lowercase filter does). */
export function isStopWord(word: string): boolean {
  return STOP.has(word.toLowerCase());
}

/** Documents longer than this are indexed by their start (as the PostgreSQL backend does). */
export const MAX_INDEXED_BODY = 200_000;

/** Under the 1 s the indexer promises from a write to its search (issue 23 bar 3). */
export const LIVE_REFRESH_INTERVAL = '200ms';

export const TEXT_ANALYZER = 'ficus_text';

/** What every index of the alias is created with (a rebuild's new index too). */
export function indexBody(): Record<string, unknown> {
  const text = { type: 'text', analyzer: TEXT_ANALYZER };
  return {
    settings: {
      index: {
        number_of_shards: 1,
        // A single node can never place a replica: the index would stay yellow for nothing.
        number_of_replicas: 0,
        refresh_interval: LIVE_REFRESH_INTERVAL,
      },
      analysis: {
        tokenizer: {
          ficus_words: { type: 'pattern', pattern: '[^\\p{L}\\p{M}\\p{N}]+' },
        },
        filter: {
          ficus_stop: { type: 'stop', stopwords: STOP_WORDS },
          ficus_stem: { type: 'stemmer', language: 'porter2' },
        },
        analyzer: {
          [TEXT_ANALYZER]: { type: 'custom', tokenizer: 'ficus_words', filter: ['lowercase', 'ficus_stop', 'ficus_stem'] },
        },
      },
    },
    mappings: {
      dynamic: 'strict',
      properties: {
        kind: { type: 'keyword' },
        id: { type: 'integer' },
        title: text,
        body: text,
        // Searched as words like the title; filtered by exact name through tags.name.
        tags: { ...text, fields: { name: { type: 'keyword' } } },
        everyone: { type: 'boolean' },
        ownerId: { type: 'integer' },
        updatedAt: { type: 'date' },
      },
    },
  };
}
