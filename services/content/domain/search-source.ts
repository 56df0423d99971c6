import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { SearchDocument, SearchKind } from '../../kit/index.ts';
import { communityHome, knowledgeHome, qaHome } from '../db/content-home.ts';
import { contentDocument, postDocument, productDocument, questionDocument, type ContentRow, type PostRow, type ProductRow, type QuestionRow } from './search-documents.ts';

/**
 * Where the indexed records are read right now: each module's rows from its home (the monolith
 * until its cutover, svc_content after: db/content-home.ts), the mall's products always from the
 * monolith (product.template stays Odoo's). Asked again for every batch, so a cutover between two
 * batches is followed.
 */
export interface SearchSources {
  /** M06: knowledge_contents, knowledge_content_tag_rel, content_tags. */
  knowledge: pg.Pool;
  /** M11: community_posts. */
  community: pg.Pool;
  /** M12: qa_questions, qa_question_tag_rel. */
  qa: pg.Pool;
  /** product_template; null without a monolith (no products to index). */
  products: pg.Pool | null;
}

export interface SearchSourcePorts {
  /** svc_content (its write-owner rows say where each module lives). */
  db: Kysely<any>;
  pool: pg.Pool;
  legacyPool: pg.Pool | null;
}

export async function searchSourcesNow(ports: SearchSourcePorts): Promise<SearchSources> {
  const poolOf = async (home: typeof knowledgeHome) =>
    (await home.home(ports.db, ports.legacyPool, { hold: false })) === 'service' || !ports.legacyPool ? ports.pool : ports.legacyPool;
  const [knowledge, community, qa] = await Promise.all([poolOf(knowledgeHome), poolOf(communityHome), poolOf(qaHome)]);
  return { knowledge, community, qa, products: ports.legacyPool };
}

/** The documents of these records as they are now; `absent`: records gone or not to be indexed (remove them). */
export interface KindDocuments {
  documents: SearchDocument[];
  absent: number[];
}

async function tagsOf(tagNames: pg.Pool, relation: pg.Pool, table: 'knowledge_content_tag_rel' | 'qa_question_tag_rel', column: 'content_id' | 'question_id', ids: readonly number[]): Promise<Map<number, string[]>> {
  const { rows: links } = await relation.query<{ record: number; tag: number }>(`SELECT ${column} AS record, tag_id AS tag FROM ${table} WHERE ${column} = ANY($1::int4[])`, [ids]);
  const tagIds = [...new Set(links.map((l) => l.tag))];
  const names = new Map<number, string>();
  if (tagIds.length) {
    const { rows } = await tagNames.query<{ id: number; name: string }>('SELECT id, name FROM content_tags WHERE id = ANY($1::int4[])', [tagIds]);
    for (const row of rows) names.set(row.id, row.name);
  }
  const byRecord = new Map<number, string[]>();
  for (const link of links) {
    const name = names.get(link.tag);
    if (name === undefined) continue;
    byRecord.set(link.record, [...(byRecord.get(link.record) ?? []), name]);
  }
  for (const tags of byRecord.values()) tags.sort();
  return byRecord;
}

function split<T extends { id: number }>(ids: readonly number[], rows: readonly T[], build: (row: T) => SearchDocument | null): KindDocuments {
  const documents: SearchDocument[] = [];
  const found = new Set<number>();
  for (const row of rows) {
    const document = build(row);
    if (document) {
      documents.push(document);
      found.add(row.id);
    }
  }
  return { documents, absent: ids.filter((id) => !found.has(id)) };
}

const SELECTS: Record<SearchKind, string> = {
  content: 'SELECT id, title, body, price, published, author_id, published_at, write_date, create_date FROM knowledge_contents',
  post: 'SELECT id, title, body, state, author_id, write_date, create_date FROM community_posts',
  question: 'SELECT id, title, body, state, asker_id, write_date, create_date FROM qa_questions',
  product: 'SELECT id, name, description_sale, hp_health_category, sale_ok, active, write_date, create_date FROM product_template',
};

/** Reads the records of one kind by id (the rows a change named) and builds their documents. */
export async function documentsOf(sources: SearchSources, kind: SearchKind, ids: readonly number[]): Promise<KindDocuments> {
  if (!ids.length) return { documents: [], absent: [] };
  return readKind(sources, kind, `${SELECTS[kind]} WHERE id = ANY($1::int4[])`, [ids], ids);
}

async function readKind(sources: SearchSources, kind: SearchKind, sql: string, params: unknown[], ids: readonly number[] | null): Promise<KindDocuments> {
  switch (kind) {
    case 'content': {
      const { rows } = await sources.knowledge.query<ContentRow>(sql, params);
      const tags = await tagsOf(sources.knowledge, sources.knowledge, 'knowledge_content_tag_rel', 'content_id', rows.map((r) => r.id));
      return split(ids ?? rows.map((r) => r.id), rows, (row) => contentDocument(row, tags.get(row.id) ?? []));
    }
    case 'post': {
      const { rows } = await sources.community.query<PostRow>(sql, params);
      return split(ids ?? rows.map((r) => r.id), rows, postDocument);
    }
    case 'question': {
      const { rows } = await sources.qa.query<QuestionRow>(sql, params);
      const tags = await tagsOf(sources.knowledge, sources.qa, 'qa_question_tag_rel', 'question_id', rows.map((r) => r.id));
      return split(ids ?? rows.map((r) => r.id), rows, (row) => questionDocument(row, tags.get(row.id) ?? []));
    }
    case 'product': {
      if (!sources.products) return { documents: [], absent: [...(ids ?? [])] };
      const { rows } = await sources.products.query<ProductRow>(sql, params);
      return split(ids ?? rows.map((r) => r.id), rows, productDocument);
    }
  }
}

/** The ids of the contents and questions carrying a tag (a renamed tag changes their documents). */
export async function recordsTagged(sources: SearchSources, tagIds: readonly number[]): Promise<{ content: number[]; question: number[] }> {
  if (!tagIds.length) return { content: [], question: [] };
  const [contents, questions] = await Promise.all([
    sources.knowledge.query<{ id: number }>('SELECT DISTINCT content_id AS id FROM knowledge_content_tag_rel WHERE tag_id = ANY($1::int4[])', [tagIds]),
    sources.qa.query<{ id: number }>('SELECT DISTINCT question_id AS id FROM qa_question_tag_rel WHERE tag_id = ANY($1::int4[])', [tagIds]),
  ]);
  return { content: contents.rows.map((r) => r.id), question: questions.rows.map((r) => r.id) };
}

export const SEARCH_KINDS: readonly SearchKind[] = ['content', 'post', 'question', 'product'];

/**
 * Every document, kind by kind in batches by id (a rebuild). The homes are asked once per kind,
 * each batch a keyset page so no row is read twice or skipped while others write.
 */
export async function* allDocuments(ports: SearchSourcePorts, batchSize = 500): AsyncGenerator<SearchDocument[]> {
  for (const kind of SEARCH_KINDS) {
    const sources = await searchSourcesNow(ports);
    if (kind === 'product' && !sources.products) continue;
    let after = 0;
    for (;;) {
      const sql = `${SELECTS[kind]} WHERE id > $1 ORDER BY id LIMIT $2`;
      const page = await readKind(sources, kind, sql, [after, batchSize], null);
      if (page.documents.length) yield page.documents;
      const last = await lastIdOf(sources, kind, after, batchSize);
      if (last === null) break;
      after = last;
    }
  }
}

/** The last id of the page after `after` (pages of rows, whether or not each row becomes a document). */
async function lastIdOf(sources: SearchSources, kind: SearchKind, after: number, batchSize: number): Promise<number | null> {
  const pool = { content: sources.knowledge, post: sources.community, question: sources.qa, product: sources.products }[kind]!;
  const table = { content: 'knowledge_contents', post: 'community_posts', question: 'qa_questions', product: 'product_template' }[kind];
  const { rows } = await pool.query<{ last: number | null; n: string }>(
    `SELECT max(id) AS last, count(*) AS n FROM (SELECT id FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2) page`, [after, batchSize]);
  return rows[0]!.last === null ? null : Number(rows[0]!.last);
}
