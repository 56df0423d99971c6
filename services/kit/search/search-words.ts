/**
 * The words of a user's free-text search, and nothing else: a search box's text is never query
 * syntax for either backend (no operators, quotes, wildcards or field names), so any input is a
 * valid query and none changes what the query means beyond its words.
 *
 * A word is a run of letters, marks and digits (Unicode); everything else separates words, as the
 * backends' tokenizers do ("low-fat" is low + fat, "don't" is don + t). Words are capped in
 * length and number so a pasted essay cannot become an expensive query.
 */
export const MAX_QUERY_WORDS = 32;
export const MAX_WORD_LENGTH = 64;

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

export function searchWords(q: string): string[] {
  const words: string[] = [];
  for (const match of q.normalize('NFC').matchAll(WORD)) {
    words.push([...match[0]].slice(0, MAX_WORD_LENGTH).join(''));
    if (words.length === MAX_QUERY_WORDS) break;
  }
  return words;
}

/**
 * PostgreSQL tsquery text for one word as a prefix ('word':*). The word holds only letters,
 * marks and digits (searchWords), so it cannot close the quotes; quotes and backslashes are
 * escaped anyway, so the function stays safe for any string it is given.
 */
export function prefixTsquery(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`;
}
