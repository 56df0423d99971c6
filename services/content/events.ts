import type { EventType, SubscriptionDefinition } from '../kit/index.ts';
import type { ContentDatabase } from './db/tables.ts';

/**
 * What the content service publishes, each a contract in schemas/events/:
 * - content_published: hp.knowledge.content.action_publish (M06), over RPC or REST
 * - content_purchased: a member bought a content and its payment went through (M06)
 * - post_liked: hp.community.post.action_like (M11)
 * - question_answered: an answer to a question, or its acceptance (M12)
 * The monolith published none of them; they start with content's ownership of each module.
 */
export const CONTENT_PUBLISHES = ['content_published', 'content_purchased', 'post_liked', 'question_answered'] as const satisfies readonly EventType[];

/**
 * What content consumes: each part exports its subscriptions from its domain file and adds one
 * spread here (the search indexer follows the row-change feed, not events).
 */
export const CONTENT_SUBSCRIPTIONS: SubscriptionDefinition<ContentDatabase>[] = [];
