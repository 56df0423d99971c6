import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.ts';
import { OpenSearchSearchBackend } from '../../../services/kit/search/opensearch-backend.ts';
import type { SearchKind } from '../../../services/kit/search/search-port.ts';
import type { ContentDatabase } from '../../../services/content/db/tables.ts';
import { SearchIndexer } from '../../../services/content/domain/search-indexer.ts';
import { SearchFeeds } from '../../../services/content/domain/search-stream.ts';
import content from '../../../services/content/index.ts';
import { acquireOpenSearch, openSearchAvailable, releaseOpenSearch } from '../../support/opensearch.ts';
import type { ServiceRestStack } from '../../support/service-rest-stack.ts';
import { startServiceSides, type ServiceSides } from '../../support/service-sides.ts';

/**
 * Content's search with the distributed backend (SEARCH_BACKEND=opensearch), end to end: the
 * indexer rebuilds the demo data into an OpenSearch index, the real row-change feeds carry every
 * write there, and GET /search answers from it with the audience and the record rules. (Bar 3's
 * lag on OpenSearch: test/services/content/search-lag.db.test.ts runs for every backend.)
 */
const CONTENT_TABLES = ['content_tags', 'knowledge_contents', 'knowledge_content_tag_rel', 'content_purchases', 'community_posts', 'comments', 'qa_questions', 'qa_question_tag_rel', 'qa_answers'];
const OPERATOR = 302;
const [ALICE, BOB] = [6, 7];

const available = openSearchAvailable();
let sides: ServiceSides<ContentDatabase>;
let stack: ServiceRestStack<ContentDatabase>;
let backend: OpenSearchSearchBackend;
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
    // With the gateway's dispatch beside it: products are asked of whoever serves product.template.
    sides = await startServiceSides<ContentDatabase>({ definition: content, tables: CONTENT_TABLES, owner: 'legacy' });
    stack = sides.stack;
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: stack.service.pool }) });
    backend = new OpenSearchSearchBackend({ url, index: alias });
    await backend.ensureIndex();
    indexer = new SearchIndexer({ backend, ports: { db, pool: stack.service.pool, legacyPool: stack.legacy.pool } });
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
    await sides?.stop();
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
});
