import type { SearchQuery } from './search-port.ts';
import { isStopWord } from './opensearch-index.ts';
import { searchWords } from './search-words.ts';

/**
 * A SearchQuery as an OpenSearch search body, with the PostgreSQL backend's meaning: every word
 * required in the title, tags or body (any of them) by stem, the last word as the prefix of a stem
 * (match_bool_prefix: analyzed, then a prefix query of its stem); stop words dropped, and a text of
 * stop words only finding nothing (PostgreSQL: an empty tsquery matches no document). The words are
 * searchWords', passed as plain text to match queries, so no user text is ever query syntax.
 * Audience, kinds and tags are filters: they decide the total and never the score.
 */
export const MAX_RESULT_WINDOW = 10_000;

const FIELDS = ['title^3', 'tags^2', 'body'];

export type SearchPlan =
  | { kind: 'nothing' }
  | { kind: 'search'; body: Record<string, unknown>; from: number; size: number; words: boolean };

export function searchPlan(query: SearchQuery): SearchPlan {
  if (!query.kinds.length) return { kind: 'nothing' };
  const words = searchWords(query.q);
  if (words.length && words.every(isStopWord)) return { kind: 'nothing' };
  const size = Math.max(0, Math.min(Math.trunc(query.limit), 1000));
  const from = Math.max(0, Math.trunc(query.offset));

  const filter: unknown[] = [{ terms: { kind: [...query.kinds] } }];
  if (!query.viewer.staff) {
    filter.push({ bool: { should: [{ term: { everyone: true } }, { term: { ownerId: query.viewer.userId } }], minimum_should_match: 1 } });
  }
  for (const tag of query.tags ?? []) filter.push({ term: { 'tags.name': tag } });

  // Each word matches in any field (PostgreSQL: one tsvector of title, tags and body).
  const must: unknown[] = words.slice(0, -1).filter((word) => !isStopWord(word))
    .map((word) => ({ multi_match: { query: word, fields: FIELDS, type: 'best_fields', tie_breaker: 0.3, zero_terms_query: 'all' } }));
  // The last word as a prefix, unless a stop word (PostgreSQL drops it: no prefix is left).
  const last = words.at(-1);
  if (last !== undefined && !isStopWord(last)) must.push({ multi_match: { query: last, fields: FIELDS, type: 'bool_prefix', zero_terms_query: 'all' } });

  const order = query.sort === 'recent' ? [] : [{ _score: 'desc' }];
  const body: Record<string, unknown> = {
    query: { bool: { must: must.length ? must : [{ match_all: {} }], filter } },
    sort: [...order, { updatedAt: 'desc' }, { kind: 'asc' }, { id: 'asc' }],
    track_scores: words.length > 0,
    track_total_hits: true,
    _source: ['kind', 'id', 'title'],
    highlight: {
      encoder: 'html',
      pre_tags: ['<mark>'],
      post_tags: ['</mark>'],
      fields: {
        body: { type: 'unified', fragment_size: 160, number_of_fragments: 2, no_match_size: 200 },
        title: { type: 'unified', number_of_fragments: 0 },
      },
    },
  };
  return { kind: 'search', body, from, size, words: words.length > 0 };
}

/** The fragments of one hit as the port's highlight: the body's marked fragments, else the title's, else the body's start. */
export function pickHighlight(fields: Record<string, string[] | undefined> | undefined, escapedTitle: string): string {
  const body = fields?.body ?? [];
  const title = fields?.title ?? [];
  if (body.some((f) => f.includes('<mark>'))) return body.join(' … ');
  if (title.some((f) => f.includes('<mark>'))) return title.join(' … ');
  return body.join(' … ') || escapedTitle;
}
