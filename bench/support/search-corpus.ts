import type { SearchDocument, SearchKind, SearchQuery, SearchViewer } from '../../services/kit/search/search-port.ts';

/**
 * A deterministic search corpus and query mix for bench/search.ts: the same seed gives the same
 * documents and queries on every machine and for every backend. Words follow a Zipf-like law over
 * a vocabulary of real health and community words plus made-up ones (so rare words exist too);
 * titles are short, bodies 30-150 words, tags from a fixed list, 1 document in 10 visible to its
 * owner only, and updates spread over a year.
 */
const HEALTH_WORDS = `diabetes insulin glucose blood sugar pressure heart cholesterol diet nutrition protein fibre vitamin
  exercise walking running cycling swimming yoga stretching strength training muscle joint knee back pain sleep stress anxiety
  meditation breathing weight loss calories fasting breakfast dinner vegetables fruit salad soup recipe coffee tea water
  hydration medicine dose doctor nurse clinic hospital appointment test result scan therapy recovery injury surgery
  pregnancy baby child elderly family caregiver community group question answer course lesson article guide beginner
  advanced monitor device watch tracker scale thermometer mask supplement herbal allergy asthma skin hair eye vision
  hearing dental teeth posture office desk habit routine morning evening weekend holiday travel kitchen garden`
  .split(/\s+/)
  .filter(Boolean);
const TAGS = ['diabetes', 'heart', 'sleep', 'exercise', 'nutrition', 'mental-health', 'device', 'recipe', 'beginner', 'family', 'pain', 'weight'];
const KINDS: SearchKind[] = ['content', 'post', 'question', 'product'];
const SYLLABLES = ['ka', 'lo', 'mi', 're', 'su', 'ten', 'var', 'bo', 'zin', 'pra', 'del', 'qu', 'nor', 'fi', 'gal', 'ster'];

/** mulberry32: small, fast and good enough for a benchmark's deterministic choices. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vocabulary(size: number, next: () => number): string[] {
  const words = [...HEALTH_WORDS];
  const seen = new Set(words);
  while (words.length < size) {
    const length = 2 + Math.floor(next() * 3);
    const word = Array.from({ length }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join('');
    if (!seen.has(word)) {
      seen.add(word);
      words.push(word);
    }
  }
  return words;
}

/** Index of a Zipf-like draw over n ranks (s ≈ 1): rank r with probability ∝ 1/r. */
function zipf(n: number, next: () => number): number {
  return Math.min(n - 1, Math.floor(Math.exp(next() * Math.log(n + 1)) - 1));
}

export interface SearchCorpus {
  size: number;
  batches(batchSize: number): AsyncIterable<readonly SearchDocument[]>;
  queries(count: number): SearchQuery[];
}

export function searchCorpus(size: number, seed = 23): SearchCorpus {
  const words = vocabulary(5000, random(seed));
  const sentence = (next: () => number, length: number) => Array.from({ length }, () => words[zipf(words.length, next)]).join(' ');
  const documentAt = (i: number): SearchDocument => {
    const next = random(seed * 1_000_003 + i);
    const title = sentence(next, 3 + Math.floor(next() * 6));
    const body = sentence(next, 30 + Math.floor(next() * 120));
    const tags = TAGS.filter(() => next() < 0.15);
    const owner = 1000 + Math.floor(next() * 5000);
    return {
      kind: KINDS[i % KINDS.length]!,
      id: Math.floor(i / KINDS.length) + 1,
      title: title[0]!.toUpperCase() + title.slice(1),
      body: `${body}.`,
      tags,
      audience: next() < 0.1 ? { everyone: false, ownerId: owner } : { everyone: true },
      updatedAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 365 * 86_400_000)).toISOString(),
    };
  };
  return {
    size,
    async *batches(batchSize) {
      for (let start = 0; start < size; start += batchSize) {
        yield Array.from({ length: Math.min(batchSize, size - start) }, (_, j) => documentAt(start + j));
      }
    },
    queries(count) {
      const next = random(seed + 7);
      const member: SearchViewer = { userId: 1001, staff: false };
      const staff: SearchViewer = { userId: 2, staff: true };
      return Array.from({ length: count }, () => {
        // Mostly the common health words people type, one to three of them.
        const n = 1 + Math.floor(next() * 3);
        const picked = Array.from({ length: n }, () => words[zipf(HEALTH_WORDS.length, next)]!);
        // A third are typed halfway: the last word a prefix.
        if (next() < 0.33) picked[n - 1] = picked[n - 1]!.slice(0, Math.max(2, Math.ceil(picked[n - 1]!.length / 2)));
        const tag = next() < 0.2 ? [TAGS[Math.floor(next() * TAGS.length)]!] : undefined;
        return {
          q: picked.join(' '),
          kinds: next() < 0.7 ? KINDS : [KINDS[Math.floor(next() * KINDS.length)]!],
          viewer: next() < 0.9 ? member : staff,
          ...(tag ? { tags: tag } : {}),
          sort: next() < 0.1 ? 'recent' : 'relevance',
          limit: 10,
          offset: next() < 0.1 ? 10 : 0,
        } satisfies SearchQuery;
      });
    },
  };
}
