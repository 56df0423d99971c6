import { ContentRefused } from './content-refusal.ts';
import { contentPublishedEvents, type KnowledgeEventSink } from './content-events.ts';
import type { SqlRunner } from '../db/sql-runner.ts';

/** What publishing reads of a content. */
export interface PublishFacts {
  id: number;
  title: string;
  published: boolean | null;
}

/**
 * Where publishing reads `self` and writes, on the caller's connection with the caller's checks:
 * `read` is Python's first read of `self` (read ACL and rules, missing ids), `write` is
 * `self.write(vals)` / `rec.write(vals)` (write ACL and rules, audit columns).
 */
export interface ContentStore {
  read(ids: readonly number[]): Promise<Map<number, PublishFacts>>;
  write(ids: readonly number[], vals: { published: boolean; published_at?: string }): Promise<void>;
}

/** hp_knowledge's text (`_("'%s' is already published.", rec.title)`). */
export const alreadyPublishedMessage = (title: string) => `'${title}' is already published.`;

/**
 * `hp.knowledge.content.action_publish`, the same for every client: `for rec in self` in order
 * (duplicates included: the second visit of an id finds it published), each already published
 * one refuses with the addon's text, else `rec.write({'published': True, 'published_at': now})`.
 * Python writes record by record, so a refusal part-way rolls back the earlier writes with the
 * call. Then content_published for each (content's addition: the monolith published nothing).
 */
export async function publishContents(store: ContentStore, rows: SqlRunner, events: KnowledgeEventSink, ids: readonly number[], now: string): Promise<true> {
  const contents = await store.read(ids);
  const published: number[] = [];
  for (const id of ids) {
    const content = contents.get(id)!;
    if (content.published) throw new ContentRefused('state', alreadyPublishedMessage(content.title));
    await store.write([id], { published: true, published_at: now });
    content.published = true;
    published.push(id);
  }
  await events.publish(await contentPublishedEvents(rows, published));
  return true;
}

/** `hp.knowledge.content.action_unpublish`: `self.write({'published': False})`, published_at kept, nothing announced. */
export async function unpublishContents(store: ContentStore, ids: readonly number[]): Promise<true> {
  const unique = [...new Set(ids)];
  if (unique.length) await store.write(unique, { published: false });
  return true;
}
