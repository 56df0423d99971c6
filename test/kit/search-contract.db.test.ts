import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchBackend, SearchDocument, SearchKind, SearchQuery } from '../../services/kit/search/search-port.ts';
import { SEARCH_BACKENDS_UNDER_TEST, type StartedBackend } from './search-backends.ts';

/**
 * The search port's contract, the same for every backend (services/kit/search/search-port.ts):
 * words by stem, all of them, the last as a prefix; the title weighing most; audience, kinds and
 * tags filtered before ranking and counting; highlights escaped; upsert, remove and replaceAll;
 * and no user text ever failing as query syntax.
 */
const ALL_KINDS: SearchKind[] = ['content', 'post', 'question', 'product'];
const member = { userId: 7, staff: false };
const owner = { userId: 42, staff: false };
const staff = { userId: 2, staff: true };

function doc(kind: SearchKind, id: number, title: string, body: string, extra: Partial<SearchDocument> = {}): SearchDocument {
  return { kind, id, title, body, tags: [], audience: { everyone: true }, updatedAt: `2026-01-${String((id % 28) + 1).padStart(2, '0')}T10:00:00Z`, ...extra };
}

const CORPUS: SearchDocument[] = [
  doc('content', 1, 'Managing type 2 diabetes with diet', 'Carbohydrate counting and meal timing help keep blood sugar stable.', { tags: ['diabetes', 'nutrition'] }),
  doc('content', 2, 'Morning walks', 'A brisk walk lowers blood sugar after breakfast, which matters with diabetes.', { tags: ['exercise'] }),
  doc('post', 3, 'My running diary', 'I ran five kilometres today and my knees are fine.', { tags: ['exercise', 'running'] }),
  doc('question', 4, 'Is coffee bad for blood pressure?', 'I drink three cups a day. Should I stop?', { tags: ['heart'] }),
  doc('post', 5, 'Draft: sleeping better', 'Notes on sleep hygiene I have not published yet.', { audience: { everyone: false, ownerId: 42 } }),
  doc('product', 6, 'Blood pressure monitor', 'An upper-arm monitor that stores 60 readings.', { tags: ['heart', 'device'] }),
  doc('question', 7, 'Closed: <script>alert(1)</script> & sleep', 'Why does <b>sleep</b> matter? "Quotes" & \'apostrophes\'.', { audience: { everyone: false, ownerId: 42 } }),
  doc('content', 8, 'Strength training for beginners', 'Squats, push-ups and planks three times a week.', { tags: ['exercise'] }),
];

function query(q: string, extra: Partial<SearchQuery> = {}): SearchQuery {
  return { q, kinds: ALL_KINDS, viewer: member, limit: 10, offset: 0, ...extra };
}

const keys = (results: { hits: { kind: string; id: number }[] }) => results.hits.map((h) => `${h.kind}:${h.id}`);

for (const underTest of SEARCH_BACKENDS_UNDER_TEST) {
  describe(`search contract: ${underTest.name}`, () => {
    let started: StartedBackend;
    let backend: SearchBackend;

    beforeAll(async () => {
      started = await underTest.start();
      backend = started.backend;
      await backend.ensureIndex(); // twice: idempotent
      await backend.upsert(CORPUS);
      await backend.refresh();
    }, 120_000);
    afterAll(async () => started?.stop());

    it('finds words by stem, every word required, the last one also as a prefix', async () => {
      expect(keys(await backend.search(query('diabetes')))).toEqual(expect.arrayContaining(['content:1', 'content:2']));
      expect((await backend.search(query('diabetes'))).total).toBe(2);
      // "walking" and "walks" share a stem.
      expect(keys(await backend.search(query('walking')))).toEqual(['content:2']);
      // Every word: "blood sugar" is in 1 and 2, "blood pressure" in 4 and 6.
      expect(keys(await backend.search(query('blood sugar'))).sort()).toEqual(['content:1', 'content:2']);
      expect(keys(await backend.search(query('blood press'))).sort()).toEqual(['product:6', 'question:4']);
      // The last word as a prefix; earlier words are not prefixes.
      expect(keys(await backend.search(query('diab')))).toHaveLength(2);
      expect(keys(await backend.search(query('diab sugar')))).toEqual([]);
      expect(keys(await backend.search(query('nothing like this zzzz')))).toEqual([]);
    });

    it('ranks a match in the title above one in the body only, and tags above the body', async () => {
      const diabetes = await backend.search(query('diabetes'));
      expect(keys(diabetes)[0]).toBe('content:1');
      expect(diabetes.hits[0]!.score).toBeGreaterThan(diabetes.hits[1]!.score);
      const exercise = await backend.search(query('exercise'));
      expect(keys(exercise).sort()).toEqual(['content:2', 'content:8', 'post:3']);
      // "running" is post 3's title (A) and tag (B); "ran" in its body is another stem.
      const running = await backend.search(query('running'));
      expect(keys(running)).toEqual(['post:3']);
    });

    it('filters by audience before counting: owner-only documents for their owner and staff alone', async () => {
      const sleep = (viewer: SearchQuery['viewer']) => backend.search(query('sleep', { viewer }));
      expect((await sleep(member)).total).toBe(0);
      expect(keys(await sleep(owner)).sort()).toEqual(['post:5', 'question:7']);
      expect((await sleep(staff)).total).toBe(2);
      expect((await backend.search(query('', { viewer: member }))).total).toBe(CORPUS.length - 2);
      expect((await backend.search(query('', { viewer: staff }))).total).toBe(CORPUS.length);
    });

    it('filters by kinds (none: nothing) and by every tag given', async () => {
      expect(keys(await backend.search(query('blood', { kinds: ['product'] })))).toEqual(['product:6']);
      expect((await backend.search(query('blood', { kinds: [] }))).total).toBe(0);
      expect(keys(await backend.search(query('', { tags: ['heart'] }))).sort()).toEqual(['product:6', 'question:4']);
      expect(keys(await backend.search(query('', { tags: ['heart', 'device'] })))).toEqual(['product:6']);
      expect(keys(await backend.search(query('', { tags: ['Heart'] })))).toEqual([]);
      expect(keys(await backend.search(query('monitor', { tags: ['exercise'] })))).toEqual([]);
    });

    it('sorts by recency on request, and pages with the same total', async () => {
      const recent = await backend.search(query('', { sort: 'recent', viewer: staff }));
      const times = recent.hits.map((h) => CORPUS.find((d) => d.kind === h.kind && d.id === h.id)!.updatedAt);
      expect(times).toEqual([...times].sort().reverse());
      const page1 = await backend.search(query('', { viewer: staff, sort: 'recent', limit: 3, offset: 0 }));
      const page2 = await backend.search(query('', { viewer: staff, sort: 'recent', limit: 3, offset: 3 }));
      const past = await backend.search(query('', { viewer: staff, sort: 'recent', limit: 3, offset: 100 }));
      expect([page1.total, page2.total, past.total]).toEqual([CORPUS.length, CORPUS.length, CORPUS.length]);
      expect([...keys(page1), ...keys(page2)]).toEqual(keys(recent).slice(0, 6));
      expect(past.hits).toEqual([]);
    });

    it('highlights matches in <mark> with all other text HTML-escaped', async () => {
      const [hit] = (await backend.search(query('sleep', { viewer: owner, kinds: ['question'] }))).hits;
      expect(hit!.highlight).toContain('<mark>');
      const outside = hit!.highlight.replace(/<\/?mark>/g, '');
      expect(outside).not.toMatch(/[<>"]/);
      expect(hit!.title).toBe('Closed: <script>alert(1)</script> & sleep');
      const [diet] = (await backend.search(query('carbohydrate'))).hits;
      expect(diet!.highlight).toMatch(/<mark>Carbohydrate<\/mark>/);
    });

    it('an upsert replaces the document of the same kind and id; remove takes it away', async () => {
      await backend.upsert([doc('product', 100, 'Yoga mat', 'Non-slip mat.'), doc('post', 100, 'Yoga at home', 'Ten minutes a day.')]);
      await backend.refresh();
      expect(keys(await backend.search(query('yoga'))).sort()).toEqual(['post:100', 'product:100']);
      await backend.upsert([doc('product', 100, 'Cork block', 'For stretching.')]);
      await backend.refresh();
      expect(keys(await backend.search(query('yoga')))).toEqual(['post:100']);
      expect(keys(await backend.search(query('cork')))).toEqual(['product:100']);
      await backend.remove([{ kind: 'post', id: 100 }, { kind: 'product', id: 100 }, { kind: 'content', id: 99_999 }]);
      await backend.refresh();
      expect((await backend.search(query('yoga'))).total).toBe(0);
      expect((await backend.search(query('cork'))).total).toBe(0);
    });

    it('treats any text as words, never as query syntax, and a text of stop words finds nothing', async () => {
      for (const q of ["blood & !pressure | (", "blood:* <-> 'pressure", 'blood\\ "pressure', 'BLOOD, pressure!!!', 'blood\u0000pressure']) {
        expect(keys(await backend.search(query(q))).sort(), q).toEqual(['product:6', 'question:4']);
      }
      expect((await backend.search(query('the of and'))).total).toBe(0);
      expect((await backend.search(query('  !!! '))).total).toBe(CORPUS.length - 2);
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.array(fc.constantFrom('&', '|', '!', '(', ')', ':*', "'", '"', '\\', '<->', 'blood', 'pre', ' ', '\u0000', '高血压'), { maxLength: 12 }).map((a) => a.join(''))),
          fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
          async (q, tags) => {
            const results = await backend.search(query(q, { tags }));
            expect(results.hits.length).toBeLessThanOrEqual(10);
            expect(results.total).toBeGreaterThanOrEqual(results.hits.length);
            for (const hit of results.hits) expect(hit.highlight.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
          }),
        { numRuns: 150 },
      );
    });

    it('property: a viewer finds exactly the documents of their audience, never another owner\'s', async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ kind: fc.constantFrom<SearchKind>('content', 'post', 'question'), owner: fc.option(fc.constantFrom(41, 42, 43), { nil: undefined }) }), { minLength: 1, maxLength: 12 }),
          fc.record({ userId: fc.constantFrom(41, 42, 43, 44), staff: fc.boolean() }),
          async (records, viewer) => {
            round += 1;
            const word = `audience${round}q${Date.now() % 100_000}`;
            const documents = records.map((r, i) => doc(r.kind, 20_000 + round * 100 + i, `${word} record ${i}`, 'Body.', r.owner === undefined ? {} : { audience: { everyone: false, ownerId: r.owner } }));
            await backend.upsert(documents);
            await backend.refresh();
            const results = await backend.search(query(word, { viewer, limit: 50 }));
            const expected = documents.filter((d) => viewer.staff || d.audience.everyone || d.audience.ownerId === viewer.userId).map((d) => `${d.kind}:${d.id}`).sort();
            expect(keys(results).sort()).toEqual(expected);
            expect(results.total).toBe(expected.length);
            await backend.remove(documents);
          },
        ),
        { numRuns: 30 },
      );
    });

    it('replaceAll swaps in exactly the documents given, searches answering throughout', async () => {
      let searching = true;
      const failures: unknown[] = [];
      const searches = (async () => {
        let count = 0;
        while (searching || count === 0) {
          await backend.search(query('blood')).catch((error: unknown) => failures.push(error));
          count += 1;
        }
        return count;
      })();
      async function* batches() {
        for (let i = 0; i < 5; i += 1) {
          yield Array.from({ length: 40 }, (_, j) => doc('content', 1000 + i * 40 + j, `Rebuilt guide ${i * 40 + j} on blood tests`, 'Fasting and timing.'));
          await new Promise((r) => setTimeout(r, 20));
          // Live writes while the rebuild runs (the indexer follows the feed meanwhile): a new
          // document, and a newer version of one the rebuild has not reached yet (its rows are older).
          if (i === 0) await backend.upsert([doc('post', 5000, 'Live ocelot during the rebuild', 'Written meanwhile.'), doc('content', 1040, 'Live version of guide 40 on blood tests', 'Newer.')]);
        }
      }
      const { indexed } = await backend.replaceAll(batches());
      searching = false;
      expect(await searches).toBeGreaterThan(0);
      expect(failures.map((f) => String(f))).toEqual([]);
      await backend.refresh();
      expect(indexed).toBe(200);
      const after = await backend.search(query('blood', { limit: 5 }));
      expect(after.total).toBe(200);
      expect(keys(await backend.search(query('ocelot')))).toEqual(['post:5000']);
      expect((await backend.search(query('live version', { kinds: ['content'] }))).hits.map((h) => h.id)).toEqual([1040]);
      expect((await backend.search(query('diabetes'))).total).toBe(0);
      await backend.upsert([doc('content', 1, 'Back again: diabetes', 'After the rebuild.')]);
      await backend.refresh();
      expect(keys(await backend.search(query('diabetes')))).toEqual(['content:1']);
    });
  });
}
