import { isoUtc, type RulesSql } from '../../kit/index.ts';
import { build, type SqlRunner } from '../db/sql-runner.ts';
import type { ContentType } from '../db/tables.ts';
import { moneyText } from './content-events.ts';
import { paidBodyShownSql } from './paid-body.ts';

/** A content as REST shows it: `body` only to whom domain/paid-body.ts lets read it (else null, with `bodyHidden`). */
export interface ContentResource {
  id: number;
  title: string;
  type: ContentType;
  author: { id: number; name: string } | null;
  price: string;
  currency: string;
  tags: { id: number; name: string }[];
  purchaseCount: number;
  published: boolean;
  publishedAt: string | null;
  /** Whether the caller bought it. */
  purchased: boolean;
}

export interface ContentDetail extends ContentResource {
  body: string | null;
  /** true when the content has a paid body the caller may not read (buy it first). */
  bodyHidden: boolean;
}

/** The listing's orders: newest first (published_at desc, id desc: hp.knowledge.content's _order), by price, by purchases. */
export const CONTENT_SORTS = ['relevance', 'newest', 'price', '-price', 'popularity'] as const;
export type ContentSort = (typeof CONTENT_SORTS)[number];

export interface CatalogueFilter {
  /** The caller's read rules over `k` (rulesSql with 0 parameters before). */
  visible: RulesSql;
  uid: number;
  type?: ContentType;
  /** A tag's exact name. */
  tag?: string;
  authorId?: number;
  priceMin?: string;
  priceMax?: string;
  /** Full-text matches from the search port, best first: only these, and `relevance` orders by them. */
  matches?: readonly number[];
  sort: ContentSort;
  limit: number;
  offset: number;
}

interface ContentRow {
  id: number;
  title: string;
  content_type: ContentType;
  author_id: number | null;
  author_name: string | null;
  price: string | null;
  currency: string | null;
  purchase_count: number | null;
  published: boolean | null;
  published_at: string | null;
  purchased: boolean;
  tags: { id: number; name: string }[] | null;
}

const COLUMNS = (uidParam: string) => `k.id, k.title, k.content_type, k.author_id, ap.name AS author_name, k.price::text AS price, c.name AS currency,
  k.purchase_count, k.published, to_char(k.published_at, 'YYYY-MM-DD HH24:MI:SS') AS published_at,
  EXISTS (SELECT 1 FROM content_purchases mine WHERE mine.content_id = k.id AND mine.buyer_id = ${uidParam}) AS purchased,
  (SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name, t.id) FROM knowledge_content_tag_rel r JOIN content_tags t ON t.id = r.tag_id WHERE r.content_id = k.id) AS tags`;
const JOINS = `FROM knowledge_contents k LEFT JOIN res_users au ON au.id = k.author_id LEFT JOIN res_partner ap ON ap.id = au.partner_id LEFT JOIN res_currency c ON c.id = k.currency_id`;

function resourceOf(row: ContentRow): ContentResource {
  return {
    id: row.id, title: row.title, type: row.content_type,
    author: row.author_id === null ? null : { id: row.author_id, name: row.author_name ?? '' },
    price: moneyText(row.price), currency: row.currency ?? 'CNY', tags: row.tags ?? [], purchaseCount: row.purchase_count ?? 0,
    published: row.published === true, publishedAt: row.published_at ? isoUtc(row.published_at) : null, purchased: row.purchased,
  };
}

const ORDER: Record<Exclude<ContentSort, 'relevance'>, string> = {
  newest: 'k.published_at DESC NULLS LAST, k.id DESC',
  price: 'k.price ASC NULLS FIRST, k.id DESC',
  '-price': 'k.price DESC NULLS LAST, k.id DESC',
  popularity: 'k.purchase_count DESC NULLS LAST, k.published_at DESC NULLS LAST, k.id DESC',
};

/**
 * The catalogue: published paid contents (price > 0) the caller's read rules include, with the
 * filters, one page in the asked order, and the total.
 */
export async function listCatalogue(run: SqlRunner, filter: CatalogueFilter): Promise<{ items: ContentResource[]; total: number }> {
  const values: unknown[] = [...filter.visible.parameters];
  const where = [`(${filter.visible.sql})`, 'k.published', 'k.price > 0'];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filter.type !== undefined) where.push(`k.content_type = ${param(filter.type)}`);
  if (filter.authorId !== undefined) where.push(`k.author_id = ${param(filter.authorId)}`);
  if (filter.priceMin !== undefined) where.push(`k.price >= ${param(filter.priceMin)}::numeric`);
  if (filter.priceMax !== undefined) where.push(`k.price <= ${param(filter.priceMax)}::numeric`);
  if (filter.tag !== undefined) where.push(`EXISTS (SELECT 1 FROM knowledge_content_tag_rel tr JOIN content_tags tt ON tt.id = tr.tag_id WHERE tr.content_id = k.id AND tt.name = ${param(filter.tag)})`);
  let order = ORDER[filter.sort === 'relevance' ? 'newest' : filter.sort];
  if (filter.matches) {
    const matches = param([...filter.matches]);
    where.push(`k.id = ANY(${matches}::int4[])`);
    if (filter.sort === 'relevance') order = `array_position(${matches}::int4[], k.id), k.id`;
  }
  const uid = param(filter.uid);
  const limit = param(filter.limit);
  const offset = param(filter.offset);
  const rows = await run.raw<ContentRow & { total: string }>(
    `SELECT ${COLUMNS(uid)}, count(*) OVER () AS total ${JOINS} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    values,
  );
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && filter.offset > 0) {
    const counted = await run.raw<{ n: string }>(`SELECT count(*) AS n ${JOINS} WHERE ${where.join(' AND ')}`, values.slice(0, values.length - 3));
    total = Number(counted[0]?.n ?? 0);
  }
  return { items: rows.map(resourceOf), total };
}

/**
 * One content (the caller may read it: the route checked the rules), with its body when the
 * paid-body rule (domain/paid-body.ts) lets `uid` read it.
 */
export async function readContent(run: SqlRunner, id: number, uid: number): Promise<ContentDetail | undefined> {
  // The rule's SQL holds literals only (no parameters): it reads as text beside this query's own.
  const bodyShown = paidBodyShownSql('k', uid).compile(build).sql;
  const [row] = await run.raw<ContentRow & { body: string | null; body_shown: boolean }>(
    `SELECT ${COLUMNS('$2')}, k.body, ${bodyShown} AS body_shown ${JOINS} WHERE k.id = $1`,
    [id, uid],
  );
  if (!row) return undefined;
  const hidden = !row.body_shown;
  return { ...resourceOf(row), body: hidden ? null : row.body, bodyHidden: hidden && !!row.body };
}
