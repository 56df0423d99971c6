import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { OpenSearchSearchBackend } from '../../../services/kit/search/opensearch-backend.ts';
import type { SearchBackend, SearchKind } from '../../../services/kit/search/search-port.ts';
import type { ContentDatabase } from '../../../services/content/db/tables.ts';
import { SearchIndexer } from '../../../services/content/domain/search-indexer.ts';
import { SearchFeeds } from '../../../services/content/domain/search-stream.ts';
import content from '../../../services/content/index.ts';
import { acquireOpenSearch, openSearchAvailable, releaseOpenSearch } from '../../support/opensearch.ts';
import { startServiceRestStack, type ServiceRestStack } from '../../support/service-rest-stack.ts';

/**
 * Content's search with the distributed backend (SEARCH_BACKEND=opensearch), end to end: the
 * indexer rebuilds the demo data into an OpenSearch index, the real row-change feeds carry every
 * write there, and GET /search answers from it with the audience and the record rules. Bar 3's
 * lag: posts written at 200/s, each searchable through OpenSearch within a second.
 */
const CONTENT_TABLES = ['content_tags', 'knowledge_contents', 'knowledge_content_tag_rel', 'content_purchases', 'community_posts', 'comments', 'qa_questions', 'qa_question_tag_rel', 'qa_answers'];
const OPERATOR = 302;
const [ALICE, BOB] = [6, 7];
const WRITES_PER_S = 200;
const LAG_SECONDS = 2;

const available = openSearchAvailable();
let stack: ServiceRestStack<ContentDatabase>;
let backend: OpenSearchSearchBackend;
/** When the indexer handed each post's document to OpenSearch (upsert called, upsert answered): the lag's two halves. */
const handedAt = new Map<number, { called: number; answered: number }>();
let feeds: SearchFeeds;
let indexer: SearchIndexer;
const alias = `test_content_${randomBytes(4).toString('hex')}`;

const search = (uid: number, query: string) => stack.call('GET', `/search?${query}`, stack.token(uid));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function newPost(pool: pg.Pool, author: number, title: string, state = 'published'): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO community_posts (author_id, title, body, state, like_count, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, 'Written by the search test.', $3, 0, $1, $1, now() at time zone 'UTC', now() at time zone 'UTC') RETURNING id`, [author, title, state]);
  return rows[0]!.id;
}

describe.skipIf(!available)('content search on OpenSearch', () => {
  beforeAll(async () => {
    const url = await acquireOpenSearch();
    // What the content routes read (search-settings.ts): this file's process searches this index.
    Object.assign(process.env, { SEARCH_BACKEND: 'opensearch', OPENSEARCH_URL: url, SEARCH_INDEX: alias });
    stack = await startServiceRestStack<ContentDatabase>({ definition: content, tables: CONTENT_TABLES, owner: 'legacy' });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: stack.service.pool }) });
    backend = new OpenSearchSearchBackend({ url, index: alias });
    await backend.ensureIndex();
    const timed: SearchBackend = {
      name: backend.name,
      ensureIndex: () => backend.ensureIndex(),
      async upsert(documents) {
        const called = Date.now();
        await backend.upsert(documents);
        const answered = Date.now();
        for (const d of documents) if (d.kind === 'post') handedAt.set(d.id, { called, answered });
      },
      remove: (refs) => backend.remove(refs),
      search: (query) => backend.search(query),
      replaceAll: (batches) => backend.replaceAll(batches),
      refresh: () => backend.refresh(),
      close: async () => undefined,
    };
    indexer = new SearchIndexer({ backend: timed, ports: { db, pool: stack.service.pool, legacyPool: stack.legacy.pool } });
    feeds = new SearchFeeds({
      indexer, serviceUrl: stack.service.url, legacyUrl: stack.legacy.url, purpose: 'opensearch_test', maxDelayMs: 10,
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' }), metrics: new Registry(),
    });
    await feeds.start();
    await indexer.rebuild();
    await backend.refresh();
  }, 300_000);
  afterAll(async () => {
    await feeds?.stop();
    await feeds?.remove();
    await stack?.stop();
    if (backend) {
      // The alias's indices go with the test (a rebuild names them <alias>_<time>).
      const { Client } = await import('@opensearch-project/opensearch');
      const client = new Client({ node: process.env.OPENSEARCH_URL! });
      await client.indices.delete({ index: `${alias}_*` }, { ignore: [404] }).catch(() => undefined);
      await client.close();
      await backend.close();
    }
    await releaseOpenSearch();
  });

  it('a rebuild holds every record of the demo data, each visible to whom the records say', async () => {
    const legacy = stack.legacy.pool;
    const count = async (sql: string) => Number((await legacy.query<{ n: string }>(sql)).rows[0]!.n);
    const total = (kind: SearchKind, viewer: { userId: number; staff: boolean }) =>
      backend.search({ q: '', kinds: [kind], viewer, limit: 0, offset: 0 }).then((r) => r.total);
    const staff = { userId: OPERATOR, staff: true };
    const nobody = { userId: 0, staff: false };
    expect(await total('content', staff)).toBe(await count('SELECT count(*) AS n FROM knowledge_contents'));
    expect(await total('content', nobody)).toBe(await count('SELECT count(*) AS n FROM knowledge_contents WHERE published'));
    expect(await total('post', staff)).toBe(await count("SELECT count(*) AS n FROM community_posts WHERE state <> 'deleted'"));
    expect(await total('post', nobody)).toBe(await count("SELECT count(*) AS n FROM community_posts WHERE state = 'published'"));
    expect(await total('question', nobody)).toBe(await count("SELECT count(*) AS n FROM qa_questions WHERE state <> 'closed'"));
    expect(await total('product', nobody)).toBe(await count('SELECT count(*) AS n FROM product_template WHERE sale_ok AND active'));
  });

  it('GET /search answers from OpenSearch: a new post found with its highlight, hidden only its author\'s, deleted nobody\'s', async () => {
    const word = `sandpiper${randomBytes(3).toString('hex')}`;
    const id = await newPost(stack.legacy.pool, ALICE, `Dawn ${word} count`);
    await waitFor('the post found', async () => ((await search(BOB, `q=${word}`)).body.total === 1 ? true : undefined));
    const found = (await search(BOB, `q=${word.slice(0, 6)}&kinds=post&sort=recent`)).body;
    expect(found.hits[0]).toMatchObject({ kind: 'post', id, title: `Dawn ${word} count` });
    expect((await search(BOB, `q=${word}`)).body.hits[0].highlight).toContain(`<mark>${word}</mark>`);
    await stack.legacy.pool.query("UPDATE community_posts SET state = 'hidden', write_date = now() at time zone 'UTC' WHERE id = $1", [id]);
    await waitFor('the post hidden', async () => ((await search(BOB, `q=${word}`)).body.total === 0 ? true : undefined));
    expect((await search(ALICE, `q=${word}`)).body.hits.map((h: { id: number }) => h.id)).toEqual([id]);
    await stack.legacy.pool.query("UPDATE community_posts SET state = 'deleted' WHERE id = $1", [id]);
    await waitFor('the post gone', async () => ((await search(OPERATOR, `q=${word}`)).body.total === 0 ? true : undefined));
  });

  it(`a post written at ${WRITES_PER_S} writes/s is searchable within a second`, async () => {
    const word = `lagwing${randomBytes(3).toString('hex')}`;
    const writtenAt = new Map<number, number>();
    const seenAt = new Map<number, number>();
    const count = WRITES_PER_S * LAG_SECONDS;
    let writing = true;
    // Watch the index every 25 ms, noting when each post first appears: a bare query of ids (the
    // port's search would highlight up to 400 hits per look and so see them later than a reader).
    const { Client } = await import('@opensearch-project/opensearch');
    const watcher = new Client({ node: process.env.OPENSEARCH_URL! });
    const watching = (async () => {
      while (writing || seenAt.size < writtenAt.size) {
        // Stamped when the search leaves: a search started then finds the post (a reader's own
        // search time is not the index's lag).
        const sent = Date.now();
        // Only posts not seen yet, ids from doc values: each look stays small and quick.
        const response = await watcher.search({ index: alias, body: {
          query: { bool: { must: { match: { title: word } }, must_not: { terms: { id: [...seenAt.keys()] } } } },
          _source: false, docvalue_fields: ['id'], size: 1000,
        } as never });
        for (const hit of (response.body as unknown as { hits: { hits: { fields: { id: number[] } }[] } }).hits.hits) {
          if (!seenAt.has(hit.fields.id[0]!)) seenAt.set(hit.fields.id[0]!, sent);
        }
        if (!writing && Date.now() - Math.max(...writtenAt.values()) > 10_000) break;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const started = Date.now();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < count; i += 1) {
      // Paced by the clock: write i leaves at started + i / rate, each its own transaction.
      const due = started + (i * 1000) / WRITES_PER_S;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      writes.push(newPost(stack.legacy.pool, ALICE, `Flock ${word} ${i}`).then((id) => void writtenAt.set(id, Date.now())));
    }
    await Promise.all(writes);
    const rate = count / ((Date.now() - started) / 1000);
    writing = false;
    await watching;
    await watcher.close();
    const lags = [...writtenAt].map(([id, at]) => (seenAt.get(id) ?? Infinity) - at).sort((a, b) => a - b);
    const p = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!;
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    const ids = [...writtenAt.keys()].filter((id) => handedAt.has(id));
    const toIndexer = median(ids.map((id) => handedAt.get(id)!.called - writtenAt.get(id)!));
    const upsert = median(ids.map((id) => handedAt.get(id)!.answered - handedAt.get(id)!.called));
    const toSearch = median(ids.map((id) => (seenAt.get(id) ?? Infinity) - handedAt.get(id)!.answered));
    console.log(`[opensearch lag] ${count} posts at ${rate.toFixed(0)}/s: lag p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${lags.at(-1)} ms `
      + `(medians: commit to indexer ${toIndexer} ms, upsert ${upsert} ms, upserted to seen ${toSearch} ms)`);
    expect(rate).toBeGreaterThan(WRITES_PER_S * 0.8);
    expect(seenAt.size).toBe(count);
    expect(p(0.99)).toBeLessThan(1000);
  }, 120_000);
});
