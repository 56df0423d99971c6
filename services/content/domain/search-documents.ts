import type { SearchAudience, SearchDocument, SearchKind } from '../../kit/index.ts';

/**
 * What the search index holds of each record, and who may find it (issue 23). The audience
 * follows the record rules content declares (odoo/*-rules.ts), so a backend filtering by it
 * already hides what a viewer may not read; the search route re-checks the hits against the
 * rules anyway (the index may trail a write by up to a second).
 *
 * - hp.knowledge.content: published → everyone; a draft → its author (no author: staff only).
 *   The BODY only when the content is free (price 0 or none): a paid body is readable by its
 *   buyers, its author and staff alone, and a document found by every member must not carry it
 *   (a hit's highlight would show it). A paid content is found by its title and tags.
 * - hp.community.post: published → everyone; hidden → its author; deleted → not indexed (gone
 *   from the platform: nobody searches for it, its author included).
 * - hp.qa.question (+ tags): open or answered → everyone; closed → its asker.
 * - product.template: the mall's products, sale_ok and active → everyone; any other product is
 *   not indexed. Tags: its health category's label.
 */
export const NO_OWNER = 0;

/** Text of an HTML body (fields.Html of a content, sanitised bodies of posts): scripts and styles dropped, tags become spaces, entities decoded. */
export function htmlText(html: string | null): string {
  if (!html) return '';
  return decodeEntities(
    html
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<\/?[a-zA-Z][^>]*>/g, ' '),
  ).replace(/\s+/g, ' ').trim();
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (entity, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : ' ';
    }
    return NAMED[name.toLowerCase()] ?? entity;
  });
}

function iso(value: string | Date | null, fallback: string | Date | null): string {
  const v = value ?? fallback;
  if (v === null) return new Date(0).toISOString();
  if (v instanceof Date) return v.toISOString();
  // timestamp without time zone, UTC by the monolith's convention.
  return new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(v) ? v : `${v.replace(' ', 'T')}Z`).toISOString();
}

const owned = (ownerId: number | null): SearchAudience => ({ everyone: false, ownerId: ownerId ?? NO_OWNER });

export interface ContentRow {
  id: number;
  title: string;
  body: string | null;
  price: string | number | null;
  published: boolean | null;
  author_id: number | null;
  published_at: string | Date | null;
  write_date: string | Date | null;
  create_date: string | Date | null;
}

export function isFree(price: string | number | null): boolean {
  return price === null || Number(price) === 0;
}

export function contentDocument(row: ContentRow, tags: readonly string[]): SearchDocument {
  return {
    kind: 'content', id: row.id, title: row.title, tags,
    body: isFree(row.price) ? htmlText(row.body) : '',
    audience: row.published ? { everyone: true } : owned(row.author_id),
    updatedAt: iso(row.write_date, row.create_date),
  };
}

export interface PostRow {
  id: number;
  title: string;
  body: string | null;
  state: string;
  author_id: number;
  write_date: string | Date | null;
  create_date: string | Date | null;
}

/** Null: the post is not indexed (deleted). */
export function postDocument(row: PostRow): SearchDocument | null {
  if (row.state === 'deleted') return null;
  return {
    kind: 'post', id: row.id, title: row.title, tags: [], body: htmlText(row.body),
    audience: row.state === 'published' ? { everyone: true } : owned(row.author_id),
    updatedAt: iso(row.write_date, row.create_date),
  };
}

export interface QuestionRow {
  id: number;
  title: string;
  body: string | null;
  state: string;
  asker_id: number;
  write_date: string | Date | null;
  create_date: string | Date | null;
}

export function questionDocument(row: QuestionRow, tags: readonly string[]): SearchDocument {
  return {
    kind: 'question', id: row.id, title: row.title, tags, body: htmlText(row.body),
    audience: row.state === 'closed' ? owned(row.asker_id) : { everyone: true },
    updatedAt: iso(row.write_date, row.create_date),
  };
}

export interface ProductRow {
  id: number;
  /** Translated char (jsonb: lang → text). */
  name: Record<string, string> | string | null;
  description_sale: Record<string, string> | string | null;
  hp_health_category: string | null;
  sale_ok: boolean | null;
  active: boolean | null;
  write_date: string | Date | null;
  create_date: string | Date | null;
}

/** hp_mall's selection labels (product.template.hp_health_category). */
export const HEALTH_CATEGORY_LABELS: Record<string, string> = {
  supplement: 'Supplement', device: 'Health Device', food: 'Healthy Food', fitness: 'Fitness Gear', care: 'Personal Care',
};

/** A translated field's text: en_US (the platform's installed language), else any. */
function translated(value: Record<string, string> | string | null): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  return value.en_US ?? Object.values(value)[0] ?? '';
}

/** Null: not a product of the mall (not for sale, or archived). */
export function productDocument(row: ProductRow): SearchDocument | null {
  if (!row.sale_ok || !row.active) return null;
  const category = row.hp_health_category ? HEALTH_CATEGORY_LABELS[row.hp_health_category] ?? row.hp_health_category : null;
  return {
    kind: 'product', id: row.id, title: translated(row.name), tags: category ? [category] : [],
    body: htmlText(translated(row.description_sale)),
    audience: { everyone: true },
    updatedAt: iso(row.write_date, row.create_date),
  };
}

/** The table of each kind's records, and the model the route re-checks rules on. */
export const KIND_SOURCES: Record<SearchKind, { table: string; model: string }> = {
  content: { table: 'knowledge_contents', model: 'hp.knowledge.content' },
  post: { table: 'community_posts', model: 'hp.community.post' },
  question: { table: 'qa_questions', model: 'hp.qa.question' },
  product: { table: 'product_template', model: 'product.template' },
};
