import type { NewEvent } from '../../kit/index.ts';
import { isoUtc, type EventSink } from '../../kit/index.ts';
import type { SqlRunner } from '../db/sql-runner.ts';

export type KnowledgeEventSink = EventSink<'content_published' | 'content_purchased'>;

/** Decimal as the contracts carry it: the numeric column's digits, never a float. */
export function moneyText(value: string | number | null): string {
  if (value === null) return '0';
  const text = String(value);
  return /^-?[0-9]+(\.[0-9]+)?$/.test(text) ? text : String(Number(text));
}

/**
 * content_published for contents just published: what the feed and search need, read where the
 * rows live (the call's or the request's transaction), with the currency's ISO code and the tags.
 */
export async function contentPublishedEvents(sql: SqlRunner, contentIds: readonly number[]): Promise<NewEvent<'content_published'>[]> {
  if (!contentIds.length) return [];
  const rows = await sql.raw<{ id: number; author_id: number | null; content_type: 'course' | 'article' | 'audio' | 'video'; title: string; price: string | null; currency: string | null; published_at: string | null; tag_ids: number[] | null }>(
    `SELECT k.id, k.author_id, k.content_type, k.title, k.price::text AS price, c.name AS currency, to_char(k.published_at, 'YYYY-MM-DD HH24:MI:SS') AS published_at,
            (SELECT array_agg(r.tag_id ORDER BY r.tag_id) FROM knowledge_content_tag_rel r WHERE r.content_id = k.id) AS tag_ids
       FROM knowledge_contents k LEFT JOIN res_currency c ON c.id = k.currency_id
      WHERE k.id = ANY($1::int4[]) ORDER BY k.id`,
    [[...contentIds]],
  );
  return rows.map((r) => ({
    type: 'content_published' as const,
    subject: `hp.knowledge.content/${r.id}`,
    data: {
      contentId: r.id, authorId: r.author_id, contentType: r.content_type, title: r.title, price: moneyText(r.price), currency: r.currency ?? 'CNY',
      ...(r.tag_ids?.length ? { tagIds: r.tag_ids } : {}), publishedAt: isoUtc(r.published_at ?? new Date()),
    },
  }));
}
